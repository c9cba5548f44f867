import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { backend, describeBackend, parseBackendName, ready } from "../../src/backend/backend.ts";

test("backend() reports the chosen backend and why faster ones were not taken", async () => {
  const r = await ready();
  const b = backend();
  assert.equal(b.name, r.name);
  assert.deepEqual(b.attempts.map((a) => a.name), ["tensorflow-gpu", "webgpu", "tensorflow", "wasm", "cpu"]);
  const selected = b.attempts.filter((a) => a.status === "selected");
  assert.equal(selected.length, 1);
  assert.equal(selected[0].name, b.name);
  for (const a of b.attempts.slice(0, b.attempts.indexOf(selected[0]))) {
    // A faster backend is either missing, broken, or (WebGPU) has no real GPU adapter here: each says so.
    assert.ok(a.status === "not installed" || a.status === "failed" || (a.name === "webgpu" && a.status === "skipped" && !!a.message), `${a.name}: ${a.status}`);
  }
  assert.match(describeBackend(b), new RegExp(`^${b.name}: `));
  const bundle = (b as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();
  assert.match(bundle["text/html"], /<table>/);
});

test("TSDL_BACKEND names are checked, with the accepted ones in the error", () => {
  assert.equal(parseBackendName("CPU"), "cpu");
  assert.equal(parseBackendName("node"), "tensorflow");
  assert.throws(() => parseBackendName("tpu"), /TSDL_BACKEND="tpu" is not a backend tsdl knows; expected one of: .*wasm/);
});

test("TSDL_BACKEND=cpu forces plain JS, and says so", () => {
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", `
    import("./src/backend/backend.ts").then(async (m) => { const r = await m.ready(); console.log(JSON.stringify(r)); });
  `], { env: { ...process.env, TSDL_BACKEND: "cpu" }, encoding: "utf8" });
  const r = JSON.parse(out.trim().split("\n").pop()!);
  assert.equal(r.name, "cpu");
  assert.equal(r.forced, true);
  assert.equal(r.attempts.find((a: { name: string }) => a.name === "wasm").status, "skipped");
});
