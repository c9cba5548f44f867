// Keras 3's metrics against Keras itself (test/keras/losses/generate.py): each metric object updated
// with three batches (some with sample weights) gives Keras' result after every batch (the state
// accumulates, as Keras' does); automatic names; compile's strings; errors.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { keras, layers, metrics, ready, tf } from "../../../src/index.ts";
import { camel, closeTo, kerasTraining, tensorOf } from "../losses/fixture.ts";

before(async () => {
  await ready();
});

type Factory = (o?: unknown) => metrics.Metric;

for (const c of kerasTraining().metrics) {
  test(`${c.name}: ${c.class}(${JSON.stringify(camel(c.config))}) accumulates as Keras over 3 batches`, async () => {
    keras.backend.clearSession();
    const make = (metrics as unknown as Record<string, Factory>)[c.class];
    assert.ok(make, `metrics.${c.class} exists`);
    const m = make(camel(c.config));
    assert.equal(m.name, c.keras_name);
    const before = tf.memory().numTensors;
    for (const [i, b] of c.batches.entries()) {
      const [yt, yp] = [tensorOf(b.y_true), tensorOf(b.y_pred)];
      const sw = b.sample_weight ? tensorOf(b.sample_weight) : undefined;
      m.updateState(yt, yp, sw);
      const r = m.result();
      assert.deepEqual(r.shape, b.result.shape, `batch ${i}: result shape`);
      const got = await r.data();
      assert.ok(closeTo(got, b.result.data) < 1e-5, `batch ${i}: ${Array.from(got)} vs Keras ${b.result.data}`);
      tf.dispose([yt, yp, sw, r]);
    }
    m.resetState();
    assert.equal(tf.memory().numTensors, before, "the metric's state is freed by resetState");
    const r0 = m.result();
    assert.ok((await r0.data()).every((v) => v === 0), "a reset metric starts again");
    r0.dispose();
  });
}

test("automatic names as Keras 3 counts them (one counter per prefix, reset by clearSession)", () => {
  keras.backend.clearSession();
  const names = [metrics.AUC().name, metrics.AUC().name, metrics.Precision().name, metrics.Recall().name, metrics.MeanIoU(3).name, metrics.MeanIoU(2).name, metrics.F1Score().name, metrics.Precision().name, metrics.TruePositives().name, metrics.FalseNegatives().name, metrics.TruePositives().name, metrics.FalsePositives().name, metrics.TrueNegatives().name, metrics.PrecisionAtRecall(0.5).name, metrics.PrecisionAtRecall({ recall: 0.5 }).name, metrics.SensitivityAtSpecificity(0.5).name];
  assert.deepEqual(names, kerasTraining().metric_auto_names);
});

test("compile's metric strings resolve as Keras 3: accuracy by shapes, class names, snake_case and aliases", () => {
  const shapes = (yTrue: (number | null)[], yPred: (number | null)[]) => ({ yTrue, yPred });
  const cls = (id: string, s = shapes([null, 3], [null, 3])) => {
    const m = metrics.getMetric(id, s);
    return [m.className, m.name];
  };
  assert.deepEqual(cls("accuracy", shapes([null], [null, 3])), ["SparseCategoricalAccuracy", "accuracy"]);
  assert.deepEqual(cls("acc", shapes([null, 1], [null, 4])), ["SparseCategoricalAccuracy", "acc"]);
  assert.deepEqual(cls("accuracy", shapes([null, 1], [null, 1])), ["BinaryAccuracy", "accuracy"]);
  assert.deepEqual(cls("accuracy", shapes([null], [null, 1])), ["BinaryAccuracy", "accuracy"]);
  assert.deepEqual(cls("Accuracy"), ["CategoricalAccuracy", "Accuracy"]);
  assert.deepEqual(cls("accuracy"), ["CategoricalAccuracy", "accuracy"]);
  assert.deepEqual(cls("auc"), ["AUC", "auc"]);
  assert.deepEqual(cls("AUC"), ["AUC", "AUC"]);
  assert.deepEqual(cls("precision"), ["Precision", "precision"]);
  assert.deepEqual(cls("true_positives"), ["TruePositives", "true_positives"]);
  assert.deepEqual(cls("FalseNegatives"), ["FalseNegatives", "FalseNegatives"]);
  assert.deepEqual(cls("mse"), ["MeanSquaredError", "mse"]);
  assert.deepEqual(cls("MSE"), ["MeanSquaredError", "MSE"]);
  assert.deepEqual(cls("mean_absolute_error"), ["MeanAbsoluteError", "mean_absolute_error"]);
  assert.deepEqual(cls("root_mean_squared_error"), ["RootMeanSquaredError", "root_mean_squared_error"]);
  assert.deepEqual(cls("f1_score"), ["F1Score", "f1_score"]);
  assert.deepEqual(cls("top_k_categorical_accuracy"), ["TopKCategoricalAccuracy", "top_k_categorical_accuracy"]);
  assert.deepEqual(cls("binary_crossentropy"), ["BinaryCrossentropy", "binary_crossentropy"]);
  const fn = metrics.getMetric(metrics.binaryAccuracy, shapes([null], [null, 1]));
  assert.equal(fn.name, "binary_accuracy");
  assert.throws(() => metrics.getMetric("f1", shapes([null], [null])), /unknown metric "f1"; expected one of accuracy, acc, .*binary_accuracy.*auc.*precision.*recall.*f1_score.*mean_squared_error.*root_mean_squared_error.*, mse, mae/);
  assert.throws(() => metrics.getMetric("mean_io_u", shapes([null], [null])), /metric "mean_io_u" needs arguments; pass metrics.MeanIoU\(numClasses\)/);
  assert.throws(() => metrics.getMetric("precision_at_recall", shapes([null], [null])), /metric "precision_at_recall" needs arguments; pass metrics.PrecisionAtRecall\(recall\)/);
});

test("bad metric options name the option", () => {
  assert.throws(() => metrics.AUC({ curve: "DET" as never }), /AUC: curve must be "ROC", "PR" or "PRGAIN", got "DET"/);
  assert.throws(() => metrics.AUC({ summationMethod: "trapezoid" as never }), /AUC: summationMethod must be "interpolation", "minoring" or "majoring", got "trapezoid"/);
  assert.throws(() => metrics.AUC({ numThresholds: 1 }), /AUC: numThresholds must be a number >= 2, got 1/);
  assert.throws(() => metrics.Precision({ thresholds: [0.5, 1.5] }), /Precision: thresholds must be numbers in \[0, 1\], got \[0.5,1.5\]/);
  assert.throws(() => metrics.TruePositives({ thresholds: -0.1 }), /TruePositives: thresholds must be numbers in \[0, 1\], got -0.1/);
  assert.throws(() => metrics.SensitivityAtSpecificity(1.5), /SensitivityAtSpecificity: specificity must be in \[0, 1\], got 1.5/);
  assert.throws(() => metrics.RecallAtPrecision(0.5, { numThresholds: 0 }), /RecallAtPrecision: numThresholds must be an integer > 0, got 0/);
  assert.throws(() => metrics.Recall({ topK: 0 }), /Recall: topK must be an integer >= 1, got 0/);
  assert.throws(() => metrics.F1Score({ average: "mean" as never }), /F1Score: average must be null, "micro", "macro" or "weighted", got "mean"/);
  assert.throws(() => metrics.F1Score({ threshold: 0 }), /F1Score: threshold must be in \(0, 1\], got 0/);
  assert.throws(() => metrics.MeanIoU(0), /MeanIoU: numClasses must be a positive integer, got 0/);
  assert.throws(() => metrics.TopKCategoricalAccuracy({ k: 0 }), /TopKCategoricalAccuracy: k must be a positive integer, got 0/);
  const f1 = metrics.F1Score();
  assert.throws(() => f1.updateState(tf.zeros([4]), tf.zeros([4])), /F1Score expects 2D inputs/);
});

test("compile rejects unknown metric strings and metrics that do not fit the outputs", () => {
  const model = keras.Sequential([layers.Dense(2, { inputShape: [3] })]);
  assert.throws(() => model.compile({ loss: "mse", metrics: ["accuracy", "f2_score"] }), /compile: unknown metric "f2_score"/);
  assert.throws(() => model.compile({ loss: "mse", metrics: "mae" as never }), /compile: metrics must be a list or a dict, got "mae"/);
});
