// Neural-network `keras.ops` (Keras' keras.ops.nn, also at keras.ops' top level): activations (relu,
// sigmoid, gelu, silu, softmax, ...), oneHot, topK, normalize, moments, the cross-entropies with
// their fromLogits option, and dotProductAttention.
//
// As Keras 3 on TensorFlow, a softmax's or sigmoid's output remembers its logits (src/keras/logits.ts),
// and the cross-entropies given such an output compute from the logits: the same loss where nothing
// saturates, and Keras' large loss and full gradient where a probability rounds to 0 or 1.
// Porting note: activations of int32 or bool tensors compute in float32 (Keras on TensorFlow raises).
import tf from "../../tfjs.cjs";
import { logitsOf, withLogits } from "../logits.js";
import { einsum } from "./linalg.js";
import { defineOp, intArg, normAxes, normAxis, opError, options, show, toDType, stopGradient, toTensor, type Axis, type DTypeName, type TensorLike } from "./core.js";

const EPSILON = 1e-7; // keras.config.epsilon()
const shapeText = (s: readonly number[]) => `[${s.join(",")}]`;
const float = (x: TensorLike, op: string, arg = "x") => toTensor(x, op, arg, "float32");

function activation(name: string, kerasName: string, f: (x: tf.Tensor) => tf.Tensor) {
  return defineOp(name, kerasName, (x: TensorLike): tf.Tensor => f(float(x, name)));
}

/** `max(x, 0)`; int32 stays int32. */
export const relu = defineOp("relu", "relu", (x: TensorLike): tf.Tensor => {
  const t = toTensor(x, "relu");
  return tf.relu(t.dtype === "bool" ? tf.cast(t, "int32") : t);
});

// TensorFlow's relu6 gradient is 1 only strictly inside (0, 6); tfjs' is 1 at 6 too.
const relu6Grad = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.relu6(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.mul(tf.step(saved[0]), tf.step(tf.sub(6, saved[0])))),
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);
const relu6Of = (x: tf.Tensor) => relu6Grad(x) as tf.Tensor;

/** `min(max(x, 0), 6)`. */
export const relu6 = activation("relu6", "relu6", relu6Of);
/** `1 / (1 + exp(-x))`; the output remembers x as its logits (see the file's comment). */
export const sigmoid = activation("sigmoid", "sigmoid", (x) => withLogits(tf.sigmoid(x), x, "sigmoid"));
/** `log(1 + exp(x))`. */
export const softplus = activation("softplus", "softplus", (x) => tf.softplus(x));
/** `x / (1 + |x|)`. */
export const softsign = activation("softsign", "softsign", (x) => tf.div(x, tf.add(tf.abs(x), 1)));
/** `x * sigmoid(x)`. */
export const silu = activation("silu", "silu", (x) => tf.mul(x, tf.sigmoid(x)));
/** Keras' `swish`: the same as `silu`. */
export const swish = silu;
/** `log(sigmoid(x))`, computed stably. */
export const logSigmoid = activation("logSigmoid", "log_sigmoid", (x) => tf.logSigmoid(x));
/** `relu6(x + 3) / 6`. */
export const hardSigmoid = activation("hardSigmoid", "hard_sigmoid", (x) => tf.div(relu6Of(tf.add(x, 3)), 6));
/** `x * hardSigmoid(x)`. */
export const hardSilu = activation("hardSilu", "hard_silu", (x) => tf.mul(x, tf.div(relu6Of(tf.add(x, 3)), 6)));
/** Keras' `hard_swish`: the same as `hardSilu`. */
export const hardSwish = hardSilu;
/** `x - tanh(x)`. */
export const tanhShrink = activation("tanhShrink", "tanh_shrink", (x) => tf.sub(x, tf.tanh(x)));
/** `clip(x, -1, 1)`. */
export const hardTanh = activation("hardTanh", "hard_tanh", (x) => tf.clipByValue(x, -1, 1));
/** Scaled ELU with Keras' constants (alpha 1.67326..., scale 1.05070...). */
export const selu = activation("selu", "selu", (x) => tf.selu(x));

/** `ops.elu(x, alpha)`: x for x > 0, else `alpha * (exp(x) - 1)`; alpha default 1. */
export const elu = defineOp("elu", "elu", (x: TensorLike, alpha: number | { alpha?: number } = 1): tf.Tensor => {
  const a = typeof alpha === "number" ? alpha : (alpha?.alpha ?? 1);
  const t = float(x, "elu");
  const e = tf.elu(t);
  // e for x > 0, a * e below: e * (a + (1 - a) * step(x)).
  return a === 1 ? e : tf.mul(e, tf.add(a, tf.mul(1 - a, tf.step(t))));
});

/** `ops.celu(x, alpha)`: `max(x, 0) + alpha * expm1(min(x, 0) / alpha)`; alpha default 1. */
export const celu = defineOp("celu", "celu", (x: TensorLike, alpha: number | { alpha?: number } = 1): tf.Tensor => {
  const a = typeof alpha === "number" ? alpha : (alpha?.alpha ?? 1);
  const t = float(x, "celu");
  return tf.add(tf.relu(t), tf.mul(tf.expm1(tf.div(tf.minimum(t, 0), a)), a));
});

/** `ops.leakyRelu(x, negativeSlope)`: x for x >= 0, else `negativeSlope * x`; negativeSlope default 0.2. */
export const leakyRelu = defineOp("leakyRelu", "leaky_relu", (x: TensorLike, negativeSlope: number | { negativeSlope?: number } = 0.2): tf.Tensor => {
  const s = typeof negativeSlope === "number" ? negativeSlope : (negativeSlope?.negativeSlope ?? 0.2);
  return tf.leakyRelu(float(x, "leakyRelu"), s);
});

/**
 * `ops.gelu(x, approximate)`: the Gaussian error linear unit; approximate (default true, as Keras)
 * uses the tanh formula, false the exact one with erf.
 */
export const gelu = defineOp("gelu", "gelu", (x: TensorLike, approximate: boolean | { approximate?: boolean } = true): tf.Tensor => {
  const approx = typeof approximate === "boolean" ? approximate : (approximate?.approximate ?? true);
  const t = float(x, "gelu");
  if (approx) {
    const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(t, tf.mul(0.044715, tf.pow(t, 3))));
    return tf.mul(tf.mul(0.5, t), tf.add(1, tf.tanh(inner)));
  }
  return tf.mul(tf.mul(0.5, t), tf.add(1, tf.erf(tf.div(t, Math.SQRT2))));
});

function softmaxAxis(t: tf.Tensor, axis: number | null | { axis?: number | null } | undefined, op: string): number | null {
  const a = typeof axis === "object" && axis !== null ? (axis.axis === undefined ? -1 : axis.axis) : axis === undefined ? -1 : axis;
  if (a === null) return null;
  if (typeof a !== "number") throw opError(op, `axis must be an integer or null, got ${show(a)}`);
  return normAxis(a, t.rank, op);
}

function alongAxis(t: tf.Tensor, axis: number | null, f: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (axis === null) return tf.reshape(f(tf.reshape(t, [1, -1])), t.shape);
  if (t.rank === 0) return tf.reshape(f(tf.reshape(t, [1, 1])), []);
  if (axis === t.rank - 1) return f(t);
  const perm = [...Array(t.rank).keys()].filter((k) => k !== axis).concat(axis);
  const inverse = perm.map((_p, j) => perm.indexOf(j));
  return tf.transpose(f(tf.transpose(t, perm)), inverse);
}

/** `ops.softmax(x, axis)`: `exp(x) / sum(exp(x))` along axis (default -1; null: all axes). Remembers x as its logits. */
export const softmax = defineOp("softmax", "softmax", (x: TensorLike, axis?: number | null | { axis?: number | null }): tf.Tensor => {
  const t = float(x, "softmax");
  return withLogits(alongAxis(t, softmaxAxis(t, axis, "softmax"), (v) => tf.softmax(v)), t, "softmax");
});

/** `ops.logSoftmax(x, axis)`: `x - logsumexp(x)` along axis (default -1; null: all axes). */
export const logSoftmax = defineOp("logSoftmax", "log_softmax", (x: TensorLike, axis?: number | null | { axis?: number | null }): tf.Tensor => {
  const t = float(x, "logSoftmax");
  return alongAxis(t, softmaxAxis(t, axis, "logSoftmax"), (v) => tf.logSoftmax(v));
});

export interface OneHotOptions {
  /** Where the new axis goes. Default -1 (last). */
  axis?: number;
  /** The result's dtype. Default float32. */
  dtype?: DTypeName | null;
}

/** `ops.oneHot(x, numClasses, { axis, dtype })`: integer labels to one-hot vectors; out-of-range labels give zeros. */
export const oneHot = defineOp("oneHot", "one_hot", (x: TensorLike, numClasses: number, more?: OneHotOptions): tf.Tensor => {
  const o = options(more, "oneHot");
  const n = intArg(numClasses, "oneHot", "numClasses", 1);
  const t = toTensor(x, "oneHot", "x", "int32");
  const d = toDType(o.dtype, "oneHot") ?? "float32";
  const a = normAxis(o.axis ?? -1, t.rank + 1, "oneHot");
  let r = tf.oneHot(tf.reshape(t, [-1]), n);
  r = tf.reshape(r, [...t.shape, n]);
  if (a !== t.rank) r = tf.transpose(r, [...Array(t.rank + 1).keys()].map((k) => (k < a ? k : k === a ? t.rank : k - 1)));
  return d === "int32" ? r : tf.cast(r, d);
});

/** `ops.topK(x, k, { sorted })`: the k largest values along the last axis and their indices (int32), as [values, indices]. */
export const topK = defineOp("topK", "top_k", (x: TensorLike, k: number, more?: { sorted?: boolean }): [tf.Tensor, tf.Tensor] => {
  const t = toTensor(x, "topK");
  if (t.rank === 0) throw opError("topK", "x must have at least one axis, got a scalar");
  const kk = intArg(k, "topK", "k", 0);
  if (kk > t.shape[t.rank - 1]) throw opError("topK", `k ${kk} is larger than the last axis of shape ${shapeText(t.shape)}`);
  const { values, indices } = tf.topk(t, kk, options(more, "topK").sorted ?? true);
  return [values, indices];
});

export interface NormalizeOptions {
  /** The axis (or axes) of the norm. Default -1. */
  axis?: Axis;
  /** The norm's order, an integer >= 1. Default 2. */
  order?: number;
  /** The smallest norm divided by. Default 1e-7 (keras.config.epsilon()). */
  epsilon?: number | null;
}

/** `ops.normalize(x, { axis, order, epsilon })`: `x / max(norm(x), epsilon)` along axis. */
export const normalize = defineOp("normalize", "normalize", (x: TensorLike, axis?: Axis | NormalizeOptions, more?: NormalizeOptions): tf.Tensor => {
  const o: NormalizeOptions = typeof axis === "number" || Array.isArray(axis) || axis === null ? { ...(more ?? {}), axis: axis as Axis } : { ...((axis as NormalizeOptions | undefined) ?? {}), ...(more ?? {}) };
  const order = o.order ?? 2;
  if (!Number.isInteger(order) || order < 1) throw opError("normalize", `order must be an integer >= 1, got ${show(order)}`);
  let t = float(x, "normalize");
  if (t.rank === 0) t = tf.reshape(t, [1]);
  const axes = normAxes(o.axis === undefined ? -1 : o.axis, t.rank, "normalize");
  const eps = o.epsilon ?? EPSILON;
  if (order === 2) return tf.mul(t, tf.minimum(tf.rsqrt(tf.sum(tf.square(t), axes, true)), 1 / eps));
  const norm = tf.pow(tf.sum(tf.pow(tf.abs(t), order), axes, true), 1 / order);
  return tf.div(t, tf.maximum(norm, eps));
});

/** `ops.moments(x, axes, { keepdims })`: the mean and population variance over axes, as [mean, variance]. */
export const moments = defineOp("moments", "moments", (x: TensorLike, axes: number | readonly number[], more?: { keepdims?: boolean; synchronized?: boolean }): [tf.Tensor, tf.Tensor] => {
  const t = float(x, "moments");
  const a = normAxes(axes, t.rank, "moments", "axes");
  const keep = options(more, "moments").keepdims ?? false;
  const mean = tf.mean(t, a, true);
  const variance = tf.mean(tf.square(tf.sub(t, stopGradient(mean))), a, keep);
  return [keep ? mean : tf.squeeze(mean, a), variance];
});

export interface CrossentropyOptions {
  /** Whether output holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** The class axis. Default -1. */
  axis?: number;
}

function sameShape(target: tf.Tensor, output: tf.Tensor, op: string): void {
  if (target.rank < 1 || shapeText(target.shape) !== shapeText(output.shape)) {
    throw opError(op, `target (shape ${shapeText(target.shape)}) and output (shape ${shapeText(output.shape)}) must have the same shape, of rank >= 1`);
  }
}

/** The logits behind output (from a softmax/sigmoid, or output itself when fromLogits). */
function logitsFor(output: TensorLike, kind: "softmax" | "sigmoid", fromLogits: boolean, op: string): { t: tf.Tensor; logits: boolean } {
  const held = output instanceof tf.Tensor ? logitsOf(output) : undefined;
  if (held && held.kind === kind) return { t: held.logits, logits: true };
  return { t: float(output, op, "output"), logits: fromLogits };
}

/** `ops.categoricalCrossentropy(target, output, { fromLogits, axis })`: `-sum(target * log(p))` along axis. */
export const categoricalCrossentropy = defineOp("categoricalCrossentropy", "categorical_crossentropy", (target: TensorLike, output: TensorLike, more?: CrossentropyOptions): tf.Tensor => {
  const o = options(more, "categoricalCrossentropy");
  const y = float(target, "categoricalCrossentropy", "target");
  const { t: out, logits } = logitsFor(output, "softmax", o.fromLogits ?? false, "categoricalCrossentropy");
  sameShape(y, out, "categoricalCrossentropy");
  const a = normAxis(o.axis ?? -1, out.rank, "categoricalCrossentropy");
  if (logits) return tf.neg(tf.sum(tf.mul(y, alongAxis(out, a, (v) => tf.logSoftmax(v))), a));
  const p = tf.clipByValue(tf.div(out, tf.sum(out, a, true)), EPSILON, 1 - EPSILON);
  return tf.neg(tf.sum(tf.mul(y, tf.log(p)), a));
});

/** `ops.sparseCategoricalCrossentropy(target, output, { fromLogits })`: `-log(p[target])`; target holds class indices. */
export const sparseCategoricalCrossentropy = defineOp("sparseCategoricalCrossentropy", "sparse_categorical_crossentropy", (target: TensorLike, output: TensorLike, more?: CrossentropyOptions): tf.Tensor => {
  const op = "sparseCategoricalCrossentropy";
  const o = options(more, op);
  const { t: out, logits } = logitsFor(output, "softmax", o.fromLogits ?? false, op);
  if (out.rank < 1) throw opError(op, `output must have at least one axis, got shape ${shapeText(out.shape)}`);
  if (o.axis !== undefined && normAxis(o.axis, out.rank, op) !== out.rank - 1) throw opError(op, `only axis -1 is supported (as Keras), got ${show(o.axis)}`);
  let y = toTensor(target, op, "target", "int32");
  if (y.rank === out.rank && y.shape[y.rank - 1] === 1) y = tf.squeeze(y, [y.rank - 1]);
  if (shapeText(y.shape) !== shapeText(out.shape.slice(0, -1))) {
    throw opError(op, `target (shape ${shapeText(y.shape)}) must have output's shape (${shapeText(out.shape)}) without its last axis`);
  }
  const n = out.shape[out.rank - 1];
  const logp = logits ? tf.logSoftmax(out) : tf.log(tf.clipByValue(out, EPSILON, 1 - EPSILON));
  const rows = tf.reshape(logp, [-1, n]);
  const picked = tf.sum(tf.mul(rows, tf.oneHot(tf.reshape(y, [-1]), n)), -1);
  // From probabilities, Keras renormalizes the clipped log-probabilities (a log-softmax of them).
  const norm = logits ? picked : tf.sub(picked, tf.logSumExp(rows, -1));
  return tf.reshape(tf.neg(norm), y.shape);
});

/** `ops.binaryCrossentropy(target, output, { fromLogits })`: elementwise `-(t log p + (1 - t) log(1 - p))`. */
export const binaryCrossentropy = defineOp("binaryCrossentropy", "binary_crossentropy", (target: TensorLike, output: TensorLike, more?: CrossentropyOptions): tf.Tensor => {
  const op = "binaryCrossentropy";
  const o = options(more, op);
  const y = float(target, op, "target");
  const { t: out, logits } = logitsFor(output, "sigmoid", o.fromLogits ?? false, op);
  if (shapeText(y.shape) !== shapeText(out.shape)) throw opError(op, `target (shape ${shapeText(y.shape)}) and output (shape ${shapeText(out.shape)}) must have the same shape`);
  if (logits) return tf.add(tf.sub(tf.relu(out), tf.mul(out, y)), tf.log1p(tf.exp(tf.neg(tf.abs(out)))));
  const p = tf.clipByValue(out, EPSILON, 1 - EPSILON);
  return tf.neg(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))));
});

export interface AttentionOptions {
  /** Added to the logits (broadcast to [B, N, T, S]). Default none. */
  bias?: TensorLike | null;
  /** Where true, a key may be attended to (broadcast to [B, N, T, S]). Default none. */
  mask?: TensorLike | null;
  /** The logits' scale. Default 1 / sqrt(H). */
  scale?: number | null;
  /** Let each query see only the keys up to its own position. Default false. */
  isCausal?: boolean;
}

/**
 * `ops.dotProductAttention(query, key, value, { bias, mask, scale, isCausal })`: softmax(q kᵀ * scale
 * + bias, masked) v, for query [B, T, N, H] and key, value [B, S, K, H]; K may divide N (grouped heads).
 * Porting note: flashAttention and attnLogitsSoftCap are not options (Keras' TensorFlow backend has no
 * flash attention either).
 */
export const dotProductAttention = defineOp("dotProductAttention", "dot_product_attention", (query: TensorLike, key: TensorLike, value: TensorLike, more?: AttentionOptions): tf.Tensor => {
  const op = "dotProductAttention";
  const o = options(more, op);
  const q = float(query, op, "query");
  let k = float(key, op, "key");
  let v = float(value, op, "value");
  if (q.rank !== 4 || k.rank !== 4 || v.rank !== 4) throw opError(op, `query, key and value must be 4-D ([batch, length, heads, size]), got shapes ${shapeText(q.shape)}, ${shapeText(k.shape)} and ${shapeText(v.shape)}`);
  const n = q.shape[2] as number;
  const kh = k.shape[2] as number;
  if (kh > 1 && n > kh) {
    if (n % kh !== 0) throw opError(op, `query's ${n} heads must be a multiple of key's ${kh}`);
    const heads = tf.tensor1d(Array.from({ length: n }, (_v, i) => Math.floor(i / (n / kh))), "int32");
    k = tf.gather(k, heads, 2);
    v = tf.gather(v, heads, 2);
  }
  const scale = o.scale ?? 1 / Math.sqrt(k.shape[3] as number);
  let logits = tf.mul(einsum("BTNH,BSNH->BNTS", q, k) as tf.Tensor, scale);
  if (o.bias !== null && o.bias !== undefined) logits = tf.add(logits, float(o.bias, op, "bias"));
  let allowed: tf.Tensor | undefined;
  if (o.mask !== null && o.mask !== undefined) allowed = tf.broadcastTo(toTensor(o.mask, op, "mask", "bool"), logits.shape);
  if (o.isCausal) {
    const [t, s] = logits.shape.slice(2);
    const causal = tf.lessEqual(tf.reshape(tf.range(0, s, 1, "int32"), [1, s]), tf.reshape(tf.range(0, t, 1, "int32"), [t, 1]));
    const c = tf.broadcastTo(tf.reshape(causal, [1, 1, t, s]), logits.shape);
    allowed = allowed ? tf.logicalAnd(allowed, c) : c;
  }
  // Masked logits become a large negative number (not -Infinity), as Keras, so a fully masked row is uniform.
  if (allowed) logits = tf.where(allowed, logits, tf.fill(logits.shape, -0.7 * 3.38953e38));
  return einsum("BNTS,BSNH->BTNH", tf.softmax(logits), v) as tf.Tensor;
});
