// The wasm heap filling up during training: the tensor that does not fit is refused with the kernel's
// name while 512 MiB of the 4 GiB heap are still free for the kernels' own buffers (a kernel whose own
// allocation fails goes on with a null pointer), the failed step leaves nothing kept on tfjs' tape,
// and the same session trains once there is room. This file fills ~3.5 GiB of the heap, in a process
// of its own (node --test runs each file so).
import { test } from "node:test";
import assert from "node:assert/strict";
import { keras, layers, ready, ResourceExhaustedError, tf } from "../../src/index.ts";
import { WASM_TENSOR_BUDGET_BYTES, wasmTensorBytes } from "../../src/backend/memory.ts";

test("wasm: a training step past the heap's tensor budget fails cleanly, leaks nothing, and the next fit trains", async (t) => {
  if ((await ready()).name !== "wasm") return t.skip("wasm only");
  const model = keras.Sequential([keras.Input({ shape: [64, 64, 8] }), layers.Conv2D(64, 3, { padding: "same", activation: "relu" }), layers.SeparableConv2D(64, 3, { padding: "same" }), layers.GlobalAveragePooling2D(), layers.Dense(1)]);
  model.compile({ optimizer: "adam", loss: "mse" });
  const x = tf.randomNormal([64, 64, 64, 8]);
  const y = tf.randomNormal([64, 1]);
  // The heap filled to within 200 MiB of the budget (many small allocations have come and gone before:
  // Emscripten's lazy _malloc replaces itself at its first call, which must not undo the accounting).
  const hog: tf.Tensor[] = [];
  const chunk = 2 ** 26; // 256 MiB of float32
  while (wasmTensorBytes()! + 4 * chunk < WASM_TENSOR_BUDGET_BYTES - 200 * 2 ** 20) hog.push(tf.zeros([chunk]));
  // Tensors past 2 GiB of heap (whose addresses come back from malloc negative) are counted off when freed.
  const used = wasmTensorBytes();
  for (let i = 0; i < 40; i++) tf.zeros([2 ** 24]).dispose();
  assert.equal(wasmTensorBytes(), used, "allocations freed are counted off");
  const tensors = tf.memory().numTensors;
  await assert.rejects(model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 }), (e: Error) => {
    assert.ok(e instanceof ResourceExhaustedError, String(e));
    assert.match(e.message, /^\w+ \(kernel, inputs .*\): wasm backend: a float32 tensor of shape \[64, 64, 64, 64\] needs 64 MiB .* but tensors already take .* of the WebAssembly heap, which holds at most 4 GiB .* 512 MiB of it kept for the kernels' own buffers\. .*a smaller batch/);
    return true;
  });
  assert.equal(tf.memory().numTensors, tensors, "the failed step keeps nothing (tfjs' tape released)");
  tf.dispose(hog);
  const history = await model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 });
  assert.ok(Number.isFinite(history.history.loss[0] as number), "trained after the failure");
  tf.dispose([x, y]);
});
