// What a Keras 3 layer without mask support does with a mask (from Embedding's maskZero or Masking):
// warns once and drops it, so that the layers after it see none. tfjs' default throws a TypeError.
import type * as tf from "@tensorflow/tfjs";

const warned = new WeakSet<object>();

/** A layer's computeMask for layers that do not support masking, as Keras: no mask out, one warning. */
export function dropMask(layer: tf.layers.Layer, mask: tf.Tensor | tf.Tensor[] | null | undefined): tf.Tensor {
  const any = Array.isArray(mask) ? mask.some((m) => m != null) : mask != null;
  if (any && !warned.has(layer)) {
    warned.add(layer);
    console.warn(
      `Layer '${layer.name}' (of type ${layer.getClassName()}) was passed an input with a mask attached to it. However, this layer does not support masking and will therefore destroy the mask information. Downstream layers will not see the mask.`,
    );
  }
  return null as unknown as tf.Tensor; // tfjs' type has no null; null is "no mask"
}
