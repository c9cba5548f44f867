// The thread budget (src/backend/threads.ts): TSDL_THREADS, OMP_NUM_THREADS, else the CPUs this process
// may use (taskset's affinity), followed by every pool the backend starts, as backend() reports them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { threadBudget } from "../../src/backend/threads.ts";
import { NATIVE_ADDON } from "../../src/backend/native_kernels.ts";

test("TSDL_THREADS, then OMP_NUM_THREADS (its first number), then the CPUs; a bad value is a clear error", () => {
  assert.deepEqual(threadBudget({ TSDL_THREADS: "3", OMP_NUM_THREADS: "5" }), { threads: 3, source: "TSDL_THREADS" });
  assert.deepEqual(threadBudget({ OMP_NUM_THREADS: "2,1" }), { threads: 2, source: "OMP_NUM_THREADS" });
  assert.throws(() => threadBudget({ TSDL_THREADS: "all" }), /TSDL_THREADS="all": expected a whole number of threads, 1 or more/);
  assert.throws(() => threadBudget({ OMP_NUM_THREADS: "0" }), /OMP_NUM_THREADS="0": expected a whole number/);
  assert.ok(threadBudget({}).threads <= availableParallelism());
});

const index = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
const script = `
import * as tf from "@tensorflow/tfjs";
import { ready, backend } from ${JSON.stringify(index)};
await ready();
await tf.conv2d(tf.ones([1, 8, 8, 4]), tf.ones([3, 3, 4, 4]), 1, "same").data();
const b = backend();
console.log(JSON.stringify({ threads: b.threads, source: b.threadsSource, wasmThreads: b.wasmThreads ?? null, nativeThreads: b.nativeThreads ?? null, text: String(b) }));
`;

function report(env: Record<string, string>, prefix: string[] = []) {
  const { NODE_TEST_CONTEXT: _, TSDL_THREADS: _t, OMP_NUM_THREADS: _o, TSDL_WASM_THREADS: _w, ...rest } = process.env;
  const argv = [...prefix, process.execPath, "--import", "tsx", "--input-type=module", "-e", script];
  const r = spawnSync(argv[0], argv.slice(1), { env: { ...rest, TSDL_BACKEND: "wasm", ...env }, encoding: "utf8", timeout: 90_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as { threads: number; source: string; wasmThreads: number | null; nativeThreads: number | null; text: string };
}

// Under TSDL_NATIVE=0 (the whole suite run without the addon) the children inherit it: no native cases.
const native = existsSync(NATIVE_ADDON) && process.env.TSDL_NATIVE !== "0";

test("TSDL_THREADS=1: the budget, oneDNN's OpenMP pool and XNNPACK's pthread pool are all 1", { timeout: 200_000 }, () => {
  if (native) {
    const r = report({ TSDL_THREADS: "1" });
    assert.equal(r.threads, 1);
    assert.equal(r.source, "TSDL_THREADS");
    assert.equal(r.nativeThreads, 1, r.text);
    assert.match(r.text, /thread budget 1 \(TSDL_THREADS\)/);
  }
  const w = report({ TSDL_THREADS: "1", TSDL_NATIVE: "0" });
  assert.equal(w.threads, 1);
  assert.equal(w.wasmThreads, 1, w.text);
  assert.doesNotMatch(w.text, /tfjs-backend-wasm, \d+ threads/);
});

test("under taskset -c 0 the default budget is 1 (the affinity mask, not the machine's cores)", { timeout: 200_000, skip: !existsSync("/usr/bin/taskset") && "no taskset" }, () => {
  const w = report({ TSDL_NATIVE: "0" }, ["taskset", "-c", "0"]);
  assert.equal(w.threads, 1, w.text);
  assert.equal(w.source, "the CPUs this process may use");
  assert.equal(w.wasmThreads, 1, w.text);
  if (native) {
    const r = report({}, ["taskset", "-c", "0"]);
    assert.equal(r.threads, 1);
    assert.equal(r.nativeThreads, 1, r.text);
  }
});
