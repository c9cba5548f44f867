// model.save / loadModel keep the optimizer's state (its slots, EMA averages, iterations, learning rate
// or schedule): training after loading goes exactly as if the model had never been saved. Folders in
// the earlier format (no state, tsdl's old optimizer names) still load; a damaged state is skipped.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keras, layers, optimizers, ready, tf } from "../../../src/index.ts";
import type { Optimizer } from "../../../src/keras/optimizers/index.ts";

const S = optimizers.schedules;
let dir: string;

before(async () => {
  await ready();
  dir = mkdtempSync(join(tmpdir(), "tsdl-optimizer-save-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
});

function data(): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const x = tf.tensor2d(Array.from({ length: 48 }, (_, i) => Math.sin(i * 0.7) + (i % 5) * 0.1), [12, 4]);
    const y = tf.tensor1d(Array.from({ length: 12 }, (_, i) => i % 3), "float32");
    return [x, y];
  });
}

function model(optimizer: tf.Optimizer | string): ReturnType<typeof keras.Sequential> {
  const m = keras.Sequential([keras.Input([4]), layers.Dense(6, { activation: "relu", kernelInitializer: "glorot_uniform" }), layers.BatchNormalization(), layers.Dense(3, { activation: "softmax" })]);
  m.compile({ optimizer, loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  return m;
}

async function weightsOf(m: { tf: tf.LayersModel }): Promise<number[][]> {
  return Promise.all(m.tf.weights.map(async (w) => Array.from(await w.read().data())));
}

const CASES: Record<string, () => Optimizer> = {
  "SGD with Nesterov momentum": () => optimizers.SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }),
  "Adam with amsgrad and EMA": () => optimizers.Adam({ learningRate: 0.05, amsgrad: true, useEma: true, emaMomentum: 0.8 }),
  "AdamW on a cosine schedule": () => optimizers.AdamW({ learningRate: S.CosineDecay(0.05, 10, { warmupTarget: 0.1, warmupSteps: 3 }), weightDecay: 0.1 }),
  "RMSprop centered with momentum and clipnorm": () => optimizers.RMSprop({ learningRate: 0.02, momentum: 0.5, centered: true, clipnorm: 1 }),
  Adagrad: () => optimizers.Adagrad(0.1),
  "Adadelta on exponential decay": () => optimizers.Adadelta({ learningRate: S.ExponentialDecay(1, 4, 0.5, { staircase: true }) }),
  Adamax: () => optimizers.Adamax({ learningRate: 0.05, globalClipnorm: 0.5 }),
  "Nadam with EMA overwrites": () => optimizers.Nadam({ learningRate: 0.05, useEma: true, emaOverwriteFrequency: 3 }),
  "Lion with weight decay": () => optimizers.Lion({ learningRate: 0.01, weightDecay: 0.5 }),
  "SGD accumulating gradients (saved mid-accumulation)": () => optimizers.SGD({ learningRate: 0.1, momentum: 0.9, gradientAccumulationSteps: 4, lossScaleFactor: 8 }),
};

for (const [name, make] of Object.entries(CASES)) {
  test(`${name}: training after save + loadModel equals training on without saving`, async () => {
    const before = tf.memory().numTensors;
    const [x, y] = data();
    const a = model(make());
    const fit = { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 } as const;
    await a.fit(x, y, fit);
    const path = join(dir, name.replace(/\W+/g, "_"));
    await a.save(path);
    const b = await keras.models.loadModel(path);
    const oa = a.optimizer as Optimizer;
    const ob = b.optimizer as Optimizer;
    assert.equal(ob.getClassName(), oa.getClassName());
    assert.deepEqual(ob.getConfig(), oa.getConfig(), "the same configuration (learning rate or schedule included)");
    assert.equal(ob.iterations, oa.iterations, "iterations restored");
    assert.equal(oa.iterations, oa.gradientAccumulationSteps ? 1 : 6, "2 epochs of 3 batches");
    assert.equal(ob.learningRate, oa.learningRate);
    for (const [i, w] of a.tf.trainableWeights.entries()) {
      const sa = oa.slotsOf(w)!;
      const sb = ob.slotsOf(b.tf.trainableWeights[i])!;
      assert.deepEqual(Object.keys(sb), Object.keys(sa), `${w.name}: slots`);
      for (const k of Object.keys(sa)) assert.deepEqual(await sb[k].data(), await sa[k].data(), `${w.name}: slot ${k} restored exactly`);
    }
    const ha = await a.fit(x, y, fit);
    const hb = await b.fit(x, y, fit);
    assert.deepEqual(hb.history, ha.history, "the same History after loading");
    assert.deepEqual(await weightsOf(b), await weightsOf(a), "the same weights after loading");
    assert.equal(ob.iterations, oa.gradientAccumulationSteps ? 3 : 12);
    a.dispose();
    b.dispose();
    tf.dispose([x, y]);
    assert.equal(tf.memory().numTensors, before, "no tensors left");
  });
}

test("without the saved state the loaded model would train differently (the state matters)", async () => {
  const [x, y] = data();
  const a = model(optimizers.Adam(0.05));
  const fit = { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 } as const;
  await a.fit(x, y, fit);
  const path = join(dir, "stateless");
  await a.save(path);
  const json = JSON.parse(readFileSync(join(path, "model.json"), "utf8"));
  assert.equal(json.userDefinedMetadata.tsdl.training.optimizer.format, "keras3");
  assert.equal(json.userDefinedMetadata.tsdl.training.optimizerState.iterations, 3);
  assert.deepEqual(
    json.userDefinedMetadata.tsdl.training.optimizerState.weights.map((w: { name: string }) => w.name),
    ["0/momentum", "0/velocity", "1/momentum", "1/velocity", "2/momentum", "2/velocity", "3/momentum", "3/velocity", "4/momentum", "4/velocity", "5/momentum", "5/velocity"],
  );
  delete json.userDefinedMetadata.tsdl.training.optimizerState;
  writeFileSync(join(path, "model.json"), JSON.stringify(json));
  const b = await keras.models.loadModel(path);
  assert.equal(b.optimizer!.iterations, 0);
  const ha = await a.fit(x, y, fit);
  const hb = await b.fit(x, y, fit);
  assert.notDeepEqual(hb.history.loss, ha.history.loss);
  a.dispose();
  b.dispose();
  tf.dispose([x, y]);
});

test("folders in the earlier format load: tsdl's old SGD (KerasSGD), Adam and RMSprop (tfjs' names and configs)", async () => {
  const [x, y] = data();
  const old: [string, Record<string, unknown>, string, Record<string, unknown>][] = [
    ["KerasSGD", { learningRate: 0.05, momentum: 0.9, nesterov: true, decay: 0.01 }, "SGD", { learningRate: 0.05, momentum: 0.9, nesterov: true, decay: 0.01 }],
    ["Adam", { learningRate: 0.002, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 }, "Adam", { learningRate: 0.002, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, amsgrad: false }],
    ["RMSProp", { learningRate: 0.003, decay: 0.8, momentum: 0.1, epsilon: 1e-6, centered: true }, "RMSprop", { learningRate: 0.003, rho: 0.8, momentum: 0.1, epsilon: 1e-6, centered: true }],
  ];
  for (const [className, config, now, expected] of old) {
    const a = model("sgd");
    const path = join(dir, `old_${className}`);
    await a.save(path);
    const json = JSON.parse(readFileSync(join(path, "model.json"), "utf8"));
    json.userDefinedMetadata.tsdl.training = { loss: "sparse_categorical_crossentropy", metrics: ["accuracy"], optimizer: { className, config } };
    writeFileSync(join(path, "model.json"), JSON.stringify(json));
    rmSync(join(path, "optimizer.bin"));
    const b = await keras.models.loadModel(path);
    const o = b.optimizer as Optimizer;
    assert.equal(o.getClassName(), now, className);
    const c = o.getConfig() as Record<string, unknown>;
    for (const [k, v] of Object.entries(expected)) assert.equal(c[k], v, `${className}: ${k}`);
    const h = await b.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    assert.ok(Number.isFinite(h.history.loss[0] as number));
    a.dispose();
    b.dispose();
  }
  tf.dispose([x, y]);
});

test("a damaged optimizer.bin is skipped with a warning; the model loads with a fresh optimizer", async () => {
  const a = model(optimizers.Adam(0.01));
  const [x, y] = data();
  await a.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
  const path = join(dir, "damaged");
  await a.save(path);
  writeFileSync(join(path, "optimizer.bin"), Buffer.alloc(10));
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => void warnings.push(m);
  try {
    const b = await keras.models.loadModel(path);
    assert.equal(b.optimizer!.iterations, 0);
    b.dispose();
  } finally {
    console.warn = warn;
  }
  assert.match(warnings.join("\n"), /the optimizer's saved state .* was not restored \(optimizer\.bin has 10 bytes, model\.json describes \d+\)/);
  a.dispose();
  tf.dispose([x, y]);
});
