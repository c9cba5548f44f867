// keras.ops by hand: error messages that name the op and the argument and echo the value, no tensors
// left behind (also when an op throws), gradients through ops built from comparisons, and the dtypes
// of plain numbers.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { ops, ready, tf } from "../../../src/index.ts";

before(async () => {
  await ready();
});

const X = () => tf.zeros([3, 4]);
/** Nested zeros (not a tensor, so that a failing op has nothing of the test's to leave behind). */
const z = (shape: number[]): number[] => (shape.length ? Array.from({ length: shape[0] }, () => (shape.length > 1 ? z(shape.slice(1)) : 0)) : []) as number[];

test("bad arguments are ValueErrors naming the op, the argument and the value", () => {
  const x = X();
  const cases: [() => unknown, RegExp][] = [
    [() => ops.reshape(x, [3, 5]), /^ValueError: ops\.reshape: newshape \[3, 5\] does not fit 12 values of shape \[3,4\]$/],
    [() => ops.reshape(x, [-1, -1]), /ops\.reshape: newshape \[-1, -1\] does not fit 12 values/],
    [() => ops.sum(x, 2), /^ValueError: ops\.sum: axis 2 is out of range for a tensor of rank 2$/],
    [() => ops.mean(x, { axis: [0, 0] }), /ops\.mean: axis \[0, 0\] repeats an axis/],
    [() => ops.sum(x, { axis: "1" as never }), /ops\.sum: axis must be an integer, a list of integers or null, got "1"/],
    [() => ops.concatenate([x, z([2, 3])], 0), /ops\.concatenate: xs\[1\] has shape \[2,3\], which does not match xs\[0\]'s \[3,4\] except along axis 0/],
    [() => ops.concatenate([], 0), /ops\.concatenate: xs must be a non-empty list of tensors, got \[\]/],
    [() => ops.stack([x, z([4, 3])]), /ops\.stack: xs\[1\] has shape \[4,3\], not xs\[0\]'s \[3,4\]/],
    [() => ops.split(x, 3, 1), /ops\.split: axis 1 of shape \[3,4\] \(size 4\) does not split into 3 equal sections/],
    [() => ops.transpose(x, [0, 0]), /ops\.transpose: axes \[0, 0\] is not a permutation of the 2 axes of shape \[3,4\]/],
    [() => ops.squeeze(x, 0), /ops\.squeeze: axis 0 of shape \[3,4\] has size 3, not 1/],
    [() => ops.broadcastTo(x, [2, 4]), /ops\.broadcastTo: x of shape \[3,4\] does not broadcast to shape \[2, 4\]/],
    [() => ops.add(x, z([2])), /ops\.add: x1 \(shape \[3,4\]\) and x2 \(shape \[2\]\) do not broadcast/],
    [() => ops.matmul(x, z([3, 2])), /ops\.matmul: the last axis of x1 \(shape \[3,4\]\) must match the second-to-last axis of x2 \(shape \[3,2\]\)/],
    [() => ops.tensordot(x, x, [[1], [0]]), /ops\.tensordot: axes \[\[1\], \[0\]\] do not pair axes of equal size/],
    [() => ops.einsum("ij,jk->ik", x), /ops\.einsum: subscripts "ij,jk->ik" name 2 operands, but 1 were given/],
    [() => ops.einsum("ijk->i", x), /ops\.einsum: subscripts "ijk->i": operand 0 has rank 2, but "ijk" names 3 axes/],
    [() => ops.einsum("ii->i", z([3, 3])), /repeats a label \(diagonals are not supported\)/],
    [() => ops.add("abc" as never, 1), /ops\.add: x1 must be a tensor, a number or nested arrays of numbers, got "abc"/],
    [() => ops.exp({ a: 1 } as never), /ops\.exp: x must be a tensor, a number or nested arrays of numbers, got \{"a":1\}/],
    [() => ops.zeros([2, -1]), /ops\.zeros: shape must be a list of non-negative integers, got \[2, -1\]/],
    [() => ops.ones([2], "float128" as never), /ops\.ones: dtype must be one of .* got "float128"/],
    [() => ops.arange(0, 5, 0), /ops\.arange: step must not be 0/],
    [() => ops.oneHot([0, 1], 0), /ops\.oneHot: numClasses must be an integer >= 1, got 0/],
    [() => ops.topK([1, 2], 3), /ops\.topK: k 3 is larger than the last axis of shape \[2\]/],
    [() => ops.where([true, false], [1, 2]), /ops\.where: needs x1 and x2/],
    [() => ops.takeAlongAxis(x, z([3]), 1), /ops\.takeAlongAxis: indices \(shape \[3\]\) must have the rank of x \(shape \[3,4\]\)/],
    [() => ops.slice(x, [0, 2], [3, 3]), /ops\.slice: startIndices \[0, 2\] and shape \[3, 3\] do not fit in x of shape \[3,4\]/],
    [() => ops.pad(x, [[1, 1]], "wrap" as never), /ops\.pad: mode must be "constant", "reflect" or "symmetric", got "wrap"/],
    [() => ops.pad(x, [[4, 0], [0, 0]], "reflect"), /ops\.pad: reflect padding of 4 along axis 0 needs a size of at least 5/],
    [() => ops.clip(z([2]), 0.5, 2), /ops\.clip: an int32 x needs integer bounds, got xMin 0\.5 and xMax 2/],
    [() => ops.categoricalCrossentropy(z([2, 3]), z([2, 4])), /ops\.categoricalCrossentropy: target \(shape \[2,3\]\) and output \(shape \[2,4\]\) must have the same shape/],
    [() => ops.sparseCategoricalCrossentropy(z([3]), z([2, 4])), /ops\.sparseCategoricalCrossentropy: target \(shape \[3\]\) must have output's shape \(\[2,4\]\) without its last axis/],
    [() => ops.normalize(x, { order: 0 }), /ops\.normalize: order must be an integer >= 1, got 0/],
  ];
  for (const [f, re] of cases) {
    const before = tf.memory().numTensors;
    assert.throws(f, (e: Error) => {
      assert.match(`${e.name}: ${e.message}`, re);
      assert.equal(e.name, "ValueError");
      return true;
    });
    assert.equal(tf.memory().numTensors, before, `tensors left when ${re} was thrown`);
  }
  x.dispose();
});

test("plain numbers convert as Keras converts Python values: integers int32, fractions float32, booleans bool", () => {
  const t = [ops.add([1, 2], 1), ops.add([1.5, 2], 1), ops.logicalNot([true]), ops.add(tf.tensor([1, 2]), 1), ops.add(tf.tensor([1, 2], undefined, "int32"), 0.5), ops.divide([1, 2], 2)];
  assert.deepEqual(t.map((x) => x.dtype), ["int32", "float32", "bool", "float32", "float32", "float32"]);
  tf.dispose(t);
});

test("gradients flow through ops built from comparisons (where, relu-like masks), topK and sliceUpdate", async () => {
  const x = tf.tensor([-2, -0.5, 0.5, 3]);
  const g = tf.grad((v: tf.Tensor) => ops.sum(ops.where(ops.greater(v, 0), ops.square(v), ops.multiply(v, 0.1))) as tf.Tensor)(x);
  assert.deepEqual(Array.from(await g.data()).map((v) => Math.round(v * 1e6) / 1e6), [0.1, 0.1, 1, 6]);
  const gt = tf.grad((v: tf.Tensor) => ops.sum(ops.topK(v, 2)[0]) as tf.Tensor)(x);
  assert.deepEqual(Array.from(await gt.data()), [0, 0, 1, 1]);
  const [gx, gu] = tf.grads((a: tf.Tensor, u: tf.Tensor) => ops.sum(ops.multiply(ops.sliceUpdate(a, [1], u), [1, 2, 3, 4])) as tf.Tensor)([x, tf.tensor([9, 9])]);
  assert.deepEqual([Array.from(await gx.data()), Array.from(await gu.data())], [[1, 0, 0, 4], [2, 3]]);
  tf.dispose([x, g, gt, gx, gu]);
});

test("ops keep no intermediate tensors", () => {
  const x = tf.randomNormal([4, 5]);
  const p = ops.softmax(x);
  const i = ops.argmax(x, { axis: 1, keepdims: true });
  const before = tf.memory().numTensors;
  const outs = [
    ops.einsum("ij,kj->ik", x, x), ops.std(x, 1), ops.takeAlongAxis(x, i, 1), ops.pad(x, [[1, 1], [2, 2]], "reflect"),
    ops.normalize(x), ops.categoricalCrossentropy(p, p), ...ops.moments(x, [0]), ...ops.split(x, [1, 3], 1),
    ops.roll(x, 2, 1), ops.cumprod(x, 0), ops.logsumexp(x), ops.sparseCategoricalCrossentropy([0, 1, 2, 3], p),
  ];
  assert.equal(tf.memory().numTensors, before + outs.length);
  tf.dispose(outs);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, p, i]);
  assert.equal(tf.memory().numTensors, before - 4, "the softmax's output frees the logits it holds");
});
