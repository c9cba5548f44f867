// keras.metrics: Keras 3's metrics as stateful objects (`metrics.AUC({ curve: "PR" })`, accumulated
// over an epoch as Keras does), their per-sample functions (`metrics.binaryAccuracy(yTrue, yPred)`),
// and the strings compile takes (Keras' `metrics.get`, "accuracy" resolved from the shapes).
import type * as tf from "@tensorflow/tfjs";
import { snakeCase } from "../naming.js";
import { binaryOrSparse } from "../losses/index.js";
import * as acc from "./accuracy.js";
import * as conf from "./confusion.js";
import * as counts from "./condition_counts.js";
import { AT_CONSTRAINT_ARGUMENTS } from "./at_constraint.js";
import * as fscore from "./f_score.js";
import * as iou from "./iou.js";
import * as regr from "./regression.js";
import { isMetric, Mean, Metric, MeanMetricWrapper, type MetricFunction } from "./metric.js";

export { Metric, MeanMetric, MeanMetricWrapper, Mean, wrapMetricFunction, isMetric, flattenUpdate, type MetricUpdate, type MetricFunction, type Direction } from "./metric.js";
export {
  accuracy, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, topKCategoricalAccuracy, sparseTopKCategoricalAccuracy,
  Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
  type BinaryAccuracyOptions, type TopKOptions,
} from "./accuracy.js";
export { Precision, Recall, AUC, PrecisionMetric, RecallMetric, AUCMetric, type PrecisionRecallOptions, type AUCOptions } from "./confusion.js";
export { TruePositives, FalsePositives, TrueNegatives, FalseNegatives, ConditionCountMetric, type ConditionCountOptions } from "./condition_counts.js";
export { SensitivityAtSpecificity, SpecificityAtSensitivity, PrecisionAtRecall, RecallAtPrecision, AtConstraintMetric, type AtConstraintOptions } from "./at_constraint.js";
export { F1Score, FBetaScore, FBetaScoreMetric, type FBetaScoreOptions } from "./f_score.js";
export { MeanIoU, MeanIoUMetric, type MeanIoUOptions } from "./iou.js";
export {
  MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, RootMeanSquaredError, LogCoshError,
  CosineSimilarity, cosineSimilarity, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, Hinge, SquaredHinge,
  CategoricalHinge, KLDivergence, Poisson, RootMeanSquaredErrorMetric,
} from "./regression.js";

/** Keras' metric classes by class name; strings name them by class name or its snake_case. */
const CLASSES: Record<string, () => Metric> = {
  Accuracy: acc.Accuracy,
  BinaryAccuracy: acc.BinaryAccuracy,
  CategoricalAccuracy: acc.CategoricalAccuracy,
  SparseCategoricalAccuracy: acc.SparseCategoricalAccuracy,
  TopKCategoricalAccuracy: () => acc.TopKCategoricalAccuracy(),
  SparseTopKCategoricalAccuracy: () => acc.SparseTopKCategoricalAccuracy(),
  AUC: conf.AUC,
  Precision: conf.Precision,
  Recall: conf.Recall,
  TruePositives: counts.TruePositives,
  FalsePositives: counts.FalsePositives,
  TrueNegatives: counts.TrueNegatives,
  FalseNegatives: counts.FalseNegatives,
  F1Score: fscore.F1Score,
  FBetaScore: fscore.FBetaScore,
  MeanSquaredError: regr.MeanSquaredError,
  RootMeanSquaredError: regr.RootMeanSquaredError,
  MeanAbsoluteError: regr.MeanAbsoluteError,
  MeanAbsolutePercentageError: regr.MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError: regr.MeanSquaredLogarithmicError,
  LogCoshError: regr.LogCoshError,
  CosineSimilarity: regr.CosineSimilarity,
  BinaryCrossentropy: regr.BinaryCrossentropy,
  CategoricalCrossentropy: regr.CategoricalCrossentropy,
  SparseCategoricalCrossentropy: regr.SparseCategoricalCrossentropy,
  Hinge: regr.Hinge,
  SquaredHinge: regr.SquaredHinge,
  CategoricalHinge: regr.CategoricalHinge,
  KLDivergence: regr.KLDivergence,
  Poisson: regr.Poisson,
  Mean: Mean,
};
const BY_STRING: Record<string, () => Metric> = {};
for (const [cls, make] of Object.entries(CLASSES)) {
  BY_STRING[cls] = make;
  BY_STRING[snakeCase(cls)] = make;
}
for (const [alias, cls] of Object.entries({ bce: "BinaryCrossentropy", mse: "MeanSquaredError", mae: "MeanAbsoluteError", mape: "MeanAbsolutePercentageError", msle: "MeanSquaredLogarithmicError" })) {
  BY_STRING[alias] = CLASSES[cls];
  BY_STRING[alias.toUpperCase()] = CLASSES[cls];
}
/** Classes that cannot be made without arguments (Keras fails on them as strings too). */
const NEEDS_ARGUMENTS: Record<string, string> = { MeanIoU: "metrics.MeanIoU(numClasses)", mean_io_u: "metrics.MeanIoU(numClasses)" };
for (const [cls, arg] of AT_CONSTRAINT_ARGUMENTS) {
  NEEDS_ARGUMENTS[cls] = NEEDS_ARGUMENTS[snakeCase(cls)] = `metrics.${cls}(${arg})`;
}

/** What compile takes as a metric: Keras' name, a Metric object, or a function (yTrue, yPred) -> values per sample. */
export type MetricIdentifier = string | Metric | MetricFunction;

/** What compile recorded about a metric (its key in History). */
export interface ResolvedMetric {
  name: string;
}

function isAccuracy(s: string): boolean {
  return s.toLowerCase() === "accuracy" || s.toLowerCase() === "acc";
}

/** Whether a string names a metric (checked at compile, before any data is seen). */
export function isMetricName(s: string): boolean {
  return isAccuracy(s) || s in BY_STRING;
}

export function unknownMetricError(where: string, metric: unknown): Error {
  if (typeof metric === "string" && NEEDS_ARGUMENTS[metric]) return new Error(`${where}: metric ${JSON.stringify(metric)} needs arguments; pass ${NEEDS_ARGUMENTS[metric]}`);
  const names = ["accuracy", "acc", ...Object.keys(CLASSES).map(snakeCase), "bce", "mse", "mae", "mape", "msle"];
  return new Error(`${where}: unknown metric ${JSON.stringify(metric)}; expected one of ${names.join(", ")}, a class name (${Object.keys(CLASSES).join(", ")}), a Metric object or a function (yTrue, yPred) => tensor`);
}

/**
 * Keras' `compile_utils.get_metric`: "accuracy"/"acc" becomes the binary, sparse or categorical
 * accuracy by the shapes of the labels and predictions, named as written; other strings make the
 * class they name (named by the string); a function is averaged over the samples (named after it);
 * a Metric object is itself.
 */
export function getMetric(identifier: MetricIdentifier, shapes: { yTrue: readonly (number | null)[]; yPred: readonly (number | null)[] }, where = "compile"): Metric {
  if (isMetric(identifier)) return identifier;
  if (typeof identifier === "function") {
    const name = (identifier as { kerasName?: string }).kerasName ?? (identifier.name || "mean_metric_wrapper");
    return new MeanMetricWrapper(identifier, "MeanMetricWrapper", name, undefined);
  }
  if (typeof identifier === "string") {
    let m: Metric | undefined;
    if (isAccuracy(identifier)) {
      const { binary, sparse } = binaryOrSparse(shapes.yTrue, shapes.yPred);
      m = binary ? acc.BinaryAccuracy({ name: identifier }) : sparse ? acc.SparseCategoricalAccuracy({ name: identifier }) : acc.CategoricalAccuracy({ name: identifier });
    } else if (BY_STRING[identifier]) {
      m = BY_STRING[identifier]();
      m.name = identifier;
    }
    if (m) return m;
  }
  throw unknownMetricError(where, identifier);
}

/** The direction of a metric by class when only its values are known (for callbacks). */
export function metricDirection(m: Metric): "up" | "down" | undefined {
  return m.direction;
}


