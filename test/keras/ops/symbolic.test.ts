// keras.ops on symbolic tensors: in a functional model each op becomes a layer (a Lambda named after
// the op), so a model built with ops predicts and trains as Keras' does (checked against Keras 3 with
// the same weights: test/keras/ops/symbolic_model.py).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { keras, layers, ops, optimizers, ready, summaryText, tf } from "../../../src/index.ts";
import { runKeras } from "../keras_oracle.ts";
import { values } from "./ops_cases.ts";

before(async () => {
  await ready();
  keras.backend.clearSession();
});

function close(got: ArrayLike<number>, want: number[], tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= tol * Math.max(1, Math.abs(w)), `${what}[${i}]: ${got[i]}, Keras ${w}`));
}

test("a functional model with ops in the middle predicts and fits one epoch as Keras does", async () => {
  const x = keras.Input([4]);
  const h = layers.Dense(3)(x);
  const y = ops.add(ops.multiply(h, 2), 1);
  const b = ops.concatenate([ops.relu(y), ops.square(h)], -1);
  const s = ops.sum(b, { axis: -1, keepdims: true });
  const [p0, p1] = ops.split(b, 2, { axis: -1 });
  const m = ops.maximum(p0, p1);
  const out = layers.Dense(1)(ops.concatenate([ops.tanh(m), ops.log1p(s)], { axis: 1 }));
  const model = keras.Model(x, out);
  assert.deepEqual(ops.shape(b), [null, 6]);
  assert.deepEqual(ops.shape(s), [null, 1]);
  assert.deepEqual(model.layers.map((l) => l.name).sort(), ["add", "concatenate", "concatenate_1", "dense", "dense_1", "input_layer", "log1p", "maximum", "multiply", "relu", "split", "square", "sum", "tanh"]);

  const table = summaryText(model.summaryData(), { lineLength: 160 });
  for (const row of ["add (Add)", "multiply (Multiply)", "relu (Relu)", "concatenate_1 (Concatenate)", "split (Split)", "sum (Sum)", "log1p (Log1p)"]) assert.ok(table.includes(row), `summary row ${row}:\n${table}`);
  assert.equal(keras.ops, ops);

  const weights = [values([4, 3], 1, 0.5), values([3], 2, 0.1), values([4, 1], 3, 0.5), values([1], 4, 0.1)] as number[][];
  model.setWeights(weights.map((w) => tf.tensor(w)));
  const xs = values([8, 4], 5, 1) as number[][];
  const ys = values([8, 1], 6, 1) as number[][];
  const k = runKeras<{ pred: number[]; loss: number[]; weights: number[][] }>([join(import.meta.dirname, "symbolic_model.py")], { weights, x: xs, y: ys });

  const xt = tf.tensor(xs);
  const yt = tf.tensor(ys);
  const pred = (await model.predict(xt)) as tf.Tensor;
  close(await pred.data(), k.pred, 1e-5, "predict");
  pred.dispose();
  model.compile({ loss: "mse", optimizer: optimizers.SGD({ learningRate: 0.05 }) });
  const before = tf.memory().numTensors;
  const hist = await model.fit(xt, yt, { batchSize: 4, epochs: 1, shuffle: false, verbose: 0 });
  close(hist.history.loss as number[], k.loss, 1e-5, "loss");
  const after = model.getWeights();
  for (const [i, w] of after.entries()) close(await w.data(), k.weights[i], 1e-5, `weight ${i} after one epoch`);
  tf.dispose(after);
  assert.equal(tf.memory().numTensors, before, "tensors left by fit");
  tf.dispose([xt, yt]);
});

test("ops take several symbolic inputs, mix them with constants, and give several symbolic outputs", async () => {
  const a = keras.Input([3]);
  const b = keras.Input([3]);
  const sum = ops.add(a, b);
  const where = ops.where(ops.greater(a, 0), a, ops.multiply(b, 0.5));
  const [top, idx] = ops.topK(sum, 2);
  const c = ops.matmul(a, tf.eye(3));
  const model = keras.Model([a, b], [sum, where, top, c]);
  assert.ok(idx instanceof tf.SymbolicTensor);
  assert.deepEqual([sum.dtype, top.dtype, idx.dtype, ops.greater(a, 0).dtype, ops.argmax(a, -1).dtype], ["float32", "float32", "int32", "bool", "int32"]);
  const xa = tf.tensor([[1, -2, 3]]);
  const xb = tf.tensor([[4, 5, -6]]);
  const outs = (await model.predict([xa, xb])) as tf.Tensor[];
  const got = await Promise.all(outs.map((o) => o.array()));
  assert.deepEqual(got, [[[5, 3, -3]], [[1, 2.5, 3]], [[5, 3]], [[1, -2, 3]]]);
  tf.dispose([...outs, xa, xb]);
});

test("symbolic tensors may be values of an op's options object", async () => {
  const x = keras.Input([3]);
  const w = keras.Input([3]);
  const avg: tf.SymbolicTensor = ops.average(x, { axis: 1, weights: w });
  const q = keras.Input([2, 1, 4]);
  const mask = keras.Input([1, 2, 2], { dtype: "bool" });
  const att: tf.SymbolicTensor = ops.dotProductAttention(q, q, q, { mask });
  assert.deepEqual([avg.shape, att.shape], [[null], [null, 2, 1, 4]]);
  const model = keras.Model([x, w], avg);
  const out = (await model.predict([tf.tensor([[1, 2, 3]]), tf.tensor([[1, 0, 1]])])) as tf.Tensor;
  assert.deepEqual(await out.array(), [2]);
  out.dispose();
});

test("the result of an op on a symbolic tensor is typed as a symbolic tensor", () => {
  const x = keras.Input([2, 3]);
  const y: tf.SymbolicTensor = ops.reshape(ops.transpose(x, [0, 2, 1]), [-1, 6]);
  const parts: tf.SymbolicTensor[] = ops.split(y, 3, 1);
  assert.deepEqual(y.shape, [null, 6]);
  assert.equal(parts.length, 3);
  const eager: tf.Tensor = ops.add(tf.ones([2]), 1);
  assert.ok(eager instanceof tf.Tensor);
  eager.dispose();
});

test("an op that cannot apply to a symbolic tensor says so, naming the op", () => {
  const x = keras.Input([4]);
  assert.throws(() => ops.reshape(x, [3, 5]), /^ValueError: ops\.reshape: newshape \[3, 5\] does not fit \d+ values of shape \[\d,4\]/);
  assert.throws(() => ops.matmul(x, tf.ones([3, 2])), /ops\.matmul: the last axis of x1/);
});
