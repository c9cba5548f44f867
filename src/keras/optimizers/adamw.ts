// AdamW (keras/src/optimizers/adamw.py): Adam with decoupled weight decay on by default
// (weightDecay 0.004: w -= w * weightDecay * lr at every step, before Adam's update).
import { checkNumber } from "./checks.js";
import { AdamOptimizer, type AdamOptions } from "./adam.js";
import { optionsOrRate } from "./optimizer.js";
import type { LearningRateSchedule } from "./schedules/learning_rate_schedule.js";

export interface AdamWOptions extends AdamOptions {
  /** Default 0.004; required (null is an error, as in Keras). */
  weightDecay?: number;
}

export class AdamWOptimizer extends AdamOptimizer {
  static className = "AdamW";

  constructor(options: AdamWOptions = {}) {
    super(options, "AdamW", { weightDecay: 0.004 });
    checkNumber("AdamW", "weightDecay", this.weightDecay ?? options.weightDecay, { min: 0 });
  }
}

/** `optimizers.AdamW({ learningRate: 1e-3, weightDecay: 0.004 })`, or `optimizers.AdamW(1e-3)`. */
export function AdamW(optionsOrLr?: AdamWOptions | number | LearningRateSchedule): AdamWOptimizer {
  return new AdamWOptimizer(optionsOrRate("AdamW", optionsOrLr));
}
