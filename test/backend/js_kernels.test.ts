// The fused training kernels in JavaScript (js_kernels.ts, used when the native addon is not built):
// native_kernels.test.ts run again in a process with TSDL_NATIVE=0, against the same JS-backend
// references.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

test("without the addon, every kernel test passes on the JavaScript fused kernels and stock wasm", { timeout: 300_000 }, () => {
  const file = fileURLToPath(new URL("./native_kernels.test.ts", import.meta.url));
  // NODE_TEST_CONTEXT would make the child report to this runner in its binary protocol, not TAP.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", file], { env: { ...env, TSDL_NATIVE: "0" }, encoding: "utf8" });
  const out = r.stdout + r.stderr;
  const passed = Number(/# pass (\d+)/.exec(out)?.[1] ?? 0);
  assert.equal(r.status, 0, out.split("\n").filter((l) => /^not ok|error|Error/.test(l)).slice(0, 20).join("\n"));
  assert.ok(passed >= 20, `${passed} tests passed`);
  assert.match(out, /# fail 0/);
  assert.match(out, /without the addon, the fused kernels are registered in JavaScript/);
});
