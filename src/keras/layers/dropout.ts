// Dropout: in training, zeroes a fraction `rate` of the inputs and scales the rest by 1/(1-rate).
import * as tf from "@tensorflow/tfjs";
import { callable, type Callable } from "../callable.js";
import { baseArgs, type BaseLayerOptions } from "./common.js";

export interface DropoutOptions extends BaseLayerOptions {
  /** Seed of the random mask. Default: random. */
  seed?: number;
}

export function Dropout(rate: number, options: DropoutOptions = {}): Callable<tf.layers.Layer> {
  if (typeof rate !== "number" || !(rate >= 0 && rate < 1)) throw new Error(`Dropout: rate must be a number in [0, 1), got ${JSON.stringify(rate)}`);
  return callable(tf.layers.dropout({ ...baseArgs("Dropout", options), rate, seed: options.seed }));
}
