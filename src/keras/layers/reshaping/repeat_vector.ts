// RepeatVector: [batch, features] -> [batch, n, features], the vector repeated n times (e.g. to feed
// a decoder RNN). tfjs' RepeatVector is Keras' (same output, same config), with `n` checked here first.
import * as tf from "@tensorflow/tfjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";

export interface RepeatVectorOptions extends BaseLayerOptions {
  /** How many times to repeat. Required (Keras' first positional argument). */
  n?: number;
}

/** `RepeatVector(3)` or `RepeatVector({ n: 3 })`. */
export function RepeatVector(n: number | RepeatVectorOptions, options: RepeatVectorOptions = {}): Callable<tf.layers.Layer> {
  const optionsForm = typeof n === "object" && n !== null;
  const o = optionsForm ? (n as RepeatVectorOptions) : options;
  const count = optionsForm ? o.n : n;
  if (!Number.isInteger(count) || (count as number) <= 0) throw new Error(`RepeatVector: n must be a positive integer, got ${JSON.stringify(count)}`);
  return callable(tf.layers.repeatVector({ ...baseArgs("RepeatVector", o), n: count as number }));
}
