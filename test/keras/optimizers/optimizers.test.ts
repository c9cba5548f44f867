// The optimizers in use: Keras' strings in compile, training with each (loss down, no tensor growth),
// EMA weights after fit, learningRate and iterations as Keras and the callbacks use them, the fused
// in-place steps taken on wasm, (de)serialization, and the errors for bad input.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { callbacks, keras, layers, optimizers, ready, tf } from "../../../src/index.ts";
import { fusedCalls } from "../../../src/backend/fused_kernels.ts";
import type { Optimizer } from "../../../src/keras/optimizers/index.ts";
import { seedEachTest } from "../seed_each_test.ts";

const S = optimizers.schedules;

seedEachTest();

before(async () => {
  await ready();
});

function data(): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const x = tf.tensor2d(Array.from({ length: 96 * 5 }, (_, i) => Math.sin(i * 1.3) * 1.5), [96, 5]);
    const y = tf.cast(tf.greater(tf.sum(tf.mul(x, tf.tensor1d([1, -1, 0.5, 0, 2])), 1), 0), "float32");
    return [x, y];
  });
}

function mlp(): ReturnType<typeof keras.Sequential> {
  return keras.Sequential([keras.Input([5]), layers.Dense(12, { activation: "relu" }), layers.BatchNormalization(), layers.Dense(1, { activation: "sigmoid" })]);
}

/** Fits 3 epochs; returns the losses and the tensor counts at each epoch's end. */
async function train(optimizer: string | tf.Optimizer, epochs = 3): Promise<{ losses: number[]; counts: number[]; model: ReturnType<typeof keras.Sequential> }> {
  const [x, y] = data();
  const model = mlp();
  model.compile({ optimizer, loss: "binary_crossentropy", metrics: ["accuracy"] });
  const counts: number[] = [];
  const h = await model.fit(x, y, { epochs, batchSize: 16, verbose: 0, callbacks: [new callbacks.LambdaCallback({ onEpochEnd: () => void counts.push(tf.memory().numTensors) })] });
  tf.dispose([x, y]);
  return { losses: h.history.loss as number[], counts, model };
}

const NAMES: Record<string, string> = { sgd: "SGD", adam: "Adam", adamw: "AdamW", rmsprop: "RMSprop", adagrad: "Adagrad", adadelta: "Adadelta", adamax: "Adamax", nadam: "Nadam", lion: "Lion" };

for (const [name, cls] of Object.entries(NAMES)) {
  test(`compile({ optimizer: "${name}" }) makes Keras' ${cls} with its defaults; it trains without growing the tensor count`, async () => {
    const before = tf.memory().numTensors;
    const { counts, model, losses } = await train(name);
    const o = model.optimizer as Optimizer;
    assert.equal(o.getClassName(), cls);
    assert.equal(o.iterations, 18, "6 batches x 3 epochs");
    assert.ok(losses.every(Number.isFinite));
    assert.equal(new Set(counts).size, 1, `tensors at each epoch's end: ${counts.join(", ")}`);
    model.dispose();
    assert.equal(tf.memory().numTensors, before, "model.dispose frees the optimizer's slots");
  });
}

const TRAINING: Record<string, () => Optimizer> = {
  "SGD momentum, clipnorm": () => optimizers.SGD({ learningRate: 0.1, momentum: 0.9, clipnorm: 1 }),
  "Adam amsgrad, weight decay": () => optimizers.Adam({ learningRate: 0.02, amsgrad: true, weightDecay: 0.01 }),
  "AdamW on CosineDecay": () => optimizers.AdamW({ learningRate: S.CosineDecay(0.03, 18) }),
  "RMSprop centered, globalClipnorm": () => optimizers.RMSprop({ learningRate: 0.01, centered: true, momentum: 0.5, globalClipnorm: 2 }),
  "Adagrad clipvalue": () => optimizers.Adagrad({ learningRate: 0.1, clipvalue: 0.5 }),
  "Adadelta lr 1": () => optimizers.Adadelta(1),
  "Adamax ExponentialDecay": () => optimizers.Adamax({ learningRate: S.ExponentialDecay(0.05, 6, 0.8) }),
  "Nadam EMA": () => optimizers.Nadam({ learningRate: 0.02, useEma: true, emaMomentum: 0.5 }),
  "Lion": () => optimizers.Lion(0.003),
};

for (const [name, make] of Object.entries(TRAINING)) {
  test(`${name}: the loss goes down over 3 epochs`, async () => {
    const { losses, counts, model } = await train(make());
    assert.ok(losses[2] < losses[0], `losses ${losses.join(", ")}`);
    assert.equal(new Set(counts).size, 1, `tensors at each epoch's end: ${counts.join(", ")}`);
    model.dispose();
  });
}

test("with useEma, fit ends with the weights' moving averages in place (Keras' finalize_variable_values)", async () => {
  const opt = optimizers.SGD({ learningRate: 0.1, useEma: true, emaMomentum: 0.9 });
  const { model } = await train(opt, 2);
  for (const w of model.tf.trainableWeights) {
    const avg = opt.slotsOf(w)!.average;
    assert.deepEqual(await w.read().data(), await avg.data(), `${w.name} is its average`);
  }
  model.dispose();
});

test("SGD and Adam take the fused in-place step on wasm, also with clipping and decay around it", async () => {
  for (const [make, key] of [
    [() => optimizers.SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true, clipnorm: 1, weightDecay: 0.01 }), "sgd"],
    [() => optimizers.Adam({ learningRate: 0.01, globalClipnorm: 1, weightDecay: 0.01 }), "adam"],
    [() => optimizers.AdamW(0.01), "adam"],
  ] as const) {
    const before = fusedCalls[key];
    const { model } = await train(make(), 1);
    assert.equal(fusedCalls[key] - before, 6 * 6, `${key}: every trainable variable (6) at every step (6)`);
    model.dispose();
  }
  const before = fusedCalls.adam;
  const { model } = await train(optimizers.Adam({ learningRate: 0.01, amsgrad: true }), 1);
  assert.equal(fusedCalls.adam, before, "amsgrad runs as tfjs ops");
  model.dispose();
});

test("learningRate is readable and settable; a schedule is evaluated at the optimizer's iterations", () => {
  const sgd = optimizers.SGD(0.05);
  assert.equal(sgd.learningRate, 0.05);
  sgd.learningRate = 0.2;
  assert.equal(sgd.learningRate, 0.2);
  const sched = S.ExponentialDecay(0.1, 1, 0.5);
  const adam = optimizers.Adam({ learningRate: sched });
  const v = tf.variable(tf.ones([2]));
  const rates: number[] = [];
  for (let i = 0; i < 3; i++) {
    rates.push(adam.learningRate);
    adam.minimize(() => tf.sum(tf.square(v)) as tf.Scalar, false, [v]);
  }
  assert.deepEqual(rates, [0.1, 0.05, 0.025]);
  assert.equal(adam.iterations, 3);
  assert.equal(adam.learningRateSchedule, sched);
  assert.throws(() => (adam.learningRate = 0.1), (e: Error) => e instanceof TypeError && /Adam: this optimizer was made with a learning-rate schedule \(ExponentialDecay\), so its learning rate cannot be set to a number/.test(e.message));
  adam.learningRate = S.PiecewiseConstantDecay([10], [0.3, 0.1]);
  assert.equal(adam.learningRate, 0.3, "a schedule can replace a schedule");
  assert.throws(() => (sgd.learningRate = -1), /SGD: learningRate must be a positive number, got -1/);
  adam.dispose();
  v.dispose();
});

test("ReduceLROnPlateau and LearningRateScheduler set the optimizer's learning rate; with a schedule they fail clearly", async () => {
  const [x, y] = data();
  const model = mlp();
  model.compile({ optimizer: optimizers.RMSprop(0.01), loss: "binary_crossentropy" });
  const seen: number[] = [];
  await model.fit(x, y, { epochs: 3, verbose: 0, callbacks: [new callbacks.LearningRateScheduler((epoch) => 0.01 / (epoch + 1)), new callbacks.LambdaCallback({ onEpochEnd: () => void seen.push((model.optimizer as Optimizer).learningRate) })] });
  assert.deepEqual(seen, [0.01, 0.005, 0.01 / 3]);
  model.compile({ optimizer: optimizers.SGD({ learningRate: S.InverseTimeDecay(0.1, 10, 1) }), loss: "binary_crossentropy" });
  await assert.rejects(model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new callbacks.LearningRateScheduler(() => 0.01)] }), /SGD: this optimizer was made with a learning-rate schedule \(InverseTimeDecay\)/);
  model.compile({ optimizer: optimizers.SGD({ learningRate: S.InverseTimeDecay(0.1, 10, 1) }), loss: "binary_crossentropy" });
  await assert.rejects(
    model.fit(x, y, { epochs: 4, verbose: 0, validationSplit: 0.25, callbacks: [new callbacks.ReduceLROnPlateau({ monitor: "loss", patience: 0, minDelta: 10 })] }),
    /learning rate cannot be set to a number/,
  );
  model.dispose();
  tf.dispose([x, y]);
});

test("getConfig / serialize / deserialize round-trip every optimizer (schedule included)", () => {
  for (const o of [
    optimizers.SGD({ learningRate: 0.3, momentum: 0.5, nesterov: true, clipnorm: 2 }),
    optimizers.Adam({ learningRate: S.PolynomialDecay(0.1, 20, { cycle: true }), amsgrad: true, useEma: true, emaOverwriteFrequency: 5 }),
    optimizers.AdamW({ weightDecay: 0.1 }),
    optimizers.RMSprop({ rho: 0.8, centered: true, globalClipnorm: 1 }),
    optimizers.Adagrad({ initialAccumulatorValue: 0.5, clipvalue: 1 }),
    optimizers.Adadelta({ rho: 0.9 }),
    optimizers.Adamax({ beta2: 0.99 }),
    optimizers.Nadam({ epsilon: 1e-5 }),
    optimizers.Lion({ beta1: 0.95, weightDecay: 0.5 }),
  ]) {
    const json = JSON.parse(JSON.stringify(optimizers.serialize(o)));
    const again = optimizers.deserialize(json);
    assert.equal(again.getClassName(), o.getClassName());
    assert.deepEqual(again.getConfig(), o.getConfig());
    assert.deepEqual(keras.optimizers.getOptimizer(json).getConfig(), o.getConfig(), "compile takes the serialized form too");
  }
  assert.throws(() => optimizers.deserialize({ className: "Ftrl", config: {} }), /optimizers.deserialize: unknown optimizer class "Ftrl"; known: SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Lion/);
});

test("Keras' automatic names and snake_case option spellings", () => {
  keras.backend.clearSession();
  assert.equal(optimizers.Adam().name, "adam");
  assert.equal(optimizers.Adam().name, "adam_1");
  assert.equal(optimizers.AdamW().name, "adam_w");
  assert.equal(optimizers.SGD({ name: "mine" }).name, "mine");
  const o = optimizers.Adam({ beta_1: 0.8, weight_decay: 0.1, global_clipnorm: 1, use_ema: true, ema_momentum: 0.9 } as never);
  assert.deepEqual([o.beta1, o.weightDecay, o.globalClipnorm, o.useEma, o.emaMomentum], [0.8, 0.1, 1, true, 0.9]);
  assert.equal(optimizers.Adagrad({ initial_accumulator_value: 0.3 } as never).initialAccumulatorValue, 0.3);
});

test("getWeights / setWeights (tfjs' interface) carry iterations and slots", async () => {
  const v = tf.variable(tf.tensor1d([1, -2, 3]));
  const a = optimizers.Adam(0.1);
  for (let i = 0; i < 2; i++) a.minimize(() => tf.sum(tf.square(v)) as tf.Scalar, false, [v]);
  const weights = await a.getWeights();
  assert.deepEqual(weights.map((w) => w.name), ["iter", `${v.name}/momentum`, `${v.name}/velocity`]);
  const b = optimizers.Adam(0.1);
  await b.setWeights(weights);
  assert.equal(b.iterations, 2);
  assert.deepEqual(await b.slotsOf(v)!.velocity.data(), await a.slotsOf(v)!.velocity.data());
  tf.dispose(weights[0].tensor);
  a.dispose();
  b.dispose();
  v.dispose();
});

test("excludeFromWeightDecay (by variable or name pattern) and only before the first step", () => {
  const kept = tf.variable(tf.ones([2]), true, "exclusion_test/bias");
  const decayed = tf.variable(tf.ones([2]), true, "exclusion_test/kernel");
  const listed = tf.variable(tf.ones([2]), true, "exclusion_test/gamma");
  const o = optimizers.SGD({ learningRate: 0.5, weightDecay: 0.2 });
  o.excludeFromWeightDecay({ varNames: ["bias"], varList: [listed] });
  o.applyGradients([kept, decayed, listed].map((v) => ({ name: v.name, tensor: tf.zerosLike(v) })));
  assert.deepEqual(Array.from(kept.dataSync()), [1, 1]);
  assert.deepEqual(Array.from(listed.dataSync()), [1, 1]);
  assert.deepEqual(Array.from(decayed.dataSync()), [Math.fround(0.9), Math.fround(0.9)], "1 - 0.5 * 0.2");
  assert.throws(() => o.excludeFromWeightDecay({ varNames: ["kernel"] }), /SGD: excludeFromWeightDecay\(\) can only be called before the optimizer's first step/);
  tf.dispose([kept, decayed, listed]);
  o.dispose();
});

test("bad options are errors that name the optimizer, the option and the value", () => {
  const cases: [() => unknown, RegExp][] = [
    [() => optimizers.Adam({ amsgrd: true } as never), /Adam: unknown option "amsgrd"; accepted: learningRate, lr, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum, emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps, name, beta1, beta2, epsilon, amsgrad/],
    [() => optimizers.SGD({ gradientAccumulationSteps: 1 }), /SGD: gradientAccumulationSteps must be an integer >= 2, got 1/],
    [() => optimizers.Adam({ lossScaleFactor: 0 }), /Adam: lossScaleFactor must be a positive number, got 0/],
    [() => optimizers.SGD({ momentum: 1.5 }), /SGD: momentum must be a number in \[0, 1\], got 1.5/],
    [() => optimizers.SGD({ momentum: S.ExponentialDecay(0.1, 1, 0.5) as never }), /SGD: momentum must be a number in \[0, 1\], got a learning-rate schedule \(ExponentialDecay\); a schedule is accepted only as learningRate/],
    [() => optimizers.Adam({ clipnorm: 1, clipvalue: 1 }), /Adam: only one of clipnorm, clipvalue and globalClipnorm can be set; got clipnorm=1, clipvalue=1, globalClipnorm=null/],
    [() => optimizers.RMSprop({ clipnorm: -1 }), /RMSprop: clipnorm must be a number >= 0, got -1/],
    [() => optimizers.AdamW({ weightDecay: null as never }), /AdamW: weightDecay must be a number >= 0, got null/],
    [() => optimizers.Lion({ beta1: 0 }), /Lion: beta1 must be in \(0, 1\] \(otherwise the optimizer degenerates to SignSGD\), got 0/],
    [() => optimizers.Adam({ useEma: true, emaMomentum: 2 }), /Adam: emaMomentum must be a number in \[0, 1\], got 2/],
    [() => optimizers.Adam({ useEma: "yes" as never }), /Adam: useEma must be true or false, got "yes"/],
    [() => optimizers.Nadam({ emaOverwriteFrequency: 1.5 }), /Nadam: emaOverwriteFrequency must be an integer >= 1, got 1.5/],
    [() => optimizers.Adagrad({ learningRate: "0.1" as never }), /Adagrad: learningRate must be a positive number, got "0.1" \(or a schedule/],
    [() => optimizers.Adamax(NaN), /Adamax: learningRate must be a positive number, got NaN/],
    [() => optimizers.Adadelta("fast" as never), /Adadelta: expected a learning rate or an options object, got "fast"/],
    [() => optimizers.SGD({ lr: 0.1, learningRate: 0.2 }), /SGD: give learningRate or lr, not both/],
    [() => optimizers.Adam({ beta1: 0.9, beta_1: 0.8 } as never), /Adam: option beta1 given twice \(as beta1 and beta_1\)/],
    [() => optimizers.Adam(0.1).applyGradients([{ name: "x", tensor: null as never }]), /Adam: no gradients provided for any variable/],
    [() => keras.optimizers.getOptimizer(42 as never), /compile: optimizer must be one of "sgd", "adam", .*, got 42/],
    // Schedules.
    [() => S.ExponentialDecay(0.1, 0, 0.9), /ExponentialDecay: decaySteps must be a positive number, got 0/],
    [() => S.PiecewiseConstantDecay([1, 2], [1]), /PiecewiseConstantDecay: the length of boundaries should be 1 less than the length of values; got boundaries=\[1,2\] of length 2 and values=\[1\] of length 1/],
    [() => S.PiecewiseConstantDecay([5, 2], [1, 2, 3]), /PiecewiseConstantDecay: boundaries must increase, got \[5,2\]/],
    [() => S.CosineDecay({ initialLearningRate: 0.1 } as never), /CosineDecay: decaySteps is required/],
    [() => S.PolynomialDecay(0.1, 10, { cycel: true } as never), /PolynomialDecay: unknown option "cycel"; accepted: endLearningRate, power, cycle, name/],
    [() => S.InverseTimeDecay(S.CosineDecay(0.1, 10) as never, 10, 1), /InverseTimeDecay: initialLearningRate must be a finite number, got a learning-rate schedule \(CosineDecay\)/],
    [() => S.CosineDecayRestarts(0.1, 10, { tMul: 0 }), /CosineDecayRestarts: tMul must be a positive number, got 0/],
    [() => S.deserialize({ className: "Cyclic", config: {} }), /schedules.deserialize: unknown schedule "Cyclic"; known: .*ExponentialDecay/],
  ];
  for (const [f, re] of cases) assert.throws(f, re);
});

test("no tensors leak across optimizer steps (every optimizer and option)", () => {
  const all: (() => Optimizer)[] = [
    () => optimizers.SGD({ momentum: 0.9, clipnorm: 1, useEma: true, emaOverwriteFrequency: 2 }),
    () => optimizers.Adam({ amsgrad: true, globalClipnorm: 1, weightDecay: 0.1 }),
    () => optimizers.AdamW({ learningRate: S.CosineDecayRestarts(0.1, 2), clipvalue: 0.1 }),
    () => optimizers.RMSprop({ momentum: 0.5, centered: true }),
    () => optimizers.Adagrad(),
    () => optimizers.Adadelta(),
    () => optimizers.Adamax({ useEma: true }),
    () => optimizers.Nadam({ weightDecay: 0.1 }),
    () => optimizers.Lion(),
  ];
  const v = tf.variable(tf.randomNormal([4, 3]));
  for (const make of all) {
    const o = make();
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) {
      o.minimize(() => tf.sum(tf.square(v)) as tf.Scalar, false, [v]);
      counts.push(tf.memory().numTensors);
    }
    assert.equal(new Set(counts).size, 1, `${o.getClassName()}: ${counts.join(", ")}`);
    o.dispose();
  }
  v.dispose();
});

test("an optimizer reused for a second model forgets the first one's freed variables (EMA included)", async () => {
  const opt = optimizers.Adam({ learningRate: 0.01, useEma: true });
  const first = await train(opt, 1);
  first.model.tf.dispose(); // the weights go, the optimizer stays
  const before = tf.memory().numTensors;
  const second = await train(opt, 1);
  assert.ok(second.losses.every(Number.isFinite));
  assert.equal(second.model.tf.trainableWeights.filter((w) => opt.slotsOf(w)).length, 6, "slots for the new model's weights");
  second.model.dispose();
  assert.ok(tf.memory().numTensors <= before, "the first model's slots were freed");
});

test("gradientAccumulationSteps in fit: iterations count updates, the weights change only every n steps; lossScaleFactor leaves the loss as it is", async () => {
  const [x, y] = data();
  const model = mlp();
  const opt = optimizers.SGD({ learningRate: 0.1, gradientAccumulationSteps: 4, lossScaleFactor: 64 });
  model.compile({ optimizer: opt, loss: "binary_crossentropy" });
  const snapshots: number[][] = [];
  const h = await model.fit(x, y, {
    epochs: 1, batchSize: 16, shuffle: false, verbose: 0,
    callbacks: [new callbacks.LambdaCallback({ onBatchEnd: () => void snapshots.push(Array.from(model.tf.trainableWeights[0].read().dataSync())) })],
  });
  assert.equal(opt.iterations, 1, "6 steps of 4: 1 update");
  const changed = snapshots.map((s, i) => (i === 0 ? false : s.some((v, j) => v !== snapshots[i - 1][j])));
  assert.deepEqual(changed, [false, false, false, true, false, false], "the kernel changes at the 4th step only");
  model.dispose();
  tf.dispose([x, y]);
  assert.ok(Number.isFinite(h.history.loss[0] as number) && (h.history.loss[0] as number) < 5, `the loss is not scaled: ${h.history.loss[0]}`);
});
