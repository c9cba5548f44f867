// Child process of webgpu.test.ts (TSDL_BACKEND=webgpu): trains the same small seed-003 model for a few
// steps on WebGPU and on the plain-JS backend from the same weights and data; prints both loss curves.
import * as tf from "@tensorflow/tfjs";
import { ready, keras, layers, optimizers, callbacks } from "../../src/index.ts";

const report = await ready();
function build() {
  keras.backend.clearSession();
  const m = keras.Sequential([layers.Flatten({ inputShape: [28, 28] }), layers.Dense(64, { useBias: false }), layers.BatchNormalization(), layers.Activation("relu"), layers.Dense(10, { activation: "softmax" })]);
  m.compile({ loss: "sparse_categorical_crossentropy", optimizer: optimizers.SGD({ lr: 0.05, momentum: 0.9, nesterov: true }), metrics: ["accuracy"] });
  return m;
}
// Fixed data and weights, made on the host.
let s = 7;
const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const xs = Float32Array.from({ length: 64 * 784 }, rand);
const ys = Int32Array.from({ length: 64 }, () => Math.floor(rand() * 10));
async function train(weights?: Float32Array[]) {
  const m = build();
  if (weights) m.setWeights(weights.map((w, i) => tf.tensor(w, m.tf.weights[i].shape as number[])));
  const initial = await Promise.all(m.getWeights().map(async (w) => (await w.data()) as Float32Array));
  const losses: number[] = [];
  await m.fit(tf.tensor3d(xs, [64, 28, 28]), tf.tensor1d(ys, "int32"), {
    epochs: 3, batchSize: 16, shuffle: false, verbose: 0,
    callbacks: [new callbacks.LambdaCallback({ onBatchEnd: (_b, logs) => void losses.push(logs!.loss) })],
  });
  return { initial, losses };
}
const gpu = await train();
await tf.setBackend("cpu");
const cpu = await train(gpu.initial);
console.log(JSON.stringify({ backend: report.name, adapter: report.attempts.find((a) => a.name === "webgpu")?.message, webgpu: gpu.losses, cpu: cpu.losses }));
process.exit(0);
