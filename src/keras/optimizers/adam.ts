// Adam (keras/src/optimizers/adam.py), at step t (from 1):
//
//   m = m + (g - m) * (1 - beta1);  v = v + (g² - v) * (1 - beta2)
//   v̂ = max(v̂, v) with amsgrad (the largest v so far), else v
//   w -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v̂) + epsilon)
//
// Keras' epsilon is added to sqrt(v) before the bias correction (tfjs' Adam adds it after). On wasm,
// without amsgrad, each variable's step is one in-place pass (adamInPlace, the same formula); elsewhere
// tfjs ops.
import tf from "../../tfjs.cjs";
import { adamInPlace } from "../../backend/fused_kernels.js";
import { booleanOption, numberOption, optionsOf } from "./checks.js";
import { BASE_OPTIONS, Optimizer, f32, optionsOrRate, type OptimizerOptions } from "./optimizer.js";
import type { LearningRateSchedule } from "./schedules/learning_rate_schedule.js";

export interface AdamOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: number | LearningRateSchedule;
  /** Decay of the first moment. Default 0.9. */
  beta1?: number;
  /** Decay of the second moment. Default 0.999. */
  beta2?: number;
  /** Default 1e-7 (Keras' default, not the paper's 1e-8). */
  epsilon?: number;
  /** The AMSGrad variant (Reddi et al.): divide by the largest second moment so far. Default false. */
  amsgrad?: boolean;
}

export const ADAM_OPTIONS = [...BASE_OPTIONS, "beta1", "beta2", "epsilon", "amsgrad"];

export class AdamOptimizer extends Optimizer {
  static className = "Adam";
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  constructor(options: AdamOptions = {}, where = "Adam", defaults: AdamOptions = {}) {
    const o: AdamOptions = optionsOf(where, options, ADAM_OPTIONS);
    for (const [k, v] of Object.entries(defaults)) if (o[k as keyof AdamOptions] === undefined) Object.assign(o, { [k]: v });
    super(where, o, 0.001);
    this.beta1 = numberOption(where, "beta1", o.beta1, 0.9, { min: 0, max: 1 });
    this.beta2 = numberOption(where, "beta2", o.beta2, 0.999, { min: 0, max: 1 });
    this.epsilon = numberOption(where, "epsilon", o.epsilon, 1e-7, { min: 0 });
    this.amsgrad = booleanOption(where, "amsgrad", o.amsgrad, false);
  }

  protected slotSpecs(): [string, number][] {
    return [["momentum", 0], ["velocity", 0], ...(this.amsgrad ? ([["velocity_hat", 0]] as [string, number][]) : [])];
  }

  protected updateStep(variable: tf.Variable, grad: tf.Tensor, slots: Record<string, tf.Variable>, lr: number, step: number): void {
    const { momentum: m, velocity: v } = slots;
    // The bias corrections in float32, as Keras computes them (beta cast to float32, then powered).
    const c1 = f32(1 - f32(f32(this.beta1) ** step));
    const c2 = f32(1 - f32(f32(this.beta2) ** step));
    const alpha = f32(f32(f32(lr) * f32(Math.sqrt(c2))) / c1);
    if (!this.amsgrad && adamInPlace(variable, m, v, grad, { alpha, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon })) return;
    const newM = tf.add(m, tf.mul(tf.sub(grad, m), 1 - this.beta1));
    const newV = tf.add(v, tf.mul(tf.sub(tf.square(grad), v), 1 - this.beta2));
    m.assign(newM);
    v.assign(newV);
    let denominator = newV;
    if (this.amsgrad) {
      const hat = tf.maximum(slots.velocity_hat, newV);
      slots.velocity_hat.assign(hat);
      denominator = hat;
    }
    variable.assign(tf.sub(variable, tf.div(tf.mul(newM, alpha), tf.add(tf.sqrt(denominator), this.epsilon))));
  }

  protected ownConfig(): Record<string, unknown> {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}

/** `optimizers.Adam({ learningRate: 1e-3, amsgrad: true })`, or `optimizers.Adam(1e-3)` as Keras' positional form. */
export function Adam(optionsOrLr?: AdamOptions | number | LearningRateSchedule): AdamOptimizer {
  return new AdamOptimizer(optionsOrRate("Adam", optionsOrLr));
}
