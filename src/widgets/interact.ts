// interact / interactive (ipywidgets' interact): controls made from abbreviations of their values, and
// an Output where fn's prints and result appear, run again whenever a control changes.
//
// Porting note: fn takes one object ({ x, y }) where Python's takes keyword arguments. JavaScript has no
// tuples, so [min, max] and [min, max, step] of numbers make a slider (IntSlider when all are integers,
// else FloatSlider) and any other array makes a Dropdown; a number makes an IntSlider when it is an
// integer (Python's 1.0 would be a FloatSlider).
import { display } from "../display/display.js";
import { Checkbox } from "./checkbox.js";
import { VBox } from "./box.js";
import { Dropdown } from "./selection.js";
import { FloatSlider, IntSlider } from "./sliders.js";
import { Output } from "./output.js";
import { Text } from "./text.js";
import { Widget } from "./widget.js";

type ValueWidget = Widget & { value: unknown; description?: string };

/** The control for one abbreviation (ipywidgets' widget_from_abbrev). */
export function widgetFromAbbrev(name: string, abbrev: unknown): ValueWidget {
  if (abbrev instanceof Widget) {
    if (!("value" in abbrev)) throw new TypeError(`interact: the widget given for ${name} (${abbrev.constructor.name}) has no value`);
    const w = abbrev as ValueWidget;
    if ("description" in w && !w.description) w.description = name;
    return w;
  }
  if (typeof abbrev === "boolean") return new Checkbox({ value: abbrev, description: name });
  if (typeof abbrev === "string") return new Text({ value: abbrev, description: name });
  if (typeof abbrev === "number") {
    // ipywidgets: min, max = -value, 3 * value (0 gives [0, 1]); the value itself in the middle.
    const [min, max] = abbrev === 0 ? [0, 1] : abbrev > 0 ? [-abbrev, 3 * abbrev] : [3 * abbrev, -abbrev];
    return Number.isInteger(abbrev) ? new IntSlider({ value: abbrev, min, max, description: name }) : new FloatSlider({ value: abbrev, min, max, description: name });
  }
  if (Array.isArray(abbrev) && (abbrev.length === 2 || abbrev.length === 3) && abbrev.every((v) => typeof v === "number")) {
    const [min, max, step] = abbrev as number[];
    if (min > max) throw new RangeError(`interact: ${name}'s range [${abbrev.join(", ")}] has min above max`);
    const integer = abbrev.every((v) => Number.isInteger(v));
    // ipywidgets: the middle of the range, put on a step.
    let value = integer ? min + Math.floor((max - min) / 2) : min + (max - min) / 2;
    if (step !== undefined) value = min + Math.trunc((value - min) / step) * step;
    return integer ? new IntSlider({ value, min, max, step: step ?? 1, description: name }) : new FloatSlider({ value, min, max, step: step ?? 0.1, description: name });
  }
  if (Array.isArray(abbrev)) return new Dropdown({ options: abbrev, description: name });
  throw new TypeError(`interact: cannot make a control for ${name} from ${JSON.stringify(abbrev)}: give a boolean, string, number, [min, max(, step)], an array of options or a widget`);
}

export interface Interactive<K extends string = string> {
  children: Widget[];
}

/** The box interactive() returns: its controls by name, the output, the last result. */
export class Interactive<K extends string = string> extends VBox {
  declare controls: Record<K, ValueWidget>;
  declare out: Output;
  declare result: unknown;
  declare private fn: (kwargs: Record<K, unknown>) => unknown;

  /** The current values, by name. */
  get kwargs(): Record<K, unknown> {
    return Object.fromEntries(Object.entries(this.controls).map(([k, w]) => [k, (w as ValueWidget).value])) as Record<K, unknown>;
  }

  /** Runs fn with the current values (ipywidgets' update): its output replaces the last. */
  async update(): Promise<void> {
    await this.out.clearOutput({ wait: true });
    await this.out.capture(async () => {
      try {
        this.result = await this.fn(this.kwargs);
        if (this.result !== undefined) display(this.result);
      } catch (e) {
        process.stderr.write(`${(e as Error)?.stack ?? e}\n`);
      }
    });
  }

  static make<K extends string>(fn: (kwargs: Record<K, unknown>) => unknown, spec: Record<K, unknown>): Interactive<K> {
    const controls = Object.fromEntries(Object.entries(spec).map(([k, a]) => [k, widgetFromAbbrev(k, a)])) as Record<K, ValueWidget>;
    const out = new Output();
    const box = new Interactive<K>({ children: [...Object.values<ValueWidget>(controls), out] });
    box.addClass("widget-interact");
    box.controls = controls;
    box.out = out;
    box.fn = fn;
    for (const w of Object.values<ValueWidget>(controls)) w.observe(() => void box.update(), "value");
    return box;
  }
}

/** The controls and output for fn, run once now; shown by displaying it (ipywidgets' interactive). */
export function interactive<K extends string>(fn: (kwargs: Record<K, unknown>) => unknown, spec: Record<K, unknown>): Interactive<K> {
  const box = Interactive.make(fn, spec);
  void box.update();
  return box;
}

/** Shows fn's controls and output, as ipywidgets' interact(f, x=...) does; returns fn. */
export function interact<K extends string, F extends (kwargs: Record<K, unknown>) => unknown>(fn: F, spec: Record<K, unknown>): F {
  const box = Interactive.make(fn, spec);
  display(box);
  void box.update();
  return fn;
}
