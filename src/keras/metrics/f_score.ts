// Keras 3's F-beta and F1 scores (keras/src/metrics/f_score_metrics.py): true/false positive and
// false negative counts per class over the epoch, from [samples, classes] labels and predictions.
import tf from "../../tfjs.cjs";
import { Metric, type MetricUpdate } from "./metric.js";

const EPSILON = 1e-7;

export interface FBetaScoreOptions {
  /** null (default: one score per class), "micro", "macro" or "weighted". */
  average?: "micro" | "macro" | "weighted" | null;
  /** The weight of recall. Default 1. */
  beta?: number;
  /** Predictions above it count as 1; default none: each row's largest score counts. */
  threshold?: number | null;
  /** Default "fbeta_score" (F1Score: "f1_score"). */
  name?: string;
}

const AVERAGES = [null, "micro", "macro", "weighted"];

export class FBetaScoreMetric extends Metric {
  readonly average: "micro" | "macro" | "weighted" | null;
  readonly beta: number;
  readonly threshold: number | null;
  private classes: number | undefined;

  constructor(className: string, defaultName: string, options: FBetaScoreOptions) {
    super(className, options.name ?? defaultName, "up");
    const average = options.average ?? null;
    if (!AVERAGES.includes(average)) throw new Error(`${className}: average must be null, "micro", "macro" or "weighted", got ${JSON.stringify(options.average)}`);
    const beta = options.beta ?? 1;
    if (typeof beta !== "number" || !(beta > 0)) throw new Error(`${className}: beta must be a number > 0, got ${JSON.stringify(options.beta)}`);
    const threshold = options.threshold ?? null;
    if (threshold !== null && !(typeof threshold === "number" && threshold > 0 && threshold <= 1)) {
      throw new Error(`${className}: threshold must be in (0, 1], got ${JSON.stringify(options.threshold)}`);
    }
    this.average = average;
    this.beta = beta;
    this.threshold = threshold;
  }

  build(yTrue: readonly number[], yPred: readonly number[]): void {
    if (yTrue.length !== 2 || yPred.length !== 2) {
      throw new Error(`${this.className} expects 2D inputs with shape (batch_size, output_dim); got yPred.shape=[${yPred.join(", ")}] and yTrue.shape=[${yTrue.join(", ")}]`);
    }
    this.classes = yPred[1];
  }

  get size(): number {
    if (this.classes === undefined) throw new Error(`${this.className}: not built yet (it learns the number of classes from the first batch)`);
    return 4 * (this.average === "micro" ? 1 : this.classes);
  }

  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): MetricUpdate {
    return tf.tidy(() => {
      const y = tf.cast(yTrue, "float32");
      const p0 = tf.cast(yPred, "float32");
      const p = tf.cast(this.threshold === null ? tf.logicalAnd(tf.greaterEqual(p0, tf.max(p0, -1, true)), tf.greater(tf.abs(p0), 1e-9)) : tf.greater(p0, this.threshold), "float32");
      const sum = (v: tf.Tensor) => {
        const w = sampleWeight ? tf.mul(v, tf.expandDims(tf.cast(sampleWeight, "float32"), 1)) : v;
        return this.average === "micro" ? tf.reshape(tf.sum(w), [1]) : tf.sum(w, 0);
      };
      return [sum(tf.mul(p, y)), sum(tf.mul(p, tf.sub(1, y))), sum(tf.mul(tf.sub(1, p), y)), sum(y)];
    }) as MetricUpdate;
  }

  resultFrom(state: tf.Tensor): tf.Tensor {
    const n = state.size / 4;
    const [tp, fp, fn, weights] = [0, 1, 2, 3].map((i) => state.slice(i * n, n));
    const precision = tf.div(tp, tf.add(tf.add(tp, fp), EPSILON));
    const recall = tf.div(tp, tf.add(tf.add(tp, fn), EPSILON));
    const b2 = this.beta * this.beta;
    let f = tf.mul(tf.div(tf.mul(precision, recall), tf.add(tf.add(tf.mul(b2, precision), recall), EPSILON)), 1 + b2);
    if (this.average === "weighted") f = tf.sum(tf.mul(f, tf.div(weights, tf.add(tf.sum(weights), EPSILON))));
    else if (this.average !== null) f = tf.mean(f);
    return this.average === "micro" ? tf.reshape(f, []) : f;
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, average: this.average, ...(this.className === "FBetaScore" ? { beta: this.beta } : {}), threshold: this.threshold };
  }
}

/** `metrics.FBetaScore({ average, beta, threshold, name })`. */
export function FBetaScore(options: FBetaScoreOptions = {}): FBetaScoreMetric {
  return new FBetaScoreMetric("FBetaScore", "fbeta_score", options);
}

/** `metrics.F1Score({ average, threshold, name })`: FBetaScore with beta 1. */
export function F1Score(options: Omit<FBetaScoreOptions, "beta"> = {}): FBetaScoreMetric {
  return new FBetaScoreMetric("F1Score", "f1_score", { ...options, beta: 1 });
}
