// Keras 3's stateful metrics (keras/src/metrics/metric.py, reduction_metrics.py). A metric's state is
// a vector of sums (Mean: total and count; Precision: true and false positives per threshold; AUC: the
// confusion matrix per threshold; ...). During fit the training loop keeps the states of all metrics
// in one tensor on the device: each batch adds what `update` returns, and `resultFrom(state)` turns a
// state into the value shown, read from the device only when something shows it. As in Keras, the
// value of an epoch is that of the sums over the epoch (not a mean of per-batch values).
// Standalone, a metric keeps its own state: `m.updateState(yTrue, yPred)`, `m.result()`, `m.resetState()`.
//
// Porting note: Keras' metric objects are callable (`m(y_true, y_pred)` updates and returns the
// result); tsdl's are not: call updateState then result. A metric object given to compile is a
// template: fit keeps the epoch's state in its own tensor, so `m.result()` after fit is not the
// epoch's value (read History).
import tf from "../../tfjs.cjs";
import { autoName } from "../naming.js";
import { squeezeOrExpandToSameRank } from "../losses/reduction.js";

/**
 * What one batch adds to a metric's state, in state order: tensors (flattened) and numbers (host
 * values such as a batch's sample count, each one entry of the state).
 */
export type MetricUpdate = (tf.Tensor | number)[];

/** Keras' `_direction`: which way the metric improves (EarlyStopping's mode "auto"), if known. */
export type Direction = "up" | "down" | undefined;

const METRIC = Symbol.for("tsdl.metric");

export function isMetric(v: unknown): v is Metric {
  return v instanceof Object && (v as Record<symbol, unknown>)[METRIC] === true;
}

export abstract class Metric {
  /** The key in logs and History (compile renames a metric to the string it was given by). */
  name: string;
  readonly direction: Direction;
  private state: tf.Variable | undefined;

  constructor(readonly className: string, name: string | undefined, direction: Direction) {
    if (name !== undefined && (typeof name !== "string" || !name)) throw new Error(`${className}: name must be a non-empty string, got ${JSON.stringify(name)}`);
    this.name = name ?? autoName(className);
    this.direction = direction;
    (this as unknown as Record<symbol, boolean>)[METRIC] = true;
  }

  /** Sets the state's layout from the shapes of a first batch (most metrics have a fixed one). */
  build(_yTrue: readonly number[], _yPred: readonly number[]): void {}

  /** Entries in the state vector (after build). */
  abstract get size(): number;

  /** What a batch adds to the state (sampleWeight: one weight per sample, or broadcastable). */
  abstract update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): MetricUpdate;

  /** The metric's value (a scalar, or a vector for per-class or per-threshold results) from a state. */
  abstract resultFrom(state: tf.Tensor): tf.Tensor;

  /** Keras' get_config (camelCase keys). */
  getConfig(): Record<string, unknown> {
    return { name: this.name };
  }

  /** Keras' `update_state`: adds a batch to the metric's own state. */
  updateState(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void {
    if (!this.state) {
      this.build(yTrue.shape, yPred.shape);
      const zeros = tf.zeros([this.size]);
      this.state = tf.variable(zeros, false);
      zeros.dispose();
    }
    const state = this.state;
    tf.tidy(() => {
      state.assign(tf.add(state, flattenUpdate(this.update(yTrue, yPred, sampleWeight))));
    });
  }

  /** Keras' `result()`: the value of the state so far (a new tensor). */
  result(): tf.Tensor {
    if (!this.state) return tf.tidy(() => this.resultFrom(tf.zeros([this.sizeOrZero()])));
    const state = this.state;
    return tf.tidy(() => this.resultFrom(state));
  }

  /** Keras' `reset_state()`: back to no batches seen. */
  resetState(): void {
    this.state?.dispose();
    this.state = undefined;
  }

  /** Frees the metric's own state. */
  dispose(): void {
    this.resetState();
  }

  private sizeOrZero(): number {
    try {
      return this.size;
    } catch {
      return 0;
    }
  }
}

/** An update as one vector (numbers become entries). */
export function flattenUpdate(update: MetricUpdate): tf.Tensor {
  return tf.tidy(() => tf.concat(update.map((u) => (typeof u === "number" ? tf.tensor1d([u]) : tf.reshape(tf.cast(u, "float32"), [-1]))), 0));
}

/** divide_no_nan: x / y, 0 where y is 0. */
export function divideNoNan(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const zero = tf.equal(y, 0);
  return tf.where(zero, tf.zerosLike(x), tf.div(x, tf.where(zero, tf.onesLike(y), y)));
}

/**
 * Keras' `reduce_to_samplewise_values`: values reduced to one per sample (mean over the other axes),
 * times the sample weights; returns [weighted values per sample, weight per sample].
 */
export function samplewise(values: tf.Tensor, sampleWeight: tf.Tensor | undefined): [tf.Tensor, tf.Tensor | undefined] {
  let v = values.dtype === "float32" ? values : tf.cast(values, "float32");
  let sw: tf.Tensor | undefined;
  if (sampleWeight) {
    sw = tf.cast(sampleWeight, "float32");
    [v, sw] = squeezeOrExpandToSameRank(v, sw);
    if (v.rank > sw.rank) v = tf.mean(v, range(sw.rank, v.rank));
    sw = tf.broadcastTo(sw, v.shape);
    v = tf.mul(v, sw);
    if (sw.rank > 1) sw = tf.mean(sw, range(1, sw.rank));
  }
  if (v.rank > 1) v = tf.mean(v, range(1, v.rank));
  return [v, sw];
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** Keras' Mean: total / count, weighted by the sample weights. */
export class MeanMetric extends Metric {
  constructor(className = "Mean", name?: string, direction?: Direction) {
    super(className, name ?? (className === "Mean" ? "mean" : undefined), direction);
  }
  get size(): number {
    return 2;
  }
  /** Adds values (one per sample, or more, averaged per sample first). */
  updateValues(values: tf.Tensor, sampleWeight?: tf.Tensor): MetricUpdate {
    return tf.tidy(() => {
      const [v, sw] = samplewise(values, sampleWeight);
      const count = sw ? tf.sum(sw) : v.rank >= 1 ? v.shape[0] : 1;
      return [tf.sum(v), count];
    }) as MetricUpdate;
  }
  update(yTrue: tf.Tensor, _yPred?: tf.Tensor, sampleWeight?: tf.Tensor): MetricUpdate {
    return this.updateValues(yTrue, sampleWeight);
  }
  resultFrom(state: tf.Tensor): tf.Tensor {
    return divideNoNan(state.slice(0, 1).reshape([]), state.slice(1, 1).reshape([]));
  }
}

/** `metrics.Mean({ name })`: the weighted mean of the values given to `updateState(values, sampleWeight)`. */
export function Mean(options: { name?: string } = {}): MeanMetric {
  return new MeanMetric("Mean", options.name);
}

/** A function (yTrue, yPred) -> values per sample (or per entry), averaged: Keras' MeanMetricWrapper. */
export type MetricFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

export class MeanMetricWrapper extends MeanMetric {
  constructor(readonly fn: MetricFunction, className: string, name: string | undefined, direction: Direction, private readonly config: Record<string, unknown> = {}) {
    super(className, name ?? ((fn as { kerasName?: string }).kerasName || fn.name || undefined), direction);
  }
  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): MetricUpdate {
    return tf.tidy(() => {
      const values = this.fn(yTrue, yPred);
      return this.updateValues(values, sampleWeight);
    }) as MetricUpdate;
  }
  getConfig(): Record<string, unknown> {
    return { name: this.name, ...this.config };
  }
}

/** `metrics.MeanMetricWrapper(fn, { name })`: the mean of fn(yTrue, yPred) over the samples seen. */
export function wrapMetricFunction(fn: MetricFunction, options: { name?: string; direction?: Direction } = {}): MeanMetricWrapper {
  if (typeof fn !== "function") throw new Error(`MeanMetricWrapper: fn must be a function (yTrue, yPred) => tensor, got ${typeof fn}`);
  return new MeanMetricWrapper(fn, "MeanMetricWrapper", options.name ?? (fn.name || "mean_metric_wrapper"), options.direction);
}
