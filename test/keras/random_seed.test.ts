// keras.utils.setRandomSeed: the same seed gives the same initial weights, batch order (fit's
// shuffle), dropout masks and augmentations, so two seeded runs give identical History; another seed
// gives other numbers. On the default backend (WebAssembly) and tfjs' CPU backend.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { keras, layers, optimizers, preprocessing, ready, tf } from "../../src/index.ts";
import { setRandomSeed } from "../../src/keras/utils.ts";

before(async () => {
  await ready();
});

/** An MLP with Dropout and BatchNormalization, trained 3 epochs with shuffling and a validation split. */
async function mlpRun(seed: number): Promise<{ initial: number[][]; history: Record<string, number[]>; final: number[][] }> {
  keras.utils.setRandomSeed(seed);
  const x = tf.randomNormal([64, 6]);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, 1), 0), "float32"));
  const m = keras.Sequential([keras.Input([6]), layers.Dense(16, { activation: "relu" }), layers.Dropout(0.3), layers.BatchNormalization(), layers.Dense(8, { activation: "relu" }), layers.Dropout(0.2), layers.Dense(1, { activation: "sigmoid" })]);
  const initial = await Promise.all(m.tf.weights.map(async (w) => Array.from(await w.read().data())));
  m.compile({ optimizer: optimizers.Adam(0.01), loss: "binary_crossentropy", metrics: ["accuracy"] });
  const h = await m.fit(x, y, { epochs: 3, batchSize: 8, validationSplit: 0.25, verbose: 0 });
  const final = await Promise.all(m.tf.weights.map(async (w) => Array.from(await w.read().data())));
  m.dispose();
  tf.dispose([x, y]);
  return { initial, history: h.history as Record<string, number[]>, final };
}

/** A small convnet behind random flips and translations, fed by an augmenting ImageDataGenerator. */
async function imageRun(seed: number): Promise<Record<string, number[]>> {
  keras.utils.setRandomSeed(seed);
  const x = tf.randomUniform([24, 8, 8, 1]);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.mean(x, [1, 2, 3]), 0.5), "float32"));
  const m = keras.Sequential([
    keras.Input([8, 8, 1]),
    layers.RandomFlip("horizontal"),
    layers.RandomTranslation(0.2, 0.2),
    layers.Conv2D(4, 3, { activation: "relu" }),
    layers.Flatten(),
    layers.Dropout(0.25),
    layers.Dense(1, { activation: "sigmoid" }),
  ]);
  m.compile({ optimizer: "sgd", loss: "binary_crossentropy" });
  const gen = new preprocessing.image.ImageDataGenerator({ horizontalFlip: true, widthShiftRange: 0.1 });
  const h = await m.fit(gen.flow(x, y, { batchSize: 8 }), { epochs: 2, stepsPerEpoch: 3, verbose: 0 });
  m.dispose();
  tf.dispose([x, y]);
  return h.history as Record<string, number[]>;
}

test("the same seed gives the same initial weights, History and final weights; another seed other ones", async () => {
  const a = await mlpRun(42);
  const b = await mlpRun(42);
  const c = await mlpRun(7);
  assert.deepEqual(b.initial, a.initial, "initial weights");
  assert.deepEqual(b.history, a.history, "History");
  assert.deepEqual(b.final, a.final, "final weights");
  assert.notDeepEqual(c.initial[0], a.initial[0], "another seed: other initial weights");
  assert.notDeepEqual(c.history.loss, a.history.loss, "another seed: another History");
});

test("augmentation layers, ImageDataGenerator, Conv2D and Dropout are seeded too", async () => {
  const a = await imageRun(3);
  const b = await imageRun(3);
  const c = await imageRun(4);
  assert.deepEqual(b, a);
  assert.notDeepEqual(c.loss, a.loss);
});

test("on tfjs' CPU backend too", async () => {
  await tf.setBackend("cpu");
  try {
    const a = await mlpRun(11);
    const b = await mlpRun(11);
    assert.deepEqual(b.history, a.history);
    assert.deepEqual(b.final, a.final);
  } finally {
    await tf.setBackend("wasm");
  }
});

test("each random source repeats: tfjs' unseeded ops, tf.util.shuffle, initializers, Dropout in training", async () => {
  const draw = async () => {
    const order = Int32Array.from({ length: 20 }, (_, i) => i);
    tf.util.shuffle(order);
    const drop = layers.Dropout(0.5);
    const t = tf.tidy(() => [tf.randomNormal([5]), tf.randomUniform([5]), tf.truncatedNormal([5]), keras.initializers.GlorotUniform().apply([3, 3]), drop.apply(tf.ones([10]), { training: true }) as tf.Tensor]);
    const values = await Promise.all(t.map(async (v) => Array.from(await v.data())));
    tf.dispose(t);
    return { order: Array.from(order), values, math: [Math.random(), Math.random()] };
  };
  setRandomSeed(123);
  const a = await draw();
  setRandomSeed(123);
  const b = await draw();
  setRandomSeed(124);
  const c = await draw();
  assert.deepEqual(b, a);
  assert.notDeepEqual(c.order, a.order);
  c.values.forEach((v, i) => assert.notDeepEqual(v, a.values[i], `source ${i} changes with the seed`));
});

test("Math.random stays uniform in [0, 1) once seeded", () => {
  setRandomSeed(2024);
  const n = 20000;
  let sum = 0;
  const bins = new Array(10).fill(0);
  for (let i = 0; i < n; i++) {
    const r = Math.random();
    assert.ok(r >= 0 && r < 1);
    sum += r;
    bins[Math.floor(r * 10)]++;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.01, `mean ${sum / n}`);
  for (const b of bins) assert.ok(Math.abs(b - n / 10) < 0.06 * (n / 10), `bins ${bins}`);
});

test("a seed must be an integer in [0, 2^32)", () => {
  for (const bad of [-1, 1.5, 2 ** 32, NaN, "42", null]) {
    assert.throws(() => keras.utils.setRandomSeed(bad as never), /setRandomSeed: seed must be an integer in \[0, 2\^32\), got /);
  }
});
