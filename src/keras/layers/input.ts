// Input: the symbolic tensor a model starts from, `keras.Input([28, 28, 1])`.
import tf from "../../tfjs.cjs";
import { assertReady } from "../../backend/backend.js";
import { autoName } from "../naming.js";

export interface InputOptions {
  /** Shape of one sample, without the batch axis (Keras' first argument); `null` for any size. */
  shape?: (number | null)[];
  /** Fixed batch size. Default: any. */
  batchSize?: number;
  /** The full shape, batch axis included (instead of `shape` and `batchSize`). */
  batchShape?: (number | null)[];
  /** Name of the input layer. Default Keras 3's `input_layer`, `input_layer_1`, ... */
  name?: string;
  /** Default "float32". */
  dtype?: tf.DataType;
}

/** `Input([224, 224, 3])`, `Input([224, 224, 3], { name: "img" })` or `Input({ shape: [224, 224, 3] })`. */
export function Input(shapeOrOptions: (number | null)[] | InputOptions, options: InputOptions = {}): tf.SymbolicTensor {
  assertReady();
  const o = Array.isArray(shapeOrOptions) ? { ...options, shape: shapeOrOptions } : (shapeOrOptions ?? {});
  let batchShape: (number | null)[];
  if (o.batchShape !== undefined) {
    if (o.shape !== undefined || o.batchSize !== undefined) throw new Error(`Input: give batchShape, or shape (and batchSize), not both; got ${JSON.stringify(o)}`);
    if (!Array.isArray(o.batchShape) || o.batchShape.length === 0) throw new Error(`Input: batchShape must be an array with the batch axis first, got ${JSON.stringify(o.batchShape)}`);
    batchShape = o.batchShape;
  } else {
    if (!o.shape || !Array.isArray(o.shape)) throw new Error(`Input: shape is required (the shape of one sample, e.g. Input([28, 28, 1])), got ${JSON.stringify(o.shape)}`);
    if (o.batchSize !== undefined && !(Number.isInteger(o.batchSize) && o.batchSize > 0)) throw new Error(`Input: batchSize must be a positive integer, got ${JSON.stringify(o.batchSize)}`);
    batchShape = [o.batchSize ?? null, ...o.shape];
  }
  for (const d of batchShape.slice(1)) {
    if (d !== null && !(Number.isInteger(d) && d > 0)) throw new Error(`Input: every dimension of shape must be a positive integer or null, got ${JSON.stringify(o.shape ?? o.batchShape)}`);
  }
  if (o.name !== undefined && !/^[A-Za-z0-9][-A-Za-z0-9._]*$/.test(o.name)) throw new Error(`Input: name ${JSON.stringify(o.name)} is not a valid layer name; use letters, digits, ".", "_" and "-"`);
  return tf.input({ batchShape, name: o.name ?? autoName("InputLayer"), dtype: o.dtype });
}
