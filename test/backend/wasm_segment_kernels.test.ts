// tsdl's wasm UnsortedSegmentSum (the gather gradient, which Embedding needs to train) against tfjs'
// plain-JS reference kernel.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../src/backend/backend.ts";
import { maxRelativeError } from "./relative_error.ts";

const CASES = [
  { x: [6, 3], ids: [0, 2, 2, 1, 0, 4], n: 5, dtype: "float32" },
  { x: [5, 2, 3], ids: [3, 3, 3, 0, 1], n: 4, dtype: "float32" },
  { x: [7], ids: [1, 0, 1, 1, -1, 2, 9], n: 3, dtype: "float32" }, // ids outside [0, n) are dropped
  { x: [4, 2], ids: [1, 1, 0, 1], n: 2, dtype: "int32" },
  { x: [200, 16], ids: Array.from({ length: 200 }, (_, i) => (i * 7) % 50), n: 50, dtype: "float32" },
] as const;

async function on(backend: string, run: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = run();
  const list = Array.isArray(out) ? out : [out];
  const data = await Promise.all(list.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(list);
  return data;
}

for (const c of CASES) {
  test(`UnsortedSegmentSum on wasm matches the JS backend: x [${c.x}] (${c.dtype}), ${c.n} segments`, async () => {
    await ready();
    const run = () =>
      tf.tidy(() => {
        const size = (c.x as readonly number[]).reduce((a, b) => a * b, 1);
        const x = c.dtype === "int32" ? tf.tensor(Array.from({ length: size }, (_, i) => (i % 7) - 3), [...c.x], "int32") : tf.randomNormal([...c.x], 0, 1, "float32", 3);
        return tf.unsortedSegmentSum(x, tf.tensor1d([...c.ids], "int32"), c.n);
      });
    const [wasm] = await on("wasm", run);
    const [cpu] = await on("cpu", run);
    assert.ok(maxRelativeError(wasm, cpu) < 1e-6, `error ${maxRelativeError(wasm, cpu)}`);
    await tf.setBackend("wasm");
  });
}

test("the gather gradient (an Embedding's) trains on wasm and matches the JS backend", async () => {
  await ready();
  const run = () =>
    tf.tidy(() => {
      const table = tf.randomNormal([10, 4], 0, 1, "float32", 1);
      const ids = tf.tensor2d([[1, 2, 2, 0], [9, 1, 1, 1]], undefined, "int32");
      const dy = tf.randomNormal([2, 4, 4], 0, 1, "float32", 2);
      const [g] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), dy)))([table]);
      return g;
    });
  const [wasm] = await on("wasm", run);
  const [cpu] = await on("cpu", run);
  assert.ok(maxRelativeError(wasm, cpu) < 1e-6, `error ${maxRelativeError(wasm, cpu)}`);
  assert.equal(wasm.slice(3 * 4, 8 * 4).every((v) => v === 0), true, "rows never looked up get no gradient");
  await tf.setBackend("wasm");
});

test("UnsortedSegmentSum frees what it does not return", async () => {
  await ready();
  await tf.setBackend("wasm");
  const x = tf.ones([4, 3]);
  const ids = tf.tensor1d([0, 1, 0, 1], "int32");
  tf.unsortedSegmentSum(x, ids, 2).dispose();
  const before = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
  for (let i = 0; i < 3; i++) tf.unsortedSegmentSum(x, ids, 2).dispose();
  assert.equal((tf.backend() as unknown as { numDataIds(): number }).numDataIds(), before);
  tf.dispose([x, ids]);
});
