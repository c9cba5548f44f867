// Lion (keras/src/optimizers/lion.py; Chen et al., "Symbolic Discovery of Optimization Algorithms"):
//   w -= lr * sign(beta1 * m + (1 - beta1) * g);  m = beta2 * m + (1 - beta2) * g
import tf from "../../tfjs.cjs";
import { numberOption, optionsOf } from "./checks.js";
import { BASE_OPTIONS, Optimizer, f32, optionsOrRate, type OptimizerOptions } from "./optimizer.js";
import type { LearningRateSchedule } from "./schedules/learning_rate_schedule.js";

export interface LionOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: number | LearningRateSchedule;
  /** Interpolation of momentum and gradient in the update, in (0, 1]. Default 0.9. */
  beta1?: number;
  /** Decay of the momentum. Default 0.99. */
  beta2?: number;
}

const LION_OPTIONS = [...BASE_OPTIONS, "beta1", "beta2"];

export class LionOptimizer extends Optimizer {
  static className = "Lion";
  readonly beta1: number;
  readonly beta2: number;

  constructor(options: LionOptions = {}) {
    const o = optionsOf("Lion", options, LION_OPTIONS);
    super("Lion", o, 0.001);
    if (o.beta1 !== undefined && typeof o.beta1 === "number" && !(o.beta1 > 0 && o.beta1 <= 1)) {
      throw new Error(`Lion: beta1 must be in (0, 1] (otherwise the optimizer degenerates to SignSGD), got ${o.beta1}`);
    }
    this.beta1 = numberOption("Lion", "beta1", o.beta1, 0.9, { min: 0, max: 1, minInclusive: false });
    this.beta2 = numberOption("Lion", "beta2", o.beta2, 0.99, { min: 0, max: 1 });
  }

  protected slotSpecs(): [string, number][] {
    return [["momentum", 0]];
  }

  protected updateStep(variable: tf.Variable, grad: tf.Tensor, slots: Record<string, tf.Variable>, lr: number): void {
    const m = slots.momentum;
    // Keras casts the betas to float32 first, so 1 - beta is a float32 difference.
    const [b1, b2] = [f32(this.beta1), f32(this.beta2)];
    variable.assign(tf.sub(variable, tf.mul(tf.sign(tf.add(tf.mul(m, b1), tf.mul(grad, f32(1 - b1)))), lr)));
    m.assign(tf.add(tf.mul(m, b2), tf.mul(grad, f32(1 - b2))));
  }

  protected ownConfig(): Record<string, unknown> {
    return { beta1: this.beta1, beta2: this.beta2 };
  }
}

/** `optimizers.Lion({ learningRate: 1e-4, weightDecay: 0.01 })`, or `optimizers.Lion(1e-4)`. */
export function Lion(optionsOrLr?: LionOptions | number | LearningRateSchedule): LionOptimizer {
  return new LionOptimizer(optionsOrRate("Lion", optionsOrLr));
}
