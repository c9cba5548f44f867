// The cross-entropy loss classes with fromLogits equal the probability losses on softmax/sigmoid of the
// logits (Keras' definition), and carry Keras' name so that "accuracy" resolves as Keras resolves it.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { losses, ready, tf } from "../../src/index.ts";
import { getLoss } from "../../src/keras/losses.ts";
import { maxRelativeError } from "../backend/relative_error.ts";

before(async () => {
  await ready();
});

test("CategoricalCrossentropy / SparseCategoricalCrossentropy / BinaryCrossentropy with fromLogits", async () => {
  const logits = tf.tensor2d([[2, -1, 0.5], [0.1, 0.2, -3], [-1, 4, 1]]);
  const labels = tf.tensor1d([0, 2, 1], "int32");
  const oneHot = tf.oneHot(labels, 3);
  const cases: [string, tf.Tensor, tf.Tensor][] = [
    ["categorical", losses.CategoricalCrossentropy({ fromLogits: true }).call(oneHot, logits), losses.categoricalCrossentropy(oneHot, tf.softmax(logits))],
    ["sparse", losses.SparseCategoricalCrossentropy({ fromLogits: true }).call(labels, logits), losses.sparseCategoricalCrossentropy(labels, tf.softmax(logits))],
    ["binary", losses.BinaryCrossentropy({ fromLogits: true }).call(tf.tensor2d([[1, 0, 1]]), tf.tensor2d([[3, -2, -0.5]])), losses.binaryCrossentropy(tf.tensor2d([[1, 0, 1]]), tf.sigmoid(tf.tensor2d([[3, -2, -0.5]])))],
  ];
  for (const [name, a, b] of cases) assert.ok(maxRelativeError(await a.data(), await b.data()) < 1e-5, name);
  assert.equal(getLoss(losses.SparseCategoricalCrossentropy({ fromLogits: true })).name, "sparse_categorical_crossentropy");
  assert.equal(getLoss(losses.CategoricalCrossentropy()).name, "categorical_crossentropy");
});
