// Single selection (ipywidgets' Dropdown, RadioButtons, ToggleButtons): the front end shows the labels
// and syncs `index`; value and label are the kernel's, looked up from the options.
//
// Porting note: options are an array of values (each labelled String(value)) or of [label, value] pairs;
// Python's dict form is not taken. A float such as 1.0 is labelled "1" (JavaScript's String), not "1.0".
import { DescriptionWidget, oneOf, type DescriptionOptions } from "./domwidget.js";
import { ToggleButtonsStyle } from "./style.js";
import { Widget, type ModelSpec, type State } from "./widget.js";

export type Options<T> = readonly T[] | readonly (readonly [string, T])[];

export interface SelectionOptions<T> extends DescriptionOptions {
  options?: Options<T>;
  value?: T | null;
  label?: string | null;
  index?: number | null;
  disabled?: boolean;
}

function pairs<T>(widget: string, options: unknown): [string, T][] {
  if (!Array.isArray(options)) throw new TypeError(`${widget}: options must be an array of values or of [label, value] pairs, got ${JSON.stringify(options)}`);
  return options.map((o) => (Array.isArray(o) && o.length === 2 && typeof o[0] === "string" ? [o[0], o[1] as T] : [String(o), o as T]));
}

export interface Selection<T> {
  index: number | null;
  disabled: boolean;
}

export abstract class Selection<T> extends DescriptionWidget {
  private get pairs(): [string, T][] {
    return ((this as unknown as { _pairs?: [string, T][] })._pairs ??= []);
  }
  private set pairs(p: [string, T][]) {
    (this as unknown as { _pairs?: [string, T][] })._pairs = p;
  }

  protected configure(options: Record<string, unknown>): Record<string, unknown> {
    this.pairs = pairs<T>(this.constructor.name, options.options ?? []);
    this.state._options_labels = this.pairs.map(([l]) => l);
    let index: number | null = this.pairs.length ? 0 : null;
    if (options.index !== undefined && options.index !== null) index = this.checkIndex(options.index);
    if (options.label !== undefined && options.label !== null) index = this.indexOfLabel(options.label as string);
    if (options.value !== undefined && options.value !== null) index = this.indexOfValue(options.value as T);
    if (options.index === null || (options.value === null && options.index === undefined)) index = null;
    this.state.index = index;
    for (const k of ["options", "index", "label", "value"]) delete options[k];
    return super.configure(options);
  }

  protected extraOptions(): string[] {
    return ["options", "value", "label", "index"];
  }

  private checkIndex(i: unknown): number | null {
    if (i === null) return null;
    if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= this.pairs.length) throw new RangeError(`${this.constructor.name}: index must be null or an integer in [0, ${this.pairs.length - 1}], got ${JSON.stringify(i)}`);
    return i;
  }

  private indexOfValue(v: T): number {
    const i = this.pairs.findIndex(([, x]) => x === v || JSON.stringify(x) === JSON.stringify(v));
    if (i < 0) throw new RangeError(`${this.constructor.name}: invalid selection: ${JSON.stringify(v)} is none of the options' values (${this.pairs.map(([, x]) => JSON.stringify(x)).join(", ")})`);
    return i;
  }

  private indexOfLabel(label: string): number {
    const i = this.pairs.findIndex(([l]) => l === label);
    if (i < 0) throw new RangeError(`${this.constructor.name}: invalid selection: no option is labelled ${JSON.stringify(label)}`);
    return i;
  }

  protected validate(name: string, value: unknown): unknown {
    if (name === "index") return this.checkIndex(value);
    return super.validate(name, value);
  }

  set(patch: State): void {
    const before = this.state.index as number | null;
    super.set(patch);
    const after = this.state.index as number | null;
    if (before !== after) {
      const at = (i: number | null) => (i === null ? [null, null] : this.pairs[i]);
      this.notify({ name: "label", old: at(before)[0], new: at(after)[0], owner: this, type: "change" });
      this.notify({ name: "value", old: at(before)[1], new: at(after)[1], owner: this, type: "change" });
    }
  }

  /** The selected option's value (null when nothing is selected). */
  get value(): T | null {
    const i = this.state.index as number | null;
    return i === null ? null : this.pairs[i][1];
  }
  set value(v: T | null) {
    this.set({ index: v === null ? null : this.indexOfValue(v) });
  }

  get label(): string | null {
    const i = this.state.index as number | null;
    return i === null ? null : this.pairs[i][0];
  }
  set label(l: string | null) {
    this.set({ index: l === null ? null : this.indexOfLabel(l) });
  }

  get options(): readonly T[] {
    return this.pairs.map(([, v]) => v);
  }
  /** New options: the selection moves to the first (none when empty), as ipywidgets does. */
  set options(options: Options<T>) {
    this.pairs = pairs<T>(this.constructor.name, options);
    this.set({ _options_labels: this.pairs.map(([l]) => l), index: this.pairs.length ? 0 : null });
  }
}

function selectionSpec(modelName: string, viewName: string, traits: Record<string, unknown>): ModelSpec {
  return Widget.extend(DescriptionWidget.spec, { modelName, viewName, traits: { _options_labels: [], index: null, disabled: false, ...traits } });
}

export class Dropdown<T = unknown> extends Selection<T> {
  static spec = selectionSpec("DropdownModel", "DropdownView", {});
  constructor(options: SelectionOptions<T> = {}) {
    super(options);
  }
}

export interface RadioButtonsOptions<T> extends SelectionOptions<T> {
  orientation?: "horizontal" | "vertical";
}
export interface RadioButtons<T> {
  orientation: "horizontal" | "vertical";
}
export class RadioButtons<T = unknown> extends Selection<T> {
  static spec = selectionSpec("RadioButtonsModel", "RadioButtonsView", { orientation: "vertical" });
  constructor(options: RadioButtonsOptions<T> = {}) {
    super(options);
  }
  protected validate(name: string, value: unknown): unknown {
    if (name === "orientation") return oneOf("RadioButtons", name, value, ["horizontal", "vertical"]);
    return super.validate(name, value);
  }
}

export type ButtonStyleName = "primary" | "success" | "info" | "warning" | "danger" | "";
export const BUTTON_STYLES = ["primary", "success", "info", "warning", "danger", ""] as const;

export interface ToggleButtonsOptions<T> extends SelectionOptions<T> {
  buttonStyle?: ButtonStyleName;
  icons?: string[];
  tooltips?: string[];
}
export interface ToggleButtons<T> {
  buttonStyle: ButtonStyleName;
  icons: string[];
  tooltips: string[];
}
export class ToggleButtons<T = unknown> extends Selection<T> {
  static styleClass = ToggleButtonsStyle;
  static spec = selectionSpec("ToggleButtonsModel", "ToggleButtonsView", { button_style: "", icons: [], tooltips: [] });
  constructor(options: ToggleButtonsOptions<T> = {}) {
    super(options);
  }
  protected validate(name: string, value: unknown): unknown {
    if (name === "button_style") return oneOf("ToggleButtons", name, value, BUTTON_STYLES);
    return super.validate(name, value);
  }
}
