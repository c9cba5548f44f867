// Keras 3's cross-entropies (keras/src/losses/losses.py and the TensorFlow backend's nn.py): as
// functions of (yTrue, yPred, options) giving one value per sample, and as Loss classes. On the wasm
// backend the probability forms of categorical and sparse categorical cross-entropy run as one fused
// kernel (and one for the gradient), and so do their logit forms.
//
// As Keras 3 on TensorFlow: a yPred that a softmax or sigmoid made (Dense's activation, Activation,
// Softmax, keras.activations) is replaced by its logits (logits.ts) and the loss computed from them,
// even when fromLogits is false. Porting note: Keras' other backends (JAX, PyTorch) compute from the
// clipped probabilities; the values differ only where a probability is within 1e-7 of 0 or 1.
import tf from "../../tfjs.cjs";
import { crossEntropy } from "../../backend/fused_kernels.js";
import { softmaxCrossEntropy } from "../../backend/softmax_cross_entropy.js";
import { logitsOf } from "../logits.js";
import { asFloat } from "./reduction.js";
import { boolOption, canonicalAxis, intOption, kerasNamed, makeLoss, numberOption, type Loss, type LossOptions } from "./loss.js";

/** Keras' backend epsilon. */
export const EPSILON = 1e-7;

export interface CategoricalCrossentropyOptions {
  /** Whether yPred holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** In [0, 1]: labels become y * (1 - s) + s / classes. Default 0. */
  labelSmoothing?: number;
  /** The class axis. Default -1. */
  axis?: number;
}

export interface SparseCategoricalCrossentropyOptions {
  /** Whether yPred holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** A class id whose entries do not count (a "void" class, e.g. 255 or -1). Default none. */
  ignoreClass?: number | null;
  /** The class axis; Keras supports only -1. Default -1. */
  axis?: number;
}

export interface BinaryCrossentropyOptions {
  /** Whether yPred holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** In [0, 1]: labels squeezed towards 0.5, y * (1 - s) + 0.5 s. Default 0. */
  labelSmoothing?: number;
  /** The axis the mean is taken over. Default -1. */
  axis?: number;
}

export interface BinaryFocalCrossentropyOptions extends BinaryCrossentropyOptions {
  /** Weigh class 1 by alpha and class 0 by 1 - alpha. Default false. */
  applyClassBalancing?: boolean;
  /** The weight of class 1 when applyClassBalancing. Default 0.25. */
  alpha?: number;
  /** The focusing exponent of (1 - p_t). Default 2. */
  gamma?: number;
}

function smoothing(where: string, v: unknown): number {
  return numberOption(where, "labelSmoothing", v, 0, 0, 1);
}

function sameShape(where: string, yTrue: tf.Tensor, yPred: tf.Tensor): void {
  if (yTrue.rank !== yPred.rank || yTrue.shape.some((d, i) => d !== yPred.shape[i])) {
    throw new Error(`${where}: yTrue and yPred must have the same shape, got [${yTrue.shape.join(", ")}] and [${yPred.shape.join(", ")}]`);
  }
}

const warned = new Set<string>();

/**
 * Keras' `_get_logits`: the logits behind a softmax's or sigmoid's output, with a warning when the
 * caller also said fromLogits (Keras then uses the logits too).
 */
function heldLogits(where: string, yPred: tf.Tensor, fromLogits: boolean): tf.Tensor | undefined {
  const h = logitsOf(yPred);
  if (!h) return undefined;
  if (fromLogits && !warned.has(where)) {
    warned.add(where);
    console.warn(`${where}: fromLogits is true, but yPred is the output of a ${h.kind}, not logits; the ${h.kind}'s input is used as the logits (as Keras does). Was this intended?`);
  }
  return h.logits;
}

/** Keras' `categorical_crossentropy`: one-hot (or soft) labels, -sum(y log p) over the class axis. */
export const categoricalCrossentropy = kerasNamed("categorical_crossentropy", (yTrue: tf.Tensor, yPredArg: tf.Tensor, options: CategoricalCrossentropyOptions = {}): tf.Tensor => {
  const where = "categoricalCrossentropy";
  let fromLogits = boolOption(where, "fromLogits", options.fromLogits, false);
  const ls = smoothing(where, options.labelSmoothing);
  const axis = canonicalAxis(where, options.axis ?? -1, yPredArg.rank);
  sameShape(where, yTrue, yPredArg);
  const logits = heldLogits(where, yPredArg, fromLogits);
  const yPred = logits ?? yPredArg;
  if (logits) fromLogits = true;
  if (!fromLogits && ls === 0 && axis === yPred.rank - 1) {
    const fused = crossEntropy(yPred, yTrue, false, EPSILON);
    if (fused) return fused;
  }
  return tf.tidy(() => {
    let y = asFloat(yTrue);
    if (ls) y = tf.add(tf.mul(y, 1 - ls), ls / yPred.shape[axis]!);
    if (fromLogits && axis === yPred.rank - 1) {
      const fused = softmaxCrossEntropy(yPred, y, false);
      if (fused) return fused;
    }
    if (fromLogits) return tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(yPred, axis)), axis));
    const p = tf.clipByValue(tf.div(yPred, tf.sum(yPred, axis, true)), EPSILON, 1 - EPSILON);
    return tf.neg(tf.sum(tf.mul(y, tf.log(p)), axis));
  });
});

/** Keras' `sparse_categorical_crossentropy`: integer class labels ([batch] or [batch, 1]). */
export const sparseCategoricalCrossentropy = kerasNamed("sparse_categorical_crossentropy", (yTrue: tf.Tensor, yPred: tf.Tensor, options: SparseCategoricalCrossentropyOptions = {}): tf.Tensor => {
  const { values, mask } = sparseWithMask(yTrue, yPred, options);
  mask?.dispose();
  return values;
});

function sparseWithMask(yTrue: tf.Tensor, yPredArg: tf.Tensor, options: SparseCategoricalCrossentropyOptions): { values: tf.Tensor; mask?: tf.Tensor } {
  const where = "sparseCategoricalCrossentropy";
  let fromLogits = boolOption(where, "fromLogits", options.fromLogits, false);
  const ignoreClass = intOption(where, "ignoreClass", options.ignoreClass, undefined);
  const axis = options.axis ?? -1;
  if (axis !== -1 && axis !== yPredArg.rank - 1) throw new Error(`${where}: only axis -1 is supported (as Keras), got ${axis}`);
  // (With ignoreClass, Keras first masks yPred, which leaves no logits behind it.)
  const logits = ignoreClass === undefined ? heldLogits(where, yPredArg, fromLogits) : undefined;
  const yPred = logits ?? yPredArg;
  if (logits) fromLogits = true;
  const squeeze = yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1;
  const labelShape = squeeze ? yTrue.shape.slice(0, -1) : yTrue.shape;
  if (labelShape.length !== yPred.rank - 1 || labelShape.some((d, i) => d !== yPred.shape[i])) {
    throw new Error(
      `${where}: labels of shape [${yTrue.shape.join(", ")}] do not fit predictions of shape [${yPred.shape.join(", ")}]; ` +
        `expected class indices of shape [${yPred.shape.slice(0, -1).join(", ")}] (or with a trailing 1)`,
    );
  }
  const classes = yPred.shape[yPred.rank - 1]!;
  return tf.tidy(() => {
    let l = squeeze ? tf.squeeze(yTrue, [-1]) : yTrue;
    if (ignoreClass === undefined) {
      const fused = fromLogits ? softmaxCrossEntropy(yPred, l, true) : yPred.rank === 2 ? crossEntropy(yPred, l, true, EPSILON) : undefined;
      if (fused) return { values: fused };
    }
    l = tf.cast(l, "int32");
    let p = yPred;
    let valid: tf.Tensor | undefined;
    if (ignoreClass !== undefined) {
      valid = tf.notEqual(l, ignoreClass);
      l = tf.where(valid, l, tf.zerosLike(l));
      p = tf.where(tf.expandDims(valid, -1), p, tf.zerosLike(p));
    }
    // As TensorFlow: the logits, or log(clip(p)), into softmax cross-entropy at the label's entry.
    const z = fromLogits ? p : tf.log(tf.clipByValue(p, EPSILON, 1 - EPSILON));
    let res = sparseFromLogits(l, z, classes);
    if (valid) res = tf.where(valid, res, tf.zerosLike(res));
    return valid ? { values: res, mask: valid } : { values: res };
  }) as { values: tf.Tensor; mask?: tf.Tensor };
}

/** -log softmax(z) at each row's class index `l` (int32, the shape of z without its last axis). */
function sparseFromLogits(l: tf.Tensor, z: tf.Tensor, classes: number): tf.Tensor {
  const oneHot = tf.oneHot(tf.reshape(l, [-1]), classes).reshape(z.shape);
  return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(z, -1)), -1));
}

function binaryElementwise(y: tf.Tensor, p: tf.Tensor, fromLogits: boolean): tf.Tensor {
  // The stable logistic loss max(z, 0) - z y + log(1 + exp(-|z|)), or -(y log p + (1 - y) log(1 - p)).
  if (fromLogits) return tf.add(tf.sub(tf.relu(p), tf.mul(p, y)), tf.log1p(tf.exp(tf.neg(tf.abs(p)))));
  const q = tf.clipByValue(p, EPSILON, 1 - EPSILON);
  return tf.neg(tf.add(tf.mul(y, tf.log(q)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, q)))));
}

/** Keras' `binary_crossentropy`: the mean over the last axis of the per-entry logistic loss. */
export const binaryCrossentropy = kerasNamed("binary_crossentropy", (yTrue: tf.Tensor, yPredArg: tf.Tensor, options: BinaryCrossentropyOptions = {}): tf.Tensor => {
  const where = "binaryCrossentropy";
  let fromLogits = boolOption(where, "fromLogits", options.fromLogits, false);
  const ls = smoothing(where, options.labelSmoothing);
  sameShape(where, yTrue, yPredArg);
  const logits = heldLogits(where, yPredArg, fromLogits);
  const yPred = logits ?? yPredArg;
  if (logits) fromLogits = true;
  const axis = canonicalAxis(where, options.axis ?? -1, yPred.rank);
  return tf.tidy(() => {
    let y = asFloat(yTrue);
    if (ls) y = tf.add(tf.mul(y, 1 - ls), 0.5 * ls);
    return tf.mean(binaryElementwise(y, yPred, fromLogits), axis);
  });
});

/** Keras' `binary_focal_crossentropy`: (1 - p_t)^gamma times the cross-entropy, optionally class-balanced. */
export const binaryFocalCrossentropy = kerasNamed("binary_focal_crossentropy", (yTrue: tf.Tensor, yPred: tf.Tensor, options: BinaryFocalCrossentropyOptions = {}): tf.Tensor => {
  const where = "binaryFocalCrossentropy";
  const fromLogits = boolOption(where, "fromLogits", options.fromLogits, false);
  const ls = smoothing(where, options.labelSmoothing);
  const balance = boolOption(where, "applyClassBalancing", options.applyClassBalancing, false);
  const alpha = numberOption(where, "alpha", options.alpha, 0.25);
  const gamma = numberOption(where, "gamma", options.gamma, 2);
  sameShape(where, yTrue, yPred);
  const axis = canonicalAxis(where, options.axis ?? -1, yPred.rank);
  return tf.tidy(() => {
    let y = asFloat(yTrue);
    if (ls) y = tf.add(tf.mul(y, 1 - ls), 0.5 * ls);
    // As Keras on TensorFlow: its cross-entropy term is binary_crossentropy of a sigmoid's output
    // (fromLogits: the sigmoid it takes first), which reads that sigmoid's logits.
    const z = fromLogits ? yPred : logitsOf(yPred)?.logits;
    const p = fromLogits ? tf.sigmoid(yPred) : yPred;
    const bce = binaryElementwise(y, z ?? p, z !== undefined);
    const pt = tf.add(tf.mul(y, p), tf.mul(tf.sub(1, y), tf.sub(1, p)));
    let focal = tf.mul(tf.pow(tf.sub(1, pt), gamma), bce);
    if (balance) focal = tf.mul(tf.add(tf.mul(y, alpha), tf.mul(tf.sub(1, y), 1 - alpha)), focal);
    return tf.mean(focal, axis);
  });
});

/** `losses.CategoricalCrossentropy({ fromLogits, labelSmoothing, axis, reduction, name })`. */
export function CategoricalCrossentropy(options: CategoricalCrossentropyOptions & LossOptions = {}): Loss {
  const w = "CategoricalCrossentropy";
  const o = { fromLogits: boolOption(w, "fromLogits", options.fromLogits, false), labelSmoothing: smoothing(w, options.labelSmoothing), axis: intOption(w, "axis", options.axis, -1)! };
  return makeLoss(w, "categorical_crossentropy", options, o, (yt, yp) => ({ values: categoricalCrossentropy(yt, yp, o) }));
}

/** `losses.SparseCategoricalCrossentropy({ fromLogits, ignoreClass, reduction, name })`. */
export function SparseCategoricalCrossentropy(options: SparseCategoricalCrossentropyOptions & LossOptions = {}): Loss {
  const w = "SparseCategoricalCrossentropy";
  const o = { fromLogits: boolOption(w, "fromLogits", options.fromLogits, false), ignoreClass: intOption(w, "ignoreClass", options.ignoreClass, undefined) ?? null, axis: intOption(w, "axis", options.axis, -1)! };
  return makeLoss(w, "sparse_categorical_crossentropy", options, o, (yt, yp) => sparseWithMask(yt, yp, o));
}

/** `losses.BinaryCrossentropy({ fromLogits, labelSmoothing, axis, reduction, name })`. */
export function BinaryCrossentropy(options: BinaryCrossentropyOptions & LossOptions = {}): Loss {
  const w = "BinaryCrossentropy";
  const o = { fromLogits: boolOption(w, "fromLogits", options.fromLogits, false), labelSmoothing: smoothing(w, options.labelSmoothing), axis: intOption(w, "axis", options.axis, -1)! };
  return makeLoss(w, "binary_crossentropy", options, o, (yt, yp) => ({ values: binaryCrossentropy(yt, yp, o) }));
}

/** `losses.BinaryFocalCrossentropy({ applyClassBalancing, alpha, gamma, fromLogits, labelSmoothing, axis, reduction, name })`. */
export function BinaryFocalCrossentropy(options: BinaryFocalCrossentropyOptions & LossOptions = {}): Loss {
  const w = "BinaryFocalCrossentropy";
  const o = {
    applyClassBalancing: boolOption(w, "applyClassBalancing", options.applyClassBalancing, false),
    alpha: numberOption(w, "alpha", options.alpha, 0.25),
    gamma: numberOption(w, "gamma", options.gamma, 2),
    fromLogits: boolOption(w, "fromLogits", options.fromLogits, false),
    labelSmoothing: smoothing(w, options.labelSmoothing),
    axis: intOption(w, "axis", options.axis, -1)!,
  };
  return makeLoss(w, "binary_focal_crossentropy", options, o, (yt, yp) => ({ values: binaryFocalCrossentropy(yt, yp, o) }));
}
