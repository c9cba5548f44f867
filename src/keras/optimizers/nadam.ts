// Nadam (keras/src/optimizers/nadam.py), Adam with Nesterov momentum (Dozat), at step t (from 1):
//   u_t = beta1 * (1 - 0.5 * 0.96^t);  P_t = u_1 * ... * u_t  (Keras' u_product)
//   m = m + (g - m) * (1 - beta1);  v = v + (g² - v) * (1 - beta2)
//   m̂ = u_{t+1} * m / (1 - P_t * u_{t+1}) + (1 - u_t) * g / (1 - P_t);  v̂ = v / (1 - beta2^t)
//   w -= lr * m̂ / (sqrt(v̂) + epsilon)
//
// The scalars are computed in float32 as Keras computes them (its betas are cast to float32 first).
// Porting note: Keras keeps P_t in a variable, multiplied at every step; tsdl recomputes it (the same
// float32 products) from the step count, so it needs no saved state of its own.
import tf from "../../tfjs.cjs";
import { numberOption, optionsOf } from "./checks.js";
import { BASE_OPTIONS, Optimizer, f32, optionsOrRate, type OptimizerOptions } from "./optimizer.js";
import type { LearningRateSchedule } from "./schedules/learning_rate_schedule.js";

export interface NadamOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: number | LearningRateSchedule;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

const NADAM_OPTIONS = [...BASE_OPTIONS, "beta1", "beta2", "epsilon"];

export class NadamOptimizer extends Optimizer {
  static className = "Nadam";
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** P_t for the last t asked for (the product grows one factor per step). */
  private product = { t: 0, value: 1 };

  constructor(options: NadamOptions = {}) {
    const o = optionsOf("Nadam", options, NADAM_OPTIONS);
    super("Nadam", o, 0.001);
    this.beta1 = numberOption("Nadam", "beta1", o.beta1, 0.9, { min: 0, max: 1 });
    this.beta2 = numberOption("Nadam", "beta2", o.beta2, 0.999, { min: 0, max: 1 });
    this.epsilon = numberOption("Nadam", "epsilon", o.epsilon, 1e-7, { min: 0 });
  }

  /** u_t in float32, as Keras computes it. */
  private u(t: number): number {
    return f32(f32(this.beta1) * f32(1 - f32(0.5 * f32(f32(0.96) ** t))));
  }

  /** P_t = u_1 * ... * u_t. */
  private uProduct(t: number): number {
    if (t < this.product.t) this.product = { t: 0, value: 1 };
    while (this.product.t < t) this.product = { t: this.product.t + 1, value: f32(this.product.value * this.u(this.product.t + 1)) };
    return this.product.value;
  }

  protected slotSpecs(): [string, number][] {
    return [["momentum", 0], ["velocity", 0]];
  }

  protected updateStep(variable: tf.Variable, grad: tf.Tensor, slots: Record<string, tf.Variable>, lr: number, step: number): void {
    const ut = this.u(step);
    const ut1 = this.u(step + 1);
    const pt = this.uProduct(step);
    const pt1 = f32(pt * ut1);
    // Keras casts the betas to float32 first: 1 - beta and the powers are float32 arithmetic.
    const [b1, b2] = [f32(this.beta1), f32(this.beta2)];
    const m = tf.add(slots.momentum, tf.mul(tf.sub(grad, slots.momentum), f32(1 - b1)));
    const v = tf.add(slots.velocity, tf.mul(tf.sub(tf.square(grad), slots.velocity), f32(1 - b2)));
    slots.momentum.assign(m);
    slots.velocity.assign(v);
    const mHat = tf.add(tf.div(tf.mul(m, ut1), f32(1 - pt1)), tf.div(tf.mul(grad, f32(1 - ut)), f32(1 - pt)));
    const vHat = tf.div(v, f32(1 - f32(b2 ** step)));
    variable.assign(tf.sub(variable, tf.div(tf.mul(mHat, lr), tf.add(tf.sqrt(vHat), this.epsilon))));
  }

  protected ownConfig(): Record<string, unknown> {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/** `optimizers.Nadam({ learningRate: 1e-3 })`, or `optimizers.Nadam(1e-3)`. */
export function Nadam(optionsOrLr?: NadamOptions | number | LearningRateSchedule): NadamOptimizer {
  return new NadamOptimizer(optionsOrRate("Nadam", optionsOrLr));
}
