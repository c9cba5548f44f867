// Adamax (keras/src/optimizers/adamax.py), Adam with the infinity norm, at step t (from 1):
//   m = m + (g - m) * (1 - beta1);  u = max(beta2 * u, |g|)
//   w -= lr * m / ((1 - beta1^t) * (u + epsilon))
import tf from "../../tfjs.cjs";
import { numberOption, optionsOf } from "./checks.js";
import { BASE_OPTIONS, Optimizer, f32, optionsOrRate, type OptimizerOptions } from "./optimizer.js";
import type { LearningRateSchedule } from "./schedules/learning_rate_schedule.js";

export interface AdamaxOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: number | LearningRateSchedule;
  /** Default 0.9. */
  beta1?: number;
  /** Decay of the infinity norm. Default 0.999. */
  beta2?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

const ADAMAX_OPTIONS = [...BASE_OPTIONS, "beta1", "beta2", "epsilon"];

export class AdamaxOptimizer extends Optimizer {
  static className = "Adamax";
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(options: AdamaxOptions = {}) {
    const o = optionsOf("Adamax", options, ADAMAX_OPTIONS);
    super("Adamax", o, 0.001);
    this.beta1 = numberOption("Adamax", "beta1", o.beta1, 0.9, { min: 0, max: 1 });
    this.beta2 = numberOption("Adamax", "beta2", o.beta2, 0.999, { min: 0, max: 1 });
    this.epsilon = numberOption("Adamax", "epsilon", o.epsilon, 1e-7, { min: 0 });
  }

  protected slotSpecs(): [string, number][] {
    return [["momentum", 0], ["norm", 0]];
  }

  protected updateStep(variable: tf.Variable, grad: tf.Tensor, slots: Record<string, tf.Variable>, lr: number, step: number): void {
    const m = tf.add(slots.momentum, tf.mul(tf.sub(grad, slots.momentum), 1 - this.beta1));
    const u = tf.maximum(tf.mul(slots.norm, this.beta2), tf.abs(grad));
    slots.momentum.assign(m);
    slots.norm.assign(u);
    const c1 = f32(1 - f32(f32(this.beta1) ** step)); // in float32, as Keras
    variable.assign(tf.sub(variable, tf.div(tf.mul(m, lr), tf.mul(tf.add(u, this.epsilon), c1))));
  }

  protected ownConfig(): Record<string, unknown> {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/** `optimizers.Adamax({ learningRate: 1e-3 })`, or `optimizers.Adamax(1e-3)`. */
export function Adamax(optionsOrLr?: AdamaxOptions | number | LearningRateSchedule): AdamaxOptimizer {
  return new AdamaxOptimizer(optionsOrRate("Adamax", optionsOrLr));
}
