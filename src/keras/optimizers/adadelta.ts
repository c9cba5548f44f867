// Adadelta (keras/src/optimizers/adadelta.py), with rms(x) = sqrt(x + epsilon):
//   accumulated_grad = rho * accumulated_grad + (1 - rho) * g²
//   delta = -rms(accumulated_delta_var) * g / rms(accumulated_grad)
//   accumulated_delta_var = rho * accumulated_delta_var + (1 - rho) * delta²
//   w += lr * delta
import tf from "../../tfjs.cjs";
import { numberOption, optionsOf } from "./checks.js";
import { BASE_OPTIONS, Optimizer, optionsOrRate, type OptimizerOptions } from "./optimizer.js";
import type { LearningRateSchedule } from "./schedules/learning_rate_schedule.js";

export interface AdadeltaOptions extends OptimizerOptions {
  /** Default 0.001 (Keras' default; the paper's method is lr 1). */
  learningRate?: number | LearningRateSchedule;
  /** Decay of the averages. Default 0.95. */
  rho?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

const ADADELTA_OPTIONS = [...BASE_OPTIONS, "rho", "epsilon"];

export class AdadeltaOptimizer extends Optimizer {
  static className = "Adadelta";
  readonly rho: number;
  readonly epsilon: number;

  constructor(options: AdadeltaOptions = {}) {
    const o = optionsOf("Adadelta", options, ADADELTA_OPTIONS);
    super("Adadelta", o, 0.001);
    this.rho = numberOption("Adadelta", "rho", o.rho, 0.95, { min: 0, max: 1 });
    this.epsilon = numberOption("Adadelta", "epsilon", o.epsilon, 1e-7, { min: 0 });
  }

  protected slotSpecs(): [string, number][] {
    return [["accumulated_grad", 0], ["accumulated_delta_var", 0]];
  }

  protected updateStep(variable: tf.Variable, grad: tf.Tensor, slots: Record<string, tf.Variable>, lr: number): void {
    const rho = this.rho;
    const rms = (x: tf.Tensor) => tf.sqrt(tf.add(x, this.epsilon));
    const accGrad = tf.add(tf.mul(slots.accumulated_grad, rho), tf.mul(tf.square(grad), 1 - rho));
    slots.accumulated_grad.assign(accGrad);
    const delta = tf.neg(tf.div(tf.mul(rms(slots.accumulated_delta_var), grad), rms(accGrad)));
    slots.accumulated_delta_var.assign(tf.add(tf.mul(slots.accumulated_delta_var, rho), tf.mul(tf.square(delta), 1 - rho)));
    variable.assign(tf.add(variable, tf.mul(delta, lr)));
  }

  protected ownConfig(): Record<string, unknown> {
    return { rho: this.rho, epsilon: this.epsilon };
  }
}

/** `optimizers.Adadelta({ learningRate: 1, rho: 0.95 })`, or `optimizers.Adadelta(1)`. */
export function Adadelta(optionsOrLr?: AdadeltaOptions | number | LearningRateSchedule): AdadeltaOptimizer {
  return new AdadeltaOptimizer(optionsOrRate("Adadelta", optionsOrLr));
}
