// Without the native addon, the wasm backend runs XNNPACK on tfjs' multi-threaded build (wasm_threads.ts):
// each case starts tsdl in a process of its own (the backend starts once per process) and checks the
// thread count it reports, a convolution and a matrix product against the plain-JS backend, and that
// the process ends by itself (the pthreads must not keep it alive).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";

const index = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
const script = `
import * as tf from "@tensorflow/tfjs";
import { ready, backend } from ${JSON.stringify(index)};
await ready();
const run = async () => {
  const x = tf.randomNormal([4, 12, 12, 8], 0, 1, "float32", 1);
  const w = tf.randomNormal([3, 3, 8, 16], 0, 1, "float32", 2);
  const a = tf.randomNormal([64, 300], 0, 1, "float32", 3);
  const b = tf.randomNormal([300, 200], 0, 1, "float32", 4);
  return [Array.from(await tf.conv2d(x, w, 1, "same").data()), Array.from(await tf.matMul(a, b).data())];
};
const wasm = await run();
const threads = backend().wasmThreads;
const text = String(backend());
await tf.setBackend("cpu");
const cpu = await run();
const err = wasm.map((v, k) => Math.max(...v.map((e, i) => Math.abs(e - cpu[k][i]) / Math.max(1, Math.abs(cpu[k][i])))));
console.log(JSON.stringify({ threads, text, err }));
`;

function start(env: Record<string, string>) {
  const { NODE_TEST_CONTEXT: _, ...rest } = process.env;
  return spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { env: { ...rest, TSDL_NATIVE: "0", ...env }, encoding: "utf8", timeout: 60_000 });
}

test("without the addon, XNNPACK runs on every core (up to 8), results equal the JS backend, and the process ends by itself", { timeout: 120_000 }, () => {
  const r = start({});
  assert.equal(r.error, undefined, `the process did not end by itself: ${r.error}`);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { threads: number; text: string; err: number[] };
  const expected = Math.min(availableParallelism(), 8);
  assert.equal(out.threads, expected);
  if (expected > 1) assert.match(out.text, new RegExp(`tfjs-backend-wasm, ${expected} threads`));
  for (const e of out.err) assert.ok(e < 1e-4, `relative error ${e}`);
});

test("TSDL_WASM_THREADS=1 keeps the single-threaded build", { timeout: 120_000 }, () => {
  const r = start({ TSDL_WASM_THREADS: "1" });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { threads: number; text: string };
  assert.equal(out.threads, 1);
  assert.doesNotMatch(out.text, /threads/);
});

test("a bad TSDL_WASM_THREADS is a clear error", { timeout: 120_000 }, () => {
  const r = start({ TSDL_WASM_THREADS: "many" });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /TSDL_WASM_THREADS="many": expected a whole number of threads, 1 or more/);
});
