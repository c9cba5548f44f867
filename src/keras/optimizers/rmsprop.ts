// RMSprop (keras/src/optimizers/rmsprop.py):
//
//   velocity = rho * velocity + (1 - rho) * g²
//   centered: average_gradient = rho * average_gradient + (1 - rho) * g,
//             denominator = velocity - average_gradient² + epsilon;  else denominator = velocity + epsilon
//   increment = lr * g / sqrt(denominator)
//   momentum > 0: momentum_slot = momentum * momentum_slot + increment; w -= momentum_slot
//   else:         w -= increment
//
// (tfjs' RMSProp computes the same, but its slots and saved state differ; this is tsdl's own, with
// Keras' slot names and the shared options.)
import tf from "../../tfjs.cjs";
import { booleanOption, numberOption, optionsOf } from "./checks.js";
import { BASE_OPTIONS, Optimizer, optionsOrRate, type OptimizerOptions } from "./optimizer.js";
import type { LearningRateSchedule } from "./schedules/learning_rate_schedule.js";

export interface RMSpropOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: number | LearningRateSchedule;
  /** Discount of the squared-gradient average. Default 0.9. */
  rho?: number;
  /** Default 0. */
  momentum?: number;
  /** Default 1e-7. */
  epsilon?: number;
  /** Normalize by the variance of the gradient instead of its second moment. Default false. */
  centered?: boolean;
}

const RMSPROP_OPTIONS = [...BASE_OPTIONS, "rho", "momentum", "epsilon", "centered"];

export class RMSpropOptimizer extends Optimizer {
  static className = "RMSprop";
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(options: RMSpropOptions = {}) {
    const o = optionsOf("RMSprop", options, RMSPROP_OPTIONS);
    super("RMSprop", o, 0.001);
    this.rho = numberOption("RMSprop", "rho", o.rho, 0.9, { min: 0, max: 1 });
    this.momentum = numberOption("RMSprop", "momentum", o.momentum, 0, { min: 0 });
    this.epsilon = numberOption("RMSprop", "epsilon", o.epsilon, 1e-7, { min: 0 });
    this.centered = booleanOption("RMSprop", "centered", o.centered, false);
  }

  protected slotSpecs(): [string, number][] {
    const s: [string, number][] = [["velocity", 0]];
    if (this.momentum > 0) s.push(["momentum", 0]);
    if (this.centered) s.push(["average_gradient", 0]);
    return s;
  }

  protected updateStep(variable: tf.Variable, grad: tf.Tensor, slots: Record<string, tf.Variable>, lr: number): void {
    const rho = this.rho;
    const velocity = tf.add(tf.mul(slots.velocity, rho), tf.mul(tf.square(grad), 1 - rho));
    slots.velocity.assign(velocity);
    let denominator: tf.Tensor;
    if (this.centered) {
      const avg = tf.add(tf.mul(slots.average_gradient, rho), tf.mul(grad, 1 - rho));
      slots.average_gradient.assign(avg);
      denominator = tf.add(tf.sub(velocity, tf.square(avg)), this.epsilon);
    } else {
      denominator = tf.add(velocity, this.epsilon);
    }
    const increment = tf.div(tf.mul(grad, lr), tf.sqrt(denominator));
    if (this.momentum > 0) {
      const m = tf.add(tf.mul(slots.momentum, this.momentum), increment);
      slots.momentum.assign(m);
      variable.assign(tf.sub(variable, m));
    } else {
      variable.assign(tf.sub(variable, increment));
    }
  }

  protected ownConfig(): Record<string, unknown> {
    return { rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}

/** `optimizers.RMSprop({ learningRate: 1e-3, momentum: 0.9, centered: true })`, or `optimizers.RMSprop(1e-3)` as Keras' positional form. */
export function RMSprop(optionsOrLr?: RMSpropOptions | number | LearningRateSchedule): RMSpropOptimizer {
  return new RMSpropOptimizer(optionsOrRate("RMSprop", optionsOrLr));
}
