// Without the native addon (TSDL_NATIVE=0): the fused training kernels in JavaScript (js_kernels.ts) and
// tsdl's stock-wasm kernels (wasm_kernels.ts: the convolution gradients, products, slices, gathers;
// wasm_depthwise_kernels.ts), which the addon otherwise replaces. native_kernels.test.ts,
// wasm_kernels.test.ts and wasm_depthwise_kernels.test.ts run again in a
// process of their own, against the same plain-JS references.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

for (const [name, minimum, marker] of [
  ["native_kernels.test.ts", 20, /without the addon, the fused kernels are registered in JavaScript/],
  ["wasm_kernels.test.ts", 10, /conv2d gradients match the JS backend/],
  ["wasm_depthwise_kernels.test.ts", 8, /depthwise conv2d gradients match the JS backend/],
] as const) {
  test(`without the addon, ${name} passes on the JavaScript fused kernels and stock wasm`, { timeout: 300_000 }, () => {
    const file = fileURLToPath(new URL(`./${name}`, import.meta.url));
    // NODE_TEST_CONTEXT would make the child report to this runner in its binary protocol, not TAP.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", file], { env: { ...env, TSDL_NATIVE: "0" }, encoding: "utf8" });
    const out = r.stdout + r.stderr;
    const passed = Number(/# pass (\d+)/.exec(out)?.[1] ?? 0);
    assert.equal(r.status, 0, out.split("\n").filter((l) => /^not ok|error|Error/.test(l)).slice(0, 20).join("\n"));
    assert.ok(passed >= minimum, `${passed} tests passed`);
    assert.match(out, /# fail 0/);
    assert.match(out, marker);
  });
}
