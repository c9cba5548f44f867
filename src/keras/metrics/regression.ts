// Keras 3's regression and probabilistic metrics (keras/src/metrics/regression_metrics.py,
// probabilistic_metrics.py, hinge_metrics.py): means over the samples of the loss functions, and
// RootMeanSquaredError (the root of the epoch's mean squared error).
import tf from "../../tfjs.cjs";
import * as L from "../losses/index.js";
import { squeezeOrExpandToSameRank } from "../losses/reduction.js";
import { boolOption, intOption, kerasNamed, numberOption } from "../losses/loss.js";
import { MeanMetric, MeanMetricWrapper, type MetricUpdate } from "./metric.js";
import type { NameOption } from "./accuracy.js";

/** `metrics.MeanSquaredError()`. */
export function MeanSquaredError(options: NameOption = {}): MeanMetricWrapper {
  return new MeanMetricWrapper(L.meanSquaredError, "MeanSquaredError", options.name ?? "mean_squared_error", "down");
}

/** `metrics.MeanAbsoluteError()`. */
export function MeanAbsoluteError(options: NameOption = {}): MeanMetricWrapper {
  return new MeanMetricWrapper(L.meanAbsoluteError, "MeanAbsoluteError", options.name ?? "mean_absolute_error", "down");
}

/** `metrics.MeanAbsolutePercentageError()`. */
export function MeanAbsolutePercentageError(options: NameOption = {}): MeanMetricWrapper {
  return new MeanMetricWrapper(L.meanAbsolutePercentageError, "MeanAbsolutePercentageError", options.name ?? "mean_absolute_percentage_error", "down");
}

/** `metrics.MeanSquaredLogarithmicError()`. */
export function MeanSquaredLogarithmicError(options: NameOption = {}): MeanMetricWrapper {
  return new MeanMetricWrapper(L.meanSquaredLogarithmicError, "MeanSquaredLogarithmicError", options.name ?? "mean_squared_logarithmic_error", "down");
}

/** `metrics.LogCoshError()` (Keras' name "logcosh"). */
export function LogCoshError(options: NameOption = {}): MeanMetricWrapper {
  return new MeanMetricWrapper(L.logCosh, "LogCoshError", options.name ?? "logcosh", "down");
}

/** Keras' metric `cosine_similarity`: sum(normalize(y) * normalize(p)) over `axis` (the loss is its negative). */
export const cosineSimilarity = kerasNamed("cosine_similarity", (yTrue: tf.Tensor, yPred: tf.Tensor, axis = -1): tf.Tensor =>
  tf.tidy(() => tf.neg(L.cosineSimilarity(yTrue, yPred, axis))),
);

/** `metrics.CosineSimilarity({ axis })`. */
export function CosineSimilarity(options: NameOption & { axis?: number } = {}): MeanMetricWrapper {
  const axis = intOption("CosineSimilarity", "axis", options.axis, -1)!;
  return new MeanMetricWrapper((y, p) => cosineSimilarity(y, p, axis), "CosineSimilarity", options.name ?? "cosine_similarity", "up", { axis });
}

export class RootMeanSquaredErrorMetric extends MeanMetric {
  constructor(name?: string) {
    super("RootMeanSquaredError", name ?? "root_mean_squared_error", "down");
  }
  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): MetricUpdate {
    return tf.tidy(() => {
      const [y, p] = squeezeOrExpandToSameRank(tf.cast(yTrue, "float32"), yPred);
      return this.updateValues(tf.squaredDifference(p, y), sampleWeight);
    }) as MetricUpdate;
  }
  resultFrom(state: tf.Tensor): tf.Tensor {
    return tf.sqrt(super.resultFrom(state));
  }
}

/** `metrics.RootMeanSquaredError()`: sqrt of the mean squared error over the epoch. */
export function RootMeanSquaredError(options: NameOption = {}): RootMeanSquaredErrorMetric {
  return new RootMeanSquaredErrorMetric(options.name);
}

/** `metrics.BinaryCrossentropy({ fromLogits, labelSmoothing })`. */
export function BinaryCrossentropy(options: NameOption & { fromLogits?: boolean; labelSmoothing?: number } = {}): MeanMetricWrapper {
  const o = { fromLogits: boolOption("BinaryCrossentropy", "fromLogits", options.fromLogits, false), labelSmoothing: numberOption("BinaryCrossentropy", "labelSmoothing", options.labelSmoothing, 0, 0, 1) };
  return new MeanMetricWrapper((y, p) => { const [a, b] = squeezeOrExpandToSameRank(y, p); return L.binaryCrossentropy(a, b, o); }, "BinaryCrossentropy", options.name ?? "binary_crossentropy", "down", o);
}

/** `metrics.CategoricalCrossentropy({ fromLogits, labelSmoothing, axis })`. */
export function CategoricalCrossentropy(options: NameOption & { fromLogits?: boolean; labelSmoothing?: number; axis?: number } = {}): MeanMetricWrapper {
  const o = { fromLogits: boolOption("CategoricalCrossentropy", "fromLogits", options.fromLogits, false), labelSmoothing: numberOption("CategoricalCrossentropy", "labelSmoothing", options.labelSmoothing, 0, 0, 1), axis: intOption("CategoricalCrossentropy", "axis", options.axis, -1)! };
  return new MeanMetricWrapper((y, p) => L.categoricalCrossentropy(y, p, o), "CategoricalCrossentropy", options.name ?? "categorical_crossentropy", "down", o);
}

/** `metrics.SparseCategoricalCrossentropy({ fromLogits })`. */
export function SparseCategoricalCrossentropy(options: NameOption & { fromLogits?: boolean } = {}): MeanMetricWrapper {
  const o = { fromLogits: boolOption("SparseCategoricalCrossentropy", "fromLogits", options.fromLogits, false) };
  return new MeanMetricWrapper((y, p) => L.sparseCategoricalCrossentropy(y, p, o), "SparseCategoricalCrossentropy", options.name ?? "sparse_categorical_crossentropy", "down", o);
}

/** `metrics.Hinge()`. */
export function Hinge(options: NameOption = {}): MeanMetricWrapper {
  return new MeanMetricWrapper(L.hinge, "Hinge", options.name ?? "hinge", "down");
}

/** `metrics.SquaredHinge()`. */
export function SquaredHinge(options: NameOption = {}): MeanMetricWrapper {
  return new MeanMetricWrapper(L.squaredHinge, "SquaredHinge", options.name ?? "squared_hinge", "down");
}

/** `metrics.CategoricalHinge()`. */
export function CategoricalHinge(options: NameOption = {}): MeanMetricWrapper {
  return new MeanMetricWrapper(L.categoricalHinge, "CategoricalHinge", options.name ?? "categorical_hinge", "down");
}

/** `metrics.KLDivergence()`. */
export function KLDivergence(options: NameOption = {}): MeanMetricWrapper {
  return new MeanMetricWrapper(L.klDivergence, "KLDivergence", options.name ?? "kl_divergence", "down");
}

/** `metrics.Poisson()`. */
export function Poisson(options: NameOption = {}): MeanMetricWrapper {
  return new MeanMetricWrapper(L.poisson, "Poisson", options.name ?? "poisson", "down");
}
