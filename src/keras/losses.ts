// Keras losses, computed per sample (the training loop averages over the batch). The cross-entropies
// run as one fused kernel (and one for the gradient) on the wasm backend.
import * as tf from "@tensorflow/tfjs";
import { crossEntropy } from "../backend/fused_kernels.js";

/** A loss: (yTrue, yPred) -> one value per sample. */
export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

const EPSILON = 1e-7; // Keras' backend epsilon

/** Cross-entropy of probabilities, as Keras: renormalise, clip to [eps, 1-eps], -sum(y log p). */
export function categoricalCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const fused = crossEntropy(yPred, yTrue, false, EPSILON);
  if (fused) return fused;
  return tf.tidy(() => {
    const p = tf.clipByValue(tf.div(yPred, tf.sum(yPred, -1, true)), EPSILON, 1 - EPSILON);
    return tf.neg(tf.sum(tf.mul(tf.cast(yTrue, "float32"), tf.log(p)), -1));
  });
}

/** Cross-entropy with integer class labels (shape [batch] or [batch, 1]). */
export function sparseCategoricalCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const fused = crossEntropy(yPred, yTrue, true, EPSILON);
  if (fused) return fused;
  return tf.tidy(() => {
    const classes = yPred.shape[yPred.shape.length - 1]!;
    const labels = tf.cast(tf.reshape(yTrue, [-1]), "int32");
    return categoricalCrossentropy(tf.oneHot(labels, classes), yPred);
  });
}

export function binaryCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const p = tf.clipByValue(yPred, EPSILON, 1 - EPSILON);
    const y = tf.cast(yTrue, "float32");
    const ce = tf.neg(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))));
    return tf.mean(ce, -1);
  });
}

export function meanSquaredError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mean(tf.squaredDifference(tf.cast(yTrue, "float32"), yPred), -1));
}

export function meanAbsoluteError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(tf.cast(yTrue, "float32"), yPred)), -1));
}

export interface CrossentropyOptions {
  /** Whether predictions are logits rather than probabilities (Keras' `from_logits`). Default false. */
  fromLogits?: boolean;
}

/** A loss function carrying its Keras name (for the matching accuracy and the messages). */
function named(name: string, fn: LossFunction): LossFunction {
  return Object.assign(fn, { lossName: name });
}

/** `keras.losses.CategoricalCrossentropy({ fromLogits: true })`: one-hot labels. */
export function CategoricalCrossentropy(options: CrossentropyOptions = {}): LossFunction {
  if (!options.fromLogits) return named("categorical_crossentropy", categoricalCrossentropy);
  return named("categorical_crossentropy", (yTrue, logits) => tf.tidy(() => tf.neg(tf.sum(tf.mul(tf.cast(yTrue, "float32"), tf.logSoftmax(logits)), -1))));
}

/** `keras.losses.SparseCategoricalCrossentropy({ fromLogits: true })`: integer labels. */
export function SparseCategoricalCrossentropy(options: CrossentropyOptions = {}): LossFunction {
  if (!options.fromLogits) return named("sparse_categorical_crossentropy", sparseCategoricalCrossentropy);
  return named("sparse_categorical_crossentropy", (yTrue, logits) =>
    tf.tidy(() => {
      const labels = tf.cast(tf.reshape(yTrue, [-1]), "int32");
      return tf.neg(tf.sum(tf.mul(tf.oneHot(labels, logits.shape[logits.rank - 1]!), tf.logSoftmax(logits)), -1));
    }),
  );
}

/** `keras.losses.BinaryCrossentropy({ fromLogits: true })`. */
export function BinaryCrossentropy(options: CrossentropyOptions = {}): LossFunction {
  if (!options.fromLogits) return named("binary_crossentropy", binaryCrossentropy);
  // max(z, 0) - z*y + log(1 + exp(-|z|)), the stable form of the logistic loss
  return named("binary_crossentropy", (yTrue, z) =>
    tf.tidy(() => tf.mean(tf.add(tf.sub(tf.relu(z), tf.mul(z, tf.cast(yTrue, "float32"))), tf.log1p(tf.exp(tf.neg(tf.abs(z))))), -1)),
  );
}

/** Keras' names (and tfjs' camelCase spellings) of the built-in losses. */
const LOSSES: Record<string, { name: string; fn: LossFunction }> = {};
for (const [names, fn] of [
  [["categorical_crossentropy", "categoricalCrossentropy"], categoricalCrossentropy],
  [["sparse_categorical_crossentropy", "sparseCategoricalCrossentropy"], sparseCategoricalCrossentropy],
  [["binary_crossentropy", "binaryCrossentropy"], binaryCrossentropy],
  [["mean_squared_error", "meanSquaredError", "mse"], meanSquaredError],
  [["mean_absolute_error", "meanAbsoluteError", "mae"], meanAbsoluteError],
] as const) {
  for (const n of names) LOSSES[n] = { name: names[0], fn };
}

export interface ResolvedLoss {
  /** Keras' name, used to pick the matching accuracy. */
  name: string;
  fn: LossFunction;
}

/** A loss by Keras name or a function; unknown names are an error listing the accepted ones. */
export function getLoss(loss: string | LossFunction): ResolvedLoss {
  if (typeof loss === "function") return { name: (loss as { lossName?: string }).lossName ?? (loss.name || "custom"), fn: loss };
  const found = LOSSES[loss];
  if (!found) {
    const accepted = Object.keys(LOSSES).filter((k) => k.includes("_") || k.length <= 3);
    throw new Error(`compile: unknown loss ${JSON.stringify(loss)}; expected one of ${accepted.join(", ")} (or a function (yTrue, yPred) => tensor)`);
  }
  return found;
}
