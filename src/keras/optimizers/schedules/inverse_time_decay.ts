// InverseTimeDecay: lr(step) = initialLearningRate / (1 + decayRate * step / decaySteps), the ratio
// step / decaySteps floored when `staircase`.
import { booleanOption, checkNumber } from "../checks.js";
import { LearningRateSchedule, registerSchedule } from "./learning_rate_schedule.js";
import { scheduleArgs } from "./args.js";

export interface InverseTimeDecayOptions {
  initialLearningRate: number;
  /** > 0. */
  decaySteps: number;
  decayRate: number;
  /** Decay in whole steps of decaySteps. Default false. */
  staircase?: boolean;
  /** Default "InverseTimeDecay". */
  name?: string;
}

export class InverseTimeDecaySchedule extends LearningRateSchedule {
  static className = "InverseTimeDecay";
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  readonly name: string;

  constructor(o: InverseTimeDecayOptions) {
    super();
    const where = "InverseTimeDecay";
    this.initialLearningRate = checkNumber(where, "initialLearningRate", o.initialLearningRate);
    this.decaySteps = checkNumber(where, "decaySteps", o.decaySteps, { min: 0, minInclusive: false });
    this.decayRate = checkNumber(where, "decayRate", o.decayRate);
    this.staircase = booleanOption(where, "staircase", o.staircase, false);
    this.name = o.name ?? "InverseTimeDecay";
  }

  call(step: number): number {
    let p = step / this.decaySteps;
    if (this.staircase) p = Math.floor(p);
    return this.initialLearningRate / (1 + this.decayRate * p);
  }

  getConfig(): Record<string, unknown> {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, decayRate: this.decayRate, staircase: this.staircase, name: this.name };
  }
}
registerSchedule("InverseTimeDecay", (c) => new InverseTimeDecaySchedule(c as never));

/** `schedules.InverseTimeDecay(initialLearningRate, decaySteps, decayRate, { staircase })`, or one options object. */
export function InverseTimeDecay(options: InverseTimeDecayOptions): InverseTimeDecaySchedule;
export function InverseTimeDecay(initialLearningRate: number, decaySteps: number, decayRate: number, options?: Partial<InverseTimeDecayOptions>): InverseTimeDecaySchedule;
export function InverseTimeDecay(...args: unknown[]): InverseTimeDecaySchedule {
  return new InverseTimeDecaySchedule(scheduleArgs("InverseTimeDecay", args, ["initialLearningRate", "decaySteps", "decayRate"], ["staircase", "name"]) as never);
}
