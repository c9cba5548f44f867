// keras.losses: Keras 3's losses as functions (`losses.categoricalCrossentropy(yTrue, yPred)`, one
// value per sample) and Loss classes (`losses.CategoricalCrossentropy({ fromLogits: true })`, reduced
// as `reduction` says), and the strings compile takes (Keras' `losses.get`).
import type * as tf from "@tensorflow/tfjs";
import * as ce from "./crossentropy.js";
import * as reg from "./regression.js";
import * as hingeLosses from "./hinge.js";
import { isLoss, wrapLossFunction, type Loss, type LossFunction, type LossOptions } from "./loss.js";

export { isLoss, wrapLossFunction, type Loss, type LossFunction, type LossOptions, type LossValues } from "./loss.js";
export { reduceWeightedValues, squeezeOrExpandToSameRank, standardizeReduction, type Reduction } from "./reduction.js";
export {
  binaryCrossentropy, binaryFocalCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy,
  BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
  type BinaryCrossentropyOptions, type BinaryFocalCrossentropyOptions, type CategoricalCrossentropyOptions, type SparseCategoricalCrossentropyOptions,
} from "./crossentropy.js";
export {
  meanSquaredError, meanAbsoluteError, meanAbsolutePercentageError, meanSquaredLogarithmicError, huber, logCosh, cosineSimilarity,
  MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Huber, LogCosh, CosineSimilarity,
  type HuberOptions, type CosineSimilarityOptions,
} from "./regression.js";
export { hinge, squaredHinge, categoricalHinge, klDivergence, poisson, Hinge, SquaredHinge, CategoricalHinge, KLDivergence, Poisson } from "./hinge.js";

/** What compile recorded about the loss: the name it was given by ("custom" for objects, functions and per-output losses). */
export interface ResolvedLoss {
  name: string;
}

/** Keras' function names (and aliases) -> the per-sample function. */
const FUNCTIONS: Record<string, LossFunction> = {
  categorical_crossentropy: ce.categoricalCrossentropy,
  sparse_categorical_crossentropy: ce.sparseCategoricalCrossentropy,
  binary_crossentropy: ce.binaryCrossentropy,
  binary_focal_crossentropy: ce.binaryFocalCrossentropy,
  mean_squared_error: reg.meanSquaredError,
  mean_absolute_error: reg.meanAbsoluteError,
  mean_absolute_percentage_error: reg.meanAbsolutePercentageError,
  mean_squared_logarithmic_error: reg.meanSquaredLogarithmicError,
  huber: reg.huber as LossFunction,
  log_cosh: reg.logCosh,
  cosine_similarity: reg.cosineSimilarity as LossFunction,
  hinge: hingeLosses.hinge,
  squared_hinge: hingeLosses.squaredHinge,
  categorical_hinge: hingeLosses.categoricalHinge,
  kl_divergence: hingeLosses.klDivergence,
  poisson: hingeLosses.poisson,
};
const ALIASES: Record<string, string> = { bce: "binary_crossentropy", kld: "kl_divergence", mae: "mean_absolute_error", mse: "mean_squared_error", mape: "mean_absolute_percentage_error", msle: "mean_squared_logarithmic_error" };
for (const [a, f] of Object.entries(ALIASES)) ALIASES[a.toUpperCase()] = f;

/** Keras' class names -> the class (made with its defaults when named by a string). */
const CLASSES: Record<string, (o?: LossOptions) => Loss> = {
  CategoricalCrossentropy: ce.CategoricalCrossentropy,
  SparseCategoricalCrossentropy: ce.SparseCategoricalCrossentropy,
  BinaryCrossentropy: ce.BinaryCrossentropy,
  BinaryFocalCrossentropy: ce.BinaryFocalCrossentropy,
  MeanSquaredError: reg.MeanSquaredError,
  MeanAbsoluteError: reg.MeanAbsoluteError,
  MeanAbsolutePercentageError: reg.MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError: reg.MeanSquaredLogarithmicError,
  Huber: reg.Huber,
  LogCosh: reg.LogCosh,
  CosineSimilarity: reg.CosineSimilarity,
  Hinge: hingeLosses.Hinge,
  SquaredHinge: hingeLosses.SquaredHinge,
  CategoricalHinge: hingeLosses.CategoricalHinge,
  KLDivergence: hingeLosses.KLDivergence,
  Poisson: hingeLosses.Poisson,
};

/** What compile takes as a loss: Keras' name, a Loss object, or a function (yTrue, yPred) -> per-sample values. */
export type LossIdentifier = string | Loss | LossFunction;

/** Keras' "crossentropy" / "ce": the cross-entropy that fits the shapes of the labels and predictions. */
function isAutoCrossentropy(s: string): boolean {
  return s.toLowerCase() === "crossentropy" || s.toLowerCase() === "ce";
}

/** Whether a string names a loss (checked at compile, before any data is seen). */
export function isLossName(s: string): boolean {
  return s in FUNCTIONS || s in ALIASES || s in CLASSES || isAutoCrossentropy(s);
}

export function unknownLossError(where: string, loss: unknown): Error {
  const names = ["categorical_crossentropy", "sparse_categorical_crossentropy", ...Object.keys(FUNCTIONS).filter((k) => !k.includes("categorical_cross")), ...Object.keys(ALIASES).filter((a) => a === a.toLowerCase()), "crossentropy"];
  return new Error(
    `${where}: unknown loss ${JSON.stringify(loss)}; expected one of ${names.join(", ")}, a class name (${Object.keys(CLASSES).join(", ")}), ` +
      `a Loss object (losses.CategoricalCrossentropy({ fromLogits: true })) or a function (yTrue, yPred) => tensor`,
  );
}

/** Keras' `is_binary_or_sparse_categorical`, from the shapes of the labels and predictions. */
export function binaryOrSparse(yTrue: readonly (number | null)[], yPred: readonly (number | null)[]): { binary: boolean; sparse: boolean } {
  const last = (s: readonly (number | null)[]) => s[s.length - 1];
  return { binary: last(yPred) === 1, sparse: yTrue.length < yPred.length || (last(yTrue) === 1 && (last(yPred) ?? 2) > 1) };
}

/**
 * Keras' `losses.get` as compile uses it: a string names a function (wrapped as a Loss named by that
 * string) or a class; a function is wrapped; a Loss object is itself. "crossentropy" and "ce" need the
 * shapes of the labels and predictions.
 */
export function getLoss(identifier: LossIdentifier, shapes?: { yTrue: readonly (number | null)[]; yPred: readonly (number | null)[] }, where = "compile"): Loss {
  if (isLoss(identifier)) return identifier;
  if (typeof identifier === "function") return wrapLossFunction(identifier);
  if (typeof identifier === "string") {
    if (isAutoCrossentropy(identifier)) {
      if (!shapes) throw new Error(`${where}: loss ${JSON.stringify(identifier)} is chosen from the shapes of the labels and predictions, which are not known here`);
      const { binary, sparse } = binaryOrSparse(shapes.yTrue, shapes.yPred);
      const fn = binary ? ce.binaryCrossentropy : sparse ? ce.sparseCategoricalCrossentropy : ce.categoricalCrossentropy;
      return wrapLossFunction(fn, fn.kerasName);
    }
    const fn = FUNCTIONS[ALIASES[identifier] ?? identifier];
    if (fn) return wrapLossFunction(fn, identifier);
    const cls = CLASSES[identifier];
    if (cls) return cls();
  }
  throw unknownLossError(where, identifier);
}

/** Per-sample values of a loss (a Loss's `call`, or the function itself). */
export function perSample(loss: Loss | LossFunction, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return isLoss(loss) ? loss.call(yTrue, yPred) : loss(yTrue, yPred);
}
