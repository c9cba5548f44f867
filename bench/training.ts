// Training and inference throughput of the seed-003 MLP and the seed-002 CNN on every backend that
// works here (same batch size and step counts as bench/torch_peer.py). Prints one JSON line.
//   npx tsx bench/training.ts [backend...]      (default: wasm cpu; TSDL_NATIVE=0 for wasm without the addon)
import * as tf from "@tensorflow/tfjs";
import { ready, keras, layers, optimizers, callbacks } from "../src/index.ts";

const { LambdaCallback } = callbacks;

const BATCH = 32;
// Same as bench/torch_peer.py: warm-up epochs, then the measured steps; inference is warmed up as long
// as it is measured. Steady state is what a real run sees (V8 takes a few hundred steps to optimise
// tfjs' code paths; PyTorch gets the same warm-up).
const WARMUP_EPOCHS = 3;
export const MLP_STEPS = 1000;
export const CNN_STEPS = 32;

function mlp() {
  const block = (u: number) => [layers.Dense(u, { useBias: false }), layers.BatchNormalization(), layers.Activation("relu")];
  const m = keras.Sequential([layers.Flatten({ inputShape: [28, 28] }), ...block(300), ...block(200), ...block(100), layers.Dense(10, { activation: "softmax" })]);
  m.compile({ loss: "sparse_categorical_crossentropy", optimizer: optimizers.SGD({ lr: 0.01, momentum: 0.9, nesterov: true }), metrics: ["accuracy"] });
  return { model: m, x: tf.randomUniform([BATCH * 20, 28, 28]), y: tf.randomUniform([BATCH * 20], 0, 10, "int32") };
}

function cnn() {
  const bn = (h: tf.SymbolicTensor) => layers.BatchNormalization()(h);
  const x = layers.Input([32, 32, 3]);
  let h = bn(x);
  h = layers.Conv2D(32, [3, 3], { activation: "relu" })(h);
  h = layers.Dropout(0.2)(h);
  h = bn(h);
  h = layers.Conv2D(32, [3, 3], { activation: "relu", padding: "same" })(h);
  h = layers.MaxPooling2D([2, 2])(h);
  h = bn(h);
  h = layers.Conv2D(64, [3, 3], { activation: "relu", padding: "same" })(h);
  h = layers.MaxPooling2D([2, 2])(h);
  h = layers.Flatten()(h);
  h = layers.Dropout(0.2)(h);
  h = bn(h);
  h = layers.Dense(512, { activation: "relu" })(h);
  h = layers.Dropout(0.2)(h);
  h = bn(h);
  const m = keras.Model(x, layers.Dense(10, { activation: "softmax" })(h));
  m.compile({ loss: "categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
  const labels = tf.randomUniform([BATCH * 4], 0, 10, "int32");
  return { model: m, x: tf.randomUniform([BATCH * 4, 32, 32, 3]), y: tf.oneHot(labels, 10).toFloat() };
}

async function measure(make: () => { model: ReturnType<typeof cnn>["model"]; x: tf.Tensor; y: tf.Tensor }, steps: number) {
  const { model, x, y } = make();
  const n = x.shape[0];
  const rounds = Math.max(1, Math.ceil((steps * BATCH) / n));
  // Warm-up, as the PyTorch peer (plain JS, a minute per CNN batch, gets one batch).
  if (tf.getBackend() === "cpu") await model.fit(x.slice(0, BATCH), y.slice(0, BATCH), { epochs: 1, batchSize: BATCH, verbose: 0 });
  else await model.fit(x, y, { epochs: WARMUP_EPOCHS, batchSize: BATCH, verbose: 0 });
  const tensorsBefore = tf.memory().numTensors;
  let t0 = performance.now();
  await model.fit(x, y, { epochs: rounds, batchSize: BATCH, verbose: 0, shuffle: true });
  const train = (rounds * n) / ((performance.now() - t0) / 1000);
  const leaked = tf.memory().numTensors - tensorsBefore;
  // Warm-up as long as the measurement (V8 optimises tfjs' inference paths over the first ~1000
  // batches), as the peer.
  for (let r = 0; r < rounds; r++) (await model.predict(x, { batchSize: BATCH })).dispose();
  t0 = performance.now();
  for (let r = 0; r < rounds; r++) (await model.predict(x, { batchSize: BATCH })).dispose();
  const infer = (rounds * n) / ((performance.now() - t0) / 1000);
  return { trainSamplesPerS: train, inferSamplesPerS: infer, samples: rounds * n, leakedTensors: leaked };
}

/** fit's own cost: time per step of fit vs a bare loop of optimizer.minimize on the same batches. */
async function fitOverhead(steps: number) {
  const { model, x, y } = mlp();
  const batches = Array.from({ length: steps }, (_, i) => [x.slice((i * BATCH) % (x.shape[0] - BATCH), BATCH), y.slice((i * BATCH) % (x.shape[0] - BATCH), BATCH)]);
  const variables = model.tf.trainableWeights.map((w) => w.read() as tf.Variable);
  const bare = async () => {
    const t0 = performance.now();
    for (const [xb, yb] of batches) {
      const loss = model.optimizer!.minimize(() => tf.mean(model.loss!.fn(yb, model.tf.apply(xb, { training: true }) as tf.Tensor)) as tf.Scalar, true, variables)!;
      loss.dispose();
    }
    await tf.zeros([1]).data(); // wait for the device
    return (performance.now() - t0) / steps;
  };
  const viaFit = async () => {
    const xs = tf.concat(batches.map((b) => b[0]));
    const ys = tf.concat(batches.map((b) => b[1]));
    const t0 = performance.now();
    await model.fit(xs, ys, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
    tf.dispose([xs, ys]);
    return (performance.now() - t0) / steps;
  };
  await bare();
  await viaFit();
  const bareMs = Math.min(await bare(), await bare());
  const fitMs = Math.min(await viaFit(), await viaFit());
  return { bareStepMs: bareMs, fitStepMs: fitMs, overhead: fitMs / bareMs - 1 };
}

/**
 * Tensors, RSS and the wasm heap after each of `epochs` epochs of fit: flat means no tensor is left
 * behind and memory stops growing once the first epochs have sized the heap.
 */
async function memoryAcross(make: typeof mlp | typeof cnn, epochs: number) {
  const { model, x, y } = make();
  const tensors: number[] = [];
  const rssMiB: number[] = [];
  const heapMiB: number[] = [];
  const heap = () => ((tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.length ?? 0) / 2 ** 20;
  await model.fit(x, y, {
    epochs,
    batchSize: BATCH,
    verbose: 0,
    callbacks: [new LambdaCallback({ onEpochEnd: () => void (tensors.push(tf.memory().numTensors), rssMiB.push(process.memoryUsage().rss / 2 ** 20), heapMiB.push(heap())) })],
  });
  const growth = rssMiB[rssMiB.length - 1] - rssMiB[1];
  return { epochs, tensors, rssMiB: rssMiB.map((v) => Math.round(v)), wasmHeapMiB: heapMiB, tensorsFlat: tensors.every((t) => t === tensors[0]), rssGrowthAfterEpoch2MiB: growth };
}

const requested = process.argv.slice(2);
const results: Record<string, unknown> = {};
for (const name of requested.length ? requested : ["wasm", "cpu"]) {
  try {
    // The first backend is chosen by tsdl itself (TSDL_BACKEND), so that wasm gets its kernels and
    // webgpu its adapter; the plain-JS backend is always registered and switched to directly.
    if (name === "cpu") await tf.setBackend("cpu");
    else {
      process.env.TSDL_BACKEND ??= name;
      const r = await ready();
      if (r.name !== name) throw new Error(`${name} is not available here (tsdl chose ${r.name}); run it in a process of its own: npx tsx bench/training.ts ${name}`);
    }
  } catch (e) {
    results[name] = { error: (e as Error).message };
    continue;
  }
  const cnnSteps = name === "cpu" ? 1 : CNN_STEPS; // plain JS takes about a minute per CNN batch
  // wasm is reported as "wasm+native" when tsdl's native kernels run on it.
  const key = name === "wasm" && (await ready()).native?.registered ? "wasm+native" : name;
  results[key] = {
    mlp: await measure(mlp, name === "cpu" ? 20 : MLP_STEPS),
    cnn: await measure(cnn, cnnSteps),
    fitOverhead: name === "cpu" ? undefined : await fitOverhead(200),
    memory: name === "cpu" ? undefined : { mlp: await memoryAcross(mlp, 20), cnn: await memoryAcross(cnn, 20) },
    wasmThreads: name === "wasm" ? (await ready()).wasmThreads : undefined,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  console.error(`${key}: ${JSON.stringify(results[key])}`);
}
console.log(JSON.stringify(results));
