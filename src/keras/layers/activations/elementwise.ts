// What the activation layers share: one tensor in, one of the same shape out, masks passed through
// (Keras' supports_masking), and Keras' checks of their numeric options.
import tf from "../../../tfjs.cjs";
import type { BaseLayerOptions } from "../common.js";

/** A layer computing `f(x)` elementwise (or along an axis) with the output shape of its input. */
export abstract class ElementwiseLayer extends tf.layers.Layer {
  constructor(args: BaseLayerOptions) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.supportsMasking = true;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  abstract apply1(x: tf.Tensor, kwargs: Record<string, unknown>): tf.Tensor;

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => this.apply1(Array.isArray(inputs) ? inputs[0] : inputs, kwargs));
  }
}

/** A number >= 0 (or null where `nullable`); errors name the layer and option and echo the value. */
export function nonNegative(v: unknown, where: string, option: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new Error(`${where}: ${option} must be a non-negative number, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Keras' `Layer(positional, options)` or `Layer(options)`: the positional value and the options. */
export function positionalOrOptions<T, O extends object>(first: T | O | undefined, options: O | undefined, key: keyof O): [T | undefined, O] {
  if (first !== null && typeof first === "object" && !Array.isArray(first)) {
    const o = first as O;
    return [o[key] as unknown as T | undefined, o];
  }
  return [first as T | undefined, options ?? ({} as O)];
}
