// Keras 3's hinge losses and the probabilistic ones (KL divergence, Poisson), as functions and Loss
// classes (keras/src/losses/losses.py).
import tf from "../../tfjs.cjs";
import { EPSILON } from "./crossentropy.js";
import { kerasNamed, makeLoss, type Loss, type LossOptions } from "./loss.js";

/** Keras: labels that are all 0 or 1 become -1 / 1 (decided on the device, over the whole batch). */
function hingeLabels(yTrue: tf.Tensor): tf.Tensor {
  const y = tf.cast(yTrue, "float32");
  const binary = tf.all(tf.logicalOr(tf.equal(y, 0), tf.equal(y, 1)));
  return tf.where(binary, tf.sub(tf.mul(y, 2), 1), y);
}

/** Keras' `hinge`: mean(max(1 - y p, 0)) over the last axis; 0/1 labels are taken as -1/1. */
export const hinge = kerasNamed("hinge", (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
  tf.tidy(() => tf.mean(tf.relu(tf.sub(1, tf.mul(hingeLabels(yTrue), yPred))), -1)),
);

/** Keras' `squared_hinge`: mean(max(1 - y p, 0)^2) over the last axis. */
export const squaredHinge = kerasNamed("squared_hinge", (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
  tf.tidy(() => tf.mean(tf.square(tf.relu(tf.sub(1, tf.mul(hingeLabels(yTrue), yPred)))), -1)),
);

/** Keras' `categorical_hinge`: max(max((1 - y) p) - sum(y p) + 1, 0). */
export const categoricalHinge = kerasNamed("categorical_hinge", (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
  tf.tidy(() => {
    const y = tf.cast(yTrue, "float32");
    const pos = tf.sum(tf.mul(y, yPred), -1);
    const neg = tf.max(tf.mul(tf.sub(1, y), yPred), -1);
    return tf.relu(tf.add(tf.sub(neg, pos), 1));
  }),
);

/** Keras' `kl_divergence`: sum(y log(y / p)) over the last axis, both clipped to [eps, 1]. */
export const klDivergence = kerasNamed("kl_divergence", (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
  tf.tidy(() => {
    const y = tf.clipByValue(tf.cast(yTrue, "float32"), EPSILON, 1);
    const p = tf.clipByValue(yPred, EPSILON, 1);
    return tf.sum(tf.mul(y, tf.log(tf.div(y, p))), -1);
  }),
);

/** Keras' `poisson`: mean(p - y log(p + eps)) over the last axis. */
export const poisson = kerasNamed("poisson", (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
  tf.tidy(() => tf.mean(tf.sub(yPred, tf.mul(tf.cast(yTrue, "float32"), tf.log(tf.add(yPred, EPSILON)))), -1)),
);

/** `losses.Hinge({ reduction, name })`. */
export function Hinge(options: LossOptions = {}): Loss {
  return makeLoss("Hinge", "hinge", options, {}, (yt, yp) => ({ values: hinge(yt, yp) }));
}

/** `losses.SquaredHinge({ reduction, name })`. */
export function SquaredHinge(options: LossOptions = {}): Loss {
  return makeLoss("SquaredHinge", "squared_hinge", options, {}, (yt, yp) => ({ values: squaredHinge(yt, yp) }));
}

/** `losses.CategoricalHinge({ reduction, name })`. */
export function CategoricalHinge(options: LossOptions = {}): Loss {
  return makeLoss("CategoricalHinge", "categorical_hinge", options, {}, (yt, yp) => ({ values: categoricalHinge(yt, yp) }));
}

/** `losses.KLDivergence({ reduction, name })`. */
export function KLDivergence(options: LossOptions = {}): Loss {
  return makeLoss("KLDivergence", "kl_divergence", options, {}, (yt, yp) => ({ values: klDivergence(yt, yp) }));
}

/** `losses.Poisson({ reduction, name })`. */
export function Poisson(options: LossOptions = {}): Loss {
  return makeLoss("Poisson", "poisson", options, {}, (yt, yp) => ({ values: poisson(yt, yp) }));
}
