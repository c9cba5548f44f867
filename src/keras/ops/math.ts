// Elementwise `keras.ops`: arithmetic with NumPy broadcasting (add, multiply, divide, power, mod, ...)
// and functions of one tensor (abs, sqrt, exp, log, sin, floor, round, clip, ...), with Keras 3's
// result dtypes: int32 stays int32 where Keras keeps ints (add, abs, square, round), and becomes float32
// where Keras makes floats (divide, sqrt, exp, floor).
//
// Porting note: Keras on TensorFlow refuses some dtypes (bool + bool, sigmoid of int32, erf of int32);
// tsdl computes these in float32 (or, for bool arithmetic, int32) instead of raising.
import tf from "../../tfjs.cjs";
import { binaryInputs, defineOp, opError, show, toTensor, type TensorLike } from "./core.js";

type Binary = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

function binary(name: string, kerasName: string, f: Binary, minDType?: "int32" | "float32", sameBroadcast = false) {
  return defineOp(name, kerasName, (x1: TensorLike, x2: TensorLike): tf.Tensor => {
    const [a, b] = binaryInputs(x1, x2, name, minDType);
    try {
      if (!sameBroadcast || a.shape.join() === b.shape.join()) return f(a, b);
      // tfjs' gradients of maximum, minimum, pow and atan2 do not sum over broadcast axes: broadcast first.
      const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      return f(tf.broadcastTo(a, shape), tf.broadcastTo(b, shape));
    } catch (e) {
      throw opError(name, `x1 (shape [${a.shape.join(",")}]) and x2 (shape [${b.shape.join(",")}]) do not broadcast: ${(e as Error).message}`);
    }
  });
}

/** Unary op: `int` says what an int32 or bool input gives: "keep" its dtype (bool becomes int32), or "float". */
function unary(name: string, kerasName: string, f: (x: tf.Tensor) => tf.Tensor, int: "keep" | "float") {
  return defineOp(name, kerasName, (x: TensorLike): tf.Tensor => {
    let t = toTensor(x, name);
    if (t.dtype !== "float32") t = tf.cast(t, int === "float" ? "float32" : "int32");
    return f(t);
  });
}

/** `x1 + x2`, broadcast. Both int32 (or an int32 and an integer number) give int32. */
export const add = binary("add", "add", (a, b) => tf.add(a, b), "int32");
/** `x1 - x2`, broadcast. */
export const subtract = binary("subtract", "subtract", (a, b) => tf.sub(a, b), "int32");
/** `x1 * x2`, broadcast. */
export const multiply = binary("multiply", "multiply", (a, b) => tf.mul(a, b), "int32");
/** `x1 / x2`, broadcast; always float32 (int32 / int32 too, as Keras). */
export const divide = binary("divide", "divide", (a, b) => tf.div(a, b), "float32");
/** Keras' `true_divide`: the same as `divide`. */
export const trueDivide = binary("trueDivide", "true_divide", (a, b) => tf.div(a, b), "float32");
/** `x1 ** x2`, broadcast; int32 ** integer stays int32. */
export const power = binary("power", "power", (a, b) => tf.pow(a, b), "int32", true);
/** The remainder with the divisor's sign (Python's `%`, NumPy's `mod`). */
export const mod = binary("mod", "mod", (a, b) => tf.mod(a, b), "int32", true);
/** `floor(x1 / x2)`; int32 for int32 operands. */
export const floorDivide = binary("floorDivide", "floor_divide", (a, b) => (a.dtype === "int32" ? tf.floorDiv(a, b) : tf.floor(tf.div(a, b))), "int32");
/** The elementwise larger value, broadcast. */
export const maximum = binary("maximum", "maximum", (a, b) => tf.maximum(a, b), "int32", true);
/** The elementwise smaller value, broadcast. */
export const minimum = binary("minimum", "minimum", (a, b) => tf.minimum(a, b), "int32", true);
/** `arctan(x1 / x2)` with the quadrant from both signs; float32. */
export const arctan2 = binary("arctan2", "arctan2", (a, b) => tf.atan2(a, b), "float32", true);
/** `log(exp(x1) + exp(x2))`, computed stably; float32. */
export const logaddexp = binary("logaddexp", "logaddexp", (a, b) => {
  const m = tf.maximum(a, b);
  return tf.add(m, tf.log1p(tf.exp(tf.neg(tf.abs(tf.sub(a, b))))));
}, "float32");

/** `-x`. */
export const negative = unary("negative", "negative", (x) => tf.neg(x), "keep");
/** `|x|`. */
export const abs = unary("abs", "abs", (x) => tf.abs(x), "keep");
/** Keras' `absolute`: the same as `abs`. */
export const absolute = abs;
/** `x * x`. */
export const square = unary("square", "square", (x) => tf.square(x), "keep");
/** The square root; float32. */
export const sqrt = unary("sqrt", "sqrt", (x) => tf.sqrt(x), "float");
/** `1 / sqrt(x)`; float32. */
export const rsqrt = unary("rsqrt", "rsqrt", (x) => tf.rsqrt(x), "float");
/** `1 / x`; float32. */
export const reciprocal = unary("reciprocal", "reciprocal", (x) => tf.reciprocal(x), "float");
/** `e ** x`; float32. */
export const exp = unary("exp", "exp", (x) => tf.exp(x), "float");
/** `e ** x - 1`, accurate for small x; float32. */
export const expm1 = unary("expm1", "expm1", (x) => tf.expm1(x), "float");
/** The natural logarithm; float32. */
export const log = unary("log", "log", (x) => tf.log(x), "float");
/** `log(1 + x)`, accurate for small x; float32. */
export const log1p = unary("log1p", "log1p", (x) => tf.log1p(x), "float");
/** The base-2 logarithm; float32. */
export const log2 = unary("log2", "log2", (x) => tf.div(tf.log(x), Math.LN2), "float");
/** The base-10 logarithm; float32. */
export const log10 = unary("log10", "log10", (x) => tf.div(tf.log(x), Math.LN10), "float");
/** The sine; float32. */
export const sin = unary("sin", "sin", (x) => tf.sin(x), "float");
/** The cosine; float32. */
export const cos = unary("cos", "cos", (x) => tf.cos(x), "float");
/** The tangent; float32. */
export const tan = unary("tan", "tan", (x) => tf.tan(x), "float");
/** The hyperbolic tangent; float32. */
export const tanh = unary("tanh", "tanh", (x) => tf.tanh(x), "float");
/** The hyperbolic sine; float32. */
export const sinh = unary("sinh", "sinh", (x) => tf.sinh(x), "float");
/** The hyperbolic cosine; float32. */
export const cosh = unary("cosh", "cosh", (x) => tf.cosh(x), "float");
/** The inverse sine; float32. */
export const arcsin = unary("arcsin", "arcsin", (x) => tf.asin(x), "float");
/** The inverse cosine; float32. */
export const arccos = unary("arccos", "arccos", (x) => tf.acos(x), "float");
/** The inverse tangent; float32. */
export const arctan = unary("arctan", "arctan", (x) => tf.atan(x), "float");
/** The error function; float32. */
export const erf = unary("erf", "erf", (x) => tf.erf(x), "float");
/** -1, 0 or 1 by the sign of x. */
export const sign = unary("sign", "sign", (x) => tf.sign(x), "keep");
/** Rounds down; float32 (int32 input too, as Keras). */
export const floor = unary("floor", "floor", (x) => tf.floor(x), "float");
/** Rounds up; float32. */
export const ceil = unary("ceil", "ceil", (x) => tf.ceil(x), "float");

/**
 * Rounds to `decimals` places (default 0), halves to even as NumPy; int32 stays int32.
 * `ops.round(x)` or `ops.round(x, 2)` or `ops.round(x, { decimals: 2 })`.
 */
export const round = defineOp("round", "round", (x: TensorLike, decimals: number | { decimals?: number } = 0): tf.Tensor => {
  const d = typeof decimals === "number" ? decimals : (decimals?.decimals ?? 0);
  if (!Number.isInteger(d)) throw opError("round", `decimals must be an integer, got ${show(decimals)}`);
  let t = toTensor(x, "round");
  if (t.dtype === "bool") t = tf.cast(t, "int32");
  if (t.dtype === "int32") {
    if (d >= 0) return t;
    const f = 10 ** -d;
    return tf.cast(tf.mul(tf.round(tf.div(tf.cast(t, "float32"), f)), f), "int32");
  }
  if (d === 0) return tf.round(t);
  const f = 10 ** d;
  return tf.div(tf.round(tf.mul(t, f)), f);
});

/** Keras' `clip(x, x_min, x_max)`: limits x to [xMin, xMax]; bool input becomes int32. */
export const clip = defineOp("clip", "clip", (x: TensorLike, xMin: number, xMax: number): tf.Tensor => {
  if (typeof xMin !== "number" || typeof xMax !== "number") throw opError("clip", `xMin and xMax must be numbers, got ${show(xMin)} and ${show(xMax)}`);
  let t = toTensor(x, "clip");
  if (t.dtype === "bool") t = tf.cast(t, "int32");
  if (t.dtype === "int32" && (!Number.isInteger(xMin) || !Number.isInteger(xMax))) {
    throw opError("clip", `an int32 x needs integer bounds, got xMin ${show(xMin)} and xMax ${show(xMax)}`);
  }
  // tf.clipByValue refuses xMin > xMax; NumPy gives xMax everywhere then, as minimum(maximum(x, lo), hi).
  return tf.minimum(tf.maximum(t, tf.scalar(xMin, t.dtype)), tf.scalar(xMax, t.dtype));
});

export interface NanToNumOptions {
  /** What NaN becomes. Default 0. */
  nan?: number;
  /** What +Infinity becomes. Default the largest float32. */
  posinf?: number | null;
  /** What -Infinity becomes. Default the most negative float32. */
  neginf?: number | null;
}

const FLOAT32_MAX = 3.4028234663852886e38;

/** `ops.nanToNum(x, { nan, posinf, neginf })`: NaN and infinities replaced by finite numbers; ints pass through. */
export const nanToNum = defineOp("nanToNum", "nan_to_num", (x: TensorLike, more?: NanToNumOptions): tf.Tensor => {
  const t = toTensor(x, "nanToNum");
  if (t.dtype !== "float32") return t;
  const o = more ?? {};
  const fill = (v: number) => tf.fill(t.shape, v);
  let r = tf.where(tf.isNaN(t), fill(o.nan ?? 0), t);
  r = tf.where(tf.equal(r, Infinity), fill(o.posinf ?? FLOAT32_MAX), r);
  return tf.where(tf.equal(r, -Infinity), fill(o.neginf ?? -FLOAT32_MAX), r);
});
