// Signals that land while a native kernel runs: Jupyter's interrupt (SIGINT to the kernel process) and
// the CPU profiler's SIGPROF (node --cpu-prof) must leave the process running. Before the addon held
// signals during its kernels, one landing inside oneDNN's gemm corrupted the C heap and the process
// aborted ("corrupted size vs. prev_size while consolidating"), within a second under the profiler.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadNative } from "../../src/backend/native_kernels.ts";

const native = loadNative().addon !== undefined;
const CHILD = new URL("./native_signals_child.ts", import.meta.url).pathname;

/** Runs the child (products for `ms`); onReady is called once its SIGINT handler is in place and returns what ends that (called at the child's result line). */
function run(args: string[], ms: number, onReady?: (pid: number) => () => void): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...args, "--import", "tsx", CHILD, String(ms)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    let stop: (() => void) | undefined;
    child.stdout.on("data", (d) => {
      out += d;
      if (!stop && out.startsWith("ready\n")) stop = onReady?.(child.pid!) ?? (() => {});
      if (out.includes("{")) stop?.(); // its result: the products are over
    });
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code, signal) => {
      stop?.();
      resolve({ code, signal, out, err });
    });
  });
}

function result(out: string): { products: number; interrupts: number } {
  return JSON.parse(out.trim().split("\n").at(-1)!);
}

test("the CPU profiler's signals during oneDNN products: the process runs to its end and writes its profile", { skip: !native && "the native kernels are not loaded" }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-prof-"));
  try {
    const r = await run(["--cpu-prof", "--cpu-prof-interval", "100", "--cpu-prof-dir", dir], 4000);
    assert.equal(r.code, 0, `exit ${r.code} ${r.signal ?? ""}: ${r.err.slice(-400)}`);
    assert.ok(result(r.out).products > 300, r.out);
    assert.ok(readdirSync(dir).some((f) => f.endsWith(".cpuprofile")), "a profile was written");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a stream of SIGINTs (Jupyter's interrupt) during oneDNN products: each reaches the handler, nothing crashes", { skip: !native && "the native kernels are not loaded" }, async () => {
  let sent = 0;
  const r = await run([], 4000, (pid) => {
    const timer = setInterval(() => {
      try {
        process.kill(pid, "SIGINT");
        sent++;
      } catch {}
    }, 1);
    return () => clearInterval(timer);
  });
  assert.equal(r.code, 0, `exit ${r.code} ${r.signal ?? ""}: ${r.err.slice(-400)}`);
  const { products, interrupts } = result(r.out);
  assert.ok(products > 300 && interrupts > 0 && sent > 0, `${r.out}, ${sent} sent`);
});
