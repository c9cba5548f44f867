// PolynomialDecay: from initialLearningRate to endLearningRate over decaySteps,
//   lr(step) = (initial - end) * (1 - s / d) ^ power + end,
// with s = min(step, decaySteps), d = decaySteps; with `cycle`, s = step and d = decaySteps times
// ceil(step / decaySteps) (1 at step 0), so the decay starts again after each decaySteps.
import { booleanOption, checkNumber, numberOption } from "../checks.js";
import { LearningRateSchedule, registerSchedule } from "./learning_rate_schedule.js";
import { scheduleArgs } from "./args.js";

export interface PolynomialDecayOptions {
  initialLearningRate: number;
  /** > 0. */
  decaySteps: number;
  /** Default 0.0001. */
  endLearningRate?: number;
  /** Default 1 (linear). */
  power?: number;
  /** Default false. */
  cycle?: boolean;
  /** Default "PolynomialDecay". */
  name?: string;
}

export class PolynomialDecaySchedule extends LearningRateSchedule {
  static className = "PolynomialDecay";
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;
  readonly name: string;

  constructor(o: PolynomialDecayOptions) {
    super();
    const where = "PolynomialDecay";
    this.initialLearningRate = checkNumber(where, "initialLearningRate", o.initialLearningRate);
    this.decaySteps = checkNumber(where, "decaySteps", o.decaySteps, { min: 0, minInclusive: false });
    this.endLearningRate = numberOption(where, "endLearningRate", o.endLearningRate, 0.0001);
    this.power = numberOption(where, "power", o.power, 1);
    this.cycle = booleanOption(where, "cycle", o.cycle, false);
    this.name = o.name ?? "PolynomialDecay";
  }

  call(step: number): number {
    let s = step;
    let d = this.decaySteps;
    if (this.cycle) d *= s === 0 ? 1 : Math.ceil(s / this.decaySteps);
    else s = Math.min(s, d);
    return (this.initialLearningRate - this.endLearningRate) * (1 - s / d) ** this.power + this.endLearningRate;
  }

  getConfig(): Record<string, unknown> {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, endLearningRate: this.endLearningRate, power: this.power, cycle: this.cycle, name: this.name };
  }
}
registerSchedule("PolynomialDecay", (c) => new PolynomialDecaySchedule(c as never));

/** `schedules.PolynomialDecay(initialLearningRate, decaySteps, { endLearningRate, power, cycle })`, or one options object. */
export function PolynomialDecay(options: PolynomialDecayOptions): PolynomialDecaySchedule;
export function PolynomialDecay(initialLearningRate: number, decaySteps: number, options?: Partial<PolynomialDecayOptions>): PolynomialDecaySchedule;
export function PolynomialDecay(...args: unknown[]): PolynomialDecaySchedule {
  return new PolynomialDecaySchedule(scheduleArgs("PolynomialDecay", args, ["initialLearningRate", "decaySteps"], ["endLearningRate", "power", "cycle", "name"]) as never);
}
