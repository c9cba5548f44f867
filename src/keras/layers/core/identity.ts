// Identity: returns its input unchanged (a placeholder layer), as Keras 3's
// keras/src/layers/core/identity.py; several inputs come out as they went in, masks pass through.
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";

export class IdentityLayer extends tf.layers.Layer {
  static className = "Identity";
  constructor(args: BaseLayerOptions = {}) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.supportsMasking = true;
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    // Copies share the data; the output is a tensor of its own, as every layer's.
    return Array.isArray(inputs) ? (inputs.length === 1 ? tf.clone(inputs[0]) : inputs.map((t) => tf.clone(t))) : tf.clone(inputs);
  }
  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }
  computeMask(inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    // The masks pass through, one per input (none where an input has none).
    if (!Array.isArray(inputs)) return (mask ?? null) as tf.Tensor;
    return inputs.map((_, i) => (Array.isArray(mask) ? mask[i] ?? null : null)) as tf.Tensor[];
  }
}
tf.serialization.registerClass(IdentityLayer);

/** `Identity()`: output = input. */
export function Identity(options: BaseLayerOptions = {}): Callable<tf.layers.Layer> {
  return callable(new IdentityLayer(baseArgs("Identity", options)));
}
