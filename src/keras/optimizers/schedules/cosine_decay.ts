// CosineDecay (SGDR without restarts, with an optional linear warmup):
//   without warmupTarget: s = min(step, decaySteps),
//     lr = initialLearningRate * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decaySteps)) + alpha);
//   with warmupTarget: s = min(step, warmupSteps + decaySteps); while s < warmupSteps the rate rises
//     linearly from initialLearningRate to warmupTarget, then decays as above from warmupTarget over
//     the next decaySteps steps.
import { checkNumber, numberOption, optionalNumber } from "../checks.js";
import { LearningRateSchedule, registerSchedule } from "./learning_rate_schedule.js";
import { scheduleArgs } from "./args.js";

export interface CosineDecayOptions {
  initialLearningRate: number;
  /** Steps of the decay; > 0. */
  decaySteps: number;
  /** The floor, as a fraction of the rate decayed from. Default 0. */
  alpha?: number;
  /** Default "CosineDecay". */
  name?: string;
  /** The rate reached at the end of the warmup. Default null (no warmup). */
  warmupTarget?: number | null;
  /** Steps of the warmup. Default 0. */
  warmupSteps?: number;
}

export class CosineDecaySchedule extends LearningRateSchedule {
  static className = "CosineDecay";
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly name: string;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(o: CosineDecayOptions) {
    super();
    const where = "CosineDecay";
    this.initialLearningRate = checkNumber(where, "initialLearningRate", o.initialLearningRate);
    this.decaySteps = checkNumber(where, "decaySteps", o.decaySteps, { min: 0, minInclusive: false });
    this.alpha = numberOption(where, "alpha", o.alpha, 0);
    this.name = o.name ?? "CosineDecay";
    this.warmupTarget = optionalNumber(where, "warmupTarget", o.warmupTarget);
    this.warmupSteps = numberOption(where, "warmupSteps", o.warmupSteps, 0, { min: 0 });
  }

  private decay(s: number, from: number): number {
    const cosine = 0.5 * (1 + Math.cos(Math.PI * (s / this.decaySteps)));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }

  call(step: number): number {
    if (this.warmupTarget === null) return this.decay(Math.min(step, this.decaySteps), this.initialLearningRate);
    const s = Math.min(step, this.decaySteps + this.warmupSteps);
    if (s < this.warmupSteps) return (this.warmupTarget - this.initialLearningRate) * (s / this.warmupSteps) + this.initialLearningRate;
    return this.decay(s - this.warmupSteps, this.warmupTarget);
  }

  getConfig(): Record<string, unknown> {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, alpha: this.alpha, name: this.name, warmupTarget: this.warmupTarget, warmupSteps: this.warmupSteps };
  }
}
registerSchedule("CosineDecay", (c) => new CosineDecaySchedule(c as never));

/** `schedules.CosineDecay(initialLearningRate, decaySteps, { alpha, warmupTarget, warmupSteps })`, or one options object. */
export function CosineDecay(options: CosineDecayOptions): CosineDecaySchedule;
export function CosineDecay(initialLearningRate: number, decaySteps: number, options?: Partial<CosineDecayOptions>): CosineDecaySchedule;
export function CosineDecay(...args: unknown[]): CosineDecaySchedule {
  return new CosineDecaySchedule(scheduleArgs("CosineDecay", args, ["initialLearningRate", "decaySteps"], ["alpha", "name", "warmupTarget", "warmupSteps"]) as never);
}
