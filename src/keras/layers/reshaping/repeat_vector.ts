// RepeatVector: [batch, features] -> [batch, n, features], the vector repeated n times (e.g. to feed
// a decoder RNN). tfjs' RepeatVector is Keras' (same output, same config); tsdl's subclass takes a
// mask as Keras does (drops it with a warning; tfjs throws), and `n` is checked here first.
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, layerClass, type BaseLayerOptions } from "../common.js";
import { dropMask } from "./drop_mask.js";

export interface RepeatVectorOptions extends BaseLayerOptions {
  /** How many times to repeat. Required (Keras' first positional argument). */
  n?: number;
}

type LayerClass = new (args: Record<string, unknown>) => tf.layers.Layer;

/** tsdl's RepeatVector class, registered under Keras' (and tfjs') name for loading saved models. */
export const repeatVectorClass = layerClass((): LayerClass => {
  const Base = tf.layers.repeatVector({ n: 1 }).constructor as LayerClass;
  class RepeatVector extends Base {
    static className = "RepeatVector";
    constructor(args: Record<string, unknown>) {
      super(args);
      this.supportsMasking = true; // tfjs then hands masks to computeMask, which drops them as Keras
    }
    computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return dropMask(this, mask);
    }
  }
  return RepeatVector;
});

/** `RepeatVector(3)` or `RepeatVector({ n: 3 })`. */
export function RepeatVector(n: number | RepeatVectorOptions, options: RepeatVectorOptions = {}): Callable<tf.layers.Layer> {
  const optionsForm = typeof n === "object" && n !== null;
  const o = optionsForm ? (n as RepeatVectorOptions) : options;
  const count = optionsForm ? o.n : n;
  if (!Number.isInteger(count) || (count as number) <= 0) throw new Error(`RepeatVector: n must be a positive integer, got ${JSON.stringify(count)}`);
  const Cls = repeatVectorClass();
  return callable(new Cls({ ...baseArgs("RepeatVector", o), n: count as number }));
}
