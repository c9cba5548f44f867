// keras.ops' control flow (src/keras/ops/control_flow.ts) by hand: cond, whileLoop and foriLoop give
// Keras' results, free each iteration's tensors, and let gradients flow.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { keras, ops, ready, tf } from "../../../src/index.ts";

before(async () => {
  await ready();
});

test("cond picks a branch by a tensor, a boolean or a number", async () => {
  const x = tf.tensor([1, 2]);
  const y = ops.cond(ops.greater(ops.sum(x), 2), () => ops.multiply(x, 10), () => ops.negative(x));
  assert.deepEqual(await y.array(), [10, 20]);
  assert.equal(ops.cond(false, () => "a", () => "b"), "b");
  assert.equal(ops.cond(0, () => 1, () => 2), 2);
  assert.throws(() => ops.cond(tf.ones([2]), () => 1, () => 2), /^ValueError: ops\.cond: the condition must have one element, got shape \[2\]/);
  assert.throws(() => ops.cond(keras.Input([1]), () => 1, () => 2), /ops\.cond: the condition is a symbolic tensor/);
  tf.dispose([x, y]);
});

test("whileLoop runs body while cond holds, with a list of loop variables or one", async () => {
  const before = tf.memory().numTensors;
  const i0 = tf.scalar(0, "int32");
  const x0 = tf.tensor([1, 1]);
  const [i, x] = ops.whileLoop((i: tf.Tensor) => ops.less(i, 5), (i: tf.Tensor, x: tf.Tensor) => [ops.add(i, 1), ops.multiply(x, 2)], [i0, x0]);
  assert.deepEqual([await i.array(), await x.array()], [5, [32, 32]]);
  assert.equal(tf.memory().numTensors, before + 4, "only the initial and final values remain");
  const y = ops.whileLoop((v: tf.Tensor) => ops.less(ops.sum(v), 100), (v: tf.Tensor) => ops.multiply(v, 3), tf.tensor([1, 2]), { maximumIterations: 2 });
  assert.deepEqual(await y.array(), [9, 18]);
  tf.dispose([i0, x0, i, x, y]);
  assert.ok(tf.memory().numTensors <= before + 1); // the tensor([1, 2]) given inline is the caller's
});

test("foriLoop accumulates, frees the intermediate values, and passes gradients", async () => {
  const before = tf.memory().numTensors;
  const init = tf.zeros([2]);
  const out = ops.foriLoop(0, 4, (i, acc: tf.Tensor) => ops.add(acc, i), init);
  assert.deepEqual(await out.array(), [6, 6]);
  tf.dispose([init, out]);
  assert.equal(tf.memory().numTensors, before);
  const g = tf.grad((x: tf.Tensor) => tf.sum(ops.foriLoop(0, 3, (_i, v: tf.Tensor) => ops.multiply(v, x), tf.onesLike(x))))(tf.tensor([2, 3]));
  assert.deepEqual(await g.array(), [12, 27]); // d/dx x^3 = 3x^2
  g.dispose();
});
