// Keras' view of a layer's variables: named `layer/weight:0`, trainable ones first, readable async.
import tf from "../tfjs.cjs";

export interface KerasVariable {
  /** Keras' name, e.g. `batch_normalization/moving_mean:0`. */
  readonly name: string;
  readonly shape: number[];
  readonly dtype: tf.DataType;
  readonly trainable: boolean;
  /** The current value (a tensor that shares nothing with the variable: dispose it when done). */
  read(): tf.Tensor;
  /** The current value as nested arrays. */
  array(): Promise<unknown>;
  toString(): string;
}

/** The short weight name: `dense/kernel` -> `kernel` (tfjs may add `_1` to keep names unique). */
function shortName(originalName: string): string {
  const last = originalName.split("/").pop() ?? originalName;
  return last.replace(/_\d+$/, "");
}

export function describeVariables(layer: tf.layers.Layer): KerasVariable[] {
  return layer.weights.map((w) => {
    const name = `${layer.name}/${shortName(w.originalName)}:0`;
    return {
      name,
      shape: w.shape as number[],
      dtype: w.dtype,
      trainable: w.trainable,
      read: () => w.read().clone(),
      array: () => w.read().array(),
      toString: () => `<Variable '${name}' shape=(${w.shape.join(", ")}${w.shape.length === 1 ? "," : ""}) dtype=${w.dtype}>`,
    };
  });
}
