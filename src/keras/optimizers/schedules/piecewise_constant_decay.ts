// PiecewiseConstantDecay: values[0] while step <= boundaries[0], values[i] while
// boundaries[i-1] < step <= boundaries[i], values[last] after the last boundary.
//
// Porting note: boundaries that do not increase are an error here; Keras takes them and sums the
// values of every range the step falls in.
import { checkNumber, describe } from "../checks.js";
import { LearningRateSchedule, registerSchedule } from "./learning_rate_schedule.js";
import { scheduleArgs } from "./args.js";

export interface PiecewiseConstantDecayOptions {
  /** Increasing steps where the rate changes. */
  boundaries: number[];
  /** One more value than boundaries. */
  values: number[];
  /** Default "PiecewiseConstant". */
  name?: string;
}

export class PiecewiseConstantDecaySchedule extends LearningRateSchedule {
  static className = "PiecewiseConstantDecay";
  readonly boundaries: number[];
  readonly values: number[];
  readonly name: string;

  constructor(o: PiecewiseConstantDecayOptions) {
    super();
    const where = "PiecewiseConstantDecay";
    if (!Array.isArray(o.boundaries) || !Array.isArray(o.values)) {
      throw new Error(`${where}: boundaries and values must be arrays of numbers, got ${describe(o.boundaries)} and ${describe(o.values)}`);
    }
    if (o.boundaries.length !== o.values.length - 1) {
      throw new Error(`${where}: the length of boundaries should be 1 less than the length of values; got boundaries=${describe(o.boundaries)} of length ${o.boundaries.length} and values=${describe(o.values)} of length ${o.values.length}`);
    }
    o.boundaries.forEach((b, i) => checkNumber(where, `boundaries[${i}]`, b));
    o.values.forEach((v, i) => checkNumber(where, `values[${i}]`, v));
    for (let i = 1; i < o.boundaries.length; i++) {
      if (!(o.boundaries[i] > o.boundaries[i - 1])) throw new Error(`${where}: boundaries must increase, got ${describe(o.boundaries)}`);
    }
    this.boundaries = [...o.boundaries];
    this.values = [...o.values];
    this.name = o.name ?? "PiecewiseConstant";
  }

  call(step: number): number {
    const b = this.boundaries;
    const v = this.values;
    if (b.length === 0) return v[0];
    if (step <= b[0]) return v[0];
    for (let i = 1; i < b.length; i++) if (step <= b[i]) return v[i];
    return v[v.length - 1];
  }

  getConfig(): Record<string, unknown> {
    return { boundaries: this.boundaries, values: this.values, name: this.name };
  }
}
registerSchedule("PiecewiseConstantDecay", (c) => new PiecewiseConstantDecaySchedule(c as never));

/** `schedules.PiecewiseConstantDecay(boundaries, values)`, or one options object. */
export function PiecewiseConstantDecay(options: PiecewiseConstantDecayOptions): PiecewiseConstantDecaySchedule;
export function PiecewiseConstantDecay(boundaries: number[], values: number[], options?: { name?: string }): PiecewiseConstantDecaySchedule;
export function PiecewiseConstantDecay(...args: unknown[]): PiecewiseConstantDecaySchedule {
  return new PiecewiseConstantDecaySchedule(scheduleArgs("PiecewiseConstantDecay", args, ["boundaries", "values"], ["name"]) as never);
}
