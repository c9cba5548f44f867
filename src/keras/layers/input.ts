// Input: the symbolic tensor a functional model starts from.
import * as tf from "@tensorflow/tfjs";
import { assertReady } from "../../backend/backend.js";
import { uniqueName } from "../naming.js";

export interface InputOptions {
  /** Shape of one sample, without the batch axis (Keras' first argument). */
  shape?: (number | null)[];
  /** Fixed batch size. Default: any. */
  batchSize?: number;
  /** Name of the input layer. Default `input_1`, `input_2`, ... (Keras 2). */
  name?: string;
  /** Default "float32". */
  dtype?: tf.DataType;
}

/** `Input([224, 224, 3])` or `Input({ shape: [224, 224, 3], name: "input" })`. */
export function Input(shapeOrOptions: (number | null)[] | InputOptions, options: InputOptions = {}): tf.SymbolicTensor {
  assertReady();
  const o = Array.isArray(shapeOrOptions) ? { ...options, shape: shapeOrOptions } : shapeOrOptions;
  if (!o.shape || !Array.isArray(o.shape)) throw new Error(`Input: shape is required (the shape of one sample), got ${JSON.stringify(o.shape)}`);
  for (const d of o.shape) {
    if (d !== null && !(Number.isInteger(d) && d > 0)) throw new Error(`Input: every dimension of shape must be a positive integer or null, got ${JSON.stringify(o.shape)}`);
  }
  return tf.input({
    ...(o.batchSize ? { batchShape: [o.batchSize, ...o.shape] } : { shape: o.shape }),
    name: o.name ?? uniqueName("input", false),
    dtype: o.dtype,
  });
}
