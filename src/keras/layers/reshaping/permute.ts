// Permute: reorders the axes of each sample; `dims` numbers them from 1 (the batch axis, 0, stays).
// tfjs' Permute is Keras' (same output, same config), with the argument checked here first.
import * as tf from "@tensorflow/tfjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";

export interface PermuteOptions extends BaseLayerOptions {
  /** The new order of the axes after the batch axis, numbered from 1: [2, 1] swaps them. Required. */
  dims?: number[];
}

/** `Permute([2, 1])` or `Permute({ dims: [2, 1] })`: [batch, a, b] -> [batch, b, a]. */
export function Permute(dims: number[] | PermuteOptions, options: PermuteOptions = {}): Callable<tf.layers.Layer> {
  const optionsForm = typeof dims === "object" && dims !== null && !Array.isArray(dims);
  const o = optionsForm ? (dims as PermuteOptions) : options;
  const d = optionsForm ? o.dims : (dims as number[]);
  const valid = Array.isArray(d) && d.length > 0 && d.slice().sort((a, b) => a - b).every((v, i) => v === i + 1);
  if (!valid) {
    throw new Error(`Permute: dims must be a permutation of 1..n, the axes after the batch axis numbered from 1 (e.g. [2, 1]), got ${JSON.stringify(d)}`);
  }
  return callable(tf.layers.permute({ ...baseArgs("Permute", o), dims: d.slice() }));
}
