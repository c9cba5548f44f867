// Progress bars (ipywidgets' IntProgress, FloatProgress): a bounded value, shown, not edited.
import { DescriptionWidget, oneOf, type DescriptionOptions } from "./domwidget.js";
import { ProgressStyle } from "./style.js";
import { Widget, type ModelSpec, type State } from "./widget.js";

export interface ProgressOptions extends DescriptionOptions {
  value?: number;
  min?: number;
  max?: number;
  orientation?: "horizontal" | "vertical";
  barStyle?: "success" | "info" | "warning" | "danger" | "";
}
export interface Progress {
  value: number;
  min: number;
  max: number;
  orientation: "horizontal" | "vertical";
  barStyle: "success" | "info" | "warning" | "danger" | "";
}

const progressSpec = (modelName: string): ModelSpec =>
  Widget.extend(DescriptionWidget.spec, { modelName, viewName: "ProgressView", traits: { value: 0, min: 0, max: 100, orientation: "horizontal", bar_style: "" } });

export abstract class Progress extends DescriptionWidget {
  static styleClass = ProgressStyle;

  protected validate(name: string, value: unknown): unknown {
    if (name === "value" || name === "min" || name === "max") {
      if (typeof value !== "number" || Number.isNaN(value)) throw new TypeError(`${this.constructor.name}: ${name} must be a number, got ${JSON.stringify(value)}`);
      if (this instanceof IntProgress && !Number.isInteger(value)) throw new TypeError(`IntProgress: ${name} must be an integer, got ${value}`);
      if (name === "value" && !this.constructing) return Math.min(Math.max(value, this.state.min as number), this.state.max as number);
      return value;
    }
    if (name === "orientation") return oneOf(this.constructor.name, name, value, ["horizontal", "vertical"]);
    if (name === "bar_style") return oneOf(this.constructor.name, name, value, ["success", "info", "warning", "danger", ""]);
    return super.validate(name, value);
  }

  protected finish(): void {
    const { min, max, value } = this.state as { min: number; max: number; value: number };
    if (min > max) throw new RangeError(`${this.constructor.name}: min (${min}) must not be above max (${max})`);
    this.state.value = Math.min(Math.max(value, min), max);
  }

  set(patch: State): void {
    super.set(patch);
    const { min, max, value } = this.state as { min: number; max: number; value: number };
    if (value < min || value > max) super.set({ value: Math.min(Math.max(value, min), max) });
  }
}

export class IntProgress extends Progress {
  static spec = progressSpec("IntProgressModel");
  constructor(options: ProgressOptions = {}) {
    super(options);
  }
}

export class FloatProgress extends Progress {
  static spec = progressSpec("FloatProgressModel");
  constructor(options: ProgressOptions = {}) {
    super(options);
  }
}
