// Indexing `keras.ops`: take (gather along an axis) and takeAlongAxis (NumPy's take_along_axis), with
// negative indices counting from the end, as Keras 3 on TensorFlow; sliceUpdate, scatter,
// scatterUpdate and segmentSum. Gradients flow to the values.
//
// Porting note: tfjs' scatterND has no gradient, so scatter and scatterUpdate are built on
// unsortedSegmentSum (which has one). `segmentSum` needs numSegments (Keras can find it from the data;
// a tfjs graph cannot).
import tf from "../../tfjs.cjs";
import { defineOp, normAxis, opError, toTensor, type TensorLike } from "./core.js";

const shapeText = (s: readonly number[]) => `[${s.join(",")}]`;

type AxisArg = number | null | { axis?: number | null };
const axisOf = (a: AxisArg | undefined): number | null => (typeof a === "object" && a !== null ? (a.axis ?? null) : (a ?? null));

/** Integer indices into an axis of size n, negative ones wrapped. */
function indexTensor(indices: TensorLike, n: number, op: string): tf.Tensor {
  let i = toTensor(indices, op, "indices");
  if (i.dtype === "bool") throw opError(op, `indices must be integers, got a bool tensor`);
  if (i.dtype !== "int32") i = tf.cast(i, "int32");
  // Negative indices count from the end (Keras' TensorFlow backend does the same).
  return tf.where(tf.less(i, 0), tf.add(i, tf.scalar(n, "int32")), i);
}

function gatherAny(x: tf.Tensor, i: tf.Tensor, axis: number): tf.Tensor {
  return x.dtype === "bool" ? tf.cast(tf.gather(tf.cast(x, "int32"), i, axis), "bool") : tf.gather(x, i, axis);
}

/**
 * `ops.take(x, indices, axis)`: the slices of x at `indices` along `axis`; the default (null) indexes
 * the flattened tensor. The result's shape puts indices' shape in place of that axis.
 */
export const take = defineOp("take", "take", (x: TensorLike, indices: TensorLike, axis?: AxisArg): tf.Tensor => {
  let t = toTensor(x, "take");
  const ax = axisOf(axis);
  if (ax === null) t = tf.reshape(t, [-1]);
  const a = ax === null ? 0 : normAxis(ax, t.rank, "take");
  return gatherAny(t, indexTensor(indices, t.shape[a], "take"), a);
});

/**
 * `ops.takeAlongAxis(x, indices, axis)`: NumPy's take_along_axis: indices has x's rank, and picks
 * along `axis` for each position of the other axes (which broadcast). Default axis null: x flattened.
 */
export const takeAlongAxis = defineOp("takeAlongAxis", "take_along_axis", (x: TensorLike, indices: TensorLike, axis?: AxisArg): tf.Tensor => {
  let t = toTensor(x, "takeAlongAxis");
  const ax = axisOf(axis);
  if (ax === null) t = tf.reshape(t, [-1]);
  const a = ax === null ? 0 : normAxis(ax, t.rank, "takeAlongAxis");
  let i = indexTensor(indices, t.shape[a], "takeAlongAxis");
  if (ax === null) i = tf.reshape(i, [-1]);
  if (i.rank !== t.rank) throw opError("takeAlongAxis", `indices (shape ${shapeText(i.shape)}) must have the rank of x (shape ${shapeText(t.shape)})`);
  // Broadcast every axis but `axis`.
  const common = t.shape.map((d, k) => {
    if (k === a) return -1;
    const e = i.shape[k];
    if (d !== e && d !== 1 && e !== 1) throw opError("takeAlongAxis", `x of shape ${shapeText(t.shape)} and indices of shape ${shapeText(i.shape)} do not broadcast outside axis ${a}`);
    return Math.max(d, e);
  });
  t = tf.broadcastTo(t, common.map((d, k) => (k === a ? t.shape[a] : d)));
  i = tf.broadcastTo(i, common.map((d, k) => (k === a ? i.shape[a] : d)));
  // Move `axis` last, flatten the rest into rows, and gather from the flat tensor (row * n + index).
  const perm = [...Array(t.rank).keys()].filter((k) => k !== a).concat(a);
  const xt = tf.transpose(t, perm);
  const it = tf.transpose(i, perm);
  const n = t.shape[a];
  const k = i.shape[a];
  const rows = xt.size / Math.max(n, 1);
  const offsets = tf.reshape(tf.mul(tf.range(0, rows, 1, "int32"), tf.scalar(n, "int32")), [rows, 1]);
  const flat = tf.reshape(tf.add(tf.reshape(it, [rows, k]), offsets), [-1]);
  const picked = tf.reshape(gatherAny(tf.reshape(xt, [-1]), flat, 0), it.shape);
  const inverse = perm.map((_p, j) => perm.indexOf(j));
  return tf.transpose(picked, inverse);
});

/**
 * `ops.sliceUpdate(inputs, startIndices, updates)`: inputs with the block at startIndices replaced by
 * updates (cast to inputs' dtype); gradients flow to both.
 */
export const sliceUpdate = defineOp("sliceUpdate", "slice_update", (inputs: TensorLike, startIndices: readonly number[], updates: TensorLike): tf.Tensor => {
  const x = toTensor(inputs, "sliceUpdate", "inputs");
  let u = toTensor(updates, "sliceUpdate", "updates");
  if (u.dtype !== x.dtype) u = tf.cast(u, x.dtype);
  const start = startIndices as number[];
  if (!Array.isArray(start) || start.length !== x.rank || u.rank !== x.rank || start.some((s, i) => !Number.isInteger(s) || s < 0 || s + u.shape[i] > x.shape[i])) {
    throw opError("sliceUpdate", `updates of shape ${shapeText(u.shape)} at startIndices ${JSON.stringify(startIndices)} do not fit in inputs of shape ${shapeText(x.shape)}`);
  }
  const pads = start.map((s, i) => [s, x.shape[i] - s - u.shape[i]] as [number, number]);
  const mask = tf.cast(tf.pad(tf.ones(u.shape, "int32"), pads), "bool");
  const padded = x.dtype === "bool" ? tf.cast(tf.pad(tf.cast(u, "int32"), pads), "bool") : tf.pad(u, pads);
  return tf.where(mask, padded, x);
});

/** Flat positions (row-major) of index tuples [n, depth] into the first `depth` axes of `shape`. */
function flatPositions(indices: TensorLike, shape: readonly number[], op: string): { flat: tf.Tensor1D; depth: number; count: number } {
  const i = toTensor(indices, op, "indices", "int32");
  if (i.rank < 1 || i.shape[i.rank - 1] > shape.length) throw opError(op, `indices (shape ${shapeText(i.shape)}) must end in an axis of at most ${shape.length} (the rank of shape ${shapeText(shape)})`);
  const depth = i.shape[i.rank - 1];
  const strides = shape.slice(0, depth).map((_d, k) => shape.slice(k + 1, depth).reduce((a, b) => a * b, 1));
  const rows = tf.reshape(i, [-1, depth]);
  const flat = depth === 0 ? tf.zeros([rows.shape[0]], "int32") : tf.sum(tf.mul(rows, tf.tensor1d(strides, "int32")), 1);
  return { flat: flat as tf.Tensor1D, depth, count: shape.slice(0, depth).reduce((a, b) => a * b, 1) };
}

/**
 * `ops.scatter(indices, values, shape)`: zeros of `shape` with `values` added at `indices` (index tuples
 * along the last axis of indices, as tf.scatter_nd); repeated indices add up.
 */
export const scatter = defineOp("scatter", "scatter", (indices: TensorLike, values: TensorLike, shape: readonly number[]): tf.Tensor => {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw opError("scatter", `shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  const { flat, depth, count } = flatPositions(indices, shape, "scatter");
  let v = toTensor(values, "scatter", "values");
  const dtype = v.dtype === "bool" ? "int32" : v.dtype;
  const rest = shape.slice(depth);
  if (v.size !== flat.shape[0] * rest.reduce((a, b) => a * b, 1)) throw opError("scatter", `values (shape ${shapeText(v.shape)}) must hold one slice of shape ${shapeText(rest)} per index`);
  v = tf.reshape(tf.cast(v, dtype), [flat.shape[0], ...rest]);
  return tf.reshape(tf.unsortedSegmentSum(v, flat, count), [...shape]);
});

/** `ops.scatterUpdate(inputs, indices, updates)`: inputs with the elements (or slices) at `indices` replaced by updates. */
export const scatterUpdate = defineOp("scatterUpdate", "scatter_update", (inputs: TensorLike, indices: TensorLike, updates: TensorLike): tf.Tensor => {
  const x = toTensor(inputs, "scatterUpdate", "inputs");
  const { flat, depth, count } = flatPositions(indices, x.shape, "scatterUpdate");
  const rest = x.shape.slice(depth);
  const u = toTensor(updates, "scatterUpdate", "updates");
  if (u.size !== flat.shape[0] * rest.reduce((a, b) => a * b, 1)) throw opError("scatterUpdate", `updates (shape ${shapeText(u.shape)}) must hold one slice of shape ${shapeText(rest)} per index`);
  const work = x.dtype === "bool" ? "int32" : x.dtype;
  const placed = tf.unsortedSegmentSum(tf.reshape(tf.cast(u, work), [flat.shape[0], ...rest]), flat, count);
  const hit = tf.greater(tf.unsortedSegmentSum(tf.ones([flat.shape[0]], "int32"), flat, count), 0);
  const mask = tf.reshape(hit, [count, ...rest.map(() => 1)]);
  const out = tf.where(tf.broadcastTo(mask, [count, ...rest]), placed, tf.reshape(tf.cast(x, work), [count, ...rest]));
  return tf.reshape(x.dtype === "bool" ? tf.cast(out, "bool") : out, x.shape);
});

/**
 * `ops.segmentSum(data, segmentIds, numSegments)`: sums of data's rows (first axis) by segment id,
 * ids from 0 to numSegments - 1. Porting note: numSegments is required in tsdl.
 */
export const segmentSum = defineOp("segmentSum", "segment_sum", (data: TensorLike, segmentIds: TensorLike, numSegments: number | { numSegments?: number; sorted?: boolean }): tf.Tensor => {
  const n = typeof numSegments === "object" && numSegments !== null ? numSegments.numSegments : numSegments;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw opError("segmentSum", `numSegments must be a positive integer (tsdl cannot find it from the data), got ${JSON.stringify(n)}`);
  let d = toTensor(data, "segmentSum", "data");
  if (d.dtype === "bool") d = tf.cast(d, "int32");
  const ids = toTensor(segmentIds, "segmentSum", "segmentIds", "int32");
  if (ids.rank !== 1 || ids.shape[0] !== d.shape[0]) throw opError("segmentSum", `segmentIds (shape ${shapeText(ids.shape)}) must give one id per row of data (shape ${shapeText(d.shape)})`);
  return tf.unsortedSegmentSum(d, ids as tf.Tensor1D, n);
});
