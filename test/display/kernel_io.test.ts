// clearOutput and input imported from "tsdl": through the kernel's hooks in the kernel, and on their own
// in a script (clearOutput does nothing; input reads a line from stdin, as Python's input()).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { clearOutput, input } from "../../src/index.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const g = globalThis as unknown as Record<symbol, unknown>;

test("in the kernel: clearOutput and input go through the hooks it installs, with their options", async () => {
  const calls: unknown[] = [];
  g[Symbol.for("tsdl.clearOutput")] = (o: unknown) => calls.push(["clear", o]);
  g[Symbol.for("tsdl.input")] = async (p: string, o: unknown) => (calls.push(["input", p, o]), "ada");
  try {
    clearOutput({ wait: true });
    assert.equal(await input("Name? ", { password: true }), "ada");
    assert.deepEqual(calls, [["clear", { wait: true }], ["input", "Name? ", { password: true }]]);
  } finally {
    delete g[Symbol.for("tsdl.clearOutput")];
    delete g[Symbol.for("tsdl.input")];
  }
});

const script = (body: string) => [process.execPath, ["--import", "tsx", "--input-type=module", "-e", `import { clearOutput, input } from "./src/index.ts";\n${body}`]] as const;

test("in a script: clearOutput does nothing (no output area, no terminal codes)", () => {
  const [node, args] = script(`process.stdout.write("a"); clearOutput(); clearOutput({ wait: true }); process.stdout.write("b");`);
  assert.equal(execFileSync(node, args, { cwd: root, encoding: "utf8" }), "ab");
});

test("in a script: input prints the prompt and reads a line from stdin; a closed stdin is an EOFError", () => {
  const [node, args] = script(`const who = await input("Name? "); console.log("hello " + who.toUpperCase());`);
  assert.equal(execFileSync(node, args, { cwd: root, input: "ada\nrest\n", encoding: "utf8" }), "Name? hello ADA\n");
  const [node2, args2] = script(`try { await input("Name? "); } catch (e) { console.log(e.name + ": " + e.message); }`);
  const r = spawnSync(node2, args2, { cwd: root, input: "", encoding: "utf8" });
  assert.match(r.stdout, /EOFError: input: stdin ended before an answer was given/);
});
