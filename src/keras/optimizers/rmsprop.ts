// RMSprop with Keras' defaults (tfjs' implementation, Keras' option names).
import * as tf from "@tensorflow/tfjs";
import { rejectUnknown } from "./adam.js";
import { learningRateOption } from "./sgd.js";

export interface RMSpropOptions {
  /** Default 0.001. */
  learningRate?: number;
  /** Keras 2 spelling of learningRate. */
  lr?: number;
  /** Discount of the squared-gradient average. Default 0.9. */
  rho?: number;
  /** Default 0. */
  momentum?: number;
  /** Default 1e-7. */
  epsilon?: number;
  /** Default false. */
  centered?: boolean;
}

/** `optimizers.RMSprop({ learningRate: 1e-3 })`, or `optimizers.RMSprop(1e-3)` as Keras' positional form. */
export function RMSprop(optionsOrLr: RMSpropOptions | number = {}): tf.RMSPropOptimizer {
  const options = typeof optionsOrLr === "number" ? { learningRate: optionsOrLr } : optionsOrLr;
  rejectUnknown("RMSprop", options, ["learningRate", "lr", "rho", "momentum", "epsilon", "centered"]);
  return tf.train.rmsprop(learningRateOption("RMSprop", options, 0.001), options.rho ?? 0.9, options.momentum ?? 0, options.epsilon ?? 1e-7, options.centered ?? false);
}
