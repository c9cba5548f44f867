// The WebGPU code path on this machine's software adapter (Dawn's OpenGL ES backend over Mesa's llvmpipe):
// a seed model trains a few steps and its loss follows the plain-JS backend's from the same start.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";

test("seed-003-style model: WebGPU losses match the CPU backend's step for step", () => {
  const out = execFileSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "webgpu_parity.ts")], {
    env: { ...process.env, TSDL_BACKEND: "webgpu", EGL_PLATFORM: "surfaceless" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
    timeout: 300_000,
  });
  const r = JSON.parse(out.trim().split("\n").pop()!) as { backend: string; adapter: string; webgpu: number[]; cpu: number[] };
  assert.equal(r.backend, "webgpu", `backend ${r.backend}`);
  assert.equal(r.webgpu.length, 12);
  r.webgpu.forEach((l, i) => assert.ok(Math.abs(l - r.cpu[i]) < 1e-3 * Math.max(1, Math.abs(r.cpu[i])), `step ${i}: webgpu ${l}, cpu ${r.cpu[i]}`));
  assert.ok(r.webgpu.at(-1)! < r.webgpu[0], `loss falls: ${r.webgpu}`);
});
