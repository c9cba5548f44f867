// Shape `keras.ops`: reshape, transpose, expandDims, squeeze, concatenate, stack, split, tile, repeat,
// broadcastTo, flip, roll, slice, pad, ravel, moveaxis, swapaxes, with NumPy's rules (as Keras 3).
// Indexing ops (take, takeAlongAxis) are in indexing.ts.
import tf from "../../tfjs.cjs";
import { axisOrOptions, defineOp, intArg, normAxes, normAxis, opError, options, show, toTensor, type Axis, type TensorLike } from "./core.js";

const shapeText = (s: readonly number[]) => `[${s.join(",")}]`;
const count = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function intList(v: unknown, op: string, arg: string): number[] {
  const list = typeof v === "number" ? [v] : v;
  if (!Array.isArray(list) || !list.every((d) => Number.isInteger(d))) throw opError(op, `${arg} must be an integer or a list of integers, got ${show(v)}`);
  return list as number[];
}

/** `ops.reshape(x, newshape)`: the same values in a new shape; one size may be -1 (inferred). */
export const reshape = defineOp("reshape", "reshape", (x: TensorLike, newshape: number | readonly number[]): tf.Tensor => {
  const t = toTensor(x, "reshape");
  const s = intList(newshape, "reshape", "newshape");
  const unknown = s.filter((d) => d === -1).length;
  const known = count(s.filter((d) => d !== -1));
  if (unknown > 1 || s.some((d) => d < -1) || (unknown === 0 ? known !== t.size : known === 0 || t.size % known !== 0)) {
    throw opError("reshape", `newshape ${show(s)} does not fit ${t.size} values of shape ${shapeText(t.shape)}`);
  }
  return tf.reshape(t, s);
});

/** `ops.transpose(x, axes)`: permutes the axes; default (null) reverses them. */
export const transpose = defineOp("transpose", "transpose", (x: TensorLike, axes?: readonly number[] | null | { axes?: readonly number[] | null }): tf.Tensor => {
  const t = toTensor(x, "transpose");
  const a = axes && !Array.isArray(axes) ? (axes as { axes?: readonly number[] | null }).axes : (axes as readonly number[] | null | undefined);
  if (a === null || a === undefined) return tf.transpose(t);
  const perm = intList(a, "transpose", "axes").map((d) => normAxis(d, t.rank, "transpose", "axes"));
  if (perm.length !== t.rank || new Set(perm).size !== perm.length) throw opError("transpose", `axes ${show(a)} is not a permutation of the ${t.rank} axes of shape ${shapeText(t.shape)}`);
  return tf.transpose(t, perm);
});

/** `ops.expandDims(x, axis)`: inserts size-1 axes at `axis` (an integer or a list), counted in the result. */
export const expandDims = defineOp("expandDims", "expand_dims", (x: TensorLike, axis: number | readonly number[] | { axis: number | readonly number[] }): tf.Tensor => {
  const t = toTensor(x, "expandDims");
  const a = typeof axis === "object" && axis !== null && !Array.isArray(axis) ? (axis as { axis: number | number[] }).axis : axis;
  const list = intList(a, "expandDims", "axis");
  const rank = t.rank + list.length;
  const at = normAxes(list, rank, "expandDims");
  const shape: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) shape.push(at.includes(i) ? 1 : t.shape[k++]);
  return tf.reshape(t, shape);
});

/** `ops.squeeze(x, axis)`: removes size-1 axes: those named (which must have size 1), or all (default null). */
export const squeeze = defineOp("squeeze", "squeeze", (x: TensorLike, axis?: Axis | { axis?: Axis }): tf.Tensor => {
  const t = toTensor(x, "squeeze");
  const o = axisOrOptions<{ axis?: Axis }>(axis, undefined);
  if (o.axis === null || o.axis === undefined) return tf.reshape(t, t.shape.filter((d) => d !== 1));
  const axes = normAxes(o.axis, t.rank, "squeeze");
  for (const a of axes) if (t.shape[a] !== 1) throw opError("squeeze", `axis ${a} of shape ${shapeText(t.shape)} has size ${t.shape[a]}, not 1`);
  return tf.reshape(t, t.shape.filter((_d, i) => !axes.includes(i)));
});

function tensorList(xs: readonly TensorLike[], op: string): tf.Tensor[] {
  if (!Array.isArray(xs) || xs.length === 0) throw opError(op, `xs must be a non-empty list of tensors, got ${show(xs)}`);
  const ts = xs.map((x, i) => toTensor(x, op, `xs[${i}]`));
  const d = ts.some((t) => t.dtype === "float32") ? "float32" : ts.some((t) => t.dtype === "int32") ? "int32" : "bool";
  return ts.map((t) => (t.dtype === d ? t : tf.cast(t, d)));
}

/** `ops.concatenate(xs, axis)`: joins tensors along an existing axis (default 0). */
export const concatenate = defineOp("concatenate", "concatenate", (xs: readonly TensorLike[], axis: number | { axis?: number } = 0): tf.Tensor => {
  const ts = tensorList(xs, "concatenate");
  const a = normAxis(typeof axis === "number" ? axis : (axis?.axis ?? 0), ts[0].rank, "concatenate");
  for (const [i, t] of ts.entries()) {
    if (t.rank !== ts[0].rank || t.shape.some((d, j) => j !== a && d !== ts[0].shape[j])) {
      throw opError("concatenate", `xs[${i}] has shape ${shapeText(t.shape)}, which does not match xs[0]'s ${shapeText(ts[0].shape)} except along axis ${a}`);
    }
  }
  return tf.concat(ts, a);
});

/** `ops.stack(xs, axis)`: joins same-shape tensors along a new axis (default 0). */
export const stack = defineOp("stack", "stack", (xs: readonly TensorLike[], axis: number | { axis?: number } = 0): tf.Tensor => {
  const ts = tensorList(xs, "stack");
  for (const [i, t] of ts.entries()) {
    if (shapeText(t.shape) !== shapeText(ts[0].shape)) throw opError("stack", `xs[${i}] has shape ${shapeText(t.shape)}, not xs[0]'s ${shapeText(ts[0].shape)}`);
  }
  return tf.stack(ts, normAxis(typeof axis === "number" ? axis : (axis?.axis ?? 0), ts[0].rank + 1, "stack"));
});

/**
 * `ops.split(x, indicesOrSections, axis)`: a number n splits into n equal parts; a list of indices
 * splits before each index, as NumPy (`[2, 5]` gives x[:2], x[2:5], x[5:]). Axis default 0.
 */
export const split = defineOp("split", "split", (x: TensorLike, indicesOrSections: number | readonly number[], axis: number | { axis?: number } = 0): tf.Tensor[] => {
  const t = toTensor(x, "split");
  const a = normAxis(typeof axis === "number" ? axis : (axis?.axis ?? 0), t.rank, "split");
  const n = t.shape[a];
  if (typeof indicesOrSections === "number") {
    const k = intArg(indicesOrSections, "split", "indicesOrSections", 1);
    if (n % k !== 0) throw opError("split", `axis ${a} of shape ${shapeText(t.shape)} (size ${n}) does not split into ${k} equal sections`);
    return tf.split(t, k, a);
  }
  const idx = intList(indicesOrSections, "split", "indicesOrSections").map((i) => Math.min(Math.max(i < 0 ? i + n : i, 0), n));
  const bounds = [0, ...idx, n];
  return bounds.slice(0, -1).map((start, i) => {
    const size = Math.max(bounds[i + 1] - start, 0);
    const begin = t.shape.map((_d, j) => (j === a ? start : 0));
    const shape = t.shape.map((d, j) => (j === a ? size : d));
    return tf.slice(t, begin, shape);
  });
});

/** `ops.tile(x, repeats)`: repeats the whole tensor along each axis; shorter lists apply to the last axes (NumPy). */
export const tile = defineOp("tile", "tile", (x: TensorLike, repeats: number | readonly number[]): tf.Tensor => {
  let t = toTensor(x, "tile");
  const r = intList(repeats, "tile", "repeats");
  if (r.some((d) => d < 0)) throw opError("tile", `repeats must not be negative, got ${show(repeats)}`);
  const rank = Math.max(t.rank, r.length);
  if (t.rank < rank) t = tf.reshape(t, [...Array(rank - t.rank).fill(1), ...t.shape]);
  const reps = [...Array(rank - r.length).fill(1), ...r];
  return t.dtype === "bool" ? tf.cast(tf.tile(tf.cast(t, "int32"), reps), "bool") : tf.tile(t, reps);
});

/** `ops.repeat(x, repeats, axis)`: repeats each element (NumPy's repeat); default axis null flattens first. */
export const repeat = defineOp("repeat", "repeat", (x: TensorLike, repeats: number | readonly number[], axis: number | null | { axis?: number | null } = null): tf.Tensor => {
  let t = toTensor(x, "repeat");
  const ax = typeof axis === "object" && axis !== null ? (axis.axis ?? null) : axis;
  if (ax === null) t = tf.reshape(t, [-1]);
  const a = ax === null ? 0 : normAxis(ax, t.rank, "repeat");
  const n = t.shape[a];
  const r = typeof repeats === "number" ? Array(n).fill(repeats) : intList(repeats, "repeat", "repeats");
  if (r.length !== n || r.some((d) => d < 0)) throw opError("repeat", `repeats ${show(repeats)} must be a non-negative integer or one per element along axis ${a} (size ${n})`);
  const index = r.flatMap((k, i) => Array(k).fill(i));
  return tf.gather(t, tf.tensor1d(index, "int32"), a);
});

/** `ops.broadcastTo(x, shape)`: broadcasts x to `shape` (NumPy's rules). */
export const broadcastTo = defineOp("broadcastTo", "broadcast_to", (x: TensorLike, shape: readonly number[]): tf.Tensor => {
  const t = toTensor(x, "broadcastTo");
  const s = intList(shape, "broadcastTo", "shape");
  const pad = s.length - t.rank;
  if (pad < 0 || t.shape.some((d, i) => d !== 1 && d !== s[i + pad])) throw opError("broadcastTo", `x of shape ${shapeText(t.shape)} does not broadcast to shape ${show(s)}`);
  return tf.broadcastTo(t, s);
});

/** `ops.flip(x, axis)`: reverses the order along `axis` (default null: every axis). */
export const flip = defineOp("flip", "flip", (x: TensorLike, axis?: Axis | { axis?: Axis }): tf.Tensor => {
  const t = toTensor(x, "flip");
  if (t.rank === 0) return t.clone();
  const axes = normAxes(axisOrOptions<{ axis?: Axis }>(axis, undefined).axis, t.rank, "flip");
  return t.dtype === "bool" ? tf.cast(tf.reverse(tf.cast(t, "int32"), axes), "bool") : tf.reverse(t, axes);
});

/** `ops.roll(x, shift, axis)`: shifts elements along `axis`, wrapping around; default null rolls the flattened tensor. */
export const roll = defineOp("roll", "roll", (x: TensorLike, shift: number | readonly number[], axis: Axis | { axis?: Axis } = null): tf.Tensor => {
  let t = toTensor(x, "roll");
  const ax = axisOrOptions<{ axis?: Axis }>(axis, undefined).axis ?? null;
  const shape = t.shape;
  if (ax === null) t = tf.reshape(t, [-1]);
  const axes = ax === null ? [0] : intList(ax, "roll", "axis").map((a) => normAxis(a, t.rank, "roll"));
  const shifts = intList(shift, "roll", "shift");
  if (shifts.length !== axes.length && shifts.length !== 1) throw opError("roll", `shift ${show(shift)} needs one value per axis of ${show(ax)}`);
  axes.forEach((a, i) => {
    const n = t.shape[a];
    if (n === 0) return;
    const s = (((shifts.length === 1 ? shifts[0] : shifts[i]) % n) + n) % n;
    if (s === 0) return;
    const [head, tail] = tf.split(t, [n - s, s], a);
    t = tf.concat([tail, head], a);
  });
  return tf.reshape(t, shape);
});

/** `ops.slice(x, startIndices, shape)`: the block of size `shape` starting at `startIndices`. */
export const slice = defineOp("slice", "slice", (x: TensorLike, startIndices: readonly number[], shape: readonly number[]): tf.Tensor => {
  const t = toTensor(x, "slice");
  const b = intList(startIndices, "slice", "startIndices");
  const s = intList(shape, "slice", "shape");
  if (b.length !== t.rank || s.length !== t.rank || b.some((v, i) => v < 0 || (s[i] !== -1 && (s[i] < 0 || v + s[i] > t.shape[i])))) {
    throw opError("slice", `startIndices ${show(b)} and shape ${show(s)} do not fit in x of shape ${shapeText(t.shape)}`);
  }
  return tf.slice(t, b, s);
});

export interface PadOptions {
  /** "constant" (default), "reflect" or "symmetric". */
  mode?: "constant" | "reflect" | "symmetric";
  /** The value of constant padding. Default 0. */
  constantValues?: number;
}

/** `ops.pad(x, padWidth, mode)`: padWidth is n, [before, after], or one [before, after] per axis. */
export const pad = defineOp("pad", "pad", (x: TensorLike, padWidth: number | readonly number[] | readonly (readonly number[])[], mode: PadOptions["mode"] | PadOptions = "constant", more?: PadOptions): tf.Tensor => {
  const t = toTensor(x, "pad");
  const o: PadOptions = { ...(typeof mode === "string" ? { mode } : (mode ?? {})), ...options(more, "pad") };
  const w = padWidth as unknown;
  let pairs: number[][] | undefined;
  if (typeof w === "number") pairs = t.shape.map(() => [w, w]);
  else if (Array.isArray(w) && w.every((v) => typeof v === "number")) pairs = w.length === 1 ? t.shape.map(() => [w[0], w[0]]) : w.length === 2 ? t.shape.map(() => [w[0], w[1]]) : undefined;
  else if (Array.isArray(w) && w.every((p) => Array.isArray(p) && p.length === 2)) pairs = w.length === 1 ? t.shape.map(() => [...w[0]]) : w.map((p) => [...p]);
  if (!pairs || pairs.length !== t.rank || pairs.flat().some((v) => !Number.isInteger(v) || v < 0)) {
    throw opError("pad", `padWidth ${show(padWidth)} must be n, [before, after] or one [before, after] of non-negative integers per axis of shape ${shapeText(t.shape)}`);
  }
  const m = o.mode ?? "constant";
  if (m === "constant") return tf.pad(t, pairs as [number, number][], o.constantValues ?? 0);
  if (m !== "reflect" && m !== "symmetric") throw opError("pad", `mode must be "constant", "reflect" or "symmetric", got ${show(m)}`);
  // By slices (tfjs' mirrorPad gradient is wrong in "reflect" mode).
  const skip = m === "reflect" ? 1 : 0;
  let out = t;
  pairs.forEach(([before, after], a) => {
    const n = t.shape[a];
    if (before + skip > n || after + skip > n) throw opError("pad", `${m} padding of ${Math.max(before, after)} along axis ${a} needs a size of at least ${Math.max(before, after) + skip}, got shape ${shapeText(t.shape)}`);
    const part = (start: number, size: number) => tf.reverse(tf.slice(out, out.shape.map((_d, j) => (j === a ? start : 0)), out.shape.map((d, j) => (j === a ? size : d))), a);
    const pieces = [...(before ? [part(skip, before)] : []), out, ...(after ? [part(n - after - skip, after)] : [])];
    if (pieces.length > 1) out = tf.concat(pieces, a);
  });
  return out === t ? t.clone() : out;
});

/** `ops.ravel(x)`: the flattened tensor. */
export const ravel = defineOp("ravel", "ravel", (x: TensorLike): tf.Tensor => tf.reshape(toTensor(x, "ravel"), [-1]));

/** `ops.moveaxis(x, source, destination)`: moves axes to new positions, keeping the others in order. */
export const moveaxis = defineOp("moveaxis", "moveaxis", (x: TensorLike, source: number | readonly number[], destination: number | readonly number[]): tf.Tensor => {
  const t = toTensor(x, "moveaxis");
  const src = intList(source, "moveaxis", "source").map((a) => normAxis(a, t.rank, "moveaxis", "source"));
  const dst = intList(destination, "moveaxis", "destination").map((a) => normAxis(a, t.rank, "moveaxis", "destination"));
  if (src.length !== dst.length) throw opError("moveaxis", `source ${show(source)} and destination ${show(destination)} must have the same length`);
  const rest = [...Array(t.rank).keys()].filter((a) => !src.includes(a));
  const perm: number[] = Array(t.rank).fill(-1);
  dst.forEach((d, i) => (perm[d] = src[i]));
  for (let i = 0; i < t.rank; i++) if (perm[i] === -1) perm[i] = rest.shift()!;
  return tf.transpose(t, perm);
});

/** `ops.swapaxes(x, axis1, axis2)`: exchanges two axes. */
export const swapaxes = defineOp("swapaxes", "swapaxes", (x: TensorLike, axis1: number, axis2: number): tf.Tensor => {
  const t = toTensor(x, "swapaxes");
  const a = normAxis(axis1, t.rank, "swapaxes", "axis1");
  const b = normAxis(axis2, t.rank, "swapaxes", "axis2");
  const perm = [...Array(t.rank).keys()];
  [perm[a], perm[b]] = [perm[b], perm[a]];
  return tf.transpose(t, perm);
});
