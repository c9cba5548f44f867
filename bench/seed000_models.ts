// Seed 000/001's three 224x224 models at batch 10 (logistic: BN + Flatten + Dense(2); wide: BN +
// Conv2D(100, 2x2, relu) + MaxPooling(16); deep: BN + 7x [Conv2D(20, 2x2, same, relu) + MaxPooling(2)]),
// trained and run on random data in memory, beside bench/seed000_torch.py (the same models in PyTorch)
// when a Python with torch is given. Rounds alternate tsdl and the peer; medians.
//   node --import tsx bench/seed000_models.ts [logistic,wide,deep] [rounds=3] [python-with-torch]
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../src/index.ts";
import { MODELS } from "./models.ts";
import type { WorkloadName } from "./workloads.ts";

const which = (process.argv[2] ?? "logistic,wide,deep").split(",");
const rounds = Number(process.argv[3] ?? 3);
const python = process.argv[4];
const BATCH = 10;
const N = 50; // samples per measured pass
await ready();

/** The bench's own builders (bench/models.ts): logistic000, wide000, deep000. */
function build(name: string) {
  const make = MODELS[`${name}000` as WorkloadName];
  if (!make) throw new Error(`bench/seed000_models.ts: unknown model ${JSON.stringify(name)}; expected logistic, wide or deep`);
  return make();
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const x = tf.randomUniform([N, 224, 224, 3]);
const y = tf.oneHot(tf.randomUniform([N], 0, 2, "int32"), 2).toFloat();
const result: Record<string, unknown> = {};
for (const name of which) {
  const model = build(name);
  await model.fit(x, y, { epochs: 2, batchSize: BATCH, verbose: 0 });
  for (let r = 0; r < 2; r++) (await model.predict(x, { batchSize: BATCH })).dispose();
  const train: number[] = [];
  const infer: number[] = [];
  const peerTrain: number[] = [];
  const peerInfer: number[] = [];
  const trainCpu: number[] = [];
  const inferCpu: number[] = [];
  const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  const before = tf.memory().numTensors;
  for (let r = 0; r < rounds; r++) {
    let c0 = process.cpuUsage();
    let t0 = performance.now();
    await model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0 });
    train.push(N / ((performance.now() - t0) / 1000));
    trainCpu.push(cpuMs(process.cpuUsage(c0)) / N);
    c0 = process.cpuUsage();
    t0 = performance.now();
    const p = await model.predict(x, { batchSize: BATCH });
    await p.data();
    p.dispose();
    infer.push(N / ((performance.now() - t0) / 1000));
    inferCpu.push(cpuMs(process.cpuUsage(c0)) / N);
    if (python) {
      const peer = JSON.parse(execFileSync(python, [join(dirname(fileURLToPath(import.meta.url)), "seed000_torch.py"), name], { encoding: "utf8" })) as { train: number; infer: number };
      peerTrain.push(peer.train);
      peerInfer.push(peer.infer);
    }
  }
  result[name] = {
    trainSamplesPerS: median(train),
    inferSamplesPerS: median(infer),
    ...(python ? { torchTrain: median(peerTrain), torchInfer: median(peerInfer), trainRatio: median(train) / median(peerTrain), inferRatio: median(infer) / median(peerInfer) } : {}),
    // CPU time (every thread) per sample: less disturbed than wall time on a shared machine
    trainCpuMsPerSample: median(trainCpu),
    inferCpuMsPerSample: median(inferCpu),
    leakedTensors: tf.memory().numTensors - before,
    train,
    infer,
  };
  model.dispose();
  console.error(name, JSON.stringify(result[name]));
}
console.log(JSON.stringify(result));
