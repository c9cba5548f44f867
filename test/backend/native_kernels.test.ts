// tsdl's kernels on the wasm backend (oneDNN and the fused training kernels when the addon is built;
// the JavaScript fused kernels and stock wasm otherwise) against tfjs' plain-JS reference backend:
// forward results and gradients to 1e-4 of the largest value. js_kernels.test.ts runs this file again
// with TSDL_NATIVE=0.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../src/backend/backend.ts";
import { CONV_INFERENCE, MATMUL_INFERENCE, NATIVE_ADDON, loadNative } from "../../src/backend/native_kernels.ts";
import { accuracy, batchNormTraining, conv2dBiasRelu, crossEntropy, dropoutMask, fusedCalls } from "../../src/backend/fused_kernels.ts";
import { denseTraining } from "../../src/backend/dense_training.ts";
import { SMALL, smallMean } from "../../src/backend/small_mean.ts";
import { layers, keras, optimizers } from "../../src/index.ts";
import { maxRelativeError } from "./relative_error.ts";

const native = existsSync(NATIVE_ADDON) && process.env.TSDL_NATIVE !== "0";

/** Runs `f` on wasm (native kernels) and on the JS backend; returns both results as flat arrays. */
async function onBoth(f: () => tf.Tensor[]): Promise<[Float32Array[], Float32Array[]]> {
  const out: Float32Array[][] = [];
  for (const b of ["wasm", "cpu"]) {
    await tf.setBackend(b);
    const ts = f();
    out.push(await Promise.all(ts.map(async (t) => (await t.data()) as Float32Array)));
    tf.dispose(ts);
  }
  await tf.setBackend("wasm");
  return [out[0], out[1]];
}

function assertClose(native: Float32Array[], reference: Float32Array[], names: string[], tolerance = 1e-4) {
  names.forEach((name, i) => {
    const e = maxRelativeError(native[i], reference[i]);
    assert.ok(e < tolerance, `${name}: error ${e}`);
  });
}

test(native ? "native kernels are registered on the default backend" : "without the addon, the fused kernels are registered in JavaScript", async () => {
  const r = await ready();
  assert.equal(r.name, "wasm");
  assert.equal(r.native?.registered, native, r.native?.description);
  if (!native) assert.match(r.native!.description, /fused training kernels run in JavaScript/);
  for (const k of ["MaxPoolGrad", "TsdlBatchNormTraining", "TsdlBatchNormTrainingGrad", "TsdlDropoutMask", "TsdlCrossEntropy", "TsdlCrossEntropyGrad", "TsdlAccuracy", "TsdlConv2DBiasRelu", "TsdlReluGrad"]) assert.ok(tf.getKernel(k, "wasm"), k);
});

for (const c of [
  { x: [2, 9, 9, 3], size: 2, strides: 2, pad: "valid" },
  { x: [2, 9, 9, 3], size: 3, strides: 2, pad: "same" },
  { x: [3, 8, 7, 5], size: 3, strides: 1, pad: "same" },
  { x: [32, 30, 30, 32], size: 2, strides: 2, pad: "valid" }, // seed 002
  { x: [2, 35, 37, 8], size: 16, strides: 16, pad: "valid" }, // seed 000's wide model: rows and columns past the last window
  { x: [4, 100, 100, 30], size: 16, strides: 16, pad: "valid" }, // over PARALLEL_MIN floats: output rows split over threads
] as const) {
  test(`maxPool ${c.size}x${c.size}/${c.strides} ${c.pad} on ${c.x}: forward and gradient`, async () => {
    await ready();
    const [n, r] = await onBoth(() => {
      // Rounded values make ties inside windows: the gradient must go to the same (first) maximum.
      const x = tf.round(tf.mul(tf.randomNormal([...c.x], 0, 1, "float32", 7), 2)) as tf.Tensor4D;
      const dyw = tf.randomNormal(tf.maxPool(x, c.size, c.strides, c.pad).shape, 0, 1, "float32", 8);
      const y = tf.maxPool(x, c.size, c.strides, c.pad);
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, c.size, c.strides, c.pad), dyw)))(x);
      return [y, dx];
    });
    assertClose(n, r, ["y", "dx"], 1e-6);
  });
}

// The inference convolution of predict's plan (native only): conv + bias? + relu/linear, then y * scale
// + shift per channel or not, against the composed ops on the JS backend. No gradient: inference only.
for (const c of [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], strides: 1, pad: "same", bias: true, act: "relu", affine: true },
  { x: [3, 11, 10, 5], f: [3, 3, 5, 6], strides: 2, pad: "valid", bias: false, act: "linear", affine: true },
  { x: [2, 9, 8, 4], f: [2, 2, 4, 3], strides: 1, pad: "same", bias: true, act: "linear", affine: false }, // even window, "same"
  { x: [32, 30, 30, 32], f: [3, 3, 32, 32], strides: 1, pad: "same", bias: true, act: "relu", affine: true }, // seed 002's conv2
] as const) {
  test(`inference convolution ${native ? "(oneDNN) " : "(not registered without the addon) "}on ${c.x} * ${c.f}, ${c.pad}/${c.strides}, ${c.bias ? "bias" : "no bias"}, ${c.act}${c.affine ? ", scale and shift" : ""}`, async () => {
    await ready();
    assert.equal(!!tf.getKernel(CONV_INFERENCE, "wasm"), native);
    if (!native) return;
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: "NHWC", dilations: [1, 1], activation: c.act };
    const make = () => ({
      x: tf.randomNormal([...c.x], 0, 1, "float32", 1),
      filter: tf.randomNormal([...c.f], 0, 0.3, "float32", 2),
      bias: tf.randomNormal([c.f[3]], 0, 1, "float32", 3),
      scale: tf.randomNormal([c.f[3]], 0, 1, "float32", 4),
      shift: tf.randomNormal([c.f[3]], 0, 1, "float32", 5),
    });
    await tf.setBackend("wasm");
    const w = make();
    const inputs: Record<string, tf.Tensor> = { x: w.x, filter: w.filter };
    if (c.bias) inputs.bias = w.bias;
    if (c.affine) Object.assign(inputs, { scale: w.scale, shift: w.shift });
    const y = tf.engine().runKernel(CONV_INFERENCE, inputs, attrs) as tf.Tensor;
    const got = (await y.data()) as Float32Array;
    tf.dispose([y, ...Object.values(w)]);
    await tf.setBackend("cpu");
    const v = make();
    const ref = tf.tidy(() => {
      let r: tf.Tensor = tf.fused.conv2d({ x: v.x as tf.Tensor4D, filter: v.filter as tf.Tensor4D, strides: c.strides, pad: c.pad, bias: c.bias ? v.bias : undefined, activation: c.act });
      if (c.affine) r = tf.add(tf.mul(r, v.scale), v.shift);
      return r;
    });
    const expected = (await ref.data()) as Float32Array;
    tf.dispose([ref, ...Object.values(v)]);
    await tf.setBackend("wasm");
    assertClose([got], [expected], ["y"]);
  });
}

// The inference product of predict's plan (native only): _FusedMatMul's inputs and attributes; from 2^20
// multiply-adds its rows are split over the cores (native/matmul.cc's split_product), into blocks of
// uneven size when the rows do not divide, where splitting measured faster on this machine. Against the
// composed ops on the JS backend, on 20 calls in a row: the first of each way, the 16 that measure
// split against unsplit (alternating), and two after the shape has chosen (a shape measures when no
// other is measuring, and runs on one core until then).
for (const c of [
  { m: 32, k: 784, n: 300, transposeB: false, bias: true, act: "relu" }, // seed 003's first layer: split
  { m: 33, k: 300, n: 200, transposeB: false, bias: true, act: "linear" }, // split 16 + 17
  { m: 17, k: 784, n: 128, transposeB: true, bias: false, act: "relu" }, // split 8 + 9, B stored transposed
  { m: 32, k: 64, n: 10, transposeB: false, bias: true, act: "linear" }, // too small to split
  { m: 8, k: 2048, n: 256, transposeB: false, bias: true, act: "relu" }, // too few rows to split
  { m: 32, k: 1024, n: 1024, transposeB: false, bias: true, act: "relu" }, // OpenMP's threads
  { m: 32, k: 300, n: 200, transposeB: false, bias: true, act: "elu" }, // activation after the product
  { m: 32, k: 64, n: 10, transposeB: false, bias: true, act: "softmax" }, // a classifier's last Dense: the softmax in the native call
  { m: 40, k: 500, n: 100, transposeB: true, bias: false, act: "softmax" }, // softmax after a split product
] as const) {
  test(`inference product ${native ? "(oneDNN) " : "(not registered without the addon) "}[${c.m}, ${c.k}] x [${c.k}, ${c.n}]${c.transposeB ? " (B transposed)" : ""}, ${c.bias ? "bias" : "no bias"}, ${c.act}`, async () => {
    await ready();
    assert.equal(!!tf.getKernel(MATMUL_INFERENCE, "wasm"), native);
    if (!native) return;
    const attrs = { transposeA: false, transposeB: c.transposeB, activation: c.act, leakyreluAlpha: 0 };
    const make = () => ({
      a: tf.randomNormal([1, c.m, c.k], 0, 1, "float32", 1),
      b: tf.randomNormal(c.transposeB ? [1, c.n, c.k] : [1, c.k, c.n], 0, 0.1, "float32", 2),
      bias: tf.randomNormal([c.n], 0, 1, "float32", 3),
    });
    await tf.setBackend("wasm");
    const w = make();
    const inputs: Record<string, tf.Tensor> = c.bias ? w : { a: w.a, b: w.b };
    const before = tf.memory().numTensors;
    const ys = Array.from({ length: 20 }, () => tf.engine().runKernel(MATMUL_INFERENCE, inputs, attrs) as tf.Tensor);
    assert.equal(tf.memory().numTensors, before + 20);
    const got = (await Promise.all(ys.map((y) => y.data()))) as Float32Array[];
    tf.dispose([...ys, ...Object.values(w)]);
    await tf.setBackend("cpu");
    const v = make();
    const ref = tf.tidy(() => {
      let r: tf.Tensor = tf.matMul(v.a, v.b, false, c.transposeB);
      if (c.bias) r = tf.add(r, v.bias);
      return c.act === "relu" ? tf.relu(r) : c.act === "elu" ? tf.elu(r) : c.act === "softmax" ? tf.softmax(r) : r;
    });
    const expected = (await ref.data()) as Float32Array;
    tf.dispose([ref, ...Object.values(v)]);
    await tf.setBackend("wasm");
    assertClose(got, got.map(() => expected), got.map((_, i) => `call ${i + 1}`));
  });
}

test("inference product: the split's pool grows when the thread budget does (addon.threads), and the parts stay right", { skip: !native && "native only" }, async () => {
  await ready();
  const addon = loadNative().addon!;
  const budget = addon.threads();
  const attrs = { transposeA: false, transposeB: false, activation: "relu", leakyreluAlpha: 0 };
  try {
    for (const threads of [2, 4, 3]) {
      addon.threads(threads);
      const [got, expected] = await onBoth(() => {
        const a = tf.randomNormal([1, 40, 500], 0, 1, "float32", threads);
        const b = tf.randomNormal([1, 500, 100], 0, 0.1, "float32", 9);
        const bias = tf.randomNormal([100], 0, 1, "float32", 10);
        const y = tf.getBackend() === "wasm" ? (tf.engine().runKernel(MATMUL_INFERENCE, { a, b, bias }, attrs) as tf.Tensor) : tf.relu(tf.add(tf.matMul(a, b), bias));
        tf.dispose([a, b, bias]);
        return [y];
      });
      assertClose(got, expected, [`${threads} threads`]);
    }
  } finally {
    addon.threads(budget);
  }
});

for (const c of [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], strides: 1, pad: "same" },
  { x: [3, 11, 10, 5], f: [3, 3, 5, 6], strides: 2, pad: "same" },
  { x: [32, 16, 16, 32], f: [3, 3, 32, 64], strides: 1, pad: "same" }, // seed 002's conv3
] as const) {
  test(`fused conv2d (bias, relu) on ${c.x} * ${c.f}: inference kernel, and gradients through bias and relu`, async () => {
    await ready();
    const [n, r] = await onBoth(() => {
      const x = tf.randomNormal([...c.x], 0, 1, "float32", 1) as tf.Tensor4D;
      const w = tf.randomNormal([...c.f], 0, 0.3, "float32", 2) as tf.Tensor4D;
      const bias = tf.randomNormal([c.f[3]], 0, 1, "float32", 3) as tf.Tensor1D;
      const y = tf.fused.conv2d({ x, filter: w, strides: c.strides, pad: c.pad, bias, activation: "relu" });
      const dyw = tf.randomNormal(y.shape, 0, 1, "float32", 4);
      const [dx, dw, db] = tf.grads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) =>
        tf.sum(tf.mul(tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: c.strides, pad: c.pad, bias: d, activation: "relu" }), dyw)),
      )([x, w, bias]);
      return [y, dx, dw, db];
    });
    assertClose(n, r, ["y", "dx", "dw", "dbias"]);
  });
}

// [6, 200, 300, 3]: an image batch, the passes split over threads; [7, 13, 1] and [9, 5]: blocks of rows with rows left over;
// [4, 1100]: rows longer than a block.
for (const shape of [[32, 300], [32, 30, 30, 32], [5, 3], [6, 200, 300, 3], [7, 13, 1], [9, 5], [4, 1100]]) {
  test(`fused batch norm in training on ${shape}: y, batch statistics and gradients equal tfjs' composed ops`, async () => {
    await ready();
    const c = shape[shape.length - 1];
    const axes = shape.slice(0, -1).map((_, i) => i);
    const make = () => {
      const x = tf.add(tf.mul(tf.randomNormal(shape, 0, 1, "float32", 11), 3), 1.5);
      const gamma = tf.randomNormal([c], 1, 0.2, "float32", 12);
      const beta = tf.randomNormal([c], 0, 0.5, "float32", 13);
      const dyw = tf.randomNormal(shape, 0, 1, "float32", 14);
      return { x, gamma, beta, dyw };
    };
    const composed = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
      const { mean, variance } = tf.moments(x, axes);
      return { y: tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3))), gamma), beta), mean, variance };
    };
    await tf.setBackend("wasm");
    const w = make();
    const fused = batchNormTraining(w.x, w.gamma, w.beta, 1e-3);
    assert.ok(fused, "the fused kernel runs on wasm");
    const fusedGrads = tf.grads((x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(batchNormTraining(x, g, b, 1e-3)!.y, w.dyw)))([w.x, w.gamma, w.beta]);
    const native = await Promise.all([fused.y, fused.mean, fused.variance, ...fusedGrads].map(async (t) => (await t.data()) as Float32Array));
    tf.dispose([w.x, w.gamma, w.beta, w.dyw, fused.y, fused.mean, fused.variance, ...fusedGrads]);
    await tf.setBackend("cpu");
    const v = make();
    const ref = composed(v.x, v.gamma, v.beta);
    assert.equal(batchNormTraining(v.x, v.gamma, v.beta, 1e-3), undefined, "no fused kernel on the JS backend");
    const refGrads = tf.grads((x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(composed(x, g, b).y, v.dyw)))([v.x, v.gamma, v.beta]);
    const reference = await Promise.all([ref.y, ref.mean, ref.variance, ...refGrads].map(async (t) => (await t.data()) as Float32Array));
    await tf.setBackend("wasm");
    assertClose(native, reference, ["y", "mean", "variance", "dx", "dgamma", "dbeta"]);
  });
}

test("fused dropout: kept values scaled by 1/(1-rate), the rate dropped, the mask reproducible from the seed, gradient through the mask", async () => {
  await ready();
  // x times the kernel's mask, as Dropout's call computes it
  const dropoutTraining = (t: tf.Tensor, rate: number, seed: number) => tf.tidy(() => tf.mul(t, dropoutMask(t.shape, rate, seed)!));
  const x = tf.add(tf.randomUniform([64, 1000], 0, 1, "float32", 5), 1);
  const before = tf.memory().numTensors;
  const y1 = dropoutTraining(x, 0.3, 1234)!;
  const y2 = dropoutTraining(x, 0.3, 1234)!;
  const y3 = dropoutTraining(x, 0.3, 1235)!;
  assert.equal(tf.memory().numTensors, before + 3, "the masks are not kept");
  const [xv, a, b, c] = await Promise.all([x, y1, y2, y3].map((t) => t.data()));
  let dropped = 0;
  let same = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === 0) dropped++;
    else assert.ok(Math.abs(a[i] - xv[i] / 0.7) < 1e-5 * a[i], `kept value ${i} scaled`);
    if ((a[i] === 0) === (c[i] === 0)) same++;
  }
  assert.deepEqual(a, b, "same seed, same mask");
  assert.ok(Math.abs(dropped / a.length - 0.3) < 0.01, `dropped ${dropped / a.length}`);
  assert.ok(same / a.length < 0.7, "another seed, another mask");
  const g = tf.grad((t: tf.Tensor) => tf.sum(dropoutTraining(t, 0.3, 1234)!))(x);
  const gv = await g.data();
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(gv[i] - (a[i] === 0 ? 0 : 1 / 0.7)) < 1e-5, `gradient ${i}`);
  tf.dispose([x, y1, y2, y3, g]);
});

test("leading-axis sums and big elementwise ops equal the JS backend", async () => {
  await ready();
  const [n, r] = await onBoth(() => {
    const a = tf.randomNormal([8, 20, 20, 16], 0, 1, "float32", 21);
    const b = tf.randomNormal([8, 20, 20, 16], 0, 1, "float32", 22);
    const s = tf.scalar(0.7);
    return [tf.sum(a, [0, 1, 2]), tf.sum(a, [0, 1, 2], true), tf.sum(a, 0), tf.add(a, b), tf.sub(a, b), tf.mul(a, b), tf.div(a, tf.add(tf.abs(b), 1)), tf.mul(a, s), tf.div(a, s), tf.relu(a), tf.step(a, 0.25), tf.cast(a, "float32")];
  });
  assertClose(n, r, ["sum NHW", "sum keepDims", "sum N", "add", "sub", "mul", "div", "mul scalar", "div scalar", "relu", "step", "cast"], 1e-5);
});

for (const sparse of [true, false]) {
  test(`fused ${sparse ? "sparse " : ""}categorical cross-entropy and accuracy equal tfjs' composed ops, with clipping and unnormalised rows`, async () => {
    await ready();
    const make = () => {
      // Rows: softmax outputs, one saturated (clipped at 1 - 1e-7 and at 1e-7), one not summing to 1.
      const logits = tf.randomNormal([6, 5], 0, 2, "float32", 51);
      const p = tf.concat([tf.softmax(logits), tf.tensor2d([[1, 0, 0, 0, 0], [0.2, 0.4, 0.1, 0.3, 0.6]])]);
      const index = tf.tensor1d([0, 1, 2, 3, 4, 0, 3, 4], "int32");
      return { p, labels: sparse ? index : tf.oneHot(index, 5), dyw: tf.randomNormal([8], 0, 1, "float32", 52) };
    };
    const composed = (p: tf.Tensor, labels: tf.Tensor) => {
      const y = sparse ? tf.oneHot(tf.cast(labels, "int32"), 5) : labels;
      const q = tf.clipByValue(tf.div(p, tf.sum(p, -1, true)), 1e-7, 1 - 1e-7);
      return { loss: tf.neg(tf.sum(tf.mul(y, tf.log(q)), -1)), acc: tf.cast(tf.equal(tf.argMax(y, -1), tf.argMax(p, -1)), "float32") };
    };
    await tf.setBackend("wasm");
    const w = make();
    const before = fusedCalls.crossEntropy;
    const fused = [crossEntropy(w.p, w.labels, sparse, 1e-7)!, accuracy(w.p, w.labels, sparse)!, tf.grad((p: tf.Tensor) => tf.sum(tf.mul(crossEntropy(p, w.labels, sparse, 1e-7)!, w.dyw)))(w.p)];
    assert.equal(fusedCalls.crossEntropy - before, 2, "the fused kernel ran");
    const native = await Promise.all(fused.map(async (t) => (await t.data()) as Float32Array));
    tf.dispose([w.p, w.labels, w.dyw, ...fused]);
    await tf.setBackend("cpu");
    const v = make();
    const r = composed(v.p, v.labels);
    const reference = await Promise.all([r.loss, r.acc, tf.grad((p: tf.Tensor) => tf.sum(tf.mul(composed(p, v.labels).loss, v.dyw)))(v.p)].map(async (t) => (await t.data()) as Float32Array));
    await tf.setBackend("wasm");
    assertClose(native, reference, ["loss", "accuracy", "gradient"]);
  });
}

/** Trains a small BN model 3 steps with `optimizer` on one backend; returns its weights. */
async function trainedWeights(backendName: string, optimizer: () => import("@tensorflow/tfjs").Optimizer): Promise<Float32Array[]> {
  await tf.setBackend(backendName);
  const x = tf.randomNormal([16, 6], 0, 1, "float32", 31);
  const y = tf.randomUniform([16], 0, 3, "int32", 32);
  const m = keras.Sequential([layers.Dense(5, { inputShape: [6], useBias: false }), layers.BatchNormalization(), layers.Activation("relu"), layers.Dense(3, { activation: "softmax" })]);
  const kernels = m.tf.weights.map((w, i) => (w.name.includes("kernel") ? tf.randomNormal(w.shape as number[], 0, 0.5, "float32", 40 + i) : w.read()));
  m.tf.setWeights(kernels);
  tf.dispose(kernels.filter((k, i) => k !== m.tf.weights[i].read())); // the variables own their values alone
  m.compile({ loss: "sparse_categorical_crossentropy", optimizer: optimizer(), metrics: ["acc"] });
  const h = await m.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, shuffle: false });
  const out = await Promise.all(m.tf.weights.map(async (w) => (await w.read().data()) as Float32Array));
  out.push(Float32Array.from(h.history.loss as number[]), Float32Array.from(h.history.acc as number[]));
  tf.dispose([x, y]);
  m.dispose?.();
  await tf.setBackend("wasm");
  return out;
}

for (const [name, make] of [
  ["SGD nesterov", () => optimizers.SGD({ lr: 0.1, momentum: 0.9, nesterov: true, decay: 0.01 })],
  ["SGD", () => optimizers.SGD({ lr: 0.1 })],
  ["Adam", () => optimizers.Adam({ lr: 0.01 })],
] as const) {
  test(`${name}: in-place updates (batch norm's moving averages, the loss and accuracy fit reports) equal the JS backend's after 3 steps`, async () => {
    await ready();
    const before = { ...fusedCalls };
    const native = await trainedWeights("wasm", make);
    const counts = name === "Adam" ? fusedCalls.adam - before.adam : fusedCalls.sgd - before.sgd;
    assert.equal(counts, 3 * 5, "every trainable variable (5) was updated in place at every step (3)");
    assert.equal(fusedCalls.lerp - before.lerp, 3 * 2, "moving mean and variance updated in place");
    assert.equal(fusedCalls.batchNorm - before.batchNorm, 3, "batch norm ran fused");
    const reference = await trainedWeights("cpu", make);
    assertClose(native, reference, native.map((_, i) => (i < native.length - 2 ? `weight ${i}` : i === native.length - 2 ? "History loss" : "History acc")));
  });
}

test("an in-place update never changes a tensor that shares the variable's memory", async () => {
  await ready();
  const v = tf.variable(tf.ones([10000]));
  const snapshot = v.clone(); // Identity shares memory on wasm
  const opt = optimizers.SGD({ lr: 0.5 });
  opt.applyGradients({ [v.name]: tf.ones([10000]) });
  assert.equal((await snapshot.data())[0], 1, "the clone kept its value");
  assert.equal((await v.data())[0], 0.5, "the variable was updated");
  opt.applyGradients({ [v.name]: tf.ones([10000]) });
  assert.equal((await v.data())[0], 0, "later updates");
  assert.equal((await snapshot.data())[0], 1);
  tf.dispose([v, snapshot]);
});

test("batch norm in inference (tf.batchNorm with per-channel statistics) equals the JS backend", async () => {
  await ready();
  for (const shape of [[7, 5], [2, 4, 3, 6], [6, 200, 300, 3], [11, 3]]) {
    const c = shape[shape.length - 1];
    const [n, r] = await onBoth(() => {
      const x = tf.randomNormal(shape, 1, 2, "float32", 71);
      const mean = tf.randomNormal([c], 0, 1, "float32", 72);
      const variance = tf.randomUniform([c], 0.5, 2, "float32", 73);
      const offset = tf.randomNormal([c], 0, 1, "float32", 74);
      const scale = tf.randomNormal([c], 1, 0.3, "float32", 75);
      return [tf.batchNorm(x, mean, variance, offset, scale, 1e-3), tf.batchNorm(x, mean, variance, undefined, undefined, 1e-3), tf.batchNorm(x, mean, variance, offset, undefined, 0.1)];
    });
    assertClose(n, r, ["offset and scale", "neither", "offset only"], 1e-5);
  }
});

for (const c of [
  { x: [4, 9, 9, 3], f: [3, 3, 3, 8], strides: [1, 1], pad: "valid", activation: "relu" },
  { x: [3, 10, 11, 4], f: [3, 3, 4, 5], strides: [2, 2], pad: "same", activation: "relu" },
  { x: [2, 8, 8, 6], f: [2, 2, 6, 4], strides: [1, 1], pad: "same", activation: "linear" },
] as const) {
  test(`Conv2D's training op (conv + bias + ${c.activation} in one kernel) on ${c.x} * ${c.f}, ${c.pad}: output and gradients equal tfjs' composed ops`, async () => {
    await ready();
    const make = () => ({
      x: tf.randomNormal([...c.x], 0, 1, "float32", 81) as tf.Tensor4D,
      w: tf.randomNormal([...c.f], 0, 0.4, "float32", 82) as tf.Tensor4D,
      b: tf.randomNormal([c.f[3]], 0, 0.5, "float32", 83),
    });
    const dyFor = (y: tf.Tensor) => tf.randomNormal(y.shape, 0, 1, "float32", 84);
    await tf.setBackend("wasm");
    const v = make();
    const y = conv2dBiasRelu(v.x, v.w, v.b, [...c.strides], c.pad, c.activation)!;
    assert.ok(y, "the fused op runs on wasm");
    const dyw = dyFor(y);
    const grads = tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv2dBiasRelu(x as tf.Tensor4D, w as tf.Tensor4D, b, [...c.strides], c.pad, c.activation)!, dyw)))([v.x, v.w, v.b]);
    const native = await Promise.all([y, ...grads].map(async (t) => (await t.data()) as Float32Array));
    tf.dispose([v.x, v.w, v.b, y, dyw, ...grads]);
    await tf.setBackend("cpu");
    const r = make();
    const composed = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => {
      const z = tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, [...c.strides], c.pad), b);
      return c.activation === "relu" ? tf.relu(z) : z;
    };
    const ry = composed(r.x, r.w, r.b);
    const rdy = dyFor(ry);
    const rgrads = tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(composed(x, w, b), rdy)))([r.x, r.w, r.b]);
    const reference = await Promise.all([ry, ...rgrads].map(async (t) => (await t.data()) as Float32Array));
    await tf.setBackend("wasm");
    assertClose(native, reference, ["y", "dx", "dfilter", "dbias"]);
  });
}

// Dense(2) on a 150,528-wide input (seed 000's logistic model) and its two gradients take the direct
// skinny loops (n or k at most 4); a batched and a 3-column case, with bias and relu fused.
// Skipped without the addon: tfjs-wasm's own _FusedMatMul is off (relative error 0.2) on the batched
// transposed case with a bias, which is not tsdl's kernel.
test("skinny matrix products (a side of at most 4), every transposition, bias and relu: equal the JS backend", { skip: !native && "the native kernels are not loaded" }, async () => {
  await ready();
  const cases: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [
    { a: [10, 150528], b: [150528, 2], ta: false, tb: false }, // Dense forward
    { a: [10, 2], b: [150528, 2], ta: false, tb: true }, // dx = dy · Wᵀ
    { a: [10, 150528], b: [10, 2], ta: true, tb: false }, // dW = xᵀ · dy
    { a: [7, 3001], b: [3, 3001], ta: false, tb: true },
    { a: [5, 3001], b: [5, 4], ta: true, tb: false },
    { a: [4, 50, 3000], b: [50, 1], ta: true, tb: false },
    { a: [3, 60, 2], b: [3, 2, 500], ta: false, tb: false },
    { a: [3, 50, 4], b: [3, 300, 4], ta: false, tb: true },
  ];
  for (const c of cases) {
    const [n, r] = await onBoth(() => {
      const a = tf.randomNormal(c.a, 0, 1, "float32", 81);
      const b = tf.randomNormal(c.b, 0, 1, "float32", 82);
      const cols = c.tb ? c.b[c.b.length - 2] : c.b[c.b.length - 1];
      const bias = tf.randomNormal([cols], 0, 1, "float32", 83);
      return [tf.matMul(a, b, c.ta, c.tb), tf.fused.matMul({ a, b, transposeA: c.ta, transposeB: c.tb, bias, activation: "relu" })];
    });
    assertClose(n, r, [`${JSON.stringify(c)} product`, `${JSON.stringify(c)} + bias, relu`]);
  }
});

test("tf.relu's gradient on wasm is one TsdlReluGrad pass (not Step, Cast, Multiply) and equals tfjs' on the JS backend, zeros and negatives included", async () => {
  await ready();
  const f = () => {
    // rounded: exact zeros, where relu passes no gradient
    const x = tf.round(tf.mul(tf.randomNormal([32, 300], 0, 1, "float32", 11), 2));
    const dy = tf.randomNormal([32, 300], 0, 1, "float32", 12);
    return [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), dy)))(x)];
  };
  const [n, r] = await onBoth(f);
  assert.deepEqual(Array.from(n[0]), Array.from(r[0]), "dy where x > 0, else 0: exactly");
  const kernels = (await tf.profile(() => void tf.dispose(f()))).kernels.map((k) => k.name);
  assert.ok(kernels.includes("TsdlReluGrad") && !kernels.includes("Step"), kernels.join(", "));
});

test("denormals: native kernels flush them to zero (as TensorFlow does), the optimizers' state never holds one, and JavaScript and wasm keep IEEE arithmetic", async () => {
  await ready();
  const FLT_MIN = 1.1754943508222875e-38;
  // 1e-20 · 1e-20 = 1e-40, a float32 denormal: 0 from oneDNN under flush-to-zero.
  const a = tf.fill([4, 8], 1e-20);
  const p = tf.matMul(a, a, false, true);
  const got = await p.data();
  if (native) assert.ok(got.every((v) => v === 0), `native product of 1e-20s: ${got[0]}`);
  else assert.ok(got.every((v) => Math.abs(v - 8e-40) < 1e-44), `stock wasm product of 1e-20s: ${got[0]}`);
  // The caller's floating-point mode is put back: double and float32 denormals still come out of
  // JavaScript and of the stock wasm kernels after a native call.
  assert.equal(Number.MIN_VALUE * 2, 1e-323);
  assert.equal(Math.fround(1e-40) > 0, true);
  const d = tf.mul(tf.scalar(1e-20), tf.scalar(1e-20));
  assert.ok((await d.data())[0] > 0, "wasm's Multiply keeps a denormal result");
  // Adam's first moment of a weight whose gradient is 0 shrinks by beta1 a step: it reaches 0 without
  // passing through the denormal range.
  const model = keras.Sequential([keras.Input([1]), layers.Dense(1, { useBias: false, kernelInitializer: "zeros" })]);
  model.compile({ optimizer: optimizers.Adam({ learningRate: 1e-3 }), loss: "mse" });
  await model.fit(tf.ones([1, 1]), tf.ones([1, 1]), { epochs: 1, verbose: 0 });
  await model.fit(tf.zeros([1, 1]), tf.zeros([1, 1]), { epochs: 900, verbose: 0 }); // gradient 0 from here
  const slots = (model.optimizer as unknown as { slotsOf(v: unknown): Record<string, tf.Variable> }).slotsOf(model.trainableWeights[0])!;
  assert.deepEqual(Object.keys(slots), ["momentum", "velocity"]);
  const [m] = await slots.momentum.data();
  assert.ok(m === 0 || Math.abs(m) >= FLT_MIN, `Adam's momentum ${m} is a denormal`);
  tf.dispose([a, p, d]);
});

// Dense's training op (dense_training.ts): x · kernel + bias (and relu) in one product, with a gradient
// that computes only what is asked for.
for (const c of [
  { name: "seed 003's first layer (no bias)", x: [32, 784], units: 300, bias: false, activation: "linear" as const },
  { name: "a classifier's last layer", x: [32, 100], units: 10, bias: true, activation: "linear" as const },
  { name: "bias and relu", x: [17, 33], units: 20, bias: true, activation: "relu" as const },
]) {
  test(`Dense's training op, ${c.name}: output and gradients equal tfjs' composed ops`, async () => {
    await ready();
    const make = () => ({
      x: tf.randomNormal(c.x, 0, 1, "float32", 91),
      w: tf.randomNormal([c.x[1], c.units], 0, 0.3, "float32", 92),
      b: tf.randomNormal([c.units], 0, 0.5, "float32", 93),
    });
    const dyFor = () => tf.randomNormal([c.x[0], c.units], 0, 1, "float32", 94);
    await tf.setBackend("wasm");
    const v = make();
    const before = tf.memory().numTensors;
    const fused = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => denseTraining(x, w, c.bias ? b : undefined, c.activation)!;
    const y = fused(v.x, v.w, v.b);
    assert.ok(y, "the op runs on wasm");
    assert.deepEqual(y.shape, [c.x[0], c.units]);
    const dyw = dyFor();
    // (a bias that is not used has no gradient to take)
    const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(fused(a[0], a[1], a[2]), dyw)))(c.bias ? [v.x, v.w, v.b] : [v.x, v.w]);
    const mine = await Promise.all([y, ...grads].map(async (t) => (await t.data()) as Float32Array));
    // The input's gradient is not computed where nobody asks for it (a model's first layer).
    const profile = await tf.profile(() => void tf.dispose(tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(fused(v.x, a[0], a[1]), dyw)))(c.bias ? [v.w, v.b] : [v.w])));
    assert.equal(profile.kernels.filter((k) => /MatMul/.test(k.name)).length, 1, profile.kernels.map((k) => k.name).join(", "));
    tf.dispose([y, dyw, ...grads]);
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
    tf.dispose([v.x, v.w, v.b]);
    await tf.setBackend("cpu");
    const r = make();
    const composed = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => {
      const z = c.bias ? tf.add(tf.matMul(x, w), b) : tf.matMul(x, w);
      return c.activation === "relu" ? tf.relu(z) : z;
    };
    const ry = composed(r.x, r.w, r.b);
    const rdy = dyFor();
    const rgrads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(composed(a[0], a[1], a[2]), rdy)))(c.bias ? [r.x, r.w, r.b] : [r.x, r.w]);
    const reference = await Promise.all([ry, ...rgrads].map(async (t) => (await t.data()) as Float32Array));
    await tf.setBackend("wasm");
    assertClose(mine, reference, ["y", "dx", "dkernel", "dbias"].slice(0, c.bias ? 4 : 3));
  });
}

test("the batch mean (small_mean.ts): value and gradient equal tf.mean on the JS backend; large or integer tensors are left to tfjs", async () => {
  await ready();
  const results: Float32Array[][] = [];
  for (const backend of ["wasm", "cpu"]) {
    await tf.setBackend(backend);
    const x = tf.randomNormal([32, 3], 2, 5, "float32", 95);
    const before = tf.memory().numTensors;
    const f = (a: tf.Tensor) => (backend === "wasm" ? smallMean(a)! : tf.mean(a));
    const value = f(x);
    assert.equal(value.rank, 0);
    const grad = tf.grad((a: tf.Tensor) => tf.mul(f(a), 3))(x);
    results.push([(await value.data()) as Float32Array, (await grad.data()) as Float32Array]);
    tf.dispose([value, grad]);
    assert.equal(tf.memory().numTensors, before, `${backend}: no tensor left behind`);
    x.dispose();
  }
  await tf.setBackend("wasm");
  assertClose(results[0], results[1], ["mean", "gradient"]);
  const big = tf.zeros([SMALL + 1]);
  const ints = tf.tensor1d([1, 2], "int32");
  assert.equal(smallMean(big), undefined);
  assert.equal(smallMean(ints), undefined);
  tf.dispose([big, ints]);
});

test("sparse accuracy reads float32 class indices as tfjs casts them (truncated), without a cast kernel", async () => {
  await ready();
  const p = tf.tensor2d([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3], [0.2, 0.2, 0.6], [0.9, 0.05, 0.05], [0.3, 0.3, 0.4]]);
  const floats = tf.tensor1d([1, 0.9, 2.7, -0.5, 1]); // truncated: 1, 0, 2, 0, 1
  const ints = tf.tensor1d([1, 0, 2, 0, 1], "int32");
  const a = accuracy(p, floats, true)!;
  const b = accuracy(p, ints, true)!;
  assert.deepEqual(Array.from(await a.data()), [1, 1, 1, 1, 0]);
  assert.deepEqual(Array.from(await a.data()), Array.from(await b.data()));
  const kernels = (await tf.profile(() => void accuracy(p, floats, true)!.dispose())).kernels.map((k) => k.name);
  assert.deepEqual(kernels, ["TsdlAccuracy"]);
  tf.dispose([p, floats, ints, a, b]);
});

test("batch norm + relu in one training kernel (a BatchNormalization and a ReLU layer fused): output and gradients equal relu(batch norm) composed on the JS backend", async () => {
  await ready();
  for (const shape of [[32, 300], [4, 5, 6, 3]]) {
    const c = shape[shape.length - 1];
    const make = () => ({
      x: tf.randomNormal(shape, 0.5, 2, "float32", 96),
      g: tf.randomNormal([c], 1, 0.3, "float32", 97),
      b: tf.randomNormal([c], 0, 0.5, "float32", 98),
      dy: tf.randomNormal(shape, 0, 1, "float32", 99),
    });
    await tf.setBackend("wasm");
    const v = make();
    const before = tf.memory().numTensors;
    const fused = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const r = batchNormTraining(x, g, b, 1e-3, true)!;
      tf.dispose([r.mean, r.variance]);
      return r.y;
    };
    const y = fused(v.x, v.g, v.b);
    const grads = tf.grads((x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fused(x, g, b), v.dy)))([v.x, v.g, v.b]);
    const mine = await Promise.all([y, ...grads].map(async (t) => (await t.data()) as Float32Array));
    assert.ok(mine[0].some((e) => e === 0) && mine[0].some((e) => e > 0), "the relu cut some entries");
    tf.dispose([y, ...grads]);
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
    tf.dispose(Object.values(v));
    await tf.setBackend("cpu");
    const r = make();
    const axes = shape.slice(0, -1).map((_, i) => i);
    const composed = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(x, axes);
      return tf.relu(tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3))), g), b));
    };
    const ry = composed(r.x, r.g, r.b);
    const rgrads = tf.grads((x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(composed(x, g, b), r.dy)))([r.x, r.g, r.b]);
    const reference = await Promise.all([ry, ...rgrads].map(async (t) => (await t.data()) as Float32Array));
    await tf.setBackend("wasm");
    assertClose(mine, reference, ["y", "dx", "dgamma", "dbeta"]);
  }
});

test("fit's step of Dense -> BatchNormalization -> ReLU -> Dense(softmax): the pair runs fused, and no Relu, Identity, Cast or Reshape kernel is left", async () => {
  await ready();
  const m = keras.Sequential([layers.Dense(8, { inputShape: [6], useBias: false }), layers.BatchNormalization(), layers.ReLU(), layers.Dense(3, { activation: "softmax" })]);
  m.compile({ loss: "sparse_categorical_crossentropy", optimizer: optimizers.SGD({ learningRate: 0.1 }), metrics: ["accuracy"] });
  const x = tf.randomNormal([32, 6], 0, 1, "float32", 100);
  const y = tf.cast(tf.randomUniform([32], 0, 3, "int32", 101), "float32");
  await m.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0, shuffle: false });
  const all = (await tf.profile(async () => void (await m.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0, shuffle: false })))).kernels.map((k) => k.name);
  // The step's kernels: up to the accuracy's sum (then the epoch's end reads the metrics).
  const kernels = all.slice(0, all.indexOf("TsdlAccuracy") + 2);
  assert.ok(kernels.includes("TsdlBatchNormTraining") && kernels.includes("TsdlDense") && kernels.includes("TsdlMean"), all.join(", "));
  for (const k of ["Relu", "TsdlReluGrad", "Identity", "Cast", "Reshape"]) assert.ok(!kernels.includes(k), `${k} in ${kernels.join(", ")}`);
  tf.dispose([x, y]);
  m.dispose();
});

/** Runs f, counting the calls of one of the addon's functions meanwhile (0 without the addon). */
async function countingCalls<T>(name: "depthwiseConv2d", f: () => Promise<T>): Promise<[T, number]> {
  const addon = loadNative().addon as unknown as Record<string, (...a: unknown[]) => void> | undefined;
  const original = addon?.[name];
  let calls = 0;
  if (addon && original) addon[name] = (...a: unknown[]) => (calls++, original(...a));
  try {
    return [await f(), calls];
  } finally {
    if (addon && original) addon[name] = original;
  }
}

// The depthwise convolution on oneDNN's grouped convolution (native_depthwise.ts): forward and both
// gradients against the JS backend, with several filters per channel, strides, a batch of one, and a
// dilated forward pass (tfjs' gradient of a dilated one refuses); and oneDNN, not the kernel it replaces, ran.
for (const c of [
  { x: [2, 9, 8, 3], f: [3, 3, 3, 1], strides: 1, pad: "same", dilations: 1 },
  { x: [2, 9, 8, 3], f: [3, 2, 3, 4], strides: 2, pad: "valid", dilations: 1 },
  { x: [3, 12, 11, 5], f: [3, 3, 5, 2], strides: 1, pad: "same", dilations: 2 },
  { x: [1, 16, 16, 32], f: [3, 3, 32, 1], strides: 2, pad: "same", dilations: 1 },
] as const) {
  test(`depthwise conv2d ${native ? "(oneDNN) " : "(wasm) "}on ${c.x} * ${c.f}, ${c.pad}/${c.strides}, dilation ${c.dilations}: output and gradients equal the JS backend`, async () => {
    await ready();
    const [[got, want], calls] = await countingCalls("depthwiseConv2d", () =>
      onBoth(() => {
        const x = tf.randomNormal([...c.x], 0, 1, "float32", 1) as tf.Tensor4D;
        const w = tf.randomNormal([...c.f], 0, 1, "float32", 2) as tf.Tensor4D;
        const y = tf.depthwiseConv2d(x, w, c.strides, c.pad, "NHWC", c.dilations);
        if (c.dilations > 1) {
          tf.dispose([x, w]);
          return [y];
        }
        const dy = tf.randomNormal(y.shape, 0, 1, "float32", 3);
        const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad, "NHWC", c.dilations), dy));
        const [dx, dw] = tf.grads(f)([x, w]);
        tf.dispose([x, w, dy]);
        return [y, dx, dw];
      }),
    );
    assertClose(got, want, c.dilations > 1 ? ["y"] : ["y", "dx", "dw"]);
    // y, then grads' forward pass and the two gradients
    if (native) assert.equal(calls, c.dilations > 1 ? 1 : 4, "oneDNN ran the forward passes and both gradients");
  });
}

// Convolutions whose last window ends before the input does (keras.io's Xception-like residual
// Conv2D(size, 1, strides 2, "same") on an even size) stay on the wasm kernels: oneDNN with a negative
// end padding gave these numbers but left the process to crash later.
for (const [H, K, S] of [[90, 1, 2], [8, 1, 2], [12, 1, 3]] as const) {
  test(`conv2d ${K}x${K}/${S} "same" on ${H}x${H} (wasm kernels, not oneDNN): output and gradients equal the JS backend`, async () => {
    await ready();
    const [got, want] = await onBoth(() => {
      const x = tf.randomNormal([2, H, H, 3], 0, 1, "float32", 1) as tf.Tensor4D;
      const w = tf.randomNormal([K, K, 3, 4], 0, 1, "float32", 2) as tf.Tensor4D;
      const y = tf.conv2d(x, w, S, "same");
      const dy = tf.randomNormal(y.shape, 0, 1, "float32", 3);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, S, "same"), dy)))([x, w]);
      tf.dispose([x, w, dy]);
      return [y, dx, dw];
    });
    assertClose(got, want, ["y", "dx", "dw"]);
  });
}
