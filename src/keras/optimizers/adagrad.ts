// Adagrad (keras/src/optimizers/adagrad.py):
//   accumulator += g²  (starting at initialAccumulatorValue);  w -= lr * g / sqrt(accumulator + epsilon)
import tf from "../../tfjs.cjs";
import { numberOption, optionsOf } from "./checks.js";
import { BASE_OPTIONS, Optimizer, optionsOrRate, type OptimizerOptions } from "./optimizer.js";
import type { LearningRateSchedule } from "./schedules/learning_rate_schedule.js";

export interface AdagradOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: number | LearningRateSchedule;
  /** Starting value of the accumulators; >= 0. Default 0.1. */
  initialAccumulatorValue?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

const ADAGRAD_OPTIONS = [...BASE_OPTIONS, "initialAccumulatorValue", "epsilon"];

export class AdagradOptimizer extends Optimizer {
  static className = "Adagrad";
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    const o = optionsOf("Adagrad", options, ADAGRAD_OPTIONS);
    super("Adagrad", o, 0.001);
    this.initialAccumulatorValue = numberOption("Adagrad", "initialAccumulatorValue", o.initialAccumulatorValue, 0.1, { min: 0 });
    this.epsilon = numberOption("Adagrad", "epsilon", o.epsilon, 1e-7, { min: 0 });
  }

  protected slotSpecs(): [string, number][] {
    return [["accumulator", this.initialAccumulatorValue]];
  }

  protected updateStep(variable: tf.Variable, grad: tf.Tensor, slots: Record<string, tf.Variable>, lr: number): void {
    const acc = tf.add(slots.accumulator, tf.square(grad));
    slots.accumulator.assign(acc);
    variable.assign(tf.sub(variable, tf.div(tf.mul(grad, lr), tf.sqrt(tf.add(acc, this.epsilon)))));
  }

  protected ownConfig(): Record<string, unknown> {
    return { initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}

/** `optimizers.Adagrad({ learningRate: 1e-3, initialAccumulatorValue: 0.1 })`, or `optimizers.Adagrad(1e-3)`. */
export function Adagrad(optionsOrLr?: AdagradOptions | number | LearningRateSchedule): AdagradOptimizer {
  return new AdagradOptimizer(optionsOrRate("Adagrad", optionsOrLr));
}
