// Without the native addon, the wasm backend runs XNNPACK on tfjs' multi-threaded build (wasm_threads.ts):
// each case starts tsdl in a process of its own (the backend starts once per process) and checks the
// thread count it reports, a convolution and a matrix product against the plain-JS backend, and that
// the process ends by itself (the pthreads must not keep it alive).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
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
console.log(JSON.stringify({ threads, text, err, failure: backend().wasmThreadsFailure }));
`;

function start(env: Record<string, string>, options: { uid?: number; umask?: string; code?: string } = {}) {
  const { NODE_TEST_CONTEXT: _, ...rest } = process.env;
  const node = [process.execPath, "--import", "tsx", "--input-type=module", "-e", options.code ?? script];
  // As another user (setpriv, from root), with the umask that user has.
  const argv = options.uid === undefined ? node : ["setpriv", `--reuid=${options.uid}`, `--regid=${options.uid}`, "--clear-groups", "sh", "-c", `umask ${options.umask ?? "022"}; exec "$@"`, "sh", ...node];
  return spawnSync(argv[0], argv.slice(1), { env: { ...rest, TSDL_NATIVE: "0", ...env }, encoding: "utf8", timeout: 90_000 });
}

function outcome(r: ReturnType<typeof start>) {
  assert.equal(r.error, undefined, `the process did not end by itself: ${r.error}`);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as { threads: number; text: string; err: number[]; failure?: string };
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

const isRoot = process.getuid?.() === 0;

test("two users share a temp folder: the first with umask 077, then the second starts threaded wasm too (nothing of one user's is the other's)", { timeout: 240_000, skip: !isRoot && "needs root to run as two users (setpriv)" }, () => {
  // A shared sticky /tmp as Debian's jupyterhub.service gives every user, and a home for each.
  const root = mkdtempSync(join(tmpdir(), "tsdl-two-users-"));
  chmodSync(root, 0o755);
  const shared = join(root, "tmp");
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  try {
    for (const [uid, umask] of [[61901, "077"], [61902, "022"]] as const) {
      const home = join(root, `home-${uid}`);
      mkdirSync(home);
      chownSync(home, uid, uid);
      const r = start({ TSDL_WASM_THREADS: "2", TMPDIR: shared, HOME: home, TSDL_HOME: join(home, ".tsdl") }, { uid, umask });
      const out = outcome(r);
      assert.equal(out.threads, 2, `user ${uid}: ${out.text} ${out.failure ?? ""}`);
      assert.equal(out.failure, undefined);
      for (const e of out.err) assert.ok(e < 1e-4, `relative error ${e}`);
    }
    // Nothing of tsdl's was left in the shared folder (tsx keeps its own per-user cache there).
    assert.deepEqual(readdirSync(shared).filter((f) => f.startsWith("tsdl")), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a threaded start that fails (a pthread worker errors at once, as EACCES did) falls back to the single-threaded build and says why", { timeout: 120_000 }, () => {
  // The Worker class the glue gets makes workers whose script throws as it starts: a real worker error.
  const failing = `
import workerThreads from "node:worker_threads";
const Real = workerThreads.Worker;
workerThreads.Worker = class extends Real {
  constructor() { super("throw new Error('EACCES: permission denied, open /tmp/x.js')", { eval: true }); }
};
${script}`;
  const out = outcome(start({ TSDL_WASM_THREADS: "2" }, { code: failing }));
  assert.equal(out.threads, 1);
  assert.match(out.failure ?? "", /a pthread worker failed: EACCES: permission denied/);
  assert.match(out.text, /not taken: .*the multi-threaded wasm build \(a pthread worker failed: EACCES: permission denied.*\): single-threaded instead/);
  for (const e of out.err) assert.ok(e < 1e-4, `relative error ${e}`);
});
