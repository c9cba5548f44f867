// Reductions of `keras.ops`: sum, mean, max, min, prod, std, var, any, all, logsumexp, argmax, argmin
// over an axis, a list of axes or all of them (axis null, Keras' default), and the running sums
// cumsum and cumprod. `ops.sum(x, 1)`, `ops.sum(x, [0, 1])` and `ops.sum(x, { axis: 1, keepdims: true })`.
import tf from "../../tfjs.cjs";
import { axisOrOptions, defineOp, normAxes, normAxis, opError, options, show, toDType, toTensor, type Axis, type DTypeName, type TensorLike } from "./core.js";

export interface ReduceOptions {
  /** The axis or axes to reduce; null (the default) reduces all of them. */
  axis?: Axis;
  /** Keep each reduced axis with size 1. Default false. */
  keepdims?: boolean;
}

type Reducer = (x: tf.Tensor, axes: number[], keepdims: boolean) => tf.Tensor;

function reduction(name: string, kerasName: string, cast: "int" | "float" | "keep" | "bool", f: Reducer) {
  return defineOp(name, kerasName, (x: TensorLike, axis?: Axis | ReduceOptions, more?: ReduceOptions): tf.Tensor => {
    const o = axisOrOptions<ReduceOptions>(axis, options(more, name));
    let t = toTensor(x, name);
    const axes = normAxes(o.axis, t.rank, name);
    const keep = o.keepdims ?? false;
    if (typeof keep !== "boolean") throw opError(name, `keepdims must be a boolean, got ${show(keep)}`);
    const from = t.dtype;
    if (cast === "float" && t.dtype !== "float32") t = tf.cast(t, "float32");
    if ((cast === "int" || cast === "keep") && t.dtype === "bool") t = tf.cast(t, "int32");
    if (cast === "bool" && t.dtype !== "bool") t = tf.notEqual(t, tf.scalar(0, t.dtype));
    if (t.rank === 0) return cast === "keep" && from === "bool" ? tf.cast(t, "bool") : t.clone();
    const r = f(t, axes, keep);
    return cast === "keep" && from === "bool" ? tf.cast(r, "bool") : r;
  });
}

/** The sum over `axis` (default all); bool and int32 give int32. */
export const sum = reduction("sum", "sum", "int", (x, a, k) => tf.sum(x, a, k));
/** The mean over `axis` (default all); float32. */
export const mean = reduction("mean", "mean", "float", (x, a, k) => tf.mean(x, a, k));
/** The largest value over `axis` (default all); keeps x's dtype. */
export const max = reduction("max", "max", "keep", (x, a, k) => tf.max(x, a, k));
/** Keras' `amax`: the same as `max`. */
export const amax = max;
/** The smallest value over `axis` (default all); keeps x's dtype. */
export const min = reduction("min", "min", "keep", (x, a, k) => tf.min(x, a, k));
/** Keras' `amin`: the same as `min`. */
export const amin = min;
/** The product over `axis` (default all); bool and int32 give int32. */
export const prod = reduction("prod", "prod", "int", (x, a, k) => tf.prod(x, a, k));
/** The population variance (divides by n) over `axis` (default all); float32. */
export const variance = reduction("var", "var", "float", (x, a, k) => {
  const m = tf.mean(x, a, true);
  return tf.mean(tf.square(tf.sub(x, m)), a, k);
});
/** Keras' `var` (a reserved word in JavaScript as a binding, so also `variance`). */
export { variance as var };
/** The population standard deviation over `axis` (default all); float32. */
export const std = reduction("std", "std", "float", (x, a, k) => tf.sqrt(tf.mean(tf.square(tf.sub(x, tf.mean(x, a, true))), a, k)));
/** Whether any element over `axis` (default all) is nonzero; bool. */
export const any = reduction("any", "any", "bool", (x, a, k) => tf.any(x, a, k));
/** Whether every element over `axis` (default all) is nonzero; bool. */
export const all = reduction("all", "all", "bool", (x, a, k) => tf.all(x, a, k));
/** `log(sum(exp(x)))` over `axis` (default all), computed stably; float32. */
export const logsumexp = reduction("logsumexp", "logsumexp", "float", (x, a, k) => tf.logSumExp(x, a, k));

/** The number of nonzero elements over `axis` (default all); int32. */
export const countNonzero = reduction("countNonzero", "count_nonzero", "bool", (x, a, k) => tf.sum(tf.cast(x, "int32"), a, k));

export interface AverageOptions {
  /** The axis to average over; null (the default) averages everything. */
  axis?: number | null;
  /** Weights: x's shape, or 1-D along `axis`. Default none (the plain mean). */
  weights?: TensorLike | null;
}

/** `ops.average(x, { axis, weights })`: the weighted mean `sum(x * w) / sum(w)` over axis; float32. */
export const average = defineOp("average", "average", (x: TensorLike, axis?: number | null | AverageOptions, more?: AverageOptions): tf.Tensor => {
  const o = axisOrOptions<AverageOptions>(axis, options(more, "average"));
  const t = toTensor(x, "average", "x", "float32");
  const axes = normAxes(o.axis, t.rank, "average");
  if (o.weights === null || o.weights === undefined) return tf.mean(t, axes);
  let w = toTensor(o.weights, "average", "weights", "float32");
  if (w.rank === 1 && t.rank > 1 && axes.length === 1) w = tf.reshape(w, t.shape.map((d, k) => (k === axes[0] ? w.size : 1)));
  if (w.shape.some((d, k) => d !== 1 && d !== t.shape[k]) || w.rank !== t.rank) {
    throw opError("average", `weights (shape [${w.shape.join(",")}]) must have x's shape [${t.shape.join(",")}], or be 1-D along axis`);
  }
  return tf.div(tf.sum(tf.mul(t, w), axes), tf.sum(tf.broadcastTo(w, t.shape), axes));
});

export interface ArgOptions {
  /** The axis to search; null (the default) searches the flattened tensor. */
  axis?: number | null;
  /** Keep the axis with size 1. Default false. */
  keepdims?: boolean;
}

function argReduction(name: string, kerasName: string, f: (x: tf.Tensor, axis: number) => tf.Tensor) {
  return defineOp(name, kerasName, (x: TensorLike, axis?: number | null | ArgOptions, more?: ArgOptions): tf.Tensor => {
    const o = axisOrOptions<ArgOptions>(axis, options(more, name));
    let t = toTensor(x, name);
    if (t.dtype === "bool") t = tf.cast(t, "int32");
    const keep = o.keepdims ?? false;
    if (o.axis === null || o.axis === undefined) {
      const r = t.rank === 0 ? tf.scalar(0, "int32") : f(tf.reshape(t, [-1]), 0);
      return keep ? tf.reshape(r, t.shape.map(() => 1)) : r;
    }
    if (typeof o.axis !== "number") throw opError(name, `axis must be an integer or null, got ${show(o.axis)}`);
    const a = normAxis(o.axis, t.rank, name);
    const r = f(t, a);
    return keep ? tf.expandDims(r, a) : r;
  });
}

/** The index of the largest value along `axis` (default: of the flattened tensor); int32. */
export const argmax = argReduction("argmax", "argmax", (x, a) => tf.argMax(x, a));
/** The index of the smallest value along `axis` (default: of the flattened tensor); int32. */
export const argmin = argReduction("argmin", "argmin", (x, a) => tf.argMin(x, a));

export interface CumulativeOptions {
  /** The axis to run along; null (the default) runs along the flattened tensor. */
  axis?: number | null;
  /** The result's dtype. Default: x's (bool becomes int32). */
  dtype?: DTypeName | null;
}

function cumulative(name: string, kerasName: string, f: (x: tf.Tensor, axis: number) => tf.Tensor) {
  return defineOp(name, kerasName, (x: TensorLike, axis?: number | null | CumulativeOptions, more?: CumulativeOptions): tf.Tensor => {
    const o = axisOrOptions<CumulativeOptions>(axis, options(more, name));
    let t = toTensor(x, name);
    const dtype = toDType(o.dtype, name);
    if (dtype && dtype !== "bool") t = tf.cast(t, dtype);
    if (t.dtype === "bool") t = tf.cast(t, "int32");
    if (o.axis === null || o.axis === undefined) return f(tf.reshape(t, [-1]), 0);
    if (typeof o.axis !== "number") throw opError(name, `axis must be an integer or null, got ${show(o.axis)}`);
    if (t.rank === 0) throw opError(name, `axis ${o.axis} is out of range for a tensor of rank 0`);
    return f(t, normAxis(o.axis, t.rank, name));
  });
}

/** Runs f along the last axis: tfjs' cumsum gradient is wrong for other axes. */
function alongLast(x: tf.Tensor, a: number, f: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (a === x.rank - 1) return f(x);
  const perm = [...Array(x.rank).keys()].filter((k) => k !== a).concat(a);
  return tf.transpose(f(tf.transpose(x, perm)), perm.map((_p, j) => perm.indexOf(j)));
}

/** The running sum along `axis` (default: the flattened tensor). */
export const cumsum = cumulative("cumsum", "cumsum", (x, a) => alongLast(x, a, (v) => tf.cumsum(v, v.rank - 1)));

/**
 * The running product along `axis` (default: the flattened tensor).
 * Porting note: tfjs' cumprod has no gradient, so tsdl multiplies step by step along the axis
 * (exact gradients, zeros included; one multiplication per element of the axis).
 */
export const cumprod = cumulative("cumprod", "cumprod", (x, a) => {
  const parts = tf.unstack(x, a);
  if (parts.length === 0) return x.clone();
  const out = [parts[0]];
  for (let i = 1; i < parts.length; i++) out.push(tf.mul(out[i - 1], parts[i]));
  return tf.stack(out, a);
});
