// tsdl's wasm convolution gradients against tfjs' plain-JS reference kernels, to 1e-4.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../src/backend/backend.ts";
import { maxRelativeError } from "./relative_error.ts";

const CASES = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], strides: 1, pad: "same" },
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], strides: 1, pad: "valid" },
  { x: [2, 8, 9, 2], f: [3, 2, 2, 5], strides: 2, pad: "same" },
  { x: [2, 8, 9, 2], f: [2, 3, 2, 5], strides: 2, pad: "valid" },
  { x: [3, 10, 10, 4], f: [5, 5, 4, 3], strides: 3, pad: "same" },
  { x: [4, 32, 32, 3], f: [3, 3, 3, 32], strides: 1, pad: "valid" }, // seed 002's conv1
  { x: [1, 224, 224, 3], f: [2, 2, 3, 4], strides: 1, pad: "valid" }, // seed 000's wide model
] as const;

async function gradsOn(backendName: string, c: (typeof CASES)[number]) {
  await tf.setBackend(backendName);
  const x = tf.randomNormal([...c.x], 0, 1, "float32", 1) as tf.Tensor4D;
  const w = tf.randomNormal([...c.f], 0, 1, "float32", 2) as tf.Tensor4D;
  const dyPattern = tf.randomNormal(tf.conv2d(x, w, c.strides, c.pad).shape, 0, 1, "float32", 3);
  const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad), dyPattern));
  const [dx, dw] = tf.grads(f)([x, w]);
  const y = tf.conv2d(x, w, c.strides, c.pad);
  const out = { y: await y.data(), dx: await dx.data(), dw: await dw.data() };
  tf.dispose([x, w, dyPattern, dx, dw, y]);
  return out;
}

test("the default backend here is wasm and trains convolutions", async () => {
  const report = await ready();
  assert.equal(report.name, "wasm");
  assert.ok(tf.getKernel("Conv2DBackpropFilter", "wasm"), "Conv2DBackpropFilter is registered for wasm");
});

for (const c of CASES) {
  test(`conv2d gradients match the JS backend: x ${c.x}, filter ${c.f}, strides ${c.strides}, ${c.pad}`, async () => {
    await ready();
    const wasm = await gradsOn("wasm", c);
    const cpu = await gradsOn("cpu", c);
    assert.ok(maxRelativeError(wasm.y, cpu.y) < 1e-4, "forward");
    assert.ok(maxRelativeError(wasm.dx, cpu.dx) < 1e-4, `dx error ${maxRelativeError(wasm.dx, cpu.dx)}`);
    assert.ok(maxRelativeError(wasm.dw, cpu.dw) < 1e-4, `dw error ${maxRelativeError(wasm.dw, cpu.dw)}`);
    await tf.setBackend("wasm");
  });
}

test("the gradient kernels free every intermediate tensor", async () => {
  await ready();
  await tf.setBackend("wasm");
  const x = tf.randomNormal([2, 9, 9, 3]) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same")));
  tf.dispose(g([x, w]));
  const before = tf.memory() as { numTensors: number; numBytes: number };
  const bytesBefore = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
  for (let i = 0; i < 5; i++) tf.dispose(g([x, w]));
  assert.equal(tf.memory().numTensors, before.numTensors);
  assert.equal((tf.backend() as unknown as { numDataIds(): number }).numDataIds(), bytesBefore);
  tf.dispose([x, w]);
});

for (const [ta, tb] of [[true, false], [false, true], [true, true]] as const) {
  test(`matMul with transposeA=${ta}, transposeB=${tb} matches the JS backend (forward and gradients)`, async () => {
    await ready();
    const run = async (name: string) => {
      await tf.setBackend(name);
      const a = tf.randomNormal(ta ? [3, 7, 5] : [3, 5, 7], 0, 1, "float32", 11);
      const b = tf.randomNormal(tb ? [3, 4, 7] : [3, 7, 4], 0, 1, "float32", 12);
      const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, ta, tb)));
      const [ga, gb] = tf.grads(f)([a, b]);
      const y = tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, ta, tb);
      const out = [await y.data(), await ga.data(), await gb.data()];
      tf.dispose([a, b, ga, gb, y]);
      return out;
    };
    const wasm = await run("wasm");
    const cpu = await run("cpu");
    wasm.forEach((w, i) => assert.ok(maxRelativeError(w, cpu[i]) < 1e-5, `output ${i}: ${maxRelativeError(w, cpu[i])}`));
    await tf.setBackend("wasm");
  });
}

for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
  test(`a Dense-shaped matMul (transposeA=${ta}, transposeB=${tb}), taken the other way round the first time and directly the second, matches the JS backend`, async () => {
    await ready();
    const run = async (name: string) => {
      await tf.setBackend(name);
      // A batch of 8 rows against a 300x64 kernel: on wasm the first product packs the batch, not the kernel.
      const a = tf.randomNormal(ta ? [300, 8] : [8, 300], 0, 1, "float32", 21);
      const b = tf.randomNormal(tb ? [64, 300] : [300, 64], 0, 1, "float32", 22);
      const ids = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
      const idsBefore = ids();
      const first = tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, ta, tb);
      const second = tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, ta, tb);
      const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, ta, tb))))([a, b]);
      assert.deepEqual(first.shape, [8, 64]);
      const out = [await first.data(), await second.data(), await ga.data(), await gb.data()];
      tf.dispose([first, second, ga, gb]);
      assert.equal(ids(), idsBefore, `${name}: intermediate tensors left behind`);
      tf.dispose([a, b]);
      return out;
    };
    const wasm = await run("wasm");
    const cpu = await run("cpu");
    wasm.forEach((w, i) => assert.ok(maxRelativeError(w, cpu[i]) < 1e-5, `output ${i}: ${maxRelativeError(w, cpu[i])}`));
    await tf.setBackend("wasm");
  });
}

test("Slice (contiguous and strided, float32/int32/bool) matches the JS backend", async () => {
  await ready();
  const cases: [number[], number[], number[], tf.DataType][] = [
    [[50, 4, 3], [7, 0, 0], [5, 4, 3], "float32"],
    [[50, 4, 3], [7, 1, 0], [5, 2, 3], "float32"],
    [[20, 6], [3, 0], [4, -1], "int32"],
    [[10], [2], [5], "bool"],
    [[6, 5, 20], [1, 2, 3], [3, 2, 17], "float32"], // strided, runs of 17 (copied as views)
    [[4, 3, 5, 2], [1, 0, 2, 1], [2, 3, 2, 1], "int32"], // strided, runs of 1, rank 4
    [[6, 4], [1, 1], [3, 2], "bool"],
  ];
  for (const [shape, begin, size, dtype] of cases) {
    const values = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (dtype === "bool" ? i % 3 === 0 : i * 1.5));
    const out: unknown[] = [];
    for (const b of ["wasm", "cpu"]) {
      await tf.setBackend(b);
      const t = tf.tensor(values as number[], shape, dtype);
      out.push(await t.slice(begin, size).array());
      t.dispose();
    }
    assert.deepEqual(out[0], out[1], `${shape} ${begin} ${size} ${dtype}`);
  }
  await tf.setBackend("wasm");
});

test("Unpack (tf.unstack: every axis, float32/int32/bool) matches the JS backend, frees what it makes, and its gradient is the stack of the parts", async () => {
  await ready();
  const cases: [number[], number, tf.DataType][] = [
    [[6, 3, 4], 0, "float32"],
    [[3, 7, 4], 1, "float32"],
    [[3, 4, 5], -1, "int32"],
    [[2, 5], 1, "bool"],
    [[4], 0, "float32"],
  ];
  for (const [shape, axis, dtype] of cases) {
    const values = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (dtype === "bool" ? i % 3 === 0 : i * 1.5 - 7));
    const out: unknown[] = [];
    for (const b of ["wasm", "cpu"]) {
      await tf.setBackend(b);
      const t = tf.tensor(values as number[], shape, dtype);
      const before = tf.memory().numTensors;
      const parts = tf.unstack(t, axis);
      out.push(await Promise.all(parts.map((p) => p.array())));
      tf.dispose(parts);
      assert.equal(tf.memory().numTensors, before, `${b}: unstack leaves nothing behind`);
      t.dispose();
    }
    assert.deepEqual(out[0], out[1], `${shape} axis ${axis} ${dtype}`);
  }
  const grads: unknown[] = [];
  for (const b of ["wasm", "cpu"]) {
    await tf.setBackend(b);
    const x = tf.tensor(Array.from({ length: 24 }, (_, i) => i / 7), [2, 3, 4]);
    const g = tf.grad((v: tf.Tensor) => tf.addN(tf.unstack(v, 1).map((p, i) => tf.sum(tf.mul(p, i + 1)))))(x);
    grads.push(await g.array());
    tf.dispose([x, g]);
  }
  assert.deepEqual(grads[0], grads[1]);
  await tf.setBackend("wasm");
});

test("a Slice past the end is the JS backend's error on wasm too (it read whatever lay in the heap), contiguous or strided", async () => {
  await ready();
  for (const [shape, begin, size] of [[[2000, 12], [1984, 0], [64, 12]], [[2000, 12], [1984, 2], [64, 3]], [[10], [8], [4]], [[4, 5], [0, 3], [4, 3]]] as const) {
    const errors: string[] = [];
    for (const b of ["wasm", "cpu"]) {
      await tf.setBackend(b);
      const t = tf.zeros(shape as unknown as number[]);
      assert.throws(() => t.slice(begin as unknown as number[], size as unknown as number[]), (e: Error) => void errors.push(e.message) ?? true, `${b}: ${shape} ${begin} ${size}`);
      t.dispose();
    }
    assert.equal(errors[0], errors[1]);
    assert.match(errors[0], /^Error in slice\dD: begin\[\d\] \+ size\[\d\] \(\d+\) would overflow input\.shape\[\d\] \(\d+\)$/);
  }
  await tf.setBackend("wasm");
});

test("the native oneDNN kernels are in use exactly when the addon is built; fused Dense forward matches the JS backend", async () => {
  const { existsSync } = await import("node:fs");
  const { NATIVE_ADDON } = await import("../../src/backend/native_kernels.ts");
  const report = await ready();
  assert.equal(report.native?.registered, existsSync(NATIVE_ADDON) && process.env.TSDL_NATIVE !== "0", JSON.stringify(report.native));
  for (const activation of ["linear", "relu", "sigmoid", "elu", "relu6", "leakyrelu"] as const) {
    const out: Float32Array[] = [];
    for (const b of ["wasm", "cpu"]) {
      await tf.setBackend(b);
      const x = tf.randomNormal([5, 2, 7], 0, 1, "float32", 21);
      const w = tf.randomNormal([7, 3], 0, 1, "float32", 22);
      const bias = tf.randomNormal([3], 0, 1, "float32", 23);
      const y = tf.fused.matMul({ a: x.reshape([10, 7]) as tf.Tensor2D, b: w as tf.Tensor2D, bias, activation, leakyreluAlpha: 0.1 });
      const g = tf.grad((a: tf.Tensor) => tf.sum(tf.fused.matMul({ a: a as tf.Tensor2D, b: w as tf.Tensor2D, bias, activation, leakyreluAlpha: 0.1 })))(x.reshape([10, 7]));
      out.push((await y.data()) as Float32Array, (await g.data()) as Float32Array);
      tf.dispose([x, w, bias, y, g]);
    }
    assert.ok(maxRelativeError(out[0], out[2]) < 1e-5, `${activation} forward`);
    assert.ok(maxRelativeError(out[1], out[3]) < 1e-5, `${activation} gradient`);
  }
  // A batch broadcast against an unbatched matrix, as tf.matMul allows.
  const res: Float32Array[] = [];
  for (const b of ["wasm", "cpu"]) {
    await tf.setBackend(b);
    const a = tf.randomNormal([4, 3, 6], 0, 1, "float32", 31);
    const m = tf.randomNormal([1, 6, 2], 0, 1, "float32", 32);
    res.push((await tf.matMul(a as tf.Tensor3D, m as tf.Tensor3D).data()) as Float32Array);
  }
  assert.ok(maxRelativeError(res[0], res[1]) < 1e-5);
  await tf.setBackend("wasm");
});

test("GatherV2 along the first axis (fit's shuffled batches) matches the JS backend; a bad index is an error", async () => {
  await ready();
  const out: unknown[][] = [];
  for (const b of ["wasm", "cpu"]) {
    await tf.setBackend(b);
    const x = tf.randomNormal([50, 4, 3], 0, 1, "float32", 61);
    const idx = tf.tensor1d([49, 0, 7, 7, 23], "int32");
    const idx2 = tf.tensor2d([[1, 2], [3, 4]], [2, 2], "int32");
    const rows = [
      await tf.gather(x, idx).array(),
      await tf.gather(tf.cast(x, "int32"), idx).array(),
      await tf.gather(tf.greater(x, 0), idx).array(),
      await tf.gather(x, idx2).array(),
      await tf.gather(x, tf.tensor1d([2, 0], "int32"), 1).array(), // another axis: the stock kernel
    ];
    out.push(rows);
    assert.throws(() => tf.gather(x, tf.tensor1d([3, 50], "int32")), /GatherV2: the index value 50 is not in \[0, 49\]/);
  }
  assert.deepEqual(out[0], out[1]);
  await tf.setBackend("wasm");
});
