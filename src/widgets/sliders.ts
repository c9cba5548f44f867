// Sliders (ipywidgets' IntSlider, FloatSlider, FloatLogSlider, IntRangeSlider): a bounded number the front
// end's slider edits. Values outside [min, max] are clamped, as ipywidgets does.
import { DescriptionWidget, oneOf, type DescriptionOptions } from "./domwidget.js";
import { SliderStyle } from "./style.js";
import { Widget, type ModelSpec, type State } from "./widget.js";

export interface SliderOptions<T> extends DescriptionOptions {
  value?: T;
  min?: number;
  max?: number;
  step?: number | null;
  orientation?: "horizontal" | "vertical";
  readout?: boolean;
  readoutFormat?: string;
  continuousUpdate?: boolean;
  disabled?: boolean;
  behavior?: "drag-tap" | "drag-snap" | "tap" | "drag" | "snap";
}

export interface Slider<T> {
  value: T;
  min: number;
  max: number;
  step: number | null;
  orientation: "horizontal" | "vertical";
  readout: boolean;
  readoutFormat: string;
  continuousUpdate: boolean;
  disabled: boolean;
  behavior: string;
}

const SLIDER = { orientation: "horizontal", readout: true, continuous_update: true, disabled: false, behavior: "drag-tap" };

function sliderSpec(modelName: string, viewName: string, traits: Record<string, unknown>): ModelSpec {
  return Widget.extend(DescriptionWidget.spec, { modelName, viewName, traits: { ...SLIDER, ...traits } });
}

/** Shared by every slider: checks of the common traits, clamping after min or max move. */
export abstract class Slider<T> extends DescriptionWidget {
  static styleClass = SliderStyle;
  protected number(name: string, value: unknown): number {
    if (typeof value !== "number" || Number.isNaN(value)) throw new TypeError(`${this.constructor.name}: ${name} must be a number, got ${JSON.stringify(value)}`);
    if (this.isInteger() && !Number.isInteger(value)) throw new TypeError(`${this.constructor.name}: ${name} must be an integer, got ${value}`);
    return value;
  }

  protected isInteger(): boolean {
    return /^Int/.test((this.constructor as typeof Widget).spec.modelName);
  }

  protected validate(name: string, value: unknown): unknown {
    switch (name) {
      case "min":
        this.number(name, value);
        if (!this.constructing && (value as number) > (this.state.max as number)) throw new RangeError(`${this.constructor.name}: min (${value}) must not be above max (${this.state.max})`);
        return value;
      case "max":
        this.number(name, value);
        if (!this.constructing && (value as number) < (this.state.min as number)) throw new RangeError(`${this.constructor.name}: max (${value}) must not be below min (${this.state.min})`);
        return value;
      case "step":
        return value === null ? null : this.number(name, value);
      case "orientation":
        return oneOf(this.constructor.name, name, value, ["horizontal", "vertical"]);
      case "behavior":
        return oneOf(this.constructor.name, name, value, ["drag-tap", "drag-snap", "tap", "drag", "snap"]);
      case "value":
        return this.clamp(value);
    }
    return super.validate(name, value);
  }

  protected abstract clamp(value: unknown): T;

  protected finish(): void {
    if ((this.state.min as number) > (this.state.max as number)) throw new RangeError(`${this.constructor.name}: min (${this.state.min}) must not be above max (${this.state.max})`);
    this.state.value = this.clamp(this.state.value); // the default value too, when the bounds moved away from it
    super.finish();
  }

  set(patch: State): void {
    super.set(patch);
    if ("min" in patch || "max" in patch) {
      const v = this.clamp(this.state.value);
      if (JSON.stringify(v) !== JSON.stringify(this.state.value)) super.set({ value: v });
    }
  }
}

abstract class NumberSlider extends Slider<number> {
  protected clamp(value: unknown): number {
    const v = this.number("value", value);
    return Math.min(Math.max(v, this.state.min as number), this.state.max as number);
  }
}

export class IntSlider extends NumberSlider {
  static spec = sliderSpec("IntSliderModel", "IntSliderView", { value: 0, min: 0, max: 100, step: 1, readout_format: "d" });
  constructor(options: SliderOptions<number> = {}) {
    super(options);
  }
}

export class FloatSlider extends NumberSlider {
  static spec = sliderSpec("FloatSliderModel", "FloatSliderView", { value: 0, min: 0, max: 100, step: 0.1, readout_format: ".2f" });
  constructor(options: SliderOptions<number> = {}) {
    super(options);
  }
}

export interface FloatLogSliderOptions extends SliderOptions<number> {
  /** The base of the exponents min and max (10). */
  base?: number;
}
export interface FloatLogSlider {
  base: number;
}

/** A slider over exponents: value runs from base**min to base**max. */
export class FloatLogSlider extends NumberSlider {
  static spec = sliderSpec("FloatLogSliderModel", "FloatLogSliderView", { value: 1, min: 0, max: 4, step: 0.1, readout_format: ".3g", base: 10 });
  constructor(options: FloatLogSliderOptions = {}) {
    super(options);
  }

  protected clamp(value: unknown): number {
    const v = this.number("value", value);
    const b = this.state.base as number;
    return Math.min(Math.max(v, b ** (this.state.min as number)), b ** (this.state.max as number));
  }

  protected validate(name: string, value: unknown): unknown {
    if (name === "base") return this.number(name, value);
    return super.validate(name, value);
  }
}

/** Two handles: value is [lower, upper]; by default at a quarter and three quarters of [min, max]. */
export class IntRangeSlider extends Slider<[number, number]> {
  static spec = sliderSpec("IntRangeSliderModel", "IntRangeSliderView", { value: [25, 75], min: 0, max: 100, step: 1, readout_format: "d" });
  constructor(options: SliderOptions<[number, number]> = {}) {
    super(options);
  }

  protected configure(options: Record<string, unknown>): Record<string, unknown> {
    if (options.value === undefined) {
      const min = (options.min as number | undefined) ?? 0;
      const max = (options.max as number | undefined) ?? 100;
      // ipywidgets: int(0.75 * min + 0.25 * max), int(0.25 * min + 0.75 * max)
      options.value = [Math.trunc(0.75 * min + 0.25 * max), Math.trunc(0.25 * min + 0.75 * max)];
    }
    return super.configure(options);
  }

  protected clamp(value: unknown): [number, number] {
    if (!Array.isArray(value) || value.length !== 2) throw new TypeError(`IntRangeSlider: value must be [lower, upper], got ${JSON.stringify(value)}`);
    const [lo, hi] = value.map((v, i) => Math.min(Math.max(this.number(`value[${i}]`, v), this.state.min as number), this.state.max as number));
    if (lo > hi) throw new RangeError(`IntRangeSlider: value's lower end (${lo}) must not be above its upper end (${hi})`);
    return [lo, hi];
  }

  get lower(): number {
    return (this.state.value as [number, number])[0];
  }
  get upper(): number {
    return (this.state.value as [number, number])[1];
  }
}
