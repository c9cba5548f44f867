// The regularization layers in training, where they are random: statistics over large draws (fraction
// dropped, whole channels dropped, expectation kept, noise spread), seeds, the ActivityRegularization
// penalty in fit and evaluate by formula, errors, saving and training with a flat tensor count.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callbacks, keras, layers, ready, tf } from "../../../src/index.ts";
import { seedEachTest } from "../seed_each_test.ts";

// The statistical checks hold for almost every draw; seeded, for every run (CI once saw SpatialDropout3D
// drop 95 of 300 channels, 2.9 standard deviations from 120).
seedEachTest();

before(async () => {
  await ready();
});

type AnyLayer = ReturnType<typeof layers.Dropout>;

function train(layer: AnyLayer, x: tf.Tensor): Float32Array {
  const y = layer.apply(x, { training: true }) as tf.Tensor;
  const v = y.dataSync() as Float32Array;
  y.dispose();
  return v;
}

function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}

function std(v: ArrayLike<number>): number {
  const m = mean(v);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] - m) ** 2;
  return Math.sqrt(s / v.length);
}

test("Dropout in training: a fraction `rate` zeroed, the rest scaled by 1/(1-rate), the mean kept; inference is the identity", () => {
  const x = tf.ones([200, 100]);
  const v = train(layers.Dropout(0.3), x);
  const zeros = Array.from(v).filter((a) => a === 0).length / v.length;
  assert.ok(Math.abs(zeros - 0.3) < 0.01, `fraction dropped ${zeros}`);
  assert.ok(Array.from(v).every((a) => a === 0 || Math.abs(a - 1 / 0.7) < 1e-6), "kept entries scaled by 1/(1-rate)");
  assert.ok(Math.abs(mean(v) - 1) < 0.02, `mean ${mean(v)}`);
  const inf = layers.Dropout(0.3).apply(x) as tf.Tensor;
  assert.equal(tf.sum(tf.notEqual(inf, x)).dataSync()[0], 0);
  tf.dispose([x, inf]);
});

test("Dropout with noiseShape [null, 1, null]: the same features dropped at every step; seeds give a fixed sequence of masks", () => {
  const x = tf.ones([50, 6, 40]);
  const v = train(layers.Dropout(0.5, { noiseShape: [null, 1, null] }), x);
  for (let b = 0; b < 50; b++) {
    for (let f = 0; f < 40; f++) {
      const first = v[b * 240 + f];
      for (let t = 1; t < 6; t++) assert.equal(v[b * 240 + t * 40 + f], first, `sample ${b}, feature ${f}, step ${t}`);
    }
  }
  const zeros = Array.from(v).filter((a) => a === 0).length / v.length;
  assert.ok(Math.abs(zeros - 0.5) < 0.04, `fraction dropped ${zeros}`);
  // Seeded: two layers with one seed draw the same sequence; each step draws a new mask.
  const a = layers.Dropout(0.5, { seed: 7 });
  const b = layers.Dropout(0.5, { seed: 7 });
  const x2 = tf.ones([4, 50]);
  const a1 = train(a, x2), a2 = train(a, x2), b1 = train(b, x2), b2 = train(b, x2);
  assert.deepEqual(Array.from(a1), Array.from(b1));
  assert.deepEqual(Array.from(a2), Array.from(b2));
  assert.notDeepEqual(Array.from(a1), Array.from(a2));
  tf.dispose([x, x2]);
});

for (const [name, make, shape, channelAxis] of [
  ["SpatialDropout1D", () => layers.SpatialDropout1D(0.4), [40, 7, 30], 2],
  ["SpatialDropout2D", () => layers.SpatialDropout2D(0.4), [20, 4, 5, 30], 3],
  ["SpatialDropout2D channels_first", () => layers.SpatialDropout2D(0.4, { dataFormat: "channels_first" }), [20, 30, 4, 5], 1],
  ["SpatialDropout3D", () => layers.SpatialDropout3D(0.4), [10, 2, 3, 4, 30], 4],
] as [string, () => AnyLayer, number[], number][]) {
  test(`${name} in training drops whole channels (a fraction rate of them), keeps the expectation`, () => {
    const x = tf.ones(shape);
    const v = train(make(), x);
    const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
    const byChannel = new Map<string, number[]>();
    for (let i = 0; i < v.length; i++) {
      const idx = strides.map((s, k) => Math.floor(i / s) % shape[k]);
      const key = `${idx[0]}/${idx[channelAxis]}`;
      if (!byChannel.has(key)) byChannel.set(key, []);
      byChannel.get(key)!.push(v[i]);
    }
    let dropped = 0;
    for (const [key, vals] of byChannel) {
      assert.ok(vals.every((a) => a === vals[0]), `channel ${key}: all entries dropped or all kept`);
      assert.ok(vals[0] === 0 || Math.abs(vals[0] - 1 / 0.6) < 1e-6, `channel ${key}: kept ones scaled by 1/(1-rate)`);
      if (vals[0] === 0) dropped++;
    }
    const fraction = dropped / byChannel.size;
    assert.ok(Math.abs(fraction - 0.4) < 0.08, `fraction of channels dropped ${fraction}`);
    assert.ok(Math.abs(mean(v) - 1) < 0.15, `mean ${mean(v)}`);
    const inf = make().apply(x) as tf.Tensor;
    assert.equal(tf.sum(tf.notEqual(inf, x)).dataSync()[0], 0, "inference: identity");
    tf.dispose([x, inf]);
  });
}

test("GaussianNoise adds N(0, stddev^2); GaussianDropout multiplies by N(1, rate/(1-rate)); both keep the mean", () => {
  const x = tf.fill([200, 100], 2);
  const noisy = train(layers.GaussianNoise(0.3), x);
  const diff = Array.from(noisy).map((a) => a - 2);
  assert.ok(Math.abs(mean(diff)) < 0.01, `noise mean ${mean(diff)}`);
  assert.ok(Math.abs(std(diff) - 0.3) < 0.01, `noise std ${std(diff)}`);
  const dropped = train(layers.GaussianDropout(0.2), x);
  const factor = Array.from(dropped).map((a) => a / 2);
  assert.ok(Math.abs(mean(factor) - 1) < 0.01, `factor mean ${mean(factor)}`);
  assert.ok(Math.abs(std(factor) - Math.sqrt(0.2 / 0.8)) < 0.01, `factor std ${std(factor)} vs ${Math.sqrt(0.25)}`);
  // Seeded noise: two layers with one seed agree, step after step.
  const a = layers.GaussianNoise(0.5, { seed: 3 });
  const b = layers.GaussianNoise(0.5, { seed: 3 });
  const small = tf.zeros([3, 4]);
  assert.deepEqual(Array.from(train(a, small)), Array.from(train(b, small)));
  assert.deepEqual(Array.from(train(a, small)), Array.from(train(b, small)));
  tf.dispose([x, small]);
});

test("AlphaDropout keeps the mean and variance of standard-normal (SELU) activations; dropped entries take one value", () => {
  const x = tf.randomNormal([300, 100], 0, 1, "float32", 17);
  const rate = 0.2;
  const v = train(layers.AlphaDropout(rate), x);
  assert.ok(Math.abs(mean(v)) < 0.02, `mean ${mean(v)}`);
  assert.ok(Math.abs(std(v) - 1) < 0.02, `std ${std(v)}`);
  const alphaP = -1.6732632423543772 * 1.0507009873554805;
  const a = ((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5;
  const droppedValue = a * alphaP - a * alphaP * rate;
  const xs = x.dataSync();
  let dropped = 0;
  for (let i = 0; i < v.length; i++) {
    const kept = Math.abs(v[i] - (a * xs[i] - a * alphaP * rate)) < 1e-4;
    if (!kept) {
      assert.ok(Math.abs(v[i] - droppedValue) < 1e-4, `entry ${i}: ${v[i]} is neither kept nor ${droppedValue}`);
      dropped++;
    }
  }
  assert.ok(Math.abs(dropped / v.length - rate) < 0.01, `fraction dropped ${dropped / v.length}`);
  x.dispose();
});

test("ActivityRegularization adds l1 * sum|x| / batch + l2 * sum x^2 / batch to evaluate's and fit's loss", async () => {
  keras.backend.clearSession();
  const input = layers.Input([3]);
  const dense = layers.Dense(2, { kernelInitializer: "ones", useBias: false, trainable: false });
  const model = keras.Model(input, layers.Dense(1, { kernelInitializer: "ones", useBias: false })(layers.ActivityRegularization({ l1: 0.1, l2: 0.05 })(dense(input))));
  model.compile({ loss: "mse", optimizer: "sgd" });
  const x = tf.tensor2d([[1, 2, 3], [-1, 0, 0.5], [0, 0, 0], [2, -3, 1]]);
  const y = tf.tensor2d([[1], [0], [2], [0]]);
  // Dense(ones) makes each row's sum twice: h = [s, s]; the model outputs 2s.
  const s = [6, -0.5, 0, 0];
  const mse = s.reduce((acc, v, i) => acc + (2 * v - [1, 0, 2, 0][i]) ** 2, 0) / 4;
  const penalty = (0.1 * s.reduce((acc, v) => acc + 2 * Math.abs(v), 0) + 0.05 * s.reduce((acc, v) => acc + 2 * v * v, 0)) / 4;
  const [loss] = await model.evaluate(x, y, { batchSize: 4, verbose: 0 });
  assert.ok(Math.abs(loss - (mse + penalty)) < 1e-4, `evaluate: ${loss} vs mse ${mse} + penalty ${penalty}`);
  const h = await model.fit(x, y, { batchSize: 4, epochs: 1, verbose: 0 });
  assert.ok(Math.abs((h.history.loss as number[])[0] - (mse + penalty)) < 1e-4, `fit's first loss ${h.history.loss}`);
  // Loaded from a file, the layer keeps its penalty.
  const dir = mkdtempSync(join(tmpdir(), "tsdl-activity-"));
  const fresh = keras.Model(input, layers.ActivityRegularization({ l2: 1 })(input));
  await fresh.save(join(dir, "m"));
  const loaded = await keras.models.loadModel(join(dir, "m"));
  loaded.compile({ loss: "mse", optimizer: "sgd" });
  const [l2loss] = await loaded.evaluate(x, tf.zeros([4, 3]), { batchSize: 4, verbose: 0 });
  const sq = x.square().sum().dataSync()[0];
  assert.ok(Math.abs(l2loss - (sq / 12 + sq / 4)) < 1e-4, `loaded: ${l2loss}`);
  tf.dispose([x, y]);
});

test("errors name the layer and argument and echo the value", () => {
  assert.throws(() => layers.Dropout(1), /Dropout: rate must be a number in \[0, 1\), got 1/);
  assert.throws(() => layers.Dropout(0.5, { noiseShape: [null, 0] }), /Dropout: noiseShape must be a list of positive integers or null, got \[null,0\]/);
  assert.throws(() => layers.SpatialDropout1D(-0.1), /SpatialDropout1D: rate must be a number in \[0, 1\), got -0.1/);
  assert.throws(() => layers.SpatialDropout2D(0.5, { dataFormat: "nhwc" as never }), /SpatialDropout2D: dataFormat must be "channels_last" or "channels_first", got "nhwc"/);
  assert.throws(() => layers.GaussianNoise(2), /GaussianNoise: stddev must be a number in \[0, 1\], got 2/);
  assert.throws(() => layers.GaussianDropout(1.5), /GaussianDropout: rate must be a number in \[0, 1\), got 1.5/);
  assert.throws(() => layers.AlphaDropout("0.1" as never), /AlphaDropout: rate must be a number in \[0, 1\), got "0.1"/);
  assert.throws(() => layers.ActivityRegularization({ l1: -1 }), /ActivityRegularization: l1 must be a non-negative number, got -1/);
  keras.backend.clearSession();
  assert.throws(() => layers.SpatialDropout2D(0.5)(layers.Input([4, 4])), /Input 0 of layer "spatial_dropout2d" is incompatible: expected shape \[null, null, null, null\], got \[null, 4, 4\]/);
  assert.throws(() => layers.SpatialDropout1D(0.5)(layers.Input([4])), /Input 0 of layer "spatial_dropout1d" is incompatible: expected shape \[null, null, null\], got \[null, 4\]/);
});

test("automatic names and classes are Keras 3's; regularization layers save and load", async () => {
  keras.backend.clearSession();
  const made = [layers.Dropout(0.1), layers.SpatialDropout1D(0.1), layers.SpatialDropout2D(0.1), layers.SpatialDropout3D(0.1), layers.GaussianNoise(0.1), layers.GaussianDropout(0.1), layers.AlphaDropout(0.1), layers.ActivityRegularization()];
  assert.deepEqual(made.map((l) => l.name), ["dropout", "spatial_dropout1d", "spatial_dropout2d", "spatial_dropout3d", "gaussian_noise", "gaussian_dropout", "alpha_dropout", "activity_regularization"]);
  assert.deepEqual(made.map((l) => l.getClassName()), ["Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization"]);
  keras.backend.clearSession();
  const input = layers.Input([4, 3]);
  let h = layers.SpatialDropout1D(0.2, { seed: 1 })(input);
  h = layers.GaussianNoise(0.1)(layers.GaussianDropout(0.3)(layers.AlphaDropout(0.1, { noiseShape: [null, 1, 3] })(h)));
  h = layers.ActivityRegularization({ l1: 0.01 })(layers.Dropout(0.2, { noiseShape: [null, 1, null], seed: 2 })(h));
  const model = keras.Model(input, h);
  const dir = mkdtempSync(join(tmpdir(), "tsdl-regularization-"));
  await model.save(join(dir, "m"));
  const loaded = await keras.models.loadModel(join(dir, "m"));
  assert.deepEqual(loaded.tf.layers.map((l) => l.getClassName()), model.tf.layers.map((l) => l.getClassName()));
  assert.deepEqual(loaded.tf.layers.map((l) => l.getConfig()), model.tf.layers.map((l) => l.getConfig()));
});

test("a model with every regularization layer trains on the default backend (loss falls, tensor count flat)", async () => {
  keras.backend.clearSession();
  keras.utils.setRandomSeed(1234); // the noise layers draw from it: the same run every time
  const x = tf.randomNormal([64, 6, 6, 2], 0, 1, "float32", 31);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x.slice([0, 0, 0, 0], [64, 6, 6, 1]), [1, 2, 3]), 0), "int32"));
  const input = layers.Input([6, 6, 2]);
  let h = layers.Conv2D(4, 3, { activation: "relu" })(input);
  h = layers.SpatialDropout2D(0.2)(h);
  h = layers.Reshape([16, 4])(h);
  h = layers.SpatialDropout1D(0.1)(h);
  h = layers.Flatten()(h);
  h = layers.GaussianNoise(0.1)(h);
  h = layers.Dense(8, { activation: "selu" })(h);
  h = layers.AlphaDropout(0.1)(h);
  h = layers.GaussianDropout(0.1)(h);
  h = layers.ActivityRegularization({ l2: 1e-3 })(h);
  h = layers.Dropout(0.2, { noiseShape: [null, 8] })(h);
  const model = keras.Model(input, layers.Dense(2, { activation: "softmax" })(h));
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam" });
  const counts: number[] = [];
  const hist = await model.fit(x, y, { epochs: 6, batchSize: 16, verbose: 0, callbacks: [new callbacks.LambdaCallback({ onEpochEnd: () => void counts.push(tf.memory().numTensors) })] });
  const loss = hist.history.loss as number[];
  assert.ok(loss[4] + loss[5] < loss[0] + loss[1], `loss falls: ${loss}`);
  assert.ok(counts.every((c) => c === counts[0]), `tensors after each epoch: ${counts}`);
  tf.dispose([x, y]);
});
