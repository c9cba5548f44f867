// Sorting `keras.ops`: sort and argsort along an axis (default -1), ascending as NumPy, built on
// tf.topk so that the sorted values carry gradients back to the elements they came from.
//
// Porting note: the order of equal elements is not specified (Keras' TensorFlow backend does not
// promise a stable sort either).
import tf from "../../tfjs.cjs";
import { defineOp, normAxis, opError, show, toTensor, type TensorLike } from "./core.js";

type AxisArg = number | null | { axis?: number | null };

function sorted(x: TensorLike, axis: AxisArg | undefined, op: string): { values: tf.Tensor; indices: tf.Tensor } {
  let t = toTensor(x, op);
  if (t.dtype === "bool") t = tf.cast(t, "int32");
  const a = typeof axis === "object" && axis !== null ? (axis.axis === undefined ? -1 : axis.axis) : axis === undefined ? -1 : axis;
  if (a === null) t = tf.reshape(t, [-1]);
  else if (typeof a !== "number") throw opError(op, `axis must be an integer or null, got ${show(a)}`);
  if (t.rank === 0) return { values: t.clone(), indices: tf.scalar(0, "int32") };
  const ax = a === null ? 0 : normAxis(a, t.rank, op);
  const last = t.rank - 1;
  const perm = [...Array(t.rank).keys()].filter((k) => k !== ax).concat(ax);
  const inverse = perm.map((_p, j) => perm.indexOf(j));
  const moved = ax === last ? t : tf.transpose(t, perm);
  // The largest of -x first is the smallest of x first.
  const { values, indices } = tf.topk(tf.neg(moved), moved.shape[last]);
  const back = (v: tf.Tensor) => (ax === last ? v : tf.transpose(v, inverse));
  return { values: back(tf.neg(values)), indices: back(indices) };
}

/** `ops.sort(x, axis)`: x sorted ascending along axis (default -1; null: the flattened tensor). */
export const sort = defineOp("sort", "sort", (x: TensorLike, axis?: AxisArg): tf.Tensor => sorted(x, axis, "sort").values);

/** `ops.argsort(x, axis)`: the indices that sort x ascending along axis (default -1; null: flattened); int32. */
export const argsort = defineOp("argsort", "argsort", (x: TensorLike, axis?: AxisArg): tf.Tensor => sorted(x, axis, "argsort").indices);
