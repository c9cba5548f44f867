// Adam with Keras' defaults (tfjs' implementation, Keras' option names).
import * as tf from "@tensorflow/tfjs";
import { learningRateOption } from "./sgd.js";

export interface AdamOptions {
  /** Default 0.001. */
  learningRate?: number;
  /** Keras 2 spelling of learningRate. */
  lr?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7 (Keras' default, not the paper's 1e-8). */
  epsilon?: number;
}

/** Porting note: Keras 2's `decay` and `amsgrad` are not supported for Adam. */
export function Adam(options: AdamOptions = {}): tf.AdamOptimizer {
  rejectUnknown("Adam", options, ["learningRate", "lr", "beta1", "beta2", "epsilon", "beta_1", "beta_2"]);
  const o = options as AdamOptions & { beta_1?: number; beta_2?: number };
  return tf.train.adam(learningRateOption("Adam", options, 0.001), o.beta1 ?? o.beta_1 ?? 0.9, o.beta2 ?? o.beta_2 ?? 0.999, o.epsilon ?? 1e-7);
}

/** An option the optimizer does not know is an error, not a silent no-op. */
export function rejectUnknown(where: string, options: object, known: string[]): void {
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw new Error(`${where}: unknown option ${JSON.stringify(k)}; accepted: ${known.join(", ")}`);
  }
}
