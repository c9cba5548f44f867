// Tensors too large for the backend fail with ResourceExhaustedError naming the shape, the bytes and the
// backend's limit, before any memory is asked for; tfjs and the process go on. No test here allocates
// more than a few megabytes: every failing size is refused by the check.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { keras, layers, ready, ResourceExhaustedError, tf } from "../../src/index.ts";
import { checkAllocation, formatBytes, MAX_TYPED_ARRAY_LENGTH, WASM_HEAP_MAX_BYTES } from "../../src/backend/memory.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
let backendName = "";

before(async () => {
  backendName = (await ready()).name;
});

test("formatBytes in binary units, exact below a KiB", () => {
  assert.equal(formatBytes(100), "100 bytes");
  assert.equal(formatBytes(40_000_000_000), "37.3 GiB");
  assert.equal(formatBytes(4 * 2 ** 30), "4 GiB");
  assert.equal(formatBytes(1536), "1.5 KiB");
});

test("tf.zeros([100000, 100000]): the shape, dtype, elements, bytes and the backend's limit, instead of 'Invalid typed array length'", () => {
  const count = tf.memory().numTensors;
  let err: unknown;
  try {
    tf.zeros([100000, 100000]);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ResourceExhaustedError, String(err));
  assert.equal(err.name, "ResourceExhaustedError");
  assert.match(err.message, /^tf\.zeros: a float32 tensor of shape \[100000, 100000\] needs 37\.3 GiB \(10,000,000,000 elements x 4 bytes = 40,000,000,000 bytes\), more than the \w+ backend can hold: /);
  assert.match(err.message, /4,294,967,296 elements/);
  if (backendName === "wasm") assert.match(err.message, /WebAssembly heap holds at most 4 GiB \(4,294,901,760 bytes\) for all tensors together/);
  assert.deepEqual(err.shape, [100000, 100000]);
  assert.equal(err.bytes, 40_000_000_000);
  assert.equal(tf.memory().numTensors, count);
  assert.deepEqual(Array.from(tf.add(1, 2).dataSync()), [3], "tfjs goes on");
});

test("every creation op is checked with its dtype: ones, fill, randomNormal, randomUniformInt, buffer, eye", () => {
  const cases: [() => unknown, RegExp][] = [
    [() => tf.ones([3, 2 ** 31], "int32"), /^tf\.ones: an int32 tensor of shape \[3, 2147483648\] needs 24 GiB/],
    [() => tf.fill([2 ** 33], 1), /^tf\.fill: a float32 tensor of shape \[8589934592\]/],
    [() => tf.randomNormal([70000, 70000]), /^tf\.randomNormal: a float32 tensor of shape \[70000, 70000\] needs 18\.3 GiB/],
    [() => tf.randomUniformInt([2 ** 20, 2 ** 13], 0, 10), /^tf\.randomUniformInt: an int32 tensor of shape \[1048576, 8192\]/],
    [() => tf.buffer([2 ** 17, 2 ** 16], "bool"), /^tf\.buffer: a bool tensor of shape \[131072, 65536\] needs 8 GiB \(8,589,934,592 elements x 1 bytes/],
    [() => tf.eye(70000), /^tf\.eye: a float32 tensor of shape \[70000, 70000\]/],
  ];
  for (const [f, re] of cases) assert.throws(f, (e: Error) => e instanceof ResourceExhaustedError && re.test(e.message), String(re));
  // Sizes that fit are untouched.
  const t = tf.ones([2, 3], "int32");
  assert.deepEqual(t.shape, [2, 3]);
  t.dispose();
});

test("a layer too large for the backend fails when its weights are made, naming the weight's shape", () => {
  assert.throws(
    () => keras.Sequential([layers.Dense(100000, { inputShape: [100000] })]),
    (e: Error) => e instanceof ResourceExhaustedError && /a float32 tensor of shape \[100000, 100000\] needs 37\.3 GiB/.test(e.message),
  );
});

test("wasm: past the 4 GiB heap (though a typed array could hold it) and a kernel's output too large are refused before the heap is touched", (t) => {
  if (backendName !== "wasm") return t.skip(`the backend is ${backendName}`);
  assert.equal(WASM_HEAP_MAX_BYTES, 4294901760);
  assert.throws(() => tf.ones([40000, 40000]), (e: Error) => e instanceof ResourceExhaustedError && /needs 6\.0 GiB \(1,600,000,000 elements x 4 bytes = 6,400,000,000 bytes\).*WebAssembly heap holds at most 4 GiB/.test(e.message));
  const x = tf.ones([1000, 1000]);
  const before = tf.memory().numTensors;
  assert.throws(() => tf.tile(x, [2000, 1]), (e: Error) => e instanceof ResourceExhaustedError && /^Tile \(kernel, inputs x \[1000, 1000\]\): wasm backend: a float32 tensor of shape \[2000000, 1000\] needs 7\.5 GiB/.test(e.message));
  assert.equal(tf.memory().numTensors, before);
  assert.equal(tf.tile(x, [2, 1]).shape[0], 2000, "the same kernel with an output that fits");
  x.dispose();
});

test("checkAllocation leaves shapes tfjs rejects itself to tfjs, and passes what fits", () => {
  assert.doesNotThrow(() => checkAllocation("t", [-1, 3]));
  assert.doesNotThrow(() => checkAllocation("t", "nonsense"));
  assert.doesNotThrow(() => checkAllocation("t", [1000, 1000]));
  assert.throws(() => checkAllocation("t", [MAX_TYPED_ARRAY_LENGTH + 1], "bool"), ResourceExhaustedError);
});

test("cpu backend: the typed-array limit and the machine's memory in the message; no tfjs 'Hi, looks like you are running TensorFlow.js in Node.js' banner", () => {
  const script = `
    import { ready, tf } from "./src/index.ts";
    await ready();
    tf.ones([2, 2]).dataSync();
    try { tf.zeros([100000, 100000]); } catch (e) { console.log(e.name + ": " + e.message); }
  `;
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, env: { ...process.env, TSDL_BACKEND: "cpu" }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  assert.match(out, /ResourceExhaustedError: tf\.zeros: a float32 tensor of shape \[100000, 100000\] needs 37\.3 GiB .*more than the cpu backend can hold: it keeps each tensor in one JavaScript typed array \(at most 4,294,967,296 elements\) in this machine's memory, [\d.]+ GiB in all/);
  assert.doesNotMatch(out, /Hi, looks like you are running TensorFlow\.js/);
});
