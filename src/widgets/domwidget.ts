// DOMWidget (a model with a view: layout, CSS classes, tooltip) and DescriptionWidget (a label and a style).
import { Layout, type LayoutOptions } from "./layout.js";
import { DescriptionStyle } from "./style.js";
import { CONTROLS, CONTROLS_VERSION, Widget, type ModelSpec } from "./widget.js";

export interface DOMWidgetOptions {
  layout?: Layout | LayoutOptions;
  tabbable?: boolean | null;
  tooltip?: string | null;
}

export interface DOMWidget {
  layout: Layout;
  tabbable: boolean | null;
  tooltip: string | null;
}

export class DOMWidget extends Widget {
  static spec: ModelSpec = Widget.extend(Widget.spec, {
    modelName: "DOMWidgetModel",
    modelModule: CONTROLS,
    modelModuleVersion: CONTROLS_VERSION,
    viewModule: CONTROLS,
    viewModuleVersion: CONTROLS_VERSION,
    traits: { _dom_classes: [], layout: () => new Layout(), tabbable: null, tooltip: null },
  });

  protected validate(name: string, value: unknown): unknown {
    if (name === "layout") {
      if (value instanceof Layout) return value;
      if (value && typeof value === "object") return new Layout(value as LayoutOptions);
      throw new TypeError(`${this.constructor.name}: layout must be a Layout or its options, got ${JSON.stringify(value)}`);
    }
    return super.validate(name, value);
  }

  /** The CSS classes of the view (ipywidgets' add_class / remove_class). */
  addClass(name: string): this {
    const classes = this.get("_dom_classes") as string[];
    if (!classes.includes(name)) this.set({ _dom_classes: [...classes, name] });
    return this;
  }

  removeClass(name: string): this {
    this.set({ _dom_classes: (this.get("_dom_classes") as string[]).filter((c) => c !== name) });
    return this;
  }

  get domClasses(): readonly string[] {
    return this.get("_dom_classes") as string[];
  }
}

export interface DescriptionOptions extends DOMWidgetOptions {
  description?: string;
  descriptionAllowHtml?: boolean;
  style?: Widget | Record<string, unknown>;
}

export interface DescriptionWidget {
  description: string;
  descriptionAllowHtml: boolean;
  style: Widget;
}

export class DescriptionWidget extends DOMWidget {
  /** The style model this widget makes for itself. */
  static styleClass: new (options?: object) => Widget = DescriptionStyle;

  static spec: ModelSpec = Widget.extend(DOMWidget.spec, {
    traits: { description: "", description_allow_html: false, style: undefined },
  });

  protected configure(options: Record<string, unknown>): Record<string, unknown> {
    const Style = (this.constructor as typeof DescriptionWidget).styleClass;
    const given = options.style;
    delete options.style;
    this.state.style = given instanceof Widget ? given : new Style(given ?? {});
    return super.configure(options);
  }

  protected extraOptions(): string[] {
    return ["style"];
  }

  protected validate(name: string, value: unknown): unknown {
    if (name === "description" && typeof value !== "string") throw new TypeError(`${this.constructor.name}: description must be a string, got ${JSON.stringify(value)}`);
    return super.validate(name, value);
  }
}

/** A trait's value must be one of these (ipywidgets' CaselessStrEnum), else a TypeError naming both. */
export function oneOf(widget: string, name: string, value: unknown, allowed: readonly unknown[]): unknown {
  if (!allowed.includes(value)) throw new TypeError(`${widget}: ${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${JSON.stringify(value)}`);
  return value;
}
