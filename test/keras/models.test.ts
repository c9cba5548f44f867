// Model construction as Keras 3 writes it: keras.Input first in Sequential, keras.Model's keyword
// form, dict inputs in fit/predict, models as layers, getLayer, freezing, getWeights/setWeights, errors.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { keras, layers, ready, tf } from "../../src/index.ts";
import { seedEachTest } from "./seed_each_test.ts";

seedEachTest();

before(async () => {
  await ready();
});

test("keras.io's Simple MNIST convnet, written with keras.Input in Sequential: Keras' names and 34,826 parameters", () => {
  keras.backend.clearSession();
  const model = keras.Sequential([
    keras.Input([28, 28, 1]),
    layers.Conv2D(32, [3, 3], { activation: "relu" }),
    layers.MaxPooling2D([2, 2]),
    layers.Conv2D(64, [3, 3], { activation: "relu" }),
    layers.MaxPooling2D([2, 2]),
    layers.Flatten(),
    layers.Dropout(0.5),
    layers.Dense(10, { activation: "softmax" }),
  ]);
  assert.equal(model.name, "sequential");
  assert.deepEqual(model.layers.map((l) => l.name), ["conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dropout", "dense"]);
  assert.equal(model.countParams(), 34_826);
  assert.deepEqual(model.inputs[0].shape, [null, 28, 28, 1]);
  assert.deepEqual(model.outputs[0].shape, [null, 10]);
});

test("keras.Model({ inputs, outputs, name }) and keras.Model(inputs, outputs, { name }) are the same model", () => {
  keras.backend.clearSession();
  const x = keras.Input([4], { name: "features" });
  const y = layers.Dense(2)(x);
  const a = keras.Model({ inputs: x, outputs: y, name: "kw" });
  const b = keras.Model(x, y);
  assert.equal(a.name, "kw");
  assert.equal(b.name, "functional");
  assert.deepEqual(a.inputNames, ["features"]);
  assert.equal(a.getLayer("dense"), b.getLayer("dense"));
  assert.throws(() => a.getLayer("nope"), /model "kw" has no layer "nope"; its layers are features, dense/);
});

test("dict inputs: fit, evaluate and predict take { name: tensor } in any key order; a wrong key is named", async () => {
  keras.backend.clearSession();
  const title = keras.Input([3], { name: "title" });
  const body = keras.Input([2], { name: "body" });
  const h = layers.Dense(4, { activation: "relu" })(title);
  const g = layers.Dense(4, { activation: "relu" })(body);
  const merged = tf.layers.concatenate().apply([h, g]) as tf.SymbolicTensor;
  const out = layers.Dense(1)(merged);
  const model = keras.Model({ title, body }, out);
  assert.deepEqual(model.inputNames, ["body", "title"], "sorted by key, as Keras 3");
  model.compile({ optimizer: "adam", loss: "mse" });
  const xs = { title: tf.randomNormal([16, 3], 0, 1, "float32", 1), body: tf.randomNormal([16, 2], 0, 1, "float32", 2) };
  const y = tf.randomNormal([16, 1], 0, 1, "float32", 3);
  await model.fit(xs, y, { epochs: 1, verbose: 0 }); // makes Adam's moments
  const before = tf.memory().numTensors;
  const h1 = await model.fit(xs, y, { epochs: 2, verbose: 0 });
  assert.equal(h1.history.loss.length, 2);
  assert.ok(h1.history.loss[1] < h1.history.loss[0], `loss falls: ${h1.history.loss}`);
  const p = await model.predict({ body: xs.body, title: xs.title });
  assert.deepEqual(p.shape, [16, 1]);
  p.dispose();
  await model.evaluate(xs, y, { verbose: 0 });
  assert.equal(tf.memory().numTensors, before, "fit/predict/evaluate on dicts free what they make, and not the user's tensors");
  assert.equal(xs.title.isDisposed, false);
  await assert.rejects(model.predict({ title: xs.title, bdy: xs.body } as never), /the dict's keys must be the model's input names \(body, title\); missing body; unknown bdy/);
  tf.dispose([xs.title, xs.body, y]);
  model.dispose();
});

test("a model with two outputs predicts a list; a Sequential is called on a tensor and inside a functional model", async () => {
  keras.backend.clearSession();
  const x = keras.Input([3]);
  const two = keras.Model(x, [layers.Dense(2)(x), layers.Dense(5)(x)]);
  const ps = await two.predict<tf.Tensor[]>(tf.ones([7, 3]));
  assert.deepEqual(ps.map((t) => t.shape), [[7, 2], [7, 5]]);
  tf.dispose(ps);
  const block = keras.Sequential([keras.Input([3]), layers.Dense(4, { activation: "relu" }), layers.Dense(2)]);
  const eager = block(tf.ones([5, 3])) as tf.Tensor;
  assert.deepEqual(eager.shape, [5, 2]);
  const inner = await block.predict(tf.ones([5, 3]));
  assert.deepEqual(await eager.data(), await inner.data(), "calling the model is predict");
  tf.dispose([eager, inner]);
  const outer = keras.Model(x, layers.Dense(1)(block(x) as tf.SymbolicTensor));
  assert.equal(outer.countParams(), block.countParams() + 3);
  assert.deepEqual(outer.layers.map((l) => l.getClassName()), ["InputLayer", "Sequential", "Dense"]);
});

test("freezing: a frozen layer keeps its weights in fit, the summary counts it as non-trainable, and unfreezing trains it again", async () => {
  keras.backend.clearSession();
  const model = keras.Sequential([keras.Input([4]), layers.Dense(8, { activation: "relu" }), layers.BatchNormalization(), layers.Dense(1)]);
  const first = model.getLayer(0);
  const bn = model.getLayer("batch_normalization");
  first.trainable = false;
  bn.trainable = false;
  const d = model.summaryData();
  assert.deepEqual([d.trainableParams, d.nonTrainableParams], [9, 40 + 32]);
  model.compile({ optimizer: "sgd", loss: "mse" });
  const x = tf.randomNormal([32, 4], 0, 1, "float32", 4);
  const y = tf.randomNormal([32, 1], 0, 1, "float32", 5);
  const frozen = [...first.getWeights(), ...bn.getWeights()].map((w) => w.dataSync().slice());
  const last = model.getLayer("dense_1").getWeights()[0].dataSync().slice();
  await model.fit(x, y, { epochs: 2, verbose: 0 });
  [...first.getWeights(), ...bn.getWeights()].forEach((w, i) => assert.deepEqual(w.dataSync(), frozen[i], `frozen weight ${i} unchanged (BN's moving statistics too: a frozen BN runs in inference mode)`));
  assert.notDeepEqual(model.getLayer("dense_1").getWeights()[0].dataSync(), last, "the trainable layer trained");
  model.trainable = false;
  assert.equal(model.summaryData().trainableParams, 0);
  model.trainable = true;
  assert.equal(model.summaryData().trainableParams, 40 + 16 + 9);
  tf.dispose([x, y]);
});

test("getWeights / setWeights round-trip in Keras' order; setWeights with wrong shapes is an error", () => {
  keras.backend.clearSession();
  const a = keras.Sequential([keras.Input([3]), layers.Dense(2), layers.BatchNormalization()]);
  const b = keras.Sequential([keras.Input([3]), layers.Dense(2), layers.BatchNormalization()]);
  const w = a.getWeights();
  assert.deepEqual(w.map((t) => t.shape), [[3, 2], [2], [2], [2], [2], [2]]);
  b.setWeights(w);
  b.getWeights().forEach((t, i) => assert.deepEqual(t.dataSync(), w[i].dataSync()));
  assert.throws(() => b.setWeights([tf.zeros([2, 2])]));
});

test("Sequential errors: keras.Input only first; a layer's output is not an input; a first layer without a shape is explained", () => {
  const x = keras.Input([3]);
  assert.throws(() => keras.Sequential([keras.Input([3]), x]), /keras.Input\(\.\.\.\) can only come first/);
  assert.throws(() => keras.Sequential([layers.Dense(2)(x)]), /got the output of layer "dense_\d+"; use keras.Model/);
  assert.throws(() => keras.Model(layers.Dense(2)(x), x), /every input must come straight from keras.Input/);
  assert.throws(() => keras.Model({ inputs: x } as never), /outputs is required/);
  const lazy = keras.Sequential([layers.Dense(2)]);
  assert.match(lazy.toString(), /dense_\d+ \(Dense\)\s+│ \?\s+│\s+0 \(unbuilt\) │/, "an unbuilt Sequential's summary, as Keras 3 prints it");
});

test("a Sequential without an input shape is built by its first data, as in Keras (fit, predict, a call, or build())", async () => {
  keras.backend.clearSession();
  const lazy = keras.Sequential([layers.Flatten(), layers.Dense(8, { activation: "relu" }), layers.Dense(3, { activation: "softmax" })]);
  assert.equal(lazy.built, false);
  lazy.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  const x = tf.randomNormal([20, 2, 3], 0, 1, "float32", 7);
  const y = tf.tensor1d([...Array(20).keys()].map((i) => i % 3), "int32");
  const h = await lazy.fit(x, y, { epochs: 2, verbose: 0 });
  assert.equal(h.history.loss.length, 2);
  assert.equal(lazy.built, true);
  assert.equal(lazy.countParams(), 6 * 8 + 8 + 8 * 3 + 3);
  assert.deepEqual(lazy.layers.map((l) => l.name), ["flatten", "dense", "dense_1"]);
  const built = keras.Sequential([layers.Dense(2)]);
  built.build([null, 5]);
  assert.equal(built.countParams(), 12);
  const called = keras.Sequential([layers.Dense(2)]);
  const out = called(tf.ones([1, 4])) as tf.Tensor;
  assert.deepEqual(out.shape, [1, 2]);
  tf.dispose([x, y, out]);
});
