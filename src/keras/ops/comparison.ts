// Comparisons and logic of `keras.ops`: equal, greater, ..., logicalAnd/Or/Not/Xor (bool results, NumPy
// broadcasting), where (choose by a condition), isnan, isfinite, isinf.
//
// Porting note: Keras' `where(condition)` with no x1 and x2 returns the indices of the true elements;
// tsdl needs both x1 and x2 (use `tf.whereAsync(condition)` for the indices).
import tf from "../../tfjs.cjs";
import { binaryInputs, defineOp, opError, toTensor, type TensorLike } from "./core.js";

function compare(name: string, kerasName: string, f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) {
  return defineOp(name, kerasName, (x1: TensorLike, x2: TensorLike): tf.Tensor => {
    const [a, b] = binaryInputs(x1, x2, name);
    try {
      return f(a, b);
    } catch (e) {
      throw opError(name, `x1 (shape [${a.shape.join(",")}]) and x2 (shape [${b.shape.join(",")}]) do not broadcast: ${(e as Error).message}`);
    }
  });
}

const asBool = (t: tf.Tensor) => (t.dtype === "bool" ? t : tf.notEqual(t, tf.scalar(0, t.dtype)));

/** `x1 == x2`, broadcast; bool. */
export const equal = compare("equal", "equal", (a, b) => tf.equal(a, b));
/** `x1 != x2`, broadcast; bool. */
export const notEqual = compare("notEqual", "not_equal", (a, b) => tf.notEqual(a, b));
/** `x1 > x2`, broadcast; bool. */
export const greater = compare("greater", "greater", (a, b) => tf.greater(a, b));
/** `x1 >= x2`, broadcast; bool. */
export const greaterEqual = compare("greaterEqual", "greater_equal", (a, b) => tf.greaterEqual(a, b));
/** `x1 < x2`, broadcast; bool. */
export const less = compare("less", "less", (a, b) => tf.less(a, b));
/** `x1 <= x2`, broadcast; bool. */
export const lessEqual = compare("lessEqual", "less_equal", (a, b) => tf.lessEqual(a, b));
/** Elementwise and of the truth values (nonzero is true); bool. */
export const logicalAnd = compare("logicalAnd", "logical_and", (a, b) => tf.logicalAnd(asBool(a), asBool(b)));
/** Elementwise or of the truth values; bool. */
export const logicalOr = compare("logicalOr", "logical_or", (a, b) => tf.logicalOr(asBool(a), asBool(b)));
/** Elementwise exclusive or of the truth values; bool. */
export const logicalXor = compare("logicalXor", "logical_xor", (a, b) => tf.logicalXor(asBool(a), asBool(b)));

/** Elementwise not of the truth value (zero is false); bool. */
export const logicalNot = defineOp("logicalNot", "logical_not", (x: TensorLike): tf.Tensor => tf.logicalNot(asBool(toTensor(x, "logicalNot"))));

/** Whether each element is NaN; bool (false for int32 and bool). */
export const isnan = defineOp("isnan", "isnan", (x: TensorLike): tf.Tensor => {
  const t = toTensor(x, "isnan");
  return t.dtype === "float32" ? tf.isNaN(t) : tf.zerosLike(t).cast("bool");
});
/** Whether each element is finite (not NaN or infinite); bool. */
export const isfinite = defineOp("isfinite", "isfinite", (x: TensorLike): tf.Tensor => {
  const t = toTensor(x, "isfinite");
  return t.dtype === "float32" ? tf.isFinite(t) : tf.onesLike(tf.cast(t, "int32")).cast("bool");
});
/** Whether each element is infinite; bool. */
export const isinf = defineOp("isinf", "isinf", (x: TensorLike): tf.Tensor => {
  const t = toTensor(x, "isinf");
  return t.dtype === "float32" ? tf.isInf(t) : tf.zerosLike(t).cast("bool");
});

/**
 * `ops.where(condition, x1, x2)`: x1 where condition is true (nonzero), else x2; all three broadcast.
 * The result's dtype is x1's and x2's common one.
 */
export const where = defineOp("where", "where", (condition: TensorLike, x1?: TensorLike, x2?: TensorLike): tf.Tensor => {
  if (x1 === undefined || x2 === undefined) {
    throw opError("where", "needs x1 and x2 (ops.where(condition, x1, x2)); for the indices of true elements use await tf.whereAsync(condition)");
  }
  const c = asBool(toTensor(condition, "where", "condition"));
  const [a, b] = binaryInputs(x1, x2, "where");
  let shape: number[];
  try {
    shape = tf.backend_util.assertAndGetBroadcastShape(tf.backend_util.assertAndGetBroadcastShape(c.shape, a.shape), b.shape);
  } catch {
    throw opError("where", `condition (shape [${c.shape.join(",")}]), x1 (shape [${a.shape.join(",")}]) and x2 (shape [${b.shape.join(",")}]) do not broadcast`);
  }
  return tf.where(tf.broadcastTo(c, shape), tf.broadcastTo(a, shape), tf.broadcastTo(b, shape));
});

export interface IsCloseOptions {
  /** Relative tolerance. Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance. Default 1e-8. */
  atol?: number;
  /** Whether two NaNs are close. Default false. */
  equalNan?: boolean;
}

/** `ops.isclose(x1, x2, { rtol, atol, equalNan })`: `|x1 - x2| <= atol + rtol * |x2|` elementwise; bool. */
export const isclose = defineOp("isclose", "isclose", (x1: TensorLike, x2: TensorLike, more?: IsCloseOptions): tf.Tensor => {
  const o = more ?? {};
  const [a, b] = binaryInputs(x1, x2, "isclose", "float32");
  const close = tf.logicalOr(tf.equal(a, b), tf.lessEqual(tf.abs(tf.sub(a, b)), tf.add(o.atol ?? 1e-8, tf.mul(o.rtol ?? 1e-5, tf.abs(b)))));
  return o.equalNan ? tf.logicalOr(close, tf.logicalAnd(tf.isNaN(a), tf.isNaN(b))) : close;
});
