// Keras 3's MeanIoU (keras/src/metrics/iou_metrics.py): a confusion matrix of classes over the epoch,
// and the mean over classes of tp / (tp + fp + fn).
import tf from "../../tfjs.cjs";
import { boolOption } from "../losses/loss.js";
import { Metric, type MetricUpdate } from "./metric.js";

const EPSILON = 1e-7;

export interface MeanIoUOptions {
  /** Labels are class indices (default true; false: one-hot, argmax over `axis`). */
  sparseYTrue?: boolean;
  /** Predictions are class indices (default true; false: scores, argmax over `axis`). */
  sparseYPred?: boolean;
  /** A class whose samples do not count. Default none. */
  ignoreClass?: number | null;
  /** The class axis for argmax. Default -1. */
  axis?: number;
  /** Default Keras' automatic name: "mean_io_u", ... */
  name?: string;
}

export class MeanIoUMetric extends Metric {
  readonly sparseYTrue: boolean;
  readonly sparseYPred: boolean;
  readonly ignoreClass: number | null;
  readonly axis: number;

  constructor(readonly numClasses: number, options: MeanIoUOptions = {}) {
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`MeanIoU: numClasses must be a positive integer, got ${JSON.stringify(numClasses)}`);
    super("MeanIoU", options.name, "up");
    this.sparseYTrue = boolOption("MeanIoU", "sparseYTrue", options.sparseYTrue, true);
    this.sparseYPred = boolOption("MeanIoU", "sparseYPred", options.sparseYPred, true);
    this.ignoreClass = options.ignoreClass ?? null;
    this.axis = options.axis ?? -1;
  }

  get size(): number {
    return this.numClasses * this.numClasses;
  }

  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): MetricUpdate {
    return tf.tidy(() => {
      const c = this.numClasses;
      // Keras casts to its integer dtype: scores given as "sparse" predictions are truncated.
      const toInt = (t: tf.Tensor) => tf.cast(tf.reshape(t, [-1]), "int32");
      const y = toInt(this.sparseYTrue ? yTrue : tf.argMax(yTrue, this.axis));
      const p = toInt(this.sparseYPred ? yPred : tf.argMax(yPred, this.axis));
      // As Keras (whose IoU state is integer), float weights are truncated to integers.
      let w = sampleWeight ? tf.cast(tf.broadcastTo(tf.cast(tf.reshape(sampleWeight, [-1]), "int32"), y.shape), "float32") : tf.onesLike(y).toFloat();
      let inBounds = tf.logicalAnd(tf.logicalAnd(tf.greaterEqual(y, 0), tf.less(y, c)), tf.logicalAnd(tf.greaterEqual(p, 0), tf.less(p, c)));
      if (this.ignoreClass !== null) inBounds = tf.logicalAnd(inBounds, tf.notEqual(y, this.ignoreClass));
      const zero = tf.zerosLike(y);
      w = tf.where(inBounds, w, tf.zerosLike(w));
      const cell = tf.add(tf.mul(tf.where(inBounds, y, zero), c), tf.where(inBounds, p, zero));
      return [tf.sum(tf.mul(tf.oneHot(tf.cast(cell, "int32"), c * c), tf.expandDims(w, 1)), 0)];
    }) as MetricUpdate;
  }

  resultFrom(state: tf.Tensor): tf.Tensor {
    const c = this.numClasses;
    const cm = tf.reshape(state, [c, c]);
    const rows = tf.sum(cm, 0);
    const cols = tf.sum(cm, 1);
    const tp = tf.sum(tf.mul(cm, tf.eye(c)), 1);
    const denominator = tf.sub(tf.add(rows, cols), tp);
    const valid = tf.cast(tf.greater(denominator, 1e-9), "float32");
    const iou = tf.mul(tf.div(tp, tf.add(denominator, EPSILON)), valid);
    return tf.div(tf.sum(iou), tf.add(tf.sum(valid), EPSILON));
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, numClasses: this.numClasses, ignoreClass: this.ignoreClass, sparseYTrue: this.sparseYTrue, sparseYPred: this.sparseYPred, axis: this.axis };
  }
}

/** `metrics.MeanIoU(numClasses, { ignoreClass, sparseYTrue, sparseYPred, axis, name })` (or `MeanIoU({ numClasses, ... })`). */
export function MeanIoU(numClasses: number | (MeanIoUOptions & { numClasses: number }), options: MeanIoUOptions = {}): MeanIoUMetric {
  if (typeof numClasses === "object" && numClasses !== null) {
    const { numClasses: n, ...rest } = numClasses;
    return new MeanIoUMetric(n, rest);
  }
  return new MeanIoUMetric(numClasses, options);
}
