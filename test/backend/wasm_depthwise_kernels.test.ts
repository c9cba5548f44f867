// The depthwise convolution and its gradients on wasm against tfjs' plain-JS reference kernels, to 1e-4:
// with the addon, oneDNN's (src/backend/native_depthwise.ts); without it (js_kernels.test.ts runs this
// file again with TSDL_NATIVE=0), XNNPACK's forward pass and tsdl's wasm gradients
// (src/backend/wasm_depthwise_kernels.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../src/backend/backend.ts";
import { maxRelativeError } from "./relative_error.ts";

const CASES = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 1], strides: 1, pad: "same" },
  { x: [2, 7, 7, 3], f: [3, 3, 3, 2], strides: 1, pad: "valid" },
  { x: [2, 8, 9, 2], f: [3, 2, 2, 3], strides: 2, pad: "same" },
  { x: [2, 8, 9, 2], f: [2, 3, 2, 2], strides: 2, pad: "valid" },
  { x: [3, 10, 11, 4], f: [5, 5, 4, 1], strides: 3, pad: "same" },
  { x: [1, 6, 6, 5], f: [3, 3, 5, 2], strides: 1, pad: "same" },
  { x: [4, 16, 16, 8], f: [3, 3, 8, 1], strides: 2, pad: "same" }, // a MobileNet-like block
] as const;

async function gradsOn(backendName: string, c: (typeof CASES)[number]) {
  await tf.setBackend(backendName);
  const x = tf.randomNormal([...c.x], 0, 1, "float32", 1) as tf.Tensor4D;
  const w = tf.randomNormal([...c.f], 0, 1, "float32", 2) as tf.Tensor4D;
  const y = tf.depthwiseConv2d(x, w, c.strides, c.pad);
  const dyPattern = tf.randomNormal(y.shape, 0, 1, "float32", 3);
  const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad), dyPattern));
  const [dx, dw] = tf.grads(f)([x, w]);
  const out = { y: await y.data(), dx: await dx.data(), dw: await dw.data(), dxShape: dx.shape, dwShape: dw.shape };
  tf.dispose([x, w, dyPattern, dx, dw, y]);
  return out;
}

test("the wasm backend has the depthwise convolution gradients", async () => {
  await ready();
  assert.ok(tf.getKernel("DepthwiseConv2dNativeBackpropInput", "wasm"));
  assert.ok(tf.getKernel("DepthwiseConv2dNativeBackpropFilter", "wasm"));
});

for (const c of CASES) {
  test(`depthwise conv2d gradients match the JS backend: x ${c.x}, filter ${c.f}, strides ${c.strides}, ${c.pad}`, async () => {
    await ready();
    const wasm = await gradsOn("wasm", c);
    const cpu = await gradsOn("cpu", c);
    await tf.setBackend("wasm");
    assert.deepEqual(wasm.dxShape, [...c.x]);
    assert.deepEqual(wasm.dwShape, [...c.f]);
    assert.ok(maxRelativeError(wasm.y, cpu.y) < 1e-4, "forward");
    assert.ok(maxRelativeError(wasm.dx, cpu.dx) < 1e-4, `dx error ${maxRelativeError(wasm.dx, cpu.dx)}`);
    assert.ok(maxRelativeError(wasm.dw, cpu.dw) < 1e-4, `dw error ${maxRelativeError(wasm.dw, cpu.dw)}`);
  });
}

test("the depthwise gradient kernels free every intermediate tensor", async () => {
  await ready();
  await tf.setBackend("wasm");
  const x = tf.randomNormal([2, 9, 9, 3]) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 3, 2]) as tf.Tensor4D;
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same")));
  tf.dispose(g([x, w]));
  const tensors = tf.memory().numTensors;
  const ids = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
  for (let i = 0; i < 5; i++) tf.dispose(g([x, w]));
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal((tf.backend() as unknown as { numDataIds(): number }).numDataIds(), ids);
  tf.dispose([x, w]);
});

test("a dilated depthwise gradient is refused with the kernel's name, not computed wrongly", async () => {
  await ready();
  await tf.setBackend("wasm");
  const x = tf.ones([1, 7, 7, 2]);
  const dy = tf.ones([1, 3, 3, 2]);
  assert.throws(
    () => tf.engine().runKernel("DepthwiseConv2dNativeBackpropFilter", { x, dy }, { strides: 1, pad: "valid", dilations: 2, filterShape: [3, 3, 2, 1] }),
    /DepthwiseConv2dNativeBackpropFilter \(wasm\): dilated depthwise convolutions are not supported/,
  );
  tf.dispose([x, dy]);
});
