// fit's training plan (src/keras/models/training_plan.ts): a Sequential MLP trains through it without
// tfjs' tape, to the same weights (and BatchNormalization statistics) as through the tape, for the
// losses, optimizers and layer mixes it takes; the models it does not take train through the tape as
// before; no tensor is left behind.
import { test, before, afterEach } from "node:test";
import assert from "node:assert/strict";
import { keras, layers, optimizers, ready, regularizers, tf } from "../../../src/index.ts";
import { trainingPlans } from "../../../src/keras/models/training_plan.ts";
import type { KerasModel } from "../../../src/keras/models/model.ts";

before(async () => {
  await ready();
});

afterEach(() => {
  trainingPlans.enabled = true;
});

interface Case {
  name: string;
  /** the loss gives its gradient itself (softmax cross-entropy from the held logits), no tape at all */
  knownLossGradient: boolean;
  model: () => KerasModel;
  data: () => { x: tf.Tensor; y: tf.Tensor; sampleWeight?: tf.Tensor };
}

const images = (n: number, seed: number) => tf.randomUniform([n, 6, 6], 0, 1, "float32", seed);
const classes = (n: number, k: number, seed: number) => tf.randomUniform([n], 0, k, "int32", seed).toFloat();

const CASES: Case[] = [
  {
    name: "seed 003's block (Dense without bias, BatchNormalization, Activation relu), SGD with Nesterov momentum, sparse labels",
    knownLossGradient: true,
    model: () => {
      const block = (u: number) => [layers.Dense(u, { useBias: false }), layers.BatchNormalization(), layers.Activation("relu")];
      const m = keras.Sequential([layers.Flatten({ inputShape: [6, 6] }), ...block(24), ...block(16), layers.Dense(5, { activation: "softmax" })]);
      m.compile({ loss: "sparse_categorical_crossentropy", optimizer: optimizers.SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }), metrics: ["accuracy"] });
      return m;
    },
    data: () => ({ x: images(96, 1), y: classes(96, 5, 2) }),
  },
  {
    name: "Dense relu, BatchNormalization without center and scale, ReLU(), Dense then Activation(softmax), Adam, one-hot labels",
    knownLossGradient: true,
    model: () => {
      const m = keras.Sequential([
        keras.Input([6, 6]),
        layers.Flatten(),
        layers.Dense(20, { activation: "relu" }),
        layers.BatchNormalization({ center: false, scale: false, momentum: 0.9 }),
        layers.ReLU(),
        layers.Dense(4),
        layers.Activation("softmax"),
      ]);
      m.compile({ loss: "categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
      return m;
    },
    data: () => ({ x: images(80, 3), y: tf.oneHot(tf.randomUniform([80], 0, 4, "int32", 4), 4).toFloat() }),
  },
  {
    name: "Dense then ReLU() (the relu inside the product), a linear output, mean squared error with sample weights, RMSprop",
    knownLossGradient: false,
    model: () => {
      const m = keras.Sequential([keras.Input([7]), layers.Dense(12), layers.ReLU(), layers.Dense(12, { activation: "relu" }), layers.Dense(1)]);
      m.compile({ loss: "mse", optimizer: optimizers.RMSprop({ learningRate: 0.01 }), metrics: ["mae"] });
      return m;
    },
    data: () => ({ x: tf.randomNormal([64, 7], 0, 1, "float32", 5), y: tf.randomNormal([64, 1], 0, 1, "float32", 6), sampleWeight: tf.randomUniform([64], 0, 2, "float32", 7) }),
  },
  {
    name: "BatchNormalization on the input, a sigmoid output, binary cross-entropy, Adam with a global clipnorm",
    knownLossGradient: false,
    model: () => {
      const m = keras.Sequential([keras.Input([5]), layers.BatchNormalization(), layers.Dense(8, { activation: "relu" }), layers.Dense(1, { activation: "sigmoid" })]);
      m.compile({ loss: "binary_crossentropy", optimizer: optimizers.Adam({ learningRate: 0.02, globalClipnorm: 0.5 }), metrics: ["accuracy"] });
      return m;
    },
    data: () => ({ x: tf.randomNormal([48, 5], 2, 3, "float32", 8), y: tf.randomUniform([48, 1], 0, 2, "int32", 9).toFloat() }),
  },
  {
    name: "keras.io's MNIST MLP: Dense(relu), Dropout (seeded, a new mask each step), Dense(relu), Dropout, Dense(softmax), RMSprop",
    knownLossGradient: true,
    model: () => {
      const m = keras.Sequential([keras.Input([6, 6]), layers.Flatten(), layers.Dense(24, { activation: "relu" }), layers.Dropout(0.3, { seed: 3 }), layers.Dense(24, { activation: "relu" }), layers.Dropout(0.2, { seed: 4 }), layers.Dense(5, { activation: "softmax" })]);
      m.compile({ loss: "sparse_categorical_crossentropy", optimizer: optimizers.RMSprop(), metrics: ["accuracy"] });
      return m;
    },
    data: () => ({ x: images(80, 17), y: classes(80, 5, 18) }),
  },
  {
    name: "a functional chain, keras.Model(input, outputs): Dense, BatchNormalization, ReLU(), Dense(softmax), Adam",
    knownLossGradient: true,
    model: () => {
      const input = keras.Input([6, 6]);
      let h = layers.Flatten()(input);
      h = layers.ReLU()(layers.BatchNormalization()(layers.Dense(16)(h)));
      const m = keras.Model(input, layers.Dense(4, { activation: "softmax" })(h));
      m.compile({ loss: "sparse_categorical_crossentropy", optimizer: optimizers.Adam({ learningRate: 0.01 }), metrics: ["accuracy"] });
      return m;
    },
    data: () => ({ x: images(64, 15), y: classes(64, 4, 16) }),
  },
  {
    name: "Dense then Activation(softmax) with mean squared error on one-hot labels (the loss reads the probabilities: under the tape)",
    knownLossGradient: false,
    model: () => {
      const m = keras.Sequential([keras.Input([6, 6]), layers.Flatten(), layers.Dense(10, { activation: "relu" }), layers.Dense(3), layers.Activation("softmax")]);
      m.compile({ loss: "mse", optimizer: optimizers.SGD({ learningRate: 0.5 }) });
      return m;
    },
    data: () => ({ x: images(48, 13), y: tf.oneHot(tf.randomUniform([48], 0, 3, "int32", 14), 3).toFloat() }),
  },
];

/** Every weight of the model, trainable and not (the moving statistics), in order, by layer class and weight (the two models' auto-names differ). */
async function weightsOf(m: KerasModel): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [i, w] of m.tf.weights.entries()) out.set(`${i} ${w.name.replace(/_\d+\//, "/")}`, (await w.read().data()) as Float32Array);
  return out;
}

async function trainBothWays(c: Case, epochs: number): Promise<{ plan: Map<string, Float32Array>; tape: Map<string, Float32Array>; planSteps: number; knownSteps: number; history: [number[], number[]] }> {
  const results: Map<string, Float32Array>[] = [];
  const losses: number[][] = [];
  let planSteps = 0;
  let knownSteps = 0;
  const left: number[] = [];
  for (const enabled of [true, false]) {
    trainingPlans.enabled = enabled;
    const tensors = tf.memory().numTensors;
    const m = c.model();
    const { x, y, sampleWeight } = c.data();
    m.setWeights(tf.tidy(() => m.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.3, 0.3, "float32", 100 + i).add(w.shape.length === 1 && w.size > 0 ? 0.5 : 0))));
    const [before, knownBefore] = [trainingPlans.steps, trainingPlans.knownLossGradient];
    const h = await m.fit(x, y, { epochs, batchSize: 16, shuffle: false, verbose: 0, sampleWeight });
    if (enabled) [planSteps, knownSteps] = [trainingPlans.steps - before, trainingPlans.knownLossGradient - knownBefore];
    results.push(await weightsOf(m));
    losses.push(h.history.loss as number[]);
    tf.dispose([x, y, ...(sampleWeight ? [sampleWeight] : [])]);
    m.dispose();
    left.push(tf.memory().numTensors - tensors);
  }
  // (the optimizer's state outlives the model; the plan leaves nothing more than the tape does)
  assert.equal(left[0], left[1], `tensors left by training through the plan (${left[0]}) and the tape (${left[1]})`);
  return { plan: results[0], tape: results[1], planSteps, knownSteps, history: [losses[0], losses[1]] };
}

for (const c of CASES) {
  test(`the plan trains to the tape's weights: ${c.name}`, async () => {
    const { plan, tape, planSteps, knownSteps, history } = await trainBothWays(c, 3);
    assert.ok(planSteps > 0, "fit trained through the plan");
    assert.equal(knownSteps, c.knownLossGradient ? planSteps : 0, "steps whose loss gave its own gradient");
    assert.deepEqual([...plan.keys()], [...tape.keys()]);
    for (const [name, a] of plan) {
      const b = tape.get(name)!;
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      assert.ok(worst <= 1e-6, `${name}: the plan's weights differ from the tape's by ${worst}`);
    }
    assert.ok(history[0].every((v, i) => Math.abs(v - history[1][i]) <= 1e-6 * Math.max(1, Math.abs(v))), `losses ${history[0]} vs ${history[1]}`);
    // and training did something
    assert.notDeepEqual(history[0][0], history[0][history[0].length - 1]);
  });
}

test("the plan leaves no tensor behind over epochs", async () => {
  const m = CASES[0].model();
  const { x, y } = CASES[0].data();
  await m.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
  const counts: number[] = [];
  for (let e = 0; e < 3; e++) {
    await m.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
    counts.push(tf.memory().numTensors);
  }
  assert.equal(new Set(counts).size, 1, `tensors per epoch: ${counts}`);
  tf.dispose([x, y]);
  m.dispose();
});

test("models the plan does not take train through the tape: a regularizer, a frozen layer, Dropout with a noise shape, a functional model that is not a chain", async () => {
  const x = tf.randomNormal([32, 6], 0, 1, "float32", 11);
  const y = classes(32, 3, 12);
  const make = (mid: tf.layers.Layer) => {
    const m = keras.Sequential([keras.Input([6]), mid, layers.Dense(3, { activation: "softmax" })]);
    m.compile({ loss: "sparse_categorical_crossentropy", optimizer: "sgd" });
    return m;
  };
  const frozen = layers.Dense(8) as unknown as tf.layers.Layer;
  frozen.trainable = false;
  const input = keras.Input([6]);
  const hidden = layers.Dense(6, { activation: "relu" })(input);
  const functional = keras.Model(input, layers.Dense(3, { activation: "softmax" })(layers.Add()([input, hidden])));
  functional.compile({ loss: "sparse_categorical_crossentropy", optimizer: "sgd" });
  const models = [make(layers.Dense(8, { kernelRegularizer: regularizers.L2(0.01) })), make(frozen), make(layers.Dropout(0.5, { noiseShape: [null, 1] })), functional];
  for (const m of models) {
    const before = trainingPlans.steps;
    const h = await m.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    assert.equal(trainingPlans.steps, before, `${m.name} trained through the plan`);
    assert.ok(Number.isFinite(h.history.loss[1] as number));
    m.dispose();
  }
  tf.dispose([x, y]);
});

test("a layer frozen after a fit through the plan trains through the tape from then on", async () => {
  const m = CASES[0].model();
  const { x, y } = CASES[0].data();
  let before = trainingPlans.steps;
  await m.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
  assert.ok(trainingPlans.steps > before);
  const dense = m.tf.layers.find((l) => l.getClassName() === "Dense")!;
  const frozenKernel = await dense.getWeights()[0].data();
  dense.trainable = false;
  before = trainingPlans.steps;
  await m.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
  assert.equal(trainingPlans.steps, before);
  assert.deepEqual(await dense.getWeights()[0].data(), frozenKernel);
  tf.dispose([x, y]);
  m.dispose();
});
