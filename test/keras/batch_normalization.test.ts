// BatchNormalization against a hand computation: batch statistics in training, moving averages with
// Keras' momentum convention, moving statistics in inference; center/scale off still train.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { keras, layers, optimizers, ready, tf } from "../../src/index.ts";
import { seedEachTest } from "./seed_each_test.ts";

seedEachTest();

before(async () => {
  await ready();
});

const X = [
  [1, 2, -1],
  [3, 6, 0],
  [5, 4, 1],
  [7, 0, 4],
];

function column(j: number) {
  return X.map((r) => r[j]);
}
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const variance = (v: number[]) => mean(v.map((x) => (x - mean(v)) ** 2)); // biased, over the batch

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-5, what = "") {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) < tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

test("training forward: (x - batch mean) / sqrt(batch var + eps) * gamma + beta, and the moving-average update", async () => {
  const bn = layers.BatchNormalization({ momentum: 0.9, epsilon: 1e-3, gammaInitializer: "ones", betaInitializer: "zeros" });
  const x = tf.tensor2d(X);
  bn(x); // builds the layer
  const gamma = [2, 0.5, 1];
  const beta = [0.1, -1, 3];
  bn.setWeights([tf.tensor1d(gamma), tf.tensor1d(beta), tf.tensor1d([0, 0, 0]), tf.tensor1d([1, 1, 1])]);
  const y = bn(x, { training: true }) as tf.Tensor;
  const expected: number[] = [];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) {
    const c = column(j);
    expected.push(((X[i][j] - mean(c)) / Math.sqrt(variance(c) + 1e-3)) * gamma[j] + beta[j]);
  }
  close(await y.data(), expected, 1e-4, "y");
  const [, , movingMean, movingVar] = bn.variables;
  const mm = movingMean.read();
  const mv = movingVar.read();
  close(await mm.data(), [0, 1, 2].map((j) => 0 * 0.9 + mean(column(j)) * 0.1), 1e-5, "moving_mean");
  close(await mv.data(), [0, 1, 2].map((j) => 1 * 0.9 + variance(column(j)) * 0.1), 1e-5, "moving_variance");
  tf.dispose([x, y, mm, mv]);
});

test("inference forward uses the moving statistics", async () => {
  const bn = layers.BatchNormalization({ epsilon: 1e-3 });
  const x = tf.tensor2d(X);
  bn(x);
  const movingMean = [1, 2, 3];
  const movingVar = [4, 0.25, 1];
  bn.setWeights([tf.tensor1d([1, 1, 1]), tf.tensor1d([0, 0, 0]), tf.tensor1d(movingMean), tf.tensor1d(movingVar)]);
  const y = bn(x) as tf.Tensor; // training defaults to false
  const expected = X.flatMap((r) => r.map((v, j) => (v - movingMean[j]) / Math.sqrt(movingVar[j] + 1e-3)));
  close(await y.data(), expected, 1e-5, "y");
  tf.dispose([x, y]);
});

test("momentum 0.99 and epsilon 1e-3 are the defaults", () => {
  const bn = layers.BatchNormalization();
  const config = bn.getConfig();
  assert.equal(config.momentum, 0.99);
  assert.equal(config.epsilon, 1e-3);
  assert.equal(config.axis, -1);
});

test("convolutional input: statistics per channel over batch, height and width", async () => {
  const bn = layers.BatchNormalization({ epsilon: 1e-3 });
  const x = tf.randomNormal([3, 4, 5, 2], 2, 3, "float32", 7);
  const y = bn(x, { training: true }) as tf.Tensor;
  const { mean: m, variance: v } = tf.moments(y, [0, 1, 2]);
  close(await m.data(), [0, 0], 1e-4, "normalised mean");
  const vs = await v.data();
  const xv = await tf.moments(x, [0, 1, 2]).variance.data();
  close(vs, [xv[0] / (xv[0] + 1e-3), xv[1] / (xv[1] + 1e-3)], 1e-3, "normalised variance");
});

for (const options of [{ center: false }, { scale: false }, { center: false, scale: false }]) {
  test(`training works with ${JSON.stringify(options)}`, async () => {
    const model = keras.Sequential([layers.Dense(8, { inputShape: [4] }), layers.BatchNormalization(options), layers.Dense(2, { activation: "softmax" })]);
    model.compile({ optimizer: optimizers.SGD({ lr: 0.1 }), loss: "sparse_categorical_crossentropy" });
    const x = tf.randomNormal([64, 4], 0, 1, "float32", 3);
    const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, 1), 0), "int32"));
    const h = await model.fit(x, y, { epochs: 5, batchSize: 16, verbose: 0 });
    assert.ok(h.history.loss[4] < h.history.loss[0], `loss falls: ${h.history.loss}`);
    const names = model.layers[1].variables.map((v) => v.name.split("/")[1]);
    const expected = [...(options.scale === false ? [] : ["gamma:0"]), ...(options.center === false ? [] : ["beta:0"]), "moving_mean:0", "moving_variance:0"];
    assert.deepEqual(names, expected);
    tf.dispose([x, y]);
  });
}
