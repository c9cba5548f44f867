// Keras 3's confusion-matrix metrics (keras/src/metrics/confusion_metrics.py, metrics_utils.py):
// Precision, Recall and AUC keep true/false positive/negative counts per threshold over the epoch.
// Thresholds spread evenly over [0, 1] (AUC's) are counted by bucket, as Keras' optimised path does.
//
// Porting note: AUC's multiLabel, numLabels and labelWeights are not there yet (one curve over every
// entry, as Keras' default multiLabel false).
import tf from "../../tfjs.cjs";
import { squeezeOrExpandToSameRank } from "../losses/reduction.js";
import { boolOption, numberOption } from "../losses/loss.js";
import { divideNoNan, Metric, type MetricUpdate } from "./metric.js";

const EPSILON = 1e-7;
/** Keras' NEG_INF: the threshold of Precision/Recall with topK, and the score of entries outside the top k. */
const NEG_INF = -1e10;

export type Cell = "tp" | "fp" | "tn" | "fn";

export interface ConfusionOptions {
  thresholds: number[];
  evenly: boolean;
  topK?: number;
  classId?: number;
}

/** Keras' `is_evenly_distributed_thresholds`: at least 3, equal to i / (n - 1) within epsilon. */
export function evenlyDistributed(thresholds: number[]): boolean {
  const n = thresholds.length;
  if (n < 3) return false;
  return thresholds.every((t, i) => Math.abs(t - Math.fround(i / (n - 1))) <= EPSILON + 1e-5 * Math.abs(Math.fround(i / (n - 1))));
}

/** Keras' `_filter_top_k`: entries outside each row's k highest keep NEG_INF. */
function filterTopK(x: tf.Tensor, k: number): tf.Tensor {
  const classes = x.shape[x.rank - 1]!;
  const { indices } = tf.topk(x, Math.min(k, classes));
  const mask = tf.sum(tf.oneHot(indices, classes), -2);
  return tf.add(tf.mul(x, mask), tf.mul(NEG_INF, tf.sub(1, mask)));
}

/** Keras' `update_confusion_matrix_variables` (one label per entry, not multi-label): the counts of `cells`, one per threshold. */
export function confusionCounts(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight: tf.Tensor | undefined, o: ConfusionOptions, cells: Cell[]): tf.Tensor[] {
  return tf.tidy(() => {
    let y = tf.cast(yTrue, "float32");
    let p = tf.cast(yPred, "float32");
    [p, y] = squeezeOrExpandToSameRank(p, y);
    let sw: tf.Tensor | undefined;
    if (sampleWeight) {
      sw = tf.expandDims(tf.cast(sampleWeight, "float32"), -1);
      [, sw] = squeezeOrExpandToSameRank(y, sw, false);
    }
    if (o.topK !== undefined) p = filterTopK(p, o.topK);
    if (o.classId !== undefined) {
      if (p.rank === 1) throw new Error(`classId needs predictions of shape [samples, classes], got [${p.shape.join(", ")}]`);
      const c = p.shape[p.rank - 1]!;
      if (o.classId < 0 || o.classId >= c) throw new Error(`classId ${o.classId} is out of range for ${c} classes`);
      const pick = (t: tf.Tensor) => tf.slice(t, [...Array(t.rank - 1).fill(0), o.classId!], [...t.shape.slice(0, -1), 1]);
      y = pick(y);
      p = pick(p);
    }
    const w = sw ? tf.reshape(tf.broadcastTo(sw, p.shape), [-1]) : undefined;
    const t = o.thresholds.length;
    const positive = tf.cast(tf.notEqual(tf.reshape(y, [-1]), 0), "float32");
    const trueLabels = w ? tf.mul(positive, w) : positive;
    const falseLabels = w ? tf.mul(tf.sub(1, positive), w) : tf.sub(1, positive);
    let predictedPositive: tf.Tensor; // [thresholds, entries], 1 where the entry counts as positive at that threshold
    if (o.evenly) {
      const withEpsilon = o.thresholds[0] < 0 || o.thresholds[t - 1] > 1;
      let bucket = tf.sub(tf.ceil(tf.mul(tf.clipByValue(tf.reshape(p, [-1]), 0, 1), t - 1)), 1);
      if (withEpsilon) bucket = tf.relu(bucket);
      predictedPositive = tf.cast(tf.greaterEqual(tf.expandDims(bucket, 0), tf.reshape(tf.range(0, t, 1, "float32"), [t, 1])), "float32");
    } else {
      predictedPositive = tf.cast(tf.greater(tf.expandDims(tf.reshape(p, [-1]), 0), tf.reshape(tf.tensor1d(o.thresholds), [t, 1])), "float32");
    }
    const count = (labels: tf.Tensor, pos: tf.Tensor) => tf.reshape(tf.matMul(pos, tf.reshape(labels, [-1, 1])), [t]);
    const out: Record<Cell, () => tf.Tensor> = {
      tp: () => count(trueLabels, predictedPositive),
      fp: () => count(falseLabels, predictedPositive),
      fn: () => count(trueLabels, tf.sub(1, predictedPositive)),
      tn: () => count(falseLabels, tf.sub(1, predictedPositive)),
    };
    return cells.map((c) => out[c]());
  });
}

export function thresholdList(where: string, thresholds: number | number[] | undefined, fallback: number): number[] {
  if (thresholds === undefined || thresholds === null) return [fallback];
  const list = Array.isArray(thresholds) ? thresholds : [thresholds];
  const bad = list.filter((t) => typeof t !== "number" || !(t >= 0 && t <= 1));
  if (bad.length || list.length === 0) throw new Error(`${where}: thresholds must be numbers in [0, 1], got ${JSON.stringify(thresholds)}`);
  return list;
}

export function optionalIndex(where: string, option: string, v: unknown, min: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Number.isInteger(v) || (v as number) < min) throw new Error(`${where}: ${option} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v as number;
}

export interface PrecisionRecallOptions {
  /** A threshold in [0, 1] or a list (the result is then one value per threshold). Default 0.5 (with topK: none). */
  thresholds?: number | number[];
  /** Count only the k highest scores of each sample as predicted positive. Default none. */
  topK?: number;
  /** Only this class (a column of yPred). Default none (every entry counts). */
  classId?: number;
  /** Default Keras' automatic name: "precision", "precision_1", ... */
  name?: string;
}

abstract class ConfusionMetric extends Metric {
  protected readonly o: ConfusionOptions;
  constructor(className: string, options: PrecisionRecallOptions, private readonly cells: Cell[]) {
    super(className, options.name, "up");
    const topK = optionalIndex(className, "topK", options.topK, 1);
    const classId = optionalIndex(className, "classId", options.classId, 0);
    const thresholds = thresholdList(className, options.thresholds, topK === undefined ? 0.5 : NEG_INF);
    this.o = { thresholds, evenly: evenlyDistributed(thresholds), topK, classId };
  }
  get size(): number {
    return this.cells.length * this.o.thresholds.length;
  }
  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): MetricUpdate {
    return confusionCounts(yTrue, yPred, sampleWeight, this.o, this.cells);
  }
  protected cell(state: tf.Tensor, i: number): tf.Tensor {
    const t = this.o.thresholds.length;
    return state.slice(i * t, t);
  }
  getConfig(): Record<string, unknown> {
    return { name: this.name, thresholds: this.o.thresholds, topK: this.o.topK ?? null, classId: this.o.classId ?? null };
  }
}

export class PrecisionMetric extends ConfusionMetric {
  constructor(options: PrecisionRecallOptions = {}) {
    super("Precision", options, ["tp", "fp"]);
  }
  resultFrom(state: tf.Tensor): tf.Tensor {
    const tp = this.cell(state, 0);
    const r = divideNoNan(tp, tf.add(tp, this.cell(state, 1)));
    return this.o.thresholds.length === 1 ? tf.reshape(r, []) : r;
  }
}

export class RecallMetric extends ConfusionMetric {
  constructor(options: PrecisionRecallOptions = {}) {
    super("Recall", options, ["tp", "fn"]);
  }
  resultFrom(state: tf.Tensor): tf.Tensor {
    const tp = this.cell(state, 0);
    const r = divideNoNan(tp, tf.add(tp, this.cell(state, 1)));
    return this.o.thresholds.length === 1 ? tf.reshape(r, []) : r;
  }
}

/** `metrics.Precision({ thresholds, topK, classId, name })`: tp / (tp + fp). */
export function Precision(options: PrecisionRecallOptions = {}): PrecisionMetric {
  return new PrecisionMetric(options);
}

/** `metrics.Recall({ thresholds, topK, classId, name })`: tp / (tp + fn). */
export function Recall(options: PrecisionRecallOptions = {}): RecallMetric {
  return new RecallMetric(options);
}

export interface AUCOptions {
  /** Thresholds spread evenly over [0, 1] (with -eps and 1 + eps at the ends). Default 200. */
  numThresholds?: number;
  /** "ROC" (default), "PR" or "PRGAIN" (lower case too). */
  curve?: "ROC" | "PR" | "PRGAIN" | "roc" | "pr" | "prgain";
  /** "interpolation" (default; for PR, Davis & Goadrich's), "minoring" or "majoring". */
  summationMethod?: "interpolation" | "minoring" | "majoring";
  /** Thresholds in [0, 1] instead of numThresholds (sorted; -eps and 1 + eps are added). */
  thresholds?: number[];
  /** Whether yPred holds logits (a sigmoid is applied). Default false. */
  fromLogits?: boolean;
  /** Default Keras' automatic name: "auc", "auc_1", ... */
  name?: string;
}

const CURVES: Record<string, "ROC" | "PR" | "PRGAIN"> = { ROC: "ROC", roc: "ROC", PR: "PR", pr: "PR", PRGAIN: "PRGAIN", prgain: "PRGAIN" };
const SUMMATIONS: Record<string, "interpolation" | "minoring" | "majoring"> = { interpolation: "interpolation", Interpolation: "interpolation", minoring: "minoring", Minoring: "minoring", majoring: "majoring", Majoring: "majoring" };

export class AUCMetric extends Metric {
  readonly numThresholds: number;
  readonly curve: "ROC" | "PR" | "PRGAIN";
  readonly summationMethod: "interpolation" | "minoring" | "majoring";
  readonly fromLogits: boolean;
  private readonly o: ConfusionOptions;
  private readonly given: number[] | undefined;

  constructor(options: AUCOptions = {}) {
    const curve = CURVES[options.curve ?? "ROC"];
    if (!curve) throw new Error(`AUC: curve must be "ROC", "PR" or "PRGAIN", got ${JSON.stringify(options.curve)}`);
    const summation = SUMMATIONS[options.summationMethod ?? "interpolation"];
    if (!summation) throw new Error(`AUC: summationMethod must be "interpolation", "minoring" or "majoring", got ${JSON.stringify(options.summationMethod)}`);
    super("AUC", options.name, "up");
    this.curve = curve;
    this.summationMethod = summation;
    this.fromLogits = boolOption("AUC", "fromLogits", options.fromLogits, false);
    let inner: number[];
    let evenly: boolean;
    if (options.thresholds !== undefined) {
      inner = [...thresholdList("AUC", options.thresholds, 0.5)].sort((a, b) => a - b);
      this.given = inner;
      evenly = evenlyDistributed([0, ...inner, 1]);
    } else {
      const n = numberOption("AUC", "numThresholds", options.numThresholds, 200, 2);
      if (!Number.isInteger(n)) throw new Error(`AUC: numThresholds must be an integer > 1, got ${JSON.stringify(options.numThresholds)}`);
      inner = Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1));
      evenly = true;
    }
    this.numThresholds = inner.length + 2;
    this.o = { thresholds: [-EPSILON, ...inner, 1 + EPSILON], evenly };
  }

  get size(): number {
    return 4 * this.numThresholds;
  }

  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): MetricUpdate {
    return tf.tidy(() => confusionCounts(yTrue, this.fromLogits ? tf.sigmoid(yPred) : yPred, sampleWeight, this.o, ["tp", "fp", "tn", "fn"]));
  }

  resultFrom(state: tf.Tensor): tf.Tensor {
    const n = this.numThresholds;
    const [tp, fp, tn, fn] = [0, 1, 2, 3].map((i) => state.slice(i * n, n));
    const head = (t: tf.Tensor) => t.slice(0, n - 1);
    const tail = (t: tf.Tensor) => t.slice(1, n - 1);
    if (this.curve === "PR" && this.summationMethod === "interpolation") {
      // Davis & Goadrich (2006): precision interpolated between thresholds.
      const dtp = tf.sub(head(tp), tail(tp));
      const p = tf.add(tp, fp);
      const dp = tf.sub(head(p), tail(p));
      const slope = divideNoNan(dtp, tf.maximum(dp, 0));
      const intercept = tf.sub(tail(tp), tf.mul(slope, tail(p)));
      const ratio = tf.where(tf.logicalAnd(tf.greater(head(p), 0), tf.greater(tail(p), 0)), divideNoNan(head(p), tf.maximum(tail(p), 0)), tf.onesLike(tail(p)));
      const increment = divideNoNan(tf.mul(slope, tf.add(dtp, tf.mul(intercept, tf.log(ratio)))), tf.maximum(tf.add(tail(tp), tail(fn)), 0));
      return tf.sum(increment);
    }
    const recall = divideNoNan(tp, tf.add(tp, fn));
    let x: tf.Tensor;
    let y: tf.Tensor;
    if (this.curve === "ROC") {
      x = divideNoNan(fp, tf.add(fp, tn));
      y = recall;
    } else if (this.curve === "PR") {
      x = recall;
      y = divideNoNan(tp, tf.add(tp, fp));
    } else {
      const scale = divideNoNan(tf.add(tp, fn), tf.add(tn, fp));
      const zeroTp = tf.equal(tp, 0);
      const recallGain = tf.maximum(tf.where(zeroTp, tf.zerosLike(tp), tf.sub(1, tf.mul(scale, divideNoNan(fn, tp)))), 0);
      const precisionGain = tf.where(zeroTp, tf.onesLike(tp), tf.sub(1, tf.mul(scale, divideNoNan(fp, tp))));
      x = recallGain;
      y = precisionGain;
    }
    const heights = this.summationMethod === "interpolation" ? tf.div(tf.add(head(y), tail(y)), 2) : this.summationMethod === "minoring" ? tf.minimum(head(y), tail(y)) : tf.maximum(head(y), tail(y));
    return tf.sum(tf.mul(tf.sub(head(x), tail(x)), heights));
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, numThresholds: this.numThresholds, curve: this.curve, summationMethod: this.summationMethod, fromLogits: this.fromLogits, ...(this.given ? { thresholds: this.given } : {}) };
  }
}

/** `metrics.AUC({ numThresholds, curve, summationMethod, thresholds, fromLogits, name })`. */
export function AUC(options: AUCOptions = {}): AUCMetric {
  return new AUCMetric(options);
}
