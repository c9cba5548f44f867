// tsdl's side of one seed workload (bench/workloads.ts): training and inference samples/s, as
// bench/keras_peer.py and bench/torch_peer.py measure the same network, with the same batches and step
// counts (given by bench/run.ts). Prints one JSON line per workload. On the backend tsdl chooses (wasm with the native
// kernels; TSDL_NATIVE=0 for wasm alone).
//   node --import tsx bench/training.ts <workload>... --warmup W --steps S --infer-warmup W2 --infer-steps S2 [--images DIR] [--extras]
// --extras adds, for mlp003: fit's own cost over the bare optimizer step and tensors/RSS over 20 epochs;
// for cnn002: tensors/RSS over 20 epochs; for deep000: the same model trained from memory.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { ready, losses, callbacks, ImageDataGenerator } from "../src/index.ts";
import type { KerasModel } from "../src/index.ts";
import { WORKLOADS, type WorkloadName } from "./workloads.ts";
import { IMSIZE, MODELS } from "./models.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { warmup: { type: "string" }, steps: { type: "string" }, "infer-warmup": { type: "string" }, "infer-steps": { type: "string" }, images: { type: "string" }, extras: { type: "boolean" } },
});
for (const w of positionals) if (!(w in WORKLOADS)) throw new Error(`bench/training.ts: unknown workload ${JSON.stringify(w)}; expected one of ${Object.keys(WORKLOADS).join(", ")}`);
if (!positionals.length) throw new Error(`bench/training.ts: name a workload: ${Object.keys(WORKLOADS).join(", ")}`);
let name = positionals[0] as WorkloadName;
let spec = WORKLOADS[name];
const int = (v: string | undefined, option: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`bench/training.ts: --${option} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
};
const WARMUP = int(values.warmup, "warmup");
const STEPS = int(values.steps, "steps");
const INFER_WARMUP = int(values["infer-warmup"], "infer-warmup");
const INFER_STEPS = int(values["infer-steps"], "infer-steps");
let B = spec.batch;

/** In-memory data: `poolBatches` batches of random inputs and labels of the workload's kind. */
function memoryData(poolBatches: number) {
  const n = poolBatches * B;
  const x = tf.randomUniform([n, ...spec.inputShape]);
  const labels = tf.randomUniform([n], 0, spec.classes, "int32");
  const y = spec.sparseLabels ? labels : tf.oneHot(labels, spec.classes).toFloat();
  if (!spec.sparseLabels) labels.dispose();
  return { x, y, n };
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

async function trainFromMemory(model: KerasModel, x: tf.Tensor, y: tf.Tensor, n: number) {
  const poolBatches = n / B;
  await model.fit(x, y, { epochs: Math.ceil(WARMUP / poolBatches), batchSize: B, verbose: 0 });
  const epochs = Math.ceil(STEPS / poolBatches);
  const tensorsBefore = tf.memory().numTensors;
  const t0 = performance.now();
  await model.fit(x, y, { epochs, batchSize: B, verbose: 0, shuffle: true });
  const s = seconds(t0);
  return { samplesPerS: (epochs * n) / s, samples: epochs * n, seconds: s, leakedTensors: tf.memory().numTensors - tensorsBefore };
}

async function trainFromDirectory(model: KerasModel, dir: string) {
  const gen = new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(dir, { targetSize: [IMSIZE, IMSIZE], batchSize: B, classMode: "categorical" });
  await model.fit(gen, undefined, { epochs: 1, stepsPerEpoch: WARMUP, verbose: 0 });
  const tensorsBefore = tf.memory().numTensors;
  const t0 = performance.now();
  await model.fit(gen, undefined, { epochs: 1, stepsPerEpoch: STEPS, verbose: 0 });
  const s = seconds(t0);
  await gen.dispose(); // the batches it had in flight
  const leaked = tf.memory().numTensors - tensorsBefore;
  return { samplesPerS: (STEPS * B) / s, samples: STEPS * B, seconds: s, leakedTensors: leaked };
}

async function infer(model: KerasModel, x: tf.Tensor, n: number) {
  const poolBatches = n / B;
  for (let r = 0; r < Math.ceil(INFER_WARMUP / poolBatches); r++) ((await model.predict(x, { batchSize: B })) as tf.Tensor).dispose();
  const rounds = Math.ceil(INFER_STEPS / poolBatches);
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) ((await model.predict(x, { batchSize: B })) as tf.Tensor).dispose();
  const s = seconds(t0);
  return { samplesPerS: (rounds * n) / s, samples: rounds * n, seconds: s };
}

/**
 * fit's own cost: time per step of fit vs a bare loop of optimizer.minimize on the same batches. The
 * bare loop computes the loss and its gradient only, so fit is measured on the same model compiled
 * without metrics (its batching, logs and callbacks are what is left); fit with the seed's accuracy
 * metric is reported beside it.
 */
async function fitOverhead(steps: number) {
  const model = MODELS.mlp003();
  const withAccuracy = { loss: "sparse_categorical_crossentropy", optimizer: model.optimizer!, metrics: ["accuracy"] };
  const { x, y } = memoryData(20);
  const batches = Array.from({ length: steps }, (_, i) => [x.slice((i * B) % (x.shape[0] - B), B), y.slice((i * B) % (x.shape[0] - B), B)]);
  const variables = model.tf.trainableWeights.map((w) => w.read() as tf.Variable);
  const bare = async () => {
    const t0 = performance.now();
    for (const [xb, yb] of batches) {
      const loss = model.optimizer!.minimize(() => tf.mean(losses.sparseCategoricalCrossentropy(yb, model.tf.apply(xb, { training: true }) as tf.Tensor)) as tf.Scalar, true, variables)!;
      loss.dispose();
    }
    await tf.zeros([1]).data(); // wait for the device
    return (performance.now() - t0) / steps;
  };
  const viaFit = async () => {
    const xs = tf.concat(batches.map((b) => b[0]));
    const ys = tf.concat(batches.map((b) => b[1]));
    const t0 = performance.now();
    await model.fit(xs, ys, { epochs: 1, batchSize: B, shuffle: false, verbose: 0 });
    tf.dispose([xs, ys]);
    return (performance.now() - t0) / steps;
  };
  // Run after trainFromMemory, so V8 has optimised the step's code already; three rounds each way before measuring.
  model.compile({ ...withAccuracy, metrics: [] });
  for (let i = 0; i < 3; i++) await bare(), await viaFit();
  const bareMs = Math.min(await bare(), await bare(), await bare());
  const fitMs = Math.min(await viaFit(), await viaFit(), await viaFit());
  model.compile(withAccuracy);
  await viaFit();
  const fitWithAccuracyMs = Math.min(await viaFit(), await viaFit(), await viaFit());
  return { bareStepMs: bareMs, fitStepMs: fitMs, fitWithAccuracyStepMs: fitWithAccuracyMs, overhead: fitMs / bareMs - 1 };
}

/** Tensors, RSS and the wasm heap after each of `epochs` epochs of fit: flat means nothing is left behind. */
async function memoryAcross(epochs: number) {
  const model = MODELS[name]();
  const { x, y } = memoryData(name === "cnn002" ? 4 : 20);
  const tensors: number[] = [];
  const rssMiB: number[] = [];
  const heapMiB: number[] = [];
  const heap = () => ((tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.length ?? 0) / 2 ** 20;
  await model.fit(x, y, {
    epochs,
    batchSize: B,
    verbose: 0,
    callbacks: [new callbacks.LambdaCallback({ onEpochEnd: () => void (tensors.push(tf.memory().numTensors), rssMiB.push(process.memoryUsage().rss / 2 ** 20), heapMiB.push(heap())) })],
  });
  tf.dispose([x, y]);
  return { epochs, tensors, rssMiB: rssMiB.map((v) => Math.round(v)), wasmHeapMiB: heapMiB, tensorsFlat: tensors.every((t) => t === tensors[0]), rssGrowthAfterEpoch2MiB: rssMiB[rssMiB.length - 1] - rssMiB[1] };
}

/** Linux: writing 5 to clear_refs resets the peak RSS (VmHWM) to the current RSS, so each workload gets its own peak. */
function resetPeakRss() {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    // not Linux: the process' peak
  }
}
function peakRssMiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

const report = await ready();
for (const w of positionals as WorkloadName[]) {
  name = w;
  spec = WORKLOADS[w];
  B = spec.batch;
  resetPeakRss();
  const model = MODELS[name]();
  const out: Record<string, unknown> = {
    side: report.native?.registered ? "tsdl" : "tsdl-wasm",
    workload: name,
    backend: report.name,
    native: report.native?.registered ? report.native.description : null,
    wasmThreads: report.wasmThreads ?? 1,
  };
  if (spec.fromDirectory) {
    if (!values.images) throw new Error(`bench/training.ts: ${name} reads the image folder; pass --images DIR`);
    out.train = await trainFromDirectory(model, values.images);
    const { x, n } = memoryData(10);
    out.infer = await infer(model, x, n);
    x.dispose();
    if (values.extras && name === "deep000") {
      const fresh = MODELS[name]();
      const d = memoryData(10);
      out.trainFromMemory = await trainFromMemory(fresh, d.x, d.y, d.n);
      tf.dispose([d.x, d.y]);
      fresh.dispose();
    }
  } else {
    const { x, y, n } = memoryData(spec.poolBatches);
    out.train = await trainFromMemory(model, x, y, n);
    out.infer = await infer(model, x, n);
    tf.dispose([x, y]);
    if (values.extras && name === "mlp003") out.fitOverhead = await fitOverhead(200);
    if (values.extras && (name === "mlp003" || name === "cnn002")) out.memory = await memoryAcross(20);
  }
  model.dispose();
  out.peakRssMiB = peakRssMiB();
  console.log(JSON.stringify(out));
  const t = out.train as { samplesPerS: number };
  const i = out.infer as { samplesPerS: number };
  console.error(`  ${out.side} ${name}: train ${t.samplesPerS.toFixed(1)}/s, infer ${i.samplesPerS.toFixed(1)}/s`);
}
