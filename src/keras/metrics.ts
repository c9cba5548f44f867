// Keras metrics, as per-sample values that the training loop sums on the device. The accuracies are one
// fused kernel on the wasm backend.
import * as tf from "@tensorflow/tfjs";
import { accuracy } from "../backend/fused_kernels.js";
import type { ResolvedLoss } from "./losses.js";

export type MetricFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

export function categoricalAccuracy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return accuracy(yPred, yTrue, false) ?? tf.tidy(() => tf.cast(tf.equal(tf.argMax(yTrue, -1), tf.argMax(yPred, -1)), "float32"));
}

export function sparseCategoricalAccuracy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return accuracy(yPred, yTrue, true) ?? tf.tidy(() => tf.cast(tf.equal(tf.cast(tf.reshape(yTrue, [-1]), "int32"), tf.cast(tf.argMax(yPred, -1), "int32")), "float32"));
}

export function binaryAccuracy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.cast(yTrue, "float32"), tf.cast(tf.greater(yPred, 0.5), "float32")), "float32"), -1));
}

export interface ResolvedMetric {
  /** The key in logs and History (`accuracy`, `acc`, ...): the name the user wrote, as in Keras. */
  name: string;
  fn: MetricFunction;
}

const BY_NAME: Record<string, MetricFunction> = {
  categorical_accuracy: categoricalAccuracy,
  sparse_categorical_accuracy: sparseCategoricalAccuracy,
  binary_accuracy: binaryAccuracy,
};

/** Keras' rule: "accuracy"/"acc" picks the accuracy that matches the loss. */
export function getMetric(metric: string | MetricFunction, loss: ResolvedLoss): ResolvedMetric {
  if (typeof metric === "function") return { name: metric.name || "metric", fn: metric };
  if (metric === "accuracy" || metric === "acc") {
    const fn = loss.name === "sparse_categorical_crossentropy" ? sparseCategoricalAccuracy
      : loss.name === "binary_crossentropy" ? binaryAccuracy
      : categoricalAccuracy;
    return { name: metric, fn };
  }
  const fn = BY_NAME[metric];
  if (!fn) {
    throw new Error(`compile: unknown metric ${JSON.stringify(metric)}; expected one of accuracy, acc, ${Object.keys(BY_NAME).join(", ")} (or a function)`);
  }
  return { name: metric, fn };
}
