// Containers (ipywidgets' Box, HBox, VBox, Tab, Accordion): children laid out in a row, a column,
// tabs or collapsible sections.
import { DOMWidget, oneOf, type DOMWidgetOptions } from "./domwidget.js";
import { Widget, type ModelSpec, type State } from "./widget.js";

export interface BoxOptions extends DOMWidgetOptions {
  children?: Widget[];
  boxStyle?: "success" | "info" | "warning" | "danger" | "";
}
export interface Box {
  children: Widget[];
  boxStyle: "success" | "info" | "warning" | "danger" | "";
}

const boxSpec = (modelName: string, viewName: string, traits: Record<string, unknown> = {}): ModelSpec =>
  Widget.extend(DOMWidget.spec, { modelName, viewName, traits: { children: [], box_style: "", ...traits } });

export class Box extends DOMWidget {
  static spec = boxSpec("BoxModel", "BoxView");

  /** `new HBox([a, b])` or `new HBox({ children: [a, b], ... })`; both forms take options after children. */
  constructor(children: Widget[] | BoxOptions = {}, options: BoxOptions = {}) {
    super(Array.isArray(children) ? { ...options, children } : children);
  }

  protected validate(name: string, value: unknown): unknown {
    if (name === "children") {
      if (!Array.isArray(value) || !value.every((c) => c instanceof Widget)) throw new TypeError(`${this.constructor.name}: children must be an array of widgets, got ${Array.isArray(value) ? value.map((c) => (c instanceof Widget ? c.constructor.name : typeof c)).join(", ") : typeof value}`);
      return [...value];
    }
    if (name === "box_style") return oneOf(this.constructor.name, name, value, ["success", "info", "warning", "danger", ""]);
    return super.validate(name, value);
  }
}

export class HBox extends Box {
  static spec = boxSpec("HBoxModel", "HBoxView");
}

export class VBox extends Box {
  static spec = boxSpec("VBoxModel", "VBoxView");
}

export interface SelectionContainerOptions extends BoxOptions {
  titles?: string[];
  selectedIndex?: number | null;
}
export interface SelectionContainer {
  titles: string[];
  selectedIndex: number | null;
}

/** Tab and Accordion: a title per child (padded with ""), and which child is shown. */
export abstract class SelectionContainer extends Box {
  constructor(children: Widget[] | SelectionContainerOptions = {}, options: SelectionContainerOptions = {}) {
    super(children, options);
  }

  protected validate(name: string, value: unknown): unknown {
    if (name === "titles") {
      if (!Array.isArray(value) || !value.every((t) => typeof t === "string")) throw new TypeError(`${this.constructor.name}: titles must be an array of strings, got ${JSON.stringify(value)}`);
      const n = (this.state.children as Widget[]).length;
      return [...value, ...Array(Math.max(0, n - value.length)).fill("")].slice(0, Math.max(n, value.length));
    }
    if (name === "selected_index") {
      const n = (this.state.children as Widget[]).length;
      if (value !== null && (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value >= n)) throw new RangeError(`${this.constructor.name}: selected_index must be null or an integer in [0, ${n - 1}], got ${JSON.stringify(value)}`);
      return value;
    }
    return super.validate(name, value);
  }

  protected finish(): void {
    const n = (this.state.children as Widget[]).length;
    const titles = this.state.titles as string[];
    this.state.titles = [...titles, ...Array(Math.max(0, n - titles.length)).fill("")];
    super.finish();
  }

  set(patch: State): void {
    super.set(patch);
    if ("children" in patch) {
      const n = (this.state.children as Widget[]).length;
      const titles = (this.state.titles as string[]).slice(0, n);
      super.set({ titles: [...titles, ...Array(Math.max(0, n - titles.length)).fill("")] });
      const i = this.state.selected_index as number | null;
      if (i !== null && i >= n) super.set({ selected_index: n ? n - 1 : null });
    }
  }

  setTitle(index: number, title: string): this {
    const titles = [...(this.state.titles as string[])];
    titles[index] = title;
    this.set({ titles });
    return this;
  }

  getTitle(index: number): string | undefined {
    return (this.state.titles as string[])[index];
  }
}

export class Tab extends SelectionContainer {
  static spec = boxSpec("TabModel", "TabView", { titles: [], selected_index: null });

  /** The first tab is shown when there are children (ipywidgets 8). */
  protected configure(options: Record<string, unknown>): Record<string, unknown> {
    if (options.selectedIndex === undefined && Array.isArray(options.children) && options.children.length) options.selectedIndex = 0;
    return super.configure(options);
  }
}

export class Accordion extends SelectionContainer {
  static spec = boxSpec("AccordionModel", "AccordionView", { titles: [], selected_index: null });
}
