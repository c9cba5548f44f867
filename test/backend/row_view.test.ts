// Row views (src/backend/row_view.ts): rows of a tensor that share its memory on the wasm backend. The
// same values as tfjs' slice, no copy, the source's memory freed only when it and every view of it are,
// and never written in place by the optimizer.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../src/backend/backend.ts";
import { rowsOf, isView } from "../../src/backend/row_view.ts";
import { sgdInPlace } from "../../src/backend/fused_kernels.ts";
import { keras, layers } from "../../src/index.ts";

before(async () => {
  await ready();
  assert.equal(tf.getBackend(), "wasm");
});

type Wasm = { getMemoryOffset(dataId: object): number; numDataIds(): number };
const wasm = () => tf.backend() as unknown as Wasm;

test("rows of float32, int32 and bool tensors of rank 1 to 4: tfjs' slice's values, in the source's memory", async () => {
  const cases: [number[], tf.DataType][] = [[[7], "int32"], [[6, 5], "float32"], [[5, 3, 2], "bool"], [[4, 6, 5, 3], "float32"], [[9, 4], "int32"]];
  for (const [shape, dtype] of cases) {
    const x = tf.tidy(() => tf.cast(tf.randomUniform(shape, -5, 5, "float32", 4), dtype));
    const rowBytes = (x.size / shape[0]) * (dtype === "bool" ? 1 : 4);
    for (const [start, count] of [[0, shape[0]], [1, 2], [shape[0] - 1, 1], [2, 0]]) {
      const [view, copy] = [rowsOf(x, start, count), x.slice(start, count)];
      assert.ok(isView(view.dataId));
      assert.deepEqual(view.shape, copy.shape);
      assert.equal(view.dtype, dtype);
      assert.deepEqual(await view.data(), await copy.data(), `${dtype} [${shape}] rows ${start}+${count}`);
      if (count > 0) assert.equal(wasm().getMemoryOffset(view.dataId), wasm().getMemoryOffset(x.dataId) + start * rowBytes);
      tf.dispose([view, copy]);
    }
    x.dispose();
  }
});

test("ops read a view as any tensor; a view of a view points into the first source", async () => {
  const x = tf.randomNormal([8, 3, 4], 0, 1, "float32", 5);
  const v = rowsOf(x, 2, 5);
  const vv = rowsOf(v, 1, 3);
  const expected = x.slice(3, 3);
  assert.deepEqual(await vv.data(), await expected.data());
  const [a, b] = [tf.matMul(tf.reshape(vv, [3, 12]), tf.ones([12, 2])), tf.matMul(tf.reshape(expected, [3, 12]), tf.ones([12, 2]))];
  assert.deepEqual(await a.data(), await b.data());
  assert.equal(wasm().getMemoryOffset(vv.dataId), wasm().getMemoryOffset(x.dataId) + 3 * 12 * 4);
  tf.dispose([x, v, vv, expected, a, b]);
});

test("the source's memory lives while a view does: dispose the source first, the view still reads its rows; then both are freed", async () => {
  const ids = wasm().numDataIds();
  const tensors = tf.memory().numTensors;
  const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
  const v = rowsOf(x, 1, 2);
  const vv = rowsOf(v, 1, 1);
  x.dispose();
  v.dispose();
  assert.deepEqual([...(await vv.data())], [5, 6], "the rows are still there");
  assert.equal(wasm().numDataIds(), ids + 2, "the source and the view of the view held (a view holds the first source, not the view it was taken from)");
  vv.dispose();
  assert.equal(wasm().numDataIds(), ids, "the last view's dispose frees the source");
  assert.equal(tf.memory().numTensors, tensors);
  // And the other order: views first, then the source.
  const y = tf.ones([4, 4]);
  tf.dispose([rowsOf(y, 0, 2), rowsOf(y, 2, 2)]);
  assert.equal(wasm().numDataIds(), ids + 1);
  y.dispose();
  assert.equal(wasm().numDataIds(), ids);
});

test("a view is never written in place: a variable made from one keeps its source as it was", async () => {
  const x = tf.ones([4, 3]);
  const v = rowsOf(x, 1, 2);
  const variable = tf.variable(v);
  v.dispose(); // the variable alone holds the view now
  const grad = tf.onesLike(variable);
  assert.equal(sgdInPlace(variable, undefined, grad, 0.5, 0, false), false, "not in place");
  const sgd = tf.train.sgd(0.5);
  sgd.applyGradients({ [variable.name]: grad } as unknown as tf.NamedTensorMap);
  assert.deepEqual([...(await variable.data())], Array(6).fill(0.5), "the variable took the step");
  assert.deepEqual([...(await x.data())], Array(12).fill(1), "its source did not");
  // A source with views is shared: not written in place either.
  const w = tf.variable(tf.ones([2, 2]));
  const wv = rowsOf(w, 0, 1);
  assert.equal(sgdInPlace(w, undefined, tf.onesLike(w), 0.5, 0, false), false);
  tf.dispose([x, variable, grad, wv, w]);
  sgd.dispose();
});

test("fit and predict over unshuffled batches (views of the data) leave the data as it was and no tensor behind", async () => {
  keras.backend.clearSession();
  const model = keras.Sequential([keras.Input([5]), layers.BatchNormalization(), layers.Dense(3, { activation: "softmax" })]);
  model.compile({ optimizer: "sgd", loss: "sparse_categorical_crossentropy" });
  const x = tf.randomNormal([40, 5], 0, 1, "float32", 9);
  const y = tf.tensor1d(Array.from({ length: 40 }, (_, i) => i % 3), "int32");
  const [x0, y0] = [await x.data(), await y.data()];
  const start = tf.memory().numTensors;
  const ids = wasm().numDataIds();
  await model.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
  tf.dispose(await model.predict(x, { batchSize: 8 }));
  await model.evaluate(x, y, { batchSize: 8, verbose: 0 });
  assert.deepEqual(await x.data(), x0);
  assert.deepEqual(await y.data(), y0);
  model.dispose();
  assert.ok(tf.memory().numTensors <= start, `tensors ${start} -> ${tf.memory().numTensors}`);
  assert.ok(wasm().numDataIds() <= ids, `wasm data ${ids} -> ${wasm().numDataIds()}`);
  tf.dispose([x, y]);
});
