// Tensor-making `keras.ops`: zeros, ones, full, eye, identity, tri, arange, linspace, meshgrid, and the
// `_like` forms that take a tensor's shape (and, by default, its dtype).
//
// Porting note: `ops.arange(5)` is int32 and `ops.arange(0, 1, 0.25)` float32, as Keras infers from
// Python ints and floats; JavaScript cannot tell 1 from 1.0, so `ops.arange(0, 5, 1)` is int32 too:
// pass `{ dtype: "float32" }` for floats.
import tf from "../../tfjs.cjs";
import { castTo, defineOp, intArg, opError, show, toDType, toTensor, type DTypeName, type OpDType, type TensorLike } from "./core.js";

export interface DTypeOptions {
  /** The result's dtype. Default: see each op. */
  dtype?: DTypeName | null;
}

function shapeArg(shape: unknown, op: string): number[] {
  const s = typeof shape === "number" ? [shape] : shape;
  if (!Array.isArray(s) || !s.every((d) => Number.isInteger(d) && d >= 0)) throw opError(op, `shape must be a list of non-negative integers, got ${show(shape)}`);
  return s as number[];
}

const dtypeOf = (d: DTypeName | null | DTypeOptions | undefined, op: string): OpDType | undefined =>
  toDType(typeof d === "object" && d !== null ? d.dtype : d, op);

function filled(shape: number[], value: number | boolean, dtype: OpDType): tf.Tensor {
  if (dtype === "bool") return tf.cast(tf.fill(shape, value ? 1 : 0, "int32"), "bool");
  return tf.fill(shape, Number(value), dtype);
}

/** `ops.zeros(shape, dtype)`: zeros; dtype default float32. */
export const zeros = defineOp("zeros", "zeros", (shape: number | readonly number[], dtype?: DTypeName | null | DTypeOptions): tf.Tensor =>
  filled(shapeArg(shape, "zeros"), 0, dtypeOf(dtype, "zeros") ?? "float32"));

/** `ops.ones(shape, dtype)`: ones; dtype default float32. */
export const ones = defineOp("ones", "ones", (shape: number | readonly number[], dtype?: DTypeName | null | DTypeOptions): tf.Tensor =>
  filled(shapeArg(shape, "ones"), 1, dtypeOf(dtype, "ones") ?? "float32"));

/** `ops.full(shape, fillValue, dtype)`: every element fillValue; dtype default float32 (as Keras, even for an integer). */
export const full = defineOp("full", "full", (shape: number | readonly number[], fillValue: number | boolean, dtype?: DTypeName | null | DTypeOptions): tf.Tensor => {
  if (typeof fillValue !== "number" && typeof fillValue !== "boolean") throw opError("full", `fillValue must be a number, got ${show(fillValue)}`);
  return filled(shapeArg(shape, "full"), fillValue, dtypeOf(dtype, "full") ?? "float32");
});

/** `ops.zerosLike(x, dtype)`: zeros of x's shape; dtype default x's. */
export const zerosLike = defineOp("zerosLike", "zeros_like", (x: TensorLike, dtype?: DTypeName | null | DTypeOptions): tf.Tensor => {
  const t = toTensor(x, "zerosLike");
  return filled(t.shape, 0, dtypeOf(dtype, "zerosLike") ?? (t.dtype as OpDType));
});

/** `ops.onesLike(x, dtype)`: ones of x's shape; dtype default x's. */
export const onesLike = defineOp("onesLike", "ones_like", (x: TensorLike, dtype?: DTypeName | null | DTypeOptions): tf.Tensor => {
  const t = toTensor(x, "onesLike");
  return filled(t.shape, 1, dtypeOf(dtype, "onesLike") ?? (t.dtype as OpDType));
});

/** `ops.fullLike(x, fillValue, dtype)`: fillValue in x's shape; dtype default x's (so 1.5 in an int32 x is 1). */
export const fullLike = defineOp("fullLike", "full_like", (x: TensorLike, fillValue: number | boolean, dtype?: DTypeName | null | DTypeOptions): tf.Tensor => {
  const t = toTensor(x, "fullLike");
  if (typeof fillValue !== "number" && typeof fillValue !== "boolean") throw opError("fullLike", `fillValue must be a number, got ${show(fillValue)}`);
  const d = dtypeOf(dtype, "fullLike") ?? (t.dtype as OpDType);
  return filled(t.shape, d === "int32" && typeof fillValue === "number" ? Math.trunc(fillValue) : fillValue, d);
});

export interface EyeOptions extends DTypeOptions {
  /** The number of columns. Default N. */
  M?: number | null;
  /** The diagonal: 0 (default) the main one, positive above, negative below. */
  k?: number;
}

/** Positional M, k, dtype, or an options object in place of any of them. */
function eyeOptions(M?: number | null | EyeOptions, k?: number | EyeOptions, dtype?: DTypeName | null | DTypeOptions): EyeOptions {
  return {
    ...(typeof M === "object" && M !== null ? M : { M }),
    ...(typeof k === "object" ? k : k === undefined ? {} : { k }),
    ...(typeof dtype === "object" && dtype !== null ? dtype : dtype === undefined ? {} : { dtype }),
  };
}

/** `ops.eye(N, M, k, dtype)`: ones on diagonal k of an N x M matrix; dtype default float32. */
export const eye = defineOp("eye", "eye", (N: number, M?: number | null | EyeOptions, k?: number | EyeOptions, dtype?: DTypeName | null | DTypeOptions): tf.Tensor => {
  const o = eyeOptions(M, k, dtype);
  const n = intArg(N, "eye", "N", 0);
  const m = o.M === null || o.M === undefined ? n : intArg(o.M, "eye", "M", 0);
  const kk = intArg(o.k ?? 0, "eye", "k");
  const d = toDType(o.dtype, "eye") ?? "float32";
  const rows = tf.reshape(tf.range(0, n, 1, "int32"), [n, 1]);
  const cols = tf.reshape(tf.range(0, m, 1, "int32"), [1, m]);
  const mask = tf.equal(tf.sub(cols, rows), tf.scalar(kk, "int32"));
  return d === "bool" ? mask : tf.cast(mask, d);
});

/** `ops.identity(n, dtype)`: the n x n identity matrix; dtype default float32. */
export const identity = defineOp("identity", "identity", (n: number, dtype?: DTypeName | null | DTypeOptions): tf.Tensor =>
  eye(n, { dtype: typeof dtype === "object" && dtype !== null ? dtype.dtype : dtype }) as tf.Tensor);

export interface ArangeOptions extends DTypeOptions {
  /** The step. Default 1. */
  step?: number;
}

/**
 * `ops.arange(stop)`, `ops.arange(start, stop, step)`: evenly spaced values in [start, stop).
 * dtype default int32 when start, stop and step are integers, else float32.
 */
export const arange = defineOp("arange", "arange", (start: number, stop?: number | null | ArangeOptions, step?: number | ArangeOptions, dtype?: DTypeName | null | DTypeOptions): tf.Tensor => {
  const o: ArangeOptions & { stop?: number | null } = {
    ...(typeof stop === "object" && stop !== null ? stop : { stop }),
    ...(typeof step === "object" ? step : step === undefined ? {} : { step }),
    ...(typeof dtype === "object" && dtype !== null ? dtype : dtype === undefined ? {} : { dtype }),
  };
  let [lo, hi] = o.stop === null || o.stop === undefined ? [0, start] : [start, o.stop];
  const st = o.step ?? 1;
  for (const [name, v] of [["start", lo], ["stop", hi], ["step", st]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw opError("arange", `${name} must be a finite number, got ${show(v)}`);
  }
  if (st === 0) throw opError("arange", "step must not be 0");
  const d = toDType(o.dtype, "arange") ?? ([lo, hi, st].every(Number.isInteger) ? "int32" : "float32");
  if (d === "int32") [lo, hi] = [Math.trunc(lo), hi];
  const n = Math.max(Math.ceil((hi - lo) / st), 0);
  const values = Array.from({ length: n }, (_v, i) => lo + i * st);
  return d === "bool" ? castTo(tf.tensor1d(values, "float32"), "bool") : tf.tensor1d(values, d);
});

export interface LinspaceOptions extends DTypeOptions {
  /** How many values. Default 50. */
  num?: number;
  /** Include stop. Default true. */
  endpoint?: boolean;
}

/** `ops.linspace(start, stop, num, { endpoint, dtype })`: num evenly spaced values from start to stop; dtype default float32. */
export const linspace = defineOp("linspace", "linspace", (start: number, stop: number, num?: number | LinspaceOptions, more?: LinspaceOptions): tf.Tensor => {
  const o: LinspaceOptions = { ...(typeof num === "object" ? num : num === undefined ? {} : { num }), ...(more ?? {}) };
  if (typeof start !== "number" || typeof stop !== "number") throw opError("linspace", `start and stop must be numbers, got ${show(start)} and ${show(stop)}`);
  const n = intArg(o.num ?? 50, "linspace", "num", 0);
  const endpoint = o.endpoint ?? true;
  const div = endpoint ? n - 1 : n;
  const step = div > 0 ? (stop - start) / div : 0;
  const values = Array.from({ length: n }, (_v, i) => (endpoint && i === n - 1 && n > 1 ? stop : start + i * step));
  const d = toDType(o.dtype, "linspace") ?? "float32";
  return d === "int32" ? tf.tensor1d(values.map(Math.floor), "int32") : castTo(tf.tensor1d(values, "float32"), d);
});

/** `ops.tri(N, M, k, dtype)`: ones at and below diagonal k of an N x M matrix; dtype default float32. */
export const tri = defineOp("tri", "tri", (N: number, M?: number | null | EyeOptions, k?: number | EyeOptions, dtype?: DTypeName | null | DTypeOptions): tf.Tensor => {
  const o = eyeOptions(M, k, dtype);
  const n = intArg(N, "tri", "N", 0);
  const m = o.M === null || o.M === undefined ? n : intArg(o.M, "tri", "M", 0);
  const rows = tf.reshape(tf.range(0, n, 1, "int32"), [n, 1]);
  const cols = tf.reshape(tf.range(0, m, 1, "int32"), [1, m]);
  const mask = tf.lessEqual(tf.sub(cols, rows), tf.scalar(intArg(o.k ?? 0, "tri", "k"), "int32"));
  const d = toDType(o.dtype, "tri") ?? "float32";
  return d === "bool" ? mask : tf.cast(mask, d);
});

/**
 * `ops.meshgrid(x1, x2, ..., { indexing })`: coordinate grids from 1-D tensors; indexing "xy" (the
 * default, as NumPy: the first two axes swapped) or "ij".
 */
export const meshgrid = defineOp("meshgrid", "meshgrid", (...xs: (TensorLike | { indexing?: "xy" | "ij" })[]): tf.Tensor[] => {
  const last = xs[xs.length - 1];
  const hasOptions = typeof last === "object" && last !== null && !Array.isArray(last) && !(last instanceof tf.Tensor) && "indexing" in last;
  const indexing = hasOptions ? ((last as { indexing?: string }).indexing ?? "xy") : "xy";
  if (indexing !== "xy" && indexing !== "ij") throw opError("meshgrid", `indexing must be "xy" or "ij", got ${show(indexing)}`);
  const ts = (hasOptions ? xs.slice(0, -1) : xs).map((x, i) => tf.reshape(toTensor(x as TensorLike, "meshgrid", `x${i + 1}`), [-1]));
  const shape = ts.map((t) => t.size);
  if (indexing === "xy" && ts.length >= 2) [shape[0], shape[1]] = [shape[1], shape[0]];
  return ts.map((t, i) => {
    const at = indexing === "xy" && ts.length >= 2 && i < 2 ? 1 - i : i;
    const view = shape.map((d, j) => (j === at ? d : 1));
    return tf.broadcastTo(tf.reshape(t, view), shape);
  });
});
