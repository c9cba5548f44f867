// Permute: reorders the axes of each sample; `dims` numbers them from 1 (the batch axis, 0, stays).
// tfjs' Permute is Keras' (same output, same config); tsdl's subclass takes a mask as Keras does
// (drops it with a warning; tfjs throws), and the argument is checked here first.
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, layerClass, type BaseLayerOptions } from "../common.js";
import { dropMask } from "./drop_mask.js";

export interface PermuteOptions extends BaseLayerOptions {
  /** The new order of the axes after the batch axis, numbered from 1: [2, 1] swaps them. Required. */
  dims?: number[];
}

type LayerClass = new (args: Record<string, unknown>) => tf.layers.Layer;

/** tsdl's Permute class, registered under Keras' (and tfjs') name for loading saved models. */
export const permuteClass = layerClass((): LayerClass => {
  const Base = tf.layers.permute({ dims: [1] }).constructor as LayerClass;
  class Permute extends Base {
    static className = "Permute";
    constructor(args: Record<string, unknown>) {
      super(args);
      this.supportsMasking = true; // tfjs then hands masks to computeMask, which drops them as Keras
    }
    computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return dropMask(this, mask);
    }
  }
  return Permute;
});

/** `Permute([2, 1])` or `Permute({ dims: [2, 1] })`: [batch, a, b] -> [batch, b, a]. */
export function Permute(dims: number[] | PermuteOptions, options: PermuteOptions = {}): Callable<tf.layers.Layer> {
  const optionsForm = typeof dims === "object" && dims !== null && !Array.isArray(dims);
  const o = optionsForm ? (dims as PermuteOptions) : options;
  const d = optionsForm ? o.dims : (dims as number[]);
  const valid = Array.isArray(d) && d.length > 0 && d.slice().sort((a, b) => a - b).every((v, i) => v === i + 1);
  if (!valid) {
    throw new Error(`Permute: dims must be a permutation of 1..n, the axes after the batch axis numbered from 1 (e.g. [2, 1]), got ${JSON.stringify(d)}`);
  }
  const Cls = permuteClass();
  return callable(new Cls({ ...baseArgs("Permute", o), dims: d.slice() }));
}
