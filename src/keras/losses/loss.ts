// Keras 3's Loss objects: `losses.CategoricalCrossentropy({ fromLogits: true })` is a function
// (yTrue, yPred, sampleWeight?) -> the reduced loss (a scalar by default, Keras' __call__), with
// `call(yTrue, yPred)` giving the values per sample, and Keras' `name`, `reduction` and config.
// A plain function (yTrue, yPred) -> per-sample values is a loss too (Keras' LossFunctionWrapper).
import tf from "../../tfjs.cjs";
import { reduceWeightedValues, squeezeOrExpandToSameRank, standardizeReduction, type Reduction } from "./reduction.js";

/** A loss function: (yTrue, yPred) -> one value per sample (the last axis reduced). */
export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** Per-sample values and, where some entries do not count (ignoreClass), their mask. */
export interface LossValues {
  values: tf.Tensor;
  mask?: tf.Tensor;
}

export interface Loss {
  /** The loss of a batch, reduced as `reduction` says (Keras' `loss(y_true, y_pred, sample_weight)`). */
  (yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): tf.Tensor;
  /** Keras' name: "categorical_crossentropy", ... (or the one given). */
  readonly name: string;
  /** Keras' class name: "CategoricalCrossentropy" ("LossFunctionWrapper" for a plain function). */
  readonly className: string;
  readonly reduction: Reduction;
  /** Values per sample, before sample weights and reduction (Keras' `call`). */
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor;
  /** Keras' get_config, camelCase keys. */
  getConfig(): Record<string, unknown>;
  /** The name kept for tsdl's earlier API (the same as `name`). */
  readonly lossName: string;
  /** @internal values and mask. */
  readonly callWithMask: (yTrue: tf.Tensor, yPred: tf.Tensor) => LossValues;
}

/** Options every Keras loss class takes. */
export interface LossOptions {
  /** "sum_over_batch_size" (default), "sum", "none" (or null), "mean", "mean_with_sample_weight". */
  reduction?: Reduction;
  /** Default Keras' name of the loss, e.g. "categorical_crossentropy". */
  name?: string;
}

const LOSS = Symbol.for("tsdl.loss");

export function isLoss(v: unknown): v is Loss {
  return typeof v === "function" && (v as unknown as Record<symbol, unknown>)[LOSS] === true;
}

/**
 * Makes a Keras Loss object: `compute` gives the per-sample values of (yTrue, yPred), already made
 * the same rank where Keras' LossFunctionWrapper does it (squeezeRanks).
 */
export function makeLoss(
  className: string,
  defaultName: string,
  options: LossOptions,
  config: Record<string, unknown>,
  compute: (yTrue: tf.Tensor, yPred: tf.Tensor) => LossValues,
  squeezeRanks = true,
): Loss {
  const reduction = standardizeReduction(className, options.reduction);
  const name = options.name ?? defaultName;
  if (typeof name !== "string" || !name) throw new Error(`${className}: name must be a non-empty string, got ${JSON.stringify(name)}`);
  const callWithMask = (yTrue: tf.Tensor, yPred: tf.Tensor): LossValues => {
    let yt = yTrue;
    let yp = yPred;
    if (squeezeRanks) [yt, yp] = squeezeOrExpandToSameRank(yt, yp);
    return compute(yt, yp);
  };
  const loss = function (yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): tf.Tensor {
    checkTensors(name, yTrue, yPred);
    return tf.tidy(() => {
      const { values, mask } = callWithMask(yTrue, yPred);
      return reduceWeightedValues(values, sampleWeight, mask, reduction);
    });
  };
  Object.defineProperty(loss, "name", { value: name });
  Object.assign(loss, {
    className,
    reduction,
    lossName: name,
    callWithMask,
    call: (yTrue: tf.Tensor, yPred: tf.Tensor) => {
      checkTensors(name, yTrue, yPred);
      return tf.tidy(() => callWithMask(yTrue, yPred).values);
    },
    getConfig: () => ({ name, reduction, ...config }),
    [LOSS]: true,
  });
  return loss as unknown as Loss;
}

function checkTensors(name: string, yTrue: unknown, yPred: unknown): void {
  if (!(yTrue instanceof tf.Tensor) || !(yPred instanceof tf.Tensor)) {
    throw new TypeError(`loss "${name}": yTrue and yPred must be tensors, got ${typeof yTrue} and ${typeof yPred}`);
  }
}

/** Keras' LossFunctionWrapper: a plain function (yTrue, yPred) -> per-sample values as a Loss. */
export function wrapLossFunction(fn: LossFunction, name?: string, options: LossOptions = {}): Loss {
  const n = name ?? (fn as { kerasName?: string }).kerasName ?? (fn.name || "loss");
  return makeLoss("LossFunctionWrapper", n, { ...options, name: options.name ?? n }, {}, (yt, yp) => ({ values: fn(yt, yp) }));
}

/** Attaches Keras' function name (`categorical_crossentropy`) to an exported loss function. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function kerasNamed<F extends (...args: any[]) => tf.Tensor>(name: string, fn: F): F & { kerasName: string } {
  return Object.assign(fn, { kerasName: name });
}

/** Checks that an option is a number in [lo, hi]. */
export function numberOption(where: string, option: string, v: unknown, fallback: number, lo = -Infinity, hi = Infinity): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v < lo || v > hi) {
    const range = lo === -Infinity && hi === Infinity ? "a finite number" : hi === Infinity ? `a number >= ${lo}` : `a number in [${lo}, ${hi}]`;
    throw new Error(`${where}: ${option} must be ${range}, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function boolOption(where: string, option: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== "boolean") throw new Error(`${where}: ${option} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

export function intOption(where: string, option: string, v: unknown, fallback: number | undefined): number | undefined {
  if (v === undefined || v === null) return fallback;
  if (!Number.isInteger(v)) throw new Error(`${where}: ${option} must be an integer, got ${JSON.stringify(v)}`);
  return v as number;
}

/** Keras' `axis` argument: a negative or non-negative integer within the rank. */
export function canonicalAxis(where: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= rank) throw new Error(`${where}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  return a;
}
