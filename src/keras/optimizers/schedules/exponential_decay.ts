// ExponentialDecay: lr(step) = initialLearningRate * decayRate ^ (step / decaySteps), the exponent
// floored when `staircase` (the rate changes every decaySteps steps).
import { booleanOption, checkNumber } from "../checks.js";
import { LearningRateSchedule, registerSchedule } from "./learning_rate_schedule.js";
import { scheduleArgs } from "./args.js";

export interface ExponentialDecayOptions {
  initialLearningRate: number;
  /** Steps per factor of decayRate; > 0. */
  decaySteps: number;
  decayRate: number;
  /** Decay in whole steps of decaySteps. Default false. */
  staircase?: boolean;
  /** Default "ExponentialDecay". */
  name?: string;
}

export class ExponentialDecaySchedule extends LearningRateSchedule {
  static className = "ExponentialDecay";
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  readonly name: string;

  constructor(o: ExponentialDecayOptions) {
    super();
    const where = "ExponentialDecay";
    this.initialLearningRate = checkNumber(where, "initialLearningRate", o.initialLearningRate);
    this.decaySteps = checkNumber(where, "decaySteps", o.decaySteps, { min: 0, minInclusive: false });
    this.decayRate = checkNumber(where, "decayRate", o.decayRate);
    this.staircase = booleanOption(where, "staircase", o.staircase, false);
    this.name = o.name ?? "ExponentialDecay";
  }

  call(step: number): number {
    let p = step / this.decaySteps;
    if (this.staircase) p = Math.floor(p);
    return this.initialLearningRate * this.decayRate ** p;
  }

  getConfig(): Record<string, unknown> {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, decayRate: this.decayRate, staircase: this.staircase, name: this.name };
  }
}
registerSchedule("ExponentialDecay", (c) => new ExponentialDecaySchedule(c as never));

/** `schedules.ExponentialDecay(initialLearningRate, decaySteps, decayRate, { staircase })`, or one options object. */
export function ExponentialDecay(options: ExponentialDecayOptions): ExponentialDecaySchedule;
export function ExponentialDecay(initialLearningRate: number, decaySteps: number, decayRate: number, options?: Partial<ExponentialDecayOptions>): ExponentialDecaySchedule;
export function ExponentialDecay(...args: unknown[]): ExponentialDecaySchedule {
  return new ExponentialDecaySchedule(scheduleArgs("ExponentialDecay", args, ["initialLearningRate", "decaySteps", "decayRate"], ["staircase", "name"]) as never);
}
