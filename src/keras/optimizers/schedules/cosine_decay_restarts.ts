// CosineDecayRestarts (SGDR, Loshchilov & Hutter): cosine decays that start again, the i-th (from 0)
// lasting firstDecaySteps * tMul^i steps and starting from initialLearningRate * mMul^i:
//   f = step / firstDecaySteps; i = the restart f falls in (floor(f) when tMul = 1, else
//   floor(log(1 - f (1 - tMul)) / log(tMul))); f' = the fraction of restart i done;
//   lr = initialLearningRate * ((1 - alpha) * 0.5 * mMul^i * (1 + cos(pi f')) + alpha).
import { checkNumber, numberOption } from "../checks.js";
import { LearningRateSchedule, registerSchedule } from "./learning_rate_schedule.js";
import { scheduleArgs } from "./args.js";

export interface CosineDecayRestartsOptions {
  initialLearningRate: number;
  /** Steps of the first decay; > 0. */
  firstDecaySteps: number;
  /** Each decay is tMul times longer than the one before. Default 2. */
  tMul?: number;
  /** Each decay starts from mMul times the rate the one before started from. Default 1. */
  mMul?: number;
  /** The floor, as a fraction of initialLearningRate. Default 0. */
  alpha?: number;
  /** Default "SGDRDecay". */
  name?: string;
}

export class CosineDecayRestartsSchedule extends LearningRateSchedule {
  static className = "CosineDecayRestarts";
  readonly initialLearningRate: number;
  readonly firstDecaySteps: number;
  readonly tMul: number;
  readonly mMul: number;
  readonly alpha: number;
  readonly name: string;

  constructor(o: CosineDecayRestartsOptions) {
    super();
    const where = "CosineDecayRestarts";
    this.initialLearningRate = checkNumber(where, "initialLearningRate", o.initialLearningRate);
    this.firstDecaySteps = checkNumber(where, "firstDecaySteps", o.firstDecaySteps, { min: 0, minInclusive: false });
    this.tMul = numberOption(where, "tMul", o.tMul, 2, { min: 0, minInclusive: false });
    this.mMul = numberOption(where, "mMul", o.mMul, 1);
    this.alpha = numberOption(where, "alpha", o.alpha, 0);
    this.name = o.name ?? "SGDRDecay";
  }

  call(step: number): number {
    const f = step / this.firstDecaySteps;
    let i: number;
    let done: number;
    if (this.tMul === 1) {
      i = Math.floor(f);
      done = f - i;
    } else {
      // Restart i starts at f = (1 - tMul^i) / (1 - tMul). The logarithm can land a hair below a
      // whole number at a restart's first step; the two checks put such a step in its restart.
      const start = (k: number) => (1 - this.tMul ** k) / (1 - this.tMul);
      i = Math.floor(Math.log(1 - f * (1 - this.tMul)) / Math.log(this.tMul));
      if (start(i + 1) <= f) i++;
      else if (start(i) > f) i--;
      done = (f - start(i)) / this.tMul ** i;
    }
    const cosine = 0.5 * this.mMul ** i * (1 + Math.cos(Math.PI * done));
    return this.initialLearningRate * ((1 - this.alpha) * cosine + this.alpha);
  }

  getConfig(): Record<string, unknown> {
    return { initialLearningRate: this.initialLearningRate, firstDecaySteps: this.firstDecaySteps, tMul: this.tMul, mMul: this.mMul, alpha: this.alpha, name: this.name };
  }
}
registerSchedule("CosineDecayRestarts", (c) => new CosineDecayRestartsSchedule(c as never));

/** `schedules.CosineDecayRestarts(initialLearningRate, firstDecaySteps, { tMul, mMul, alpha })`, or one options object. */
export function CosineDecayRestarts(options: CosineDecayRestartsOptions): CosineDecayRestartsSchedule;
export function CosineDecayRestarts(initialLearningRate: number, firstDecaySteps: number, options?: Partial<CosineDecayRestartsOptions>): CosineDecayRestartsSchedule;
export function CosineDecayRestarts(...args: unknown[]): CosineDecayRestartsSchedule {
  return new CosineDecayRestartsSchedule(scheduleArgs("CosineDecayRestarts", args, ["initialLearningRate", "firstDecaySteps"], ["tMul", "mMul", "alpha", "name"]) as never);
}
