// Conversion and inspection `keras.ops`: cast, convertToTensor, convertToNumpy, stopGradient, and shape,
// ndim, size (plain numbers, also of symbolic tensors, whose unknown sizes are null, as Keras' None).
//
// Porting note: Keras' `convert_to_numpy` returns a NumPy array at once; reading a tfjs tensor is
// asynchronous, so `ops.convertToNumpy(x)` returns a Promise of nested arrays (`await` it).
import tf from "../../tfjs.cjs";
import { castTo, defineOp, isSymbolic, opError, show, toDType, toTensor, type DTypeName, stopGradient as noGradient, type TensorLike } from "./core.js";

/** `ops.cast(x, dtype)`: x in another dtype (float to int truncates toward zero, as TensorFlow). */
export const cast = defineOp("cast", "cast", (x: TensorLike, dtype: DTypeName | { dtype: DTypeName }): tf.Tensor => {
  const d = toDType(typeof dtype === "object" && dtype !== null ? dtype.dtype : dtype, "cast");
  if (!d) throw opError("cast", `dtype is required, got ${show(dtype)}`);
  const t = toTensor(x, "cast");
  return t.dtype === d ? t.clone() : castTo(t, d);
});

/**
 * `ops.convertToTensor(x, dtype)`: a tensor from numbers, nested arrays, a variable or a tensor (returned
 * as it is when it already has the dtype). Integers give int32, other numbers float32, booleans bool.
 */
export function convertToTensor(x: TensorLike, dtype?: DTypeName | null | { dtype?: DTypeName | null }): tf.Tensor {
  const d = toDType(typeof dtype === "object" && dtype !== null ? dtype.dtype : dtype, "convertToTensor");
  if (isSymbolic(x)) throw opError("convertToTensor", `x is a symbolic tensor (of a functional model's graph), which has no values`);
  if (x instanceof tf.Tensor && (!d || x.dtype === d)) return x;
  return tf.tidy(() => toTensor(x, "convertToTensor", "x", d));
}

/** `await ops.convertToNumpy(x)`: x's values as nested arrays (a number for a scalar). See the Porting note. */
export async function convertToNumpy(x: TensorLike): Promise<unknown> {
  if (isSymbolic(x)) throw opError("convertToNumpy", "x is a symbolic tensor (of a functional model's graph), which has no values");
  if (x instanceof tf.Tensor) return x.array();
  const t = convertToTensor(x);
  try {
    return await t.array();
  } finally {
    t.dispose();
  }
}

/** `ops.stopGradient(x)`: x's values, with no gradient flowing back through it. */
export const stopGradient = defineOp("stopGradient", "stop_gradient", (x: TensorLike): tf.Tensor => noGradient(toTensor(x, "stopGradient")));

function shapeOf(x: TensorLike, op: string): (number | null)[] {
  if (x instanceof tf.Tensor || isSymbolic(x)) return [...x.shape];
  if (typeof x === "object" && x !== null && !Array.isArray(x) && "shape" in x) return [...(x as { shape: number[] }).shape];
  const t = toTensor(x, op);
  const s = [...t.shape];
  t.dispose();
  return s;
}

/** `ops.shape(x)`: x's shape as an array; a symbolic tensor's unknown sizes (the batch) are null. */
export function shape(x: TensorLike): (number | null)[] {
  return shapeOf(x, "shape");
}

/** `ops.ndim(x)`: the number of axes. */
export function ndim(x: TensorLike): number {
  return shapeOf(x, "ndim").length;
}

/** `ops.size(x)`: the number of elements (null when a symbolic size is unknown). */
export function size(x: TensorLike): number | null {
  const s = shapeOf(x, "size");
  return s.some((d) => d === null) ? null : (s as number[]).reduce((a, b) => a * b, 1);
}

/** Keras' `ops.dtype(x)`: x's dtype name (float32, int32 or bool). */
export function dtype(x: TensorLike): string {
  if (x instanceof tf.Tensor || isSymbolic(x)) return x.dtype;
  if (typeof x === "object" && x !== null && !Array.isArray(x) && "dtype" in x) return String((x as { dtype: string }).dtype);
  const t = toTensor(x, "dtype");
  const d = t.dtype;
  t.dispose();
  return d;
}
