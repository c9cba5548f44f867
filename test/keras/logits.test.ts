// A softmax's or sigmoid's output keeps its logits for the cross-entropies, as Keras 3 on TensorFlow
// does (keras/src/backend/tensorflow/nn.py: _keras_logits, _get_logits); the numbers here are Keras'
// (checked with keras 3.15: evaluate of this saturated model gives 80, not -log(1e-7) = 16.12).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { keras, layers, losses, ready, tf } from "../../src/index.ts";

before(async () => {
  await ready();
});

/** Dense(2, softmax) on x = 1 with logits [40, -40]: the probability of class 1 is e^-80, below float32's. */
function saturated(activation: "softmax" | "sigmoid" = "softmax") {
  const units = activation === "softmax" ? 2 : 1;
  const m = keras.Sequential([keras.Input([1]), layers.Dense(units, { activation })]);
  m.setWeights([tf.tensor2d([units === 2 ? [40, -40] : [40]]), tf.zeros([units])]);
  return m;
}

test("the cross-entropies of a saturated softmax or sigmoid are Keras' (from the logits), in evaluate and called on the output", async () => {
  const m = saturated();
  m.compile({ loss: "sparse_categorical_crossentropy", optimizer: "sgd" });
  const x = tf.ones([4, 1]);
  const y = tf.ones([4]);
  const [loss] = (await m.evaluate(x, y, { verbose: 0 })) as number[];
  assert.ok(Math.abs(loss - 80) < 1e-4, `evaluate: ${loss}`);
  const before = tf.memory().numTensors;
  const value = tf.tidy(() => tf.mean(losses.sparseCategoricalCrossentropy(y, m.tf.apply(x) as tf.Tensor)));
  assert.ok(Math.abs((await value.data())[0] - 80) < 1e-4, "called on the layer's output");
  value.dispose();
  assert.equal(tf.memory().numTensors, before, "the held logits went with the output");
  const b = saturated("sigmoid");
  const zeros = tf.zeros([4, 1]);
  const bce = tf.tidy(() => tf.mean(losses.binaryCrossentropy(zeros, b.tf.apply(x) as tf.Tensor)));
  assert.ok(Math.abs((await bce.data())[0] - 40) < 1e-4, `binary, label 0 at logit 40: ${await bce.data()}`);
  tf.dispose([x, y, zeros, bce]);
  m.dispose();
  b.dispose();
});

test("predict's outputs hold no logits (Keras' are arrays): the loss of a prediction is from the clipped probabilities", async () => {
  const m = saturated();
  const x = tf.ones([4, 1]);
  const before = tf.memory().numTensors;
  const p = (await m.predict(x)) as tf.Tensor;
  const q = (await m.predictOnBatch(x)) as tf.Tensor;
  const v = tf.tidy(() => tf.mean(losses.sparseCategoricalCrossentropy(tf.ones([4]), p)));
  assert.ok(Math.abs((await v.data())[0] + Math.log(1e-7)) < 1e-3, `${await v.data()}`);
  tf.dispose([p, q, v]);
  // predict's kept plan (plan_cache.ts) holds a fixed number of tensors; nothing per call.
  const after = tf.memory().numTensors;
  tf.dispose([(await m.predict(x)) as tf.Tensor, (await m.predictOnBatch(x)) as tf.Tensor]);
  assert.equal(tf.memory().numTensors, after, `before the first predict ${before}`);
  x.dispose();
  m.dispose();
});

test("a softmax output given with fromLogits: true: the logits are used, with one warning, as Keras", async () => {
  const m = saturated();
  const x = tf.ones([2, 1]);
  const y = tf.tensor2d([[0, 1], [0, 1]]);
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (s: string) => void warnings.push(s);
  try {
    for (let i = 0; i < 2; i++) {
      const v = tf.tidy(() => tf.mean(losses.categoricalCrossentropy(y, m.tf.apply(x) as tf.Tensor, { fromLogits: true })));
      assert.ok(Math.abs((await v.data())[0] - 80) < 1e-4);
      v.dispose();
    }
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 1, warnings.join("\n"));
  assert.match(warnings[0], /categoricalCrossentropy: fromLogits is true, but yPred is the output of a softmax/);
  tf.dispose([x, y]);
  m.dispose();
});

test("training from a saturated softmax moves the weights (the clipped probabilities would pass no gradient)", async () => {
  const m = saturated();
  m.compile({ loss: "sparse_categorical_crossentropy", optimizer: keras.optimizers.SGD(0.01) });
  const x = tf.ones([4, 1]);
  const y = tf.ones([4]);
  await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
  // dL/dz = softmax(z) - onehot(1) = [1, -1] per sample, mean over 4: W -= 0.01 * [1, -1]
  const w = await (m.getWeights()[0] as tf.Tensor).data();
  assert.ok(Math.abs(w[0] - 39.99) < 1e-4 && Math.abs(w[1] + 39.99) < 1e-4, `${w}`);
  tf.dispose([x, y]);
  m.dispose();
});
