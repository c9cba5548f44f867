// Keras 3's losses against Keras itself (generate.py): every class with its options, the three
// reductions, sample weights, and the function forms; Keras' names, errors for bad options.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { losses, ready, tf } from "../../../src/index.ts";
import { camel, closeTo, kerasTraining, tensorOf, type LossCase } from "./fixture.ts";

before(async () => {
  await ready();
});

const TOL = 1e-5;

function functionCall(c: LossCase, yt: tf.Tensor, yp: tf.Tensor): tf.Tensor {
  const f = c.function!;
  const name = f.name.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
  const fn = (losses as unknown as Record<string, (...a: unknown[]) => tf.Tensor>)[name];
  assert.ok(fn, `losses.${name} exists`);
  if (f.name === "huber") return fn(yt, yp, f.kwargs.delta ?? 1);
  if (f.name === "cosine_similarity") return fn(yt, yp, f.kwargs.axis ?? -1);
  return fn(yt, yp, camel(f.kwargs));
}

for (const c of kerasTraining().losses) {
  test(`${c.name}: ${c.class}(${JSON.stringify(camel(c.config))}) equals Keras (reduced, weighted, "none"${c.function ? ", function" : ""})`, async () => {
    const make = (losses as unknown as Record<string, (o: unknown) => losses.Loss>)[c.class];
    assert.ok(make, `losses.${c.class} exists`);
    const yt = tensorOf(c.y_true);
    const yp = tensorOf(c.y_pred);
    const sw = tensorOf(c.sample_weight);
    const before = tf.memory().numTensors;
    const loss = make(camel(c.config));
    assert.equal(loss.name, c.keras_name);
    const value = loss(yt, yp);
    assert.deepEqual(value.shape, c.value.shape, "shape of the reduced value");
    assert.ok(closeTo(await value.data(), c.value.data) < TOL, `value ${await value.data()} vs Keras ${c.value.data}`);
    if (c.weighted) {
      const w = loss(yt, yp, sw);
      assert.ok(closeTo(await w.data(), c.weighted.data) < TOL, `weighted ${await w.data()} vs Keras ${c.weighted.data}`);
      w.dispose();
    }
    const none = make({ ...camel(c.config), reduction: "none" })(yt, yp);
    assert.deepEqual(none.shape, c.none.shape, "shape with reduction none");
    assert.ok(closeTo(await none.data(), c.none.data) < TOL, `none ${await none.data()} vs Keras ${c.none.data}`);
    const perSample = loss.call(yt, yp);
    assert.deepEqual(perSample.shape, c.none.shape, "call() gives the unreduced values");
    if (c.function) {
      const f = functionCall(c, yt, yp);
      assert.ok(closeTo(await f.data(), c.function.value.data) < TOL, `function ${await f.data()} vs Keras ${c.function.value.data}`);
      f.dispose();
    }
    tf.dispose([value, none, perSample]);
    assert.equal(tf.memory().numTensors, before, "no tensors left behind");
    tf.dispose([yt, yp, sw]);
  });
}

test("gradients of the fused cross-entropies equal the composed ones (fromLogits false, rank 2)", async () => {
  const p = tf.softmax(tf.tensor2d([[2, -1, 0.5], [0.1, 0.2, -3], [-1, 4, 1]]));
  const oneHot = tf.oneHot(tf.tensor1d([0, 2, 1], "int32"), 3);
  const composed = (q: tf.Tensor) => tf.neg(tf.sum(tf.mul(oneHot, tf.log(tf.clipByValue(tf.div(q, tf.sum(q, -1, true)), 1e-7, 1 - 1e-7))), -1));
  const [g1, g2] = [tf.grad((q: tf.Tensor) => tf.sum(losses.categoricalCrossentropy(oneHot, q)))(p), tf.grad((q: tf.Tensor) => tf.sum(composed(q)))(p)];
  assert.ok(closeTo(await g1.data(), await g2.data()) < 1e-5);
  const g3 = tf.grad((q: tf.Tensor) => tf.sum(losses.sparseCategoricalCrossentropy(tf.tensor1d([0, 2, 1], "int32"), q)))(p);
  assert.ok(closeTo(await g3.data(), await g2.data()) < 1e-5);
});

test("Loss objects: Keras' default names, the name and reduction options, getConfig, Keras' strings", () => {
  const expected: Record<string, string> = {
    BinaryCrossentropy: "binary_crossentropy", BinaryFocalCrossentropy: "binary_focal_crossentropy", CategoricalCrossentropy: "categorical_crossentropy",
    SparseCategoricalCrossentropy: "sparse_categorical_crossentropy", MeanSquaredError: "mean_squared_error", MeanAbsoluteError: "mean_absolute_error",
    MeanAbsolutePercentageError: "mean_absolute_percentage_error", MeanSquaredLogarithmicError: "mean_squared_logarithmic_error", Huber: "huber_loss",
    LogCosh: "log_cosh", KLDivergence: "kl_divergence", Poisson: "poisson", Hinge: "hinge", SquaredHinge: "squared_hinge", CategoricalHinge: "categorical_hinge",
    CosineSimilarity: "cosine_similarity",
  };
  for (const [cls, name] of Object.entries(expected)) {
    const l = (losses as unknown as Record<string, (o?: unknown) => losses.Loss>)[cls]();
    assert.equal(l.name, name, cls);
    assert.equal(l.className, cls);
    assert.equal(l.reduction, "sum_over_batch_size");
  }
  const l = losses.BinaryFocalCrossentropy({ gamma: 3, name: "focal", reduction: "sum" });
  assert.equal(l.name, "focal");
  assert.deepEqual(l.getConfig(), { name: "focal", reduction: "sum", applyClassBalancing: false, alpha: 0.25, gamma: 3, fromLogits: false, labelSmoothing: 0, axis: -1 });
  assert.equal(losses.getLoss("mse").name, "mse");
  assert.equal(losses.getLoss("Huber").name, "huber_loss");
  assert.equal(losses.getLoss("crossentropy", { yTrue: [null], yPred: [null, 3] }).name, "sparse_categorical_crossentropy");
  assert.equal(losses.getLoss("ce", { yTrue: [null, 1], yPred: [null, 1] }).name, "binary_crossentropy");
  assert.equal(losses.getLoss("crossentropy", { yTrue: [null, 3], yPred: [null, 3] }).name, "categorical_crossentropy");
  const custom = function myLoss(y: tf.Tensor, p: tf.Tensor) {
    return tf.mean(tf.abs(tf.sub(y, p)), -1);
  };
  assert.equal(losses.getLoss(custom).name, "myLoss");
  assert.equal(losses.getLoss(losses.categoricalCrossentropy).name, "categorical_crossentropy");
});

test("bad options name the option and the accepted values", () => {
  assert.throws(() => losses.MeanSquaredError({ reduction: "average" as never }), /MeanSquaredError: reduction must be one of "sum_over_batch_size", "sum", "none", "mean", "mean_with_sample_weight" or null, got "average"/);
  assert.throws(() => losses.CategoricalCrossentropy({ labelSmoothing: 1.5 }), /CategoricalCrossentropy: labelSmoothing must be a number in \[0, 1\], got 1.5/);
  assert.throws(() => losses.BinaryCrossentropy({ fromLogits: "yes" as never }), /BinaryCrossentropy: fromLogits must be true or false, got "yes"/);
  assert.throws(() => losses.Huber({ delta: "1" as never }), /Huber: delta must be a finite number, got "1"/);
  assert.throws(() => losses.SparseCategoricalCrossentropy({ ignoreClass: 0.5 }), /ignoreClass must be an integer, got 0.5/);
  assert.throws(() => losses.getLoss("cross_entropy"), /unknown loss "cross_entropy"; expected one of categorical_crossentropy, sparse_categorical_crossentropy, binary_crossentropy, binary_focal_crossentropy, mean_squared_error/);
  assert.throws(() => losses.getLoss("crossentropy"), /chosen from the shapes/);
  const y = tf.tensor1d([0, 1]);
  assert.throws(() => losses.binaryCrossentropy(y, tf.tensor2d([[0.5], [0.5]])), /binaryCrossentropy: yTrue and yPred must have the same shape, got \[2\] and \[2, 1\]/);
  assert.throws(() => losses.sparseCategoricalCrossentropy(tf.tensor2d([[0, 1], [1, 0]]), tf.tensor2d([[0.5, 0.2, 0.3], [0.1, 0.2, 0.7]])), /labels of shape \[2, 2\] do not fit predictions of shape \[2, 3\]/);
});
