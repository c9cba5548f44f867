// SGD with Keras' momentum and Nesterov momentum (keras/src/optimizers/sgd.py):
//
//   v = momentum * v - lr * g
//   w = w + momentum * v - lr * g                 (nesterov)
//   w = w + v                                     (classic momentum; plain SGD w -= lr * g when momentum = 0)
//
// On wasm each variable's step is one in-place pass (sgdInPlace); elsewhere tfjs ops.
//
// Porting note: Keras 2's time-based `decay` (lr / (1 + decay * iterations)) still works here; Keras 3
// ignores `decay` with a warning (use a schedule: optimizers.schedules.InverseTimeDecay(lr, 1, decay)
// is the same rate).
import tf from "../../tfjs.cjs";
import { sgdInPlace } from "../../backend/fused_kernels.js";
import { booleanOption, numberOption, optionsOf } from "./checks.js";
import { BASE_OPTIONS, Optimizer, optionsOrRate, type OptimizerOptions } from "./optimizer.js";
import type { LearningRateSchedule } from "./schedules/learning_rate_schedule.js";

export interface SGDOptions extends OptimizerOptions {
  /** Step size. Default 0.01. */
  learningRate?: number | LearningRateSchedule;
  /** In [0, 1]. Default 0 (plain SGD). */
  momentum?: number;
  /** Use Nesterov momentum. Default false. */
  nesterov?: boolean;
  /** Keras 2's time-based learning-rate decay per update. Default 0. */
  decay?: number;
}

const SGD_OPTIONS = [...BASE_OPTIONS, "momentum", "nesterov", "decay"];

export class SGDOptimizer extends Optimizer {
  static className = "SGD";
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly decay: number;

  constructor(options: SGDOptions = {}) {
    const o = optionsOf("SGD", options, SGD_OPTIONS);
    super("SGD", o, 0.01);
    this.momentum = numberOption("SGD", "momentum", o.momentum, 0, { min: 0, max: 1 });
    this.nesterov = booleanOption("SGD", "nesterov", o.nesterov, false);
    this.decay = numberOption("SGD", "decay", o.decay, 0, { min: 0 });
  }

  protected slotSpecs(): [string, number][] {
    return this.momentum !== 0 ? [["momentum", 0]] : [];
  }

  protected effectiveLearningRate(): number {
    return this.learningRate / (1 + this.decay * this.iterations);
  }

  protected updateStep(variable: tf.Variable, grad: tf.Tensor, slots: Record<string, tf.Variable>, lr: number): void {
    const v = slots.momentum as tf.Variable | undefined;
    if (sgdInPlace(variable, v, grad, lr, this.momentum, this.nesterov)) return;
    if (!v) {
      variable.assign(tf.sub(variable, tf.mul(grad, lr)));
      return;
    }
    const newV = tf.sub(tf.mul(v, this.momentum), tf.mul(grad, lr));
    v.assign(newV);
    variable.assign(tf.add(variable, this.nesterov ? tf.sub(tf.mul(newV, this.momentum), tf.mul(grad, lr)) : newV));
  }

  protected ownConfig(): Record<string, unknown> {
    return { momentum: this.momentum, nesterov: this.nesterov, ...(this.decay ? { decay: this.decay } : {}) };
  }
}

/** `optimizers.SGD({ learningRate: 0.01, momentum: 0.9, nesterov: true })`, or `optimizers.SGD(0.01)` (Keras' positional form). */
export function SGD(optionsOrLr?: SGDOptions | number | LearningRateSchedule): SGDOptimizer {
  return new SGDOptimizer(optionsOrRate("SGD", optionsOrLr));
}
