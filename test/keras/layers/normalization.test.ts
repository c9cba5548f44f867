// The normalization layers by Keras' formulas: parameter counts and shapes, statistics of the outputs,
// regularizers and constraints of gamma and beta, errors, saving and training.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callbacks, keras, layers, ready, tf } from "../../../src/index.ts";
import { seedEachTest } from "../seed_each_test.ts";

seedEachTest();

before(async () => {
  await ready();
});

type AnyLayer = ReturnType<typeof layers.LayerNormalization>;

const COUNTS: { name: string; make: () => AnyLayer; input: number[]; params: number; weights: number[][] }[] = [
  { name: "LayerNormalization on [6]", make: () => layers.LayerNormalization(), input: [6], params: 2 * 6, weights: [[6], [6]] },
  { name: "LayerNormalization on [4, 5]", make: () => layers.LayerNormalization(), input: [4, 5], params: 2 * 5, weights: [[5], [5]] },
  { name: "LayerNormalization axis 1 on [4, 5]", make: () => layers.LayerNormalization({ axis: 1 }), input: [4, 5], params: 2 * 4, weights: [[4], [4]] },
  { name: "LayerNormalization axes [1, 2]", make: () => layers.LayerNormalization({ axis: [2, 1] }), input: [4, 5], params: 2 * 20, weights: [[4, 5], [4, 5]] },
  { name: "LayerNormalization without center", make: () => layers.LayerNormalization({ center: false }), input: [7], params: 7, weights: [[7]] },
  { name: "LayerNormalization without either", make: () => layers.LayerNormalization({ center: false, scale: false }), input: [7], params: 0, weights: [] },
  { name: "GroupNormalization(2) on [3, 3, 4]", make: () => layers.GroupNormalization(2), input: [3, 3, 4], params: 2 * 4, weights: [[4], [4]] },
  { name: "GroupNormalization(-1) axis 1 on [6, 5]", make: () => layers.GroupNormalization(-1, { axis: 1 }), input: [6, 5], params: 2 * 6, weights: [[6], [6]] },
  { name: "GroupNormalization without scale", make: () => layers.GroupNormalization(4, { scale: false }), input: [8], params: 8, weights: [[8]] },
  { name: "UnitNormalization", make: () => layers.UnitNormalization({ axis: [1, 2] }), input: [3, 4], params: 0, weights: [] },
  { name: "RMSNormalization on [3, 5]", make: () => layers.RMSNormalization(), input: [3, 5], params: 5, weights: [[5]] },
];

for (const c of COUNTS) {
  test(`${c.name}: ${c.params} parameters (Keras' weight shapes), same output shape`, () => {
    keras.backend.clearSession();
    const layer = c.make();
    const y = layer(layers.Input(c.input));
    assert.deepEqual(y.shape, [null, ...c.input]);
    assert.equal(layer.countParams(), c.params);
    assert.deepEqual(layer.weights.map((w) => w.shape), c.weights, "gamma then beta, as Keras");
  });
}

/** Mean and (biased) variance of each slice `index(...)` selects. */
function stats(values: number[]): [number, number] {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return [m, values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length];
}

test("LayerNormalization: each sample's normalised axes get mean 0 and variance var/(var+eps); gamma and beta scale and shift", () => {
  const x = tf.randomNormal([3, 4, 5], 2, 3, "float32", 4);
  const y = layers.LayerNormalization({ axis: [1, 2] })(x);
  const rows = y.arraySync() as number[][][];
  const xr = x.arraySync() as number[][][];
  for (let b = 0; b < 3; b++) {
    const [m, v] = stats(rows[b].flat());
    const [, vx] = stats(xr[b].flat());
    assert.ok(Math.abs(m) < 1e-5, `mean ${m}`);
    assert.ok(Math.abs(v - vx / (vx + 1e-3)) < 1e-4, `variance ${v}`);
  }
  const ln = layers.LayerNormalization({ gammaInitializer: "ones", betaInitializer: "zeros", epsilon: 0.5 });
  const x2 = tf.tensor2d([[1, 2, 3, 6]]);
  ln(x2).dispose();
  ln.setWeights([tf.tensor1d([1, 2, 3, 4]), tf.tensor1d([0, 1, 0, -1])]);
  const y2 = ln(x2);
  // mean 3, variance (4 + 1 + 0 + 9) / 4 = 3.5: (x - 3) / sqrt(3.5 + 0.5) = [-1, -0.5, 0, 1.5], * gamma + beta
  assert.deepEqual(Array.from(y2.dataSync()).map((v) => Math.round(v * 1e5) / 1e5), [-1, 0, 0, 5]);
  tf.dispose([x, y, x2, y2]);
});

test("GroupNormalization: statistics per sample and group of channels (over every other axis)", () => {
  const x = tf.randomNormal([2, 3, 3, 6], 1, 2, "float32", 5);
  const y = layers.GroupNormalization(3)(x);
  const v = y.arraySync() as number[][][][];
  for (let b = 0; b < 2; b++) {
    for (let g = 0; g < 3; g++) {
      const group: number[] = [];
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let c = 2 * g; c < 2 * g + 2; c++) group.push(v[b][i][j][c]);
      const [m, s] = stats(group);
      assert.ok(Math.abs(m) < 1e-5 && Math.abs(s - 1) < 1e-2, `sample ${b} group ${g}: mean ${m}, variance ${s}`);
    }
  }
  // groups = 1 is layer normalization over all axes; groups = -1 normalises each channel apart.
  const one = layers.GroupNormalization(1)(x);
  const ln = layers.LayerNormalization({ axis: [1, 2, 3] })(x);
  assert.ok(tf.max(tf.abs(tf.sub(one, ln))).dataSync()[0] < 1e-5);
  tf.dispose([x, y, one, ln]);
});

test("UnitNormalization and RMSNormalization by formula", () => {
  const x = tf.tensor2d([[3, 4], [0, 0], [1, -1]]);
  assert.deepEqual(Array.from(layers.UnitNormalization()(x).dataSync()).map((v) => Math.round(v * 1e6) / 1e6), [0.6, 0.8, 0, 0, 0.707107, -0.707107]);
  const r = layers.RMSNormalization({ epsilon: 1e-6 })(x);
  // rms of [3, 4] = sqrt(12.5)
  const s = Math.sqrt(12.5 + 1e-6);
  assert.deepEqual(Array.from(r.dataSync()).map((v) => Math.round(v * 1e5) / 1e5), [3 / s, 4 / s, 0, 0, 1, -1].map((v) => Math.round(v * 1e5) / 1e5));
  tf.dispose([x, r]);
});

test("gamma and beta take Keras' regularizers and constraints", async () => {
  keras.backend.clearSession();
  const ln = layers.LayerNormalization({ gammaRegularizer: "l2", betaConstraint: "non_neg", betaInitializer: "ones" });
  const y = ln(layers.Input([4]));
  assert.deepEqual(y.shape, [null, 4]);
  const losses = ln.losses as unknown as (() => tf.Scalar)[];
  assert.equal(losses.length, 1, "one penalty: gamma's");
  const p = losses[0]();
  assert.ok(Math.abs(p.dataSync()[0] - 0.01 * 4) < 1e-6, "0.01 * sum(gamma^2), gamma = ones");
  p.dispose();
  const gn = layers.GroupNormalization(2, { gammaConstraint: "unit_norm", betaRegularizer: "l1" });
  gn(layers.Input([4]));
  assert.equal((gn.losses as unknown[]).length, 1);
  assert.ok((gn.weights[0] as unknown as { constraint: unknown }).constraint, "gamma has its constraint");
});

test("errors name the layer, the argument and the input's shape", () => {
  keras.backend.clearSession();
  assert.throws(() => layers.GroupNormalization(0), /GroupNormalization: groups must be a positive integer \(or -1 for instance normalization\), got 0/);
  assert.throws(() => layers.GroupNormalization(2.5), /groups must be a positive integer/);
  assert.throws(() => layers.GroupNormalization(3)(layers.Input([4])), /GroupNormalization "group_normalization(_\d+)?": the number of channels \(4\) of the input \[null, 4\] must be a multiple of groups \(3\)/);
  assert.throws(() => layers.GroupNormalization()(layers.Input([4])), /GroupNormalization "group_normalization(_\d+)?": groups \(32\) cannot be more than the number of channels \(4\)/);
  assert.throws(() => layers.GroupNormalization(2)(layers.Input([null])), /axis -1 of the input \[null, null\] must have a known size/);
  assert.throws(() => layers.GroupNormalization(2, { axis: 3 })(layers.Input([4])), /axis 3 is out of range for input shape \[null, 4\]/);
  assert.throws(() => layers.LayerNormalization({ axis: 2 })(layers.Input([4])), /LayerNormalization "layer_normalization(_\d+)?": axis 2 is out of range for input shape \[null, 4\]/);
  assert.throws(() => layers.LayerNormalization({ axis: [1, -1] })(layers.Input([4])), /names an axis twice/);
  assert.throws(() => layers.LayerNormalization({ axis: 0 })(layers.Input([4])), /includes the batch axis 0/);
  assert.throws(() => layers.LayerNormalization({ axis: "x" as never }), /LayerNormalization: axis must be an integer or a list of integers, got "x"/);
  assert.throws(() => layers.LayerNormalization({ epsilon: -1 }), /LayerNormalization: epsilon must be a positive number, got -1/);
  assert.throws(() => layers.LayerNormalization({ gammaInitializer: "onez" }), /LayerNormalization: unknown gammaInitializer "onez"/);
  assert.throws(() => layers.UnitNormalization({ axis: 5 })(layers.Input([4])), /UnitNormalization "unit_normalization(_\d+)?": axis 5 is out of range/);
  // A built GroupNormalization refuses another number of channels, naming both shapes.
  keras.backend.clearSession();
  const g = layers.GroupNormalization(2);
  g(layers.Input([4]));
  assert.throws(() => g(layers.Input([6])), /Input 0 of layer "group_normalization" is incompatible: expected shape \[null, 4\], got \[null, 6\]/);
});

test("automatic names and classes are Keras 3's", () => {
  keras.backend.clearSession();
  const made = [layers.LayerNormalization(), layers.LayerNormalization(), layers.GroupNormalization(), layers.UnitNormalization(), layers.RMSNormalization()];
  assert.deepEqual(made.map((l) => l.name), ["layer_normalization", "layer_normalization_1", "group_normalization", "unit_normalization", "rms_normalization"]);
  assert.deepEqual(made.map((l) => l.getClassName()), ["LayerNormalization", "LayerNormalization", "GroupNormalization", "UnitNormalization", "RMSNormalization"]);
});

test("normalization layers save and load (configs with regularizers and constraints, outputs)", async () => {
  keras.backend.clearSession();
  const input = layers.Input([4, 6]);
  let h = layers.LayerNormalization({ axis: [1, 2], gammaRegularizer: "l2", betaConstraint: "non_neg" })(input);
  h = layers.GroupNormalization(3, { epsilon: 0.01, gammaInitializer: "random_normal" })(h);
  h = layers.RMSNormalization()(layers.UnitNormalization({ axis: 1 })(h));
  const model = keras.Model(input, h);
  const dir = mkdtempSync(join(tmpdir(), "tsdl-normalization-"));
  await model.save(join(dir, "m"));
  const loaded = await keras.models.loadModel(join(dir, "m"));
  assert.deepEqual(loaded.tf.layers.map((l) => l.getClassName()), model.tf.layers.map((l) => l.getClassName()));
  assert.deepEqual(loaded.tf.layers.map((l) => l.getConfig()), model.tf.layers.map((l) => l.getConfig()));
  const x = tf.randomNormal([2, 4, 6], 0, 1, "float32", 9);
  const p = (await model.predict(x)) as tf.Tensor;
  const q = (await loaded.predict(x)) as tf.Tensor;
  assert.deepEqual(Array.from(await q.data()), Array.from(await p.data()));
  tf.dispose([x, p, q]);
});

test("every normalization layer trains in a model on the default backend (loss falls, tensor count flat)", async () => {
  keras.backend.clearSession();
  const x = tf.randomNormal([64, 4, 6], 0, 1, "float32", 12);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x.slice([0, 0, 0], [64, 4, 2]), [1, 2]), 0), "int32"));
  const input = layers.Input([4, 6]);
  let h = layers.Dense(8)(input);
  h = layers.LayerNormalization()(h);
  h = layers.GroupNormalization(4)(layers.Dense(8, { activation: "relu" })(h));
  h = layers.LayerNormalization({ axis: [1, 2], center: false })(h);
  h = layers.RMSNormalization()(layers.UnitNormalization()(h));
  const model = keras.Model(input, layers.Dense(2, { activation: "softmax" })(layers.Flatten()(h)));
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam" });
  const counts: number[] = [];
  const hist = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [new callbacks.LambdaCallback({ onEpochEnd: () => void counts.push(tf.memory().numTensors) })] });
  const loss = hist.history.loss as number[];
  assert.ok(loss[2] < loss[0], `loss falls: ${loss}`);
  assert.ok(counts.every((c) => c === counts[0]), `tensors after each epoch: ${counts}`);
  tf.dispose([x, y]);
});
