// predict's inference plan for Sequential models (src/keras/models/inference_plan.ts): the same outputs
// as the model's layers one by one (folded BatchNormalization to float rounding, the rest exactly), fewer
// kernels per batch, weights read at each predict, and nothing left behind.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { keras, layers, ready, tf } from "../../../src/index.ts";

before(async () => {
  await ready();
});

/** The model run layer by layer with tfjs-layers' own apply (no plan), at inference. */
function layerByLayer(model: ReturnType<typeof keras.Sequential>, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => model.layers.reduce((h, l) => l.apply(h, { training: false }) as tf.Tensor, x));
}

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  assert.deepEqual(a.shape, b.shape);
  const [x, y] = [await a.data(), await b.data()];
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

/** Gives the BatchNormalization layers moving statistics and gamma/beta away from their initial values. */
function randomizeBatchNorms(model: ReturnType<typeof keras.Sequential>): void {
  for (const l of model.layers) {
    if (l.getClassName() !== "BatchNormalization") continue;
    l.setWeights(l.getWeights().map((w, i) => (i === 3 ? tf.randomUniform(w.shape, 0.5, 2, "float32", 7) : tf.randomNormal(w.shape, 0, 1, "float32", 11 + i))));
  }
}

async function kernelsByName(f: () => Promise<unknown>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const k of (await tf.profile(f as () => Promise<tf.Tensor>)).kernels) counts[k.name] = (counts[k.name] ?? 0) + 1;
  return counts;
}

const CASES: [string, () => ReturnType<typeof keras.Sequential>, number[]][] = [
  ["seed 003: Dense without bias, BatchNormalization, Activation('relu'), softmax", () => {
    const block = (u: number) => [layers.Dense(u, { useBias: false }), layers.BatchNormalization(), layers.Activation("relu")];
    return keras.Sequential([keras.Input([6, 5]), layers.Flatten(), ...block(12), ...block(8), layers.Dense(4, { activation: "softmax" })]);
  }, [9, 6, 5]],
  ["seed 004: Dense, BatchNormalization, ReLU, Dropout, Dense + Activation('softmax')", () =>
    keras.Sequential([keras.Input([7]), layers.Dense(10), layers.BatchNormalization({ epsilon: 0.01 }), layers.ReLU(), layers.Dropout(0.5), layers.Dense(3), layers.Activation("softmax")]), [5, 7]],
  ["BatchNormalization without center and scale; Dense(relu); GaussianNoise", () =>
    keras.Sequential([keras.Input([4]), layers.Dense(6), layers.BatchNormalization({ center: false, scale: false }), layers.GaussianNoise(1), layers.Dense(5, { activation: "relu" }), layers.Dense(2, { activation: "sigmoid" })]), [3, 4]],
  ["not plain relu (ReLU(6), a slope) and Dense(tanh) run as themselves", () =>
    keras.Sequential([keras.Input([4]), layers.Dense(6), layers.ReLU(0.5), layers.Dense(6), layers.ReLU({ negativeSlope: 0.1 }), layers.Dense(3, { activation: "tanh" })]), [3, 4]],
  ["Dense on a 3-D input (no fusion there) and a convolution", () =>
    keras.Sequential([keras.Input([5, 5, 2]), layers.Conv2D(3, 3, { activation: "relu" }), layers.Dense(4), layers.BatchNormalization(), layers.Flatten(), layers.Dense(2)]), [2, 5, 5, 2]],
];

for (const [name, make, shape] of CASES) {
  test(`predict's plan = the layers one by one: ${name}`, async () => {
    keras.backend.clearSession();
    const model = make();
    randomizeBatchNorms(model);
    const x = tf.randomNormal(shape, 0, 1, "float32", 3);
    const expected = layerByLayer(model, x);
    const before = tf.memory().numTensors;
    const got = (await model.predict(x, { batchSize: 2 })) as tf.Tensor;
    assert.equal(tf.memory().numTensors, before + 1, "predict leaves only its result (the plan's folded weights are freed)");
    const diff = await maxAbsDiff(got, expected);
    assert.ok(diff < 1e-5, `max |predict - layers| = ${diff}`);
    tf.dispose([x, expected, got]);
  });
}

test("the plan folds Dense + BatchNormalization + ReLU into one fused product: seed 004's BN model, a batch is 3 products and a softmax", async () => {
  keras.backend.clearSession();
  const model = keras.Sequential([keras.Input([28, 28]), layers.Flatten(), layers.Dense(128), layers.BatchNormalization(), layers.ReLU(), layers.Dense(64), layers.BatchNormalization(), layers.ReLU(), layers.Dense(10, { activation: "softmax" })]);
  const x = tf.randomNormal([32 * 9, 28, 28]);
  const one = x.slice(0, 32);
  // Per batch: predict over 9 batches less predict over 1 (which also folds the weights, once a call).
  const [nine, single] = [await kernelsByName(async () => tf.dispose(await model.predict(x, { batchSize: 32 }))), await kernelsByName(async () => tf.dispose(await model.predict(one, { batchSize: 32 })))];
  const perBatch = Object.fromEntries(Object.keys(nine).map((k) => [k, (nine[k] - (single[k] ?? 0)) / 8]).filter(([, n]) => n !== 0));
  const arithmetic = Object.keys(perBatch).filter((k) => !["Reshape", "Slice", "Concat", "fusedMatMul__op"].includes(k)).sort();
  assert.deepEqual(arithmetic, ["Softmax", "_FusedMatMul"], JSON.stringify(perBatch));
  assert.equal(perBatch._FusedMatMul, 3);
  const byLayer = await kernelsByName(async () => tf.dispose(layerByLayer(model, one)));
  assert.ok(Object.keys(byLayer).length > arithmetic.length + 3, `layer by layer: ${JSON.stringify(byLayer)}`);
  tf.dispose([x, one]);
});

test("each predict sees the weights as they are then (a plan is made per call)", async () => {
  keras.backend.clearSession();
  const model = keras.Sequential([keras.Input([3]), layers.Dense(4), layers.BatchNormalization(), layers.ReLU(), layers.Dense(2)]);
  const x = tf.randomNormal([4, 3]);
  const first = (await model.predict(x)) as tf.Tensor;
  randomizeBatchNorms(model);
  model.layers[0].setWeights([tf.mul(model.layers[0].getWeights()[0], 3), tf.onesLike(model.layers[0].getWeights()[1])]);
  const second = (await model.predict(x)) as tf.Tensor;
  const expected = layerByLayer(model, x);
  assert.ok((await maxAbsDiff(second, expected)) < 1e-5);
  assert.ok((await maxAbsDiff(first, second)) > 1e-3, "the new weights are used");
  tf.dispose([x, first, second, expected]);
});
