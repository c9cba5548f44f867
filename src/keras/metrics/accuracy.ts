// Keras 3's accuracy metrics (keras/src/metrics/accuracy_metrics.py): functions giving 1/0 per sample
// (or per entry), and their Mean classes. Categorical and sparse categorical accuracy of [batch,
// classes] predictions are one fused kernel on the wasm backend.
import tf from "../../tfjs.cjs";
import { accuracy as fusedAccuracy } from "../../backend/fused_kernels.js";
import { squeezeOrExpandToSameRank } from "../losses/reduction.js";
import { kerasNamed, numberOption } from "../losses/loss.js";
import { MeanMetricWrapper } from "./metric.js";

/** Keras' `accuracy`: 1 where yTrue equals yPred exactly. */
export const accuracy = kerasNamed("accuracy", (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
  tf.tidy(() => {
    const [y, p] = squeezeOrExpandToSameRank(tf.cast(yTrue, "float32"), tf.cast(yPred, "float32"));
    return tf.cast(tf.equal(y, p), "float32");
  }),
);

/** Keras' `binary_accuracy`: 1 where (yPred > threshold) equals yTrue, per entry. */
export const binaryAccuracy = kerasNamed("binary_accuracy", (yTrue: tf.Tensor, yPred: tf.Tensor, threshold = 0.5): tf.Tensor =>
  tf.tidy(() => {
    const [y, p] = squeezeOrExpandToSameRank(tf.cast(yTrue, "float32"), yPred);
    return tf.cast(tf.equal(y, tf.cast(tf.greater(p, threshold), "float32")), "float32");
  }),
);

/** Keras' `categorical_accuracy`: 1 where argmax(yPred) is argmax(yTrue) (one-hot labels). */
export const categoricalAccuracy = kerasNamed("categorical_accuracy", (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor => {
  const fused = yTrue.rank === 2 && yPred.rank === 2 ? fusedAccuracy(yPred, yTrue, false) : undefined;
  return fused ?? tf.tidy(() => tf.cast(tf.equal(tf.argMax(yTrue, -1), tf.argMax(yPred, -1)), "float32"));
});

/** Keras' `sparse_categorical_accuracy`: 1 where argmax(yPred) is the class index yTrue. */
export const sparseCategoricalAccuracy = kerasNamed("sparse_categorical_accuracy", (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor => {
  const squeeze = yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1;
  if (yPred.rank === 2 && (yTrue.rank === 1 || squeeze)) {
    const fused = fusedAccuracy(yPred, yTrue, true);
    if (fused) return fused;
  }
  return tf.tidy(() => {
    let y = tf.cast(yTrue, "float32");
    if (squeeze) y = tf.squeeze(y, [-1]);
    let m = tf.cast(tf.equal(y, tf.cast(tf.argMax(yPred, -1), "float32")), "float32");
    if (m.rank > 1 && m.shape[m.rank - 1] === 1) m = tf.squeeze(m, [-1]);
    return m;
  });
});

/** TensorFlow's in_top_k: the target's score has fewer than k scores above it (ties count as in). */
function inTopK(targets: tf.Tensor, predictions: tf.Tensor2D, k: number): tf.Tensor {
  const classes = predictions.shape[1];
  const target = tf.sum(tf.mul(predictions, tf.oneHot(tf.cast(targets, "int32"), classes)), -1, true);
  const above = tf.sum(tf.cast(tf.greater(predictions, target), "float32"), -1);
  return tf.logicalAnd(tf.less(above, k), tf.isFinite(tf.squeeze(target, [-1])));
}

function checkK(where: string, k: unknown): number {
  if (!Number.isInteger(k) || (k as number) < 1) throw new Error(`${where}: k must be a positive integer, got ${JSON.stringify(k)}`);
  return k as number;
}

/** Keras' `top_k_categorical_accuracy`: 1 where the true class (argmax of one-hot yTrue) is among the k highest scores. */
export const topKCategoricalAccuracy = kerasNamed("top_k_categorical_accuracy", (yTrue: tf.Tensor, yPred: tf.Tensor, k = 5): tf.Tensor => {
  checkK("topKCategoricalAccuracy", k);
  return tf.tidy(() => {
    const labels = tf.argMax(yTrue, -1);
    const shape = labels.shape;
    const p = tf.reshape(yPred, [-1, yPred.shape[yPred.rank - 1]!]) as tf.Tensor2D;
    return tf.reshape(tf.cast(inTopK(tf.reshape(labels, [-1]), p, k), "float32"), shape);
  });
});

/** Keras' `sparse_top_k_categorical_accuracy`: 1 where the class index yTrue is among the k highest scores. */
export const sparseTopKCategoricalAccuracy = kerasNamed("sparse_top_k_categorical_accuracy", (yTrue: tf.Tensor, yPred: tf.Tensor, k = 5): tf.Tensor => {
  checkK("sparseTopKCategoricalAccuracy", k);
  return tf.tidy(() => {
    const shape = yTrue.shape;
    const p = tf.reshape(yPred, [-1, yPred.shape[yPred.rank - 1]!]) as tf.Tensor2D;
    return tf.reshape(tf.cast(inTopK(tf.reshape(yTrue, [-1]), p, k), "float32"), shape);
  });
});

export interface NameOption {
  /** The key in logs and History. */
  name?: string;
}

/** `metrics.Accuracy()`: how often yPred equals yTrue exactly. */
export function Accuracy(options: NameOption = {}): MeanMetricWrapper {
  return new MeanMetricWrapper(accuracy, "Accuracy", options.name ?? "accuracy", "up");
}

export interface BinaryAccuracyOptions extends NameOption {
  /** Predictions above it count as 1. Default 0.5. */
  threshold?: number;
}

/** `metrics.BinaryAccuracy({ threshold })`. */
export function BinaryAccuracy(options: BinaryAccuracyOptions = {}): MeanMetricWrapper {
  const threshold = numberOption("BinaryAccuracy", "threshold", options.threshold, 0.5);
  return new MeanMetricWrapper((y, p) => binaryAccuracy(y, p, threshold), "BinaryAccuracy", options.name ?? "binary_accuracy", "up", { threshold });
}

/** `metrics.CategoricalAccuracy()`: one-hot labels. */
export function CategoricalAccuracy(options: NameOption = {}): MeanMetricWrapper {
  return new MeanMetricWrapper(categoricalAccuracy, "CategoricalAccuracy", options.name ?? "categorical_accuracy", "up");
}

/** `metrics.SparseCategoricalAccuracy()`: class-index labels. */
export function SparseCategoricalAccuracy(options: NameOption = {}): MeanMetricWrapper {
  return new MeanMetricWrapper(sparseCategoricalAccuracy, "SparseCategoricalAccuracy", options.name ?? "sparse_categorical_accuracy", "up");
}

export interface TopKOptions extends NameOption {
  /** How many of the highest scores count. Default 5. */
  k?: number;
}

/** `metrics.TopKCategoricalAccuracy({ k })` (Keras' positional `k` also: `TopKCategoricalAccuracy(3)`). */
export function TopKCategoricalAccuracy(k: number | TopKOptions = {}, options: NameOption = {}): MeanMetricWrapper {
  const o = typeof k === "number" ? { ...options, k } : k;
  const kk = checkK("TopKCategoricalAccuracy", o.k ?? 5);
  return new MeanMetricWrapper((y, p) => topKCategoricalAccuracy(y, p, kk), "TopKCategoricalAccuracy", o.name ?? "top_k_categorical_accuracy", "up", { k: kk });
}

/** `metrics.SparseTopKCategoricalAccuracy({ k })` (or `SparseTopKCategoricalAccuracy(3)`). */
export function SparseTopKCategoricalAccuracy(k: number | TopKOptions = {}, options: NameOption = {}): MeanMetricWrapper {
  const o = typeof k === "number" ? { ...options, k } : k;
  const kk = checkK("SparseTopKCategoricalAccuracy", o.k ?? 5);
  return new MeanMetricWrapper((y, p) => sparseTopKCategoricalAccuracy(y, p, kk), "SparseTopKCategoricalAccuracy", o.name ?? "sparse_top_k_categorical_accuracy", "up", { k: kk });
}
