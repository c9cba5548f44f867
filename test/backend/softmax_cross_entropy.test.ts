// TsdlSoftmaxCrossEntropy and its gradient on the wasm backend against the same cross-entropy composed
// from tfjs ops (-sum(y * logSoftmax(z))) on tfjs' plain-JS backend: values and gradients to 1e-4.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../src/backend/backend.ts";
import { softmaxCrossEntropy } from "../../src/backend/softmax_cross_entropy.ts";
import { maxRelativeError } from "./relative_error.ts";

function composed(z: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(z, -1)), -1));
}

for (const c of [
  { name: "sparse, seed 003's last layer", shape: [32, 10], sparse: true, scale: 3 },
  { name: "sparse, saturated rows (logits of ±80)", shape: [16, 5], sparse: true, scale: 80 },
  { name: "one-hot", shape: [12, 7], sparse: false, scale: 2 },
  { name: "smoothed labels (rows summing to 1), rank 3", shape: [3, 4, 6], sparse: false, scale: 5, soft: true },
  { name: "labels summing to 2 (a soft target of weight 2)", shape: [6, 4], sparse: false, scale: 1, soft: true, mass: 2 },
]) {
  test(`softmax cross-entropy, ${c.name}: value and gradient equal the composed ops on the JS backend`, async () => {
    await ready();
    const classes = c.shape[c.shape.length - 1];
    const rows = c.shape.slice(0, -1);
    const make = () => {
      const z = tf.mul(tf.randomNormal(c.shape, 0, 1, "float32", 5), c.scale);
      const idx = tf.randomUniform(rows, 0, classes, "int32", 6);
      const y = c.sparse ? idx : c.soft ? tf.mul(tf.softmax(tf.randomNormal(c.shape, 0, 1, "float32", 7)), c.mass ?? 1) : tf.oneHot(idx, classes);
      const dy = tf.randomNormal(rows, 1, 0.5, "float32", 8);
      return { z, idx, y, dy };
    };
    const results: Float32Array[][] = [];
    for (const backend of ["wasm", "cpu"]) {
      await tf.setBackend(backend);
      const { z, idx, y, dy } = make();
      const before = tf.memory().numTensors;
      const labels = c.sparse ? tf.oneHot(idx, classes) : y;
      const f = (a: tf.Tensor) => (backend === "wasm" ? softmaxCrossEntropy(a, y, c.sparse)! : tf.tidy(() => composed(a, labels)));
      const value = f(z);
      const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), dy)))(z);
      if (backend === "wasm") {
        const kernels = (await tf.profile(() => void tf.dispose(tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), dy)))(z)))).kernels.map((k) => k.name);
        assert.ok(kernels.includes("TsdlSoftmaxCrossEntropyGrad") && !kernels.includes("LogSoftmax") && !kernels.includes("Softmax"), kernels.join(", "));
      }
      results.push([(await value.data()) as Float32Array, (await grad.data()) as Float32Array]);
      tf.dispose([value, grad]);
      if (c.sparse) labels.dispose();
      assert.equal(tf.memory().numTensors, before, `${backend}: no tensor left behind`);
      tf.dispose([z, idx, y, dy]);
    }
    await tf.setBackend("wasm");
    assert.ok(maxRelativeError(results[0][0], results[1][0]) < 1e-4, `value: ${results[0][0].slice(0, 4)} vs ${results[1][0].slice(0, 4)}`);
    assert.ok(maxRelativeError(results[0][1], results[1][1]) < 1e-4, `gradient error ${maxRelativeError(results[0][1], results[1][1])}`);
  });
}

test("a class index outside the classes gives NaN for its row only; off wasm the caller composes", async () => {
  await ready();
  const z = tf.tensor2d([[1, 2, 3], [0, 0, 0]]);
  const l = tf.tensor1d([3, 1], "int32");
  const v = softmaxCrossEntropy(z, l, true)!;
  const d = await v.data();
  assert.ok(Number.isNaN(d[0]) && Math.abs(d[1] - Math.log(3)) < 1e-6, `${d}`);
  assert.equal(softmaxCrossEntropy(z, tf.tensor1d([1, 2, 0], "int32"), true), undefined, "labels that do not fit");
  await tf.setBackend("cpu");
  assert.equal(softmaxCrossEntropy(z, l, true), undefined);
  await tf.setBackend("wasm");
  tf.dispose([z, l, v]);
});

test("sparse labels as float32 (as fit gets them from a float array) give the int32 labels' value and gradient, with no cast or reshape", async () => {
  await ready();
  const z = tf.mul(tf.randomNormal([8, 5], 0, 1, "float32", 11), 3);
  const ints = tf.randomUniform([8], 0, 5, "int32", 12);
  const floats = tf.cast(ints, "float32");
  const [vi, gi] = [softmaxCrossEntropy(z, ints, true)!, tf.grad((a: tf.Tensor) => tf.sum(softmaxCrossEntropy(a, ints, true)!))(z)];
  const [vf, gf] = [softmaxCrossEntropy(z, floats, true)!, tf.grad((a: tf.Tensor) => tf.sum(softmaxCrossEntropy(a, floats, true)!))(z)];
  assert.deepEqual(Array.from(await vf.data()), Array.from(await vi.data()));
  assert.deepEqual(Array.from(await gf.data()), Array.from(await gi.data()));
  const kernels = (await tf.profile(() => void softmaxCrossEntropy(z, floats, true)!.dispose())).kernels.map((k) => k.name);
  assert.deepEqual(kernels, ["TsdlSoftmaxCrossEntropy"]);
  tf.dispose([z, ints, floats, vi, gi, vf, gf]);
});
