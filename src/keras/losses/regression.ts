// Keras 3's regression losses (keras/src/losses/losses.py): functions of (yTrue, yPred) giving the
// mean over the last axis per sample, and their Loss classes.
import tf from "../../tfjs.cjs";
import { EPSILON } from "./crossentropy.js";
import { canonicalAxis, intOption, kerasNamed, makeLoss, numberOption, type Loss, type LossOptions } from "./loss.js";
import { asFloat, squeezeOrExpandToSameRank } from "./reduction.js";

/** yTrue as float32, both made the same rank as Keras does. */
function prepare(yTrue: tf.Tensor, yPred: tf.Tensor): [tf.Tensor, tf.Tensor] {
  return squeezeOrExpandToSameRank(asFloat(yTrue), yPred);
}

/** Keras' `mean_squared_error`: mean((y - p)^2) over the last axis. */
export const meanSquaredError = kerasNamed("mean_squared_error", (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
  tf.tidy(() => {
    const [y, p] = prepare(yTrue, yPred);
    return tf.mean(tf.squaredDifference(y, p), -1);
  }),
);

/** Keras' `mean_absolute_error`: mean(|y - p|) over the last axis. */
export const meanAbsoluteError = kerasNamed("mean_absolute_error", (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
  tf.tidy(() => {
    const [y, p] = prepare(yTrue, yPred);
    return tf.mean(tf.abs(tf.sub(y, p)), -1);
  }),
);

/** Keras' `mean_absolute_percentage_error`: 100 mean(|(y - p) / max(|y|, eps)|). */
export const meanAbsolutePercentageError = kerasNamed("mean_absolute_percentage_error", (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
  tf.tidy(() => {
    const [y, p] = prepare(yTrue, yPred);
    return tf.mul(100, tf.mean(tf.abs(tf.div(tf.sub(y, p), tf.maximum(tf.abs(y), EPSILON))), -1));
  }),
);

/** Keras' `mean_squared_logarithmic_error`: mean((log(max(p, eps) + 1) - log(max(y, eps) + 1))^2). */
export const meanSquaredLogarithmicError = kerasNamed("mean_squared_logarithmic_error", (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
  tf.tidy(() => {
    const [y, p] = prepare(yTrue, yPred);
    return tf.mean(tf.squaredDifference(tf.log(tf.add(tf.maximum(p, EPSILON), 1)), tf.log(tf.add(tf.maximum(y, EPSILON), 1))), -1);
  }),
);

/** Keras' `huber`: 0.5 e^2 where |e| <= delta, else delta |e| - 0.5 delta^2; mean over the last axis. */
export const huber = kerasNamed("huber", (yTrue: tf.Tensor, yPred: tf.Tensor, delta = 1): tf.Tensor => {
  numberOption("huber", "delta", delta, 1);
  return tf.tidy(() => {
    const [y, p] = prepare(yTrue, yPred);
    // 0.5 min(|e|, delta)^2 + delta (|e| - min(|e|, delta)): Keras' two branches, without a
    // comparison on the gradient tape (tfjs has no gradient for one).
    const a = tf.abs(tf.sub(p, y));
    const q = tf.minimum(a, delta);
    return tf.mean(tf.add(tf.mul(0.5, tf.square(q)), tf.mul(delta, tf.sub(a, q))), -1);
  });
});

/** Keras' `log_cosh`: mean(log(cosh(p - y))), computed as x + softplus(-2x) - log 2. */
export const logCosh = kerasNamed("log_cosh", (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
  tf.tidy(() => {
    const [y, p] = prepare(yTrue, yPred);
    const x = tf.sub(p, y);
    return tf.mean(tf.sub(tf.add(x, tf.softplus(tf.mul(x, -2))), Math.log(2)), -1);
  }),
);

/** L2-normalised x as Keras' ops.normalize: x * min(rsqrt(sum x^2), 1 / eps). */
function l2Normalize(x: tf.Tensor, axis: number): tf.Tensor {
  return tf.mul(x, tf.minimum(tf.rsqrt(tf.sum(tf.square(x), axis, true)), 1 / EPSILON));
}

/** Keras' `cosine_similarity` loss: -sum(normalize(y) * normalize(p)) over `axis` (default -1). */
export const cosineSimilarity = kerasNamed("cosine_similarity", (yTrue: tf.Tensor, yPred: tf.Tensor, axis = -1): tf.Tensor =>
  tf.tidy(() => {
    const [y, p] = prepare(yTrue, yPred);
    const a = canonicalAxis("cosineSimilarity", axis, p.rank);
    return tf.neg(tf.sum(tf.mul(l2Normalize(y, a), l2Normalize(p, a)), a));
  }),
);

/** `losses.MeanSquaredError({ reduction, name })`. */
export function MeanSquaredError(options: LossOptions = {}): Loss {
  return makeLoss("MeanSquaredError", "mean_squared_error", options, {}, (yt, yp) => ({ values: meanSquaredError(yt, yp) }));
}

/** `losses.MeanAbsoluteError({ reduction, name })`. */
export function MeanAbsoluteError(options: LossOptions = {}): Loss {
  return makeLoss("MeanAbsoluteError", "mean_absolute_error", options, {}, (yt, yp) => ({ values: meanAbsoluteError(yt, yp) }));
}

/** `losses.MeanAbsolutePercentageError({ reduction, name })`. */
export function MeanAbsolutePercentageError(options: LossOptions = {}): Loss {
  return makeLoss("MeanAbsolutePercentageError", "mean_absolute_percentage_error", options, {}, (yt, yp) => ({ values: meanAbsolutePercentageError(yt, yp) }));
}

/** `losses.MeanSquaredLogarithmicError({ reduction, name })`. */
export function MeanSquaredLogarithmicError(options: LossOptions = {}): Loss {
  return makeLoss("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", options, {}, (yt, yp) => ({ values: meanSquaredLogarithmicError(yt, yp) }));
}

export interface HuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear. Default 1. */
  delta?: number;
}

/** `losses.Huber({ delta, reduction, name })`. */
export function Huber(options: HuberOptions = {}): Loss {
  const delta = numberOption("Huber", "delta", options.delta, 1);
  return makeLoss("Huber", "huber_loss", options, { delta }, (yt, yp) => ({ values: huber(yt, yp, delta) }));
}

/** `losses.LogCosh({ reduction, name })`. */
export function LogCosh(options: LossOptions = {}): Loss {
  return makeLoss("LogCosh", "log_cosh", options, {}, (yt, yp) => ({ values: logCosh(yt, yp) }));
}

export interface CosineSimilarityOptions extends LossOptions {
  /** The axis along which the similarity is taken. Default -1. */
  axis?: number;
}

/** `losses.CosineSimilarity({ axis, reduction, name })`. */
export function CosineSimilarity(options: CosineSimilarityOptions = {}): Loss {
  const axis = intOption("CosineSimilarity", "axis", options.axis, -1)!;
  return makeLoss("CosineSimilarity", "cosine_similarity", options, { axis }, (yt, yp) => ({ values: cosineSimilarity(yt, yp, axis) }));
}
