// examples/train_mnist_mlp.ts as a user runs it: a child process, no `ready()` call anywhere, the backend
// chosen at import exactly as here (and as the kernel chooses it), training that lowers the loss, and no
// tfjs banner. Under tsx from the sources, and with plain node on the built package (dist/main.js).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { backend, describeBackend, ready } from "../../src/index.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const example = join(root, "examples", "train_mnist_mlp.ts");
const realData = existsSync("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
const env = { ...process.env, SAMPLES: "3000", EPOCHS: "3" };
let expectedBackend = "";

before(async () => {
  await ready();
  expectedBackend = describeBackend(backend());
});

function checkOutput(stdout: string, stderr: string): void {
  const lines = stdout.split("\n");
  assert.equal(lines[0], `backend: ${expectedBackend}`, "backend() in the script is the backend chosen here");
  const m = /loss ([\d.]+) -> ([\d.]+) -> ([\d.]+)/.exec(stdout);
  assert.ok(m, stdout);
  assert.ok(Number(m[3]) < Number(m[1]), `the loss went down: ${m[0]}`);
  const acc = /test accuracy ([\d.]+)/.exec(stdout);
  assert.ok(acc, stdout);
  if (realData) assert.ok(Number(acc[1]) > 0.6, `real Fashion-MNIST, 3000 images, 3 epochs: accuracy ${acc[1]}`);
  assert.doesNotMatch(stdout + stderr, /Hi, looks like you are running TensorFlow\.js/);
  assert.doesNotMatch(stdout + stderr, /not chosen yet/);
}

test("the example calls no ready(): it only imports from tsdl", () => {
  const src = readFileSync(example, "utf8");
  assert.doesNotMatch(src.replace(/^\/\/.*$/gm, ""), /ready\s*\(/);
  assert.match(src, /^import \{ backend, keras, layers \} from "tsdl";$/m);
});

test("node --import tsx examples/train_mnist_mlp.ts trains and prints backend()", async () => {
  // "tsdl" resolves to src/main.ts under the tsdl-source condition, so no build is needed.
  const { stdout, stderr } = await run(process.execPath, ["--conditions=tsdl-source", "--import", "tsx", example], { cwd: root, env, maxBuffer: 1 << 24 });
  checkOutput(stdout, stderr);
});

test("plain node on the built package: the example compiled to .mjs imports dist/main.js", async (t) => {
  if (!existsSync(join(root, "dist", "main.js"))) return t.skip("dist/main.js is not built (npm run build)");
  const ts = createRequire(import.meta.url)("typescript") as typeof import("typescript");
  const js = ts.transpileModule(readFileSync(example, "utf8"), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const dir = join(root, "out", "examples");
  mkdirSync(dir, { recursive: true });
  const mjs = join(dir, "train_mnist_mlp.mjs");
  writeFileSync(mjs, js); // inside the package, so "tsdl" is the package itself
  const { stdout, stderr } = await run(process.execPath, [mjs], { cwd: root, env, maxBuffer: 1 << 24 });
  checkOutput(stdout, stderr);
});

test("CommonJS require('tsdl') gets the package without waiting at import: ready() first, then it trains", async (t) => {
  if (!existsSync(join(root, "dist", "index.js"))) return t.skip("dist/index.js is not built (npm run build)");
  const script = `
    const tsdl = require("tsdl");
    try { tsdl.keras.Sequential([tsdl.layers.Dense(1, { inputShape: [2] })]); } catch (e) { console.log("before ready: " + e.message); }
    tsdl.ready().then(() => {
      const m = tsdl.keras.Sequential([tsdl.layers.Dense(1, { inputShape: [2] })]);
      console.log("after ready: " + m.countParams() + " parameters on " + tsdl.backend().name);
    });`;
  const { stdout } = await run(process.execPath, ["--input-type=commonjs", "-e", script], { cwd: root, env });
  assert.match(stdout, /before ready: tsdl: the compute backend is not chosen yet: `await tsdl\.ready\(\)` first/);
  assert.match(stdout, /after ready: 3 parameters on \w+/);
});
