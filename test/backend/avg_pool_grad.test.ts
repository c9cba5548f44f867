// tsdl's wasm AvgPoolGrad (src/backend/avg_pool_grad.ts) against the plain-JS backend: its stock
// kernel where it is right ("valid" pools, every window full), and for "same" pools against the
// gradient of the same average written as ops the JS backend differentiates correctly: a "valid" pool
// of the zero-padded input divided by the same pool of padded ones (the share of real inputs).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../src/backend/backend.ts";
import { maxRelativeError } from "./relative_error.ts";

type Pad = "valid" | "same";
const CASES: { x: [number, number, number, number]; k: [number, number]; s: [number, number]; pad: Pad }[] = [
  { x: [2, 6, 6, 3], k: [2, 2], s: [2, 2], pad: "valid" },
  { x: [2, 7, 5, 2], k: [3, 2], s: [1, 2], pad: "valid" },
  { x: [2, 7, 8, 2], k: [3, 3], s: [2, 2], pad: "same" },
  { x: [2, 4, 5, 2], k: [2, 3], s: [1, 1], pad: "same" },
  { x: [1, 9, 1, 4], k: [4, 1], s: [1, 1], pad: "same" }, // a 1-D pool, as AveragePooling1D runs it
  { x: [3, 5, 5, 1], k: [5, 5], s: [3, 3], pad: "same" },
  { x: [2, 8, 8, 2], k: [2, 2], s: [2, 2], pad: "same" }, // "same" with no padding needed
];

/** TensorFlow's "same" padding of one axis: [before, after]. */
function samePads(n: number, k: number, s: number): [number, number] {
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + k - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function averageOfRealInputs(x: tf.Tensor4D, c: (typeof CASES)[number]): tf.Tensor4D {
  const [, H, W] = x.shape;
  const pads: [number, number][] = [[0, 0], samePads(H, c.k[0], c.s[0]), samePads(W, c.k[1], c.s[1]), [0, 0]];
  const sums = tf.avgPool(tf.pad(x, pads), c.k, c.s, "valid");
  const share = tf.avgPool(tf.pad(tf.onesLike(x), pads), c.k, c.s, "valid");
  return tf.div(sums, share);
}

async function run(backendName: string, c: (typeof CASES)[number], reference: boolean) {
  await tf.setBackend(backendName);
  const x = tf.randomNormal(c.x, 0, 1, "float32", 7) as tf.Tensor4D;
  const pool = (a: tf.Tensor4D) => (reference ? averageOfRealInputs(a, c) : tf.avgPool(a, c.k, c.s, c.pad));
  const y = pool(x);
  const cot = tf.randomNormal(y.shape, 0, 1, "float32", 8);
  const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a as tf.Tensor4D), cot)))(x);
  const out = { y: await y.data(), dx: await dx.data() };
  tf.dispose([x, y, cot, dx]);
  return out;
}

for (const c of CASES) {
  test(`avgPool gradient on wasm: x ${c.x}, pool ${c.k}, strides ${c.s}, ${c.pad}`, async () => {
    await ready();
    const wasm = await run("wasm", c, false);
    const cpu = await run("cpu", c, c.pad === "same");
    await tf.setBackend("wasm");
    assert.ok(maxRelativeError(wasm.y, cpu.y) < 1e-5, `forward: ${maxRelativeError(wasm.y, cpu.y)}`);
    assert.ok(maxRelativeError(wasm.dx, cpu.dx) < 1e-5, `dx: ${maxRelativeError(wasm.dx, cpu.dx)}`);
  });
}

test("the reference is a real check: the stock JS AvgPoolGrad, which counts the padding, differs from it", async () => {
  await ready();
  const c = CASES[2];
  const stock = await run("cpu", c, false);
  const reference = await run("cpu", c, true);
  await tf.setBackend("wasm");
  assert.ok(maxRelativeError(stock.y, reference.y) < 1e-5, "same forward");
  assert.ok(maxRelativeError(stock.dx, reference.dx) > 0.1, "different gradient at the edges");
});

test("AvgPoolGrad on wasm frees what it makes", async () => {
  await ready();
  await tf.setBackend("wasm");
  const x = tf.randomNormal([2, 7, 7, 3]) as tf.Tensor4D;
  const g = tf.grad((a: tf.Tensor) => tf.sum(tf.avgPool(a as tf.Tensor4D, 3, 2, "same")));
  tf.dispose(g(x));
  const before = tf.memory().numTensors;
  const ids = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
  for (let i = 0; i < 3; i++) tf.dispose(g(x));
  assert.equal(tf.memory().numTensors, before);
  assert.equal((tf.backend() as unknown as { numDataIds(): number }).numDataIds(), ids);
  x.dispose();
});
