// Training and inference throughput of the seed-003 MLP and the seed-002 CNN on every backend that
// works here (same batch size and step counts as bench/torch_peer.py). Prints one JSON line.
//   npx tsx bench/training.ts [backend...]      (default: every backend that loads)
import * as tf from "@tensorflow/tfjs";
import { ready, keras, layers, optimizers } from "../src/index.ts";

const BATCH = 32;

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
  await model.fit(x.slice(0, BATCH), y.slice(0, BATCH), { epochs: 1, batchSize: BATCH, verbose: 0 }); // warm-up
  const tensorsBefore = tf.memory().numTensors;
  let t0 = performance.now();
  await model.fit(x, y, { epochs: rounds, batchSize: BATCH, verbose: 0, shuffle: true });
  const train = (rounds * n) / ((performance.now() - t0) / 1000);
  const leaked = tf.memory().numTensors - tensorsBefore;
  await model.predict(x.slice(0, BATCH), { batchSize: BATCH });
  t0 = performance.now();
  for (let r = 0; r < rounds; r++) (await model.predict(x, { batchSize: BATCH })).dispose();
  const infer = (rounds * n) / ((performance.now() - t0) / 1000);
  return { trainSamplesPerS: train, inferSamplesPerS: infer, samples: rounds * n, leakedTensors: leaked };
}

const requested = process.argv.slice(2);
const results: Record<string, unknown> = {};
for (const name of requested.length ? requested : ["wasm", "cpu"]) {
  try {
    if (name === "wasm") await ready();
    else await tf.setBackend(name);
  } catch (e) {
    results[name] = { error: (e as Error).message };
    continue;
  }
  const cnnSteps = name === "cpu" ? 1 : 8; // plain JS takes about a minute per CNN batch
  results[name] = {
    mlp: await measure(mlp, name === "cpu" ? 20 : 200),
    cnn: await measure(cnn, cnnSteps),
    rssMiB: process.memoryUsage().rss / 2 ** 20,
  };
  console.error(`${name}: ${JSON.stringify(results[name])}`);
}
console.log(JSON.stringify(results));
