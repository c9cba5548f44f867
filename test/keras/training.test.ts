// fit / evaluate / predict / callbacks / save on the default backend, with real numbers.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { mkdtempSync, readFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callbacks, keras, layers, optimizers, ready, tf, utils } from "../../src/index.ts";
import { seed002, seed003 } from "./seed_models.ts";
import { seedEachTest } from "./seed_each_test.ts";

seedEachTest();

before(async () => {
  await ready();
});

/** A learnable 10-class problem shaped like Fashion-MNIST: the class is which 7x28 band is brightest... */
function fashionLike(n: number, seed: number) {
  return tf.tidy(() => {
    const labels = tf.randomUniform([n], 0, 10, "int32", seed);
    const noise = tf.randomUniform([n, 28, 28], 0, 0.5, "float32", seed + 1);
    const rows = tf.range(0, 28).div(2.8).floor().toInt(); // 10 bands of rows
    const mask = tf.equal(rows.reshape([1, 28, 1]), labels.reshape([n, 1, 1])).toFloat().mul(0.5);
    return { x: noise.add(mask) as tf.Tensor3D, y: labels };
  });
}

test("seed 003 (SGD, nesterov) trains: loss falls, accuracy rises, History has Keras' keys, no tensor leaks", async () => {
  const model = seed003("before");
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: optimizers.SGD({ lr: 0.01, decay: 1e-6, momentum: 0.9, nesterov: true }), metrics: ["accuracy"] });
  const { x, y } = fashionLike(512, 1);
  const { x: vx, y: vy } = fashionLike(128, 2);
  const counts: number[] = [];
  const history = await model.fit(x, y, {
    epochs: 4,
    batchSize: 32,
    verbose: 0,
    validationData: [vx, vy],
    callbacks: [new callbacks.LambdaCallback({ onEpochEnd: () => void counts.push(tf.memory().numTensors) })],
  });
  assert.deepEqual(Object.keys(history.history), ["accuracy", "loss", "val_accuracy", "val_loss"]); // sorted, as Keras 3's logs
  assert.deepEqual(history.epoch, [0, 1, 2, 3]);
  const { loss, val_accuracy } = history.history;
  assert.ok(loss[3] < loss[0] * 0.7, `loss falls: ${loss}`);
  assert.ok(val_accuracy[3] > 0.8, `val accuracy ${val_accuracy}`);
  assert.ok(counts.every((c) => c === counts[0]), `tensors after each epoch: ${counts}`);
  assert.equal(model.history, history);
  // A cell ending in `await model.fit(...)` shows one line (as Keras' History), and console.log the lists, not the model.
  const shown = (history as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();
  assert.deepEqual(Object.keys(shown), ["text/plain"]);
  const last = (k: string) => history.history[k][3].toFixed(4);
  assert.equal(shown["text/plain"], `History(4 epochs: accuracy=${last("accuracy")}, loss=${last("loss")}, val_accuracy=${last("val_accuracy")}, val_loss=${last("val_loss")})`);
  const logged = inspect(history, { depth: 4 });
  assert.match(logged, /^History \{\s+epoch: \[ 0, 1, 2, 3 \],\s+history: \{/);
  assert.ok(!/optimizer|layers|params/.test(logged) && logged.length < 800, logged);
  tf.dispose(await model.predict(vx)); // the plan predict prepares, which the model keeps (plan_cache.ts)
  const before = tf.memory().numTensors;
  const [evalLoss, evalAcc] = await model.evaluate(vx, vy, { verbose: 0 });
  assert.ok(Math.abs(evalLoss - history.history.val_loss[3]) < 1e-4, "evaluate matches the last val_loss");
  assert.ok(Math.abs(evalAcc - history.history.val_accuracy[3]) < 1e-6);
  const p = await model.predict(vx);
  assert.deepEqual(p.shape, [128, 10]);
  p.dispose();
  assert.equal(tf.memory().numTensors, before, "evaluate and predict free what they make");
});

test("seed 002 CNN (with BN, dropout, pooling) trains on the default backend", async () => {
  const model = seed002();
  model.compile({ loss: "categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
  const x = tf.randomUniform([64, 32, 32, 3], 0, 1, "float32", 5);
  // A learnable target: the class is the brightest of 10 regions... simplest: mean brightness decile.
  const labels = tf.tidy(() => tf.randomUniform([64], 0, 10, "int32", 6));
  const xs = tf.tidy(() => x.add(labels.toFloat().reshape([64, 1, 1, 1]).mul(0.3)));
  const y = utils.toCategorical(labels, 10);
  const h = await model.fit(xs, y, { epochs: 3, batchSize: 16, verbose: 0 });
  assert.ok(h.history.loss[2] < h.history.loss[0], `loss falls: ${h.history.loss}`);
  tf.dispose([x, labels, xs, y]);
});

test("validationSplit holds out the last samples, as Keras", async () => {
  const model = keras.Sequential([layers.Dense(1, { inputShape: [1], kernelInitializer: "zeros" })]);
  model.compile({ loss: "mse", optimizer: optimizers.SGD({ lr: 1e-9 }) });
  // y = 0 for the first 80 samples, 10 for the last 20: val_loss (mse of a ~zero model) is 100.
  const x = tf.ones([100, 1]);
  const y = tf.concat([tf.zeros([80, 1]), tf.fill([20, 1], 10)]);
  const h = await model.fit(x, y, { epochs: 1, validationSplit: 0.2, verbose: 0 });
  assert.ok(Math.abs(h.history.val_loss[0] - 100) < 1e-3, `val_loss ${h.history.val_loss}`);
  assert.ok(h.history.loss[0] < 1e-3);
});

test("a wrong input shape gets Keras' error naming the layer and both shapes; nothing breaks after", async () => {
  keras.backend.clearSession();
  const input = layers.Input([784]);
  const dense = layers.Dense(32);
  dense(input);
  assert.throws(() => dense(layers.Input([28, 28])), {
    message: 'Input 0 of layer "dense" is incompatible: expected shape [null, 784], got [null, 28, 28]',
  });
  const model = keras.Sequential([layers.Dense(10, { inputShape: [784], activation: "softmax" })]);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam" });
  const bad = tf.zeros([8, 28, 28]);
  await assert.rejects(model.fit(bad, tf.zeros([8])), { message: `Input 0 of layer "${model.name}" is incompatible: expected shape [null, 784], got [8, 28, 28]` });
  await assert.rejects(model.fit(tf.zeros([8, 784]), tf.zeros([8, 10])), /look one-hot, but loss "sparse_categorical_crossentropy" needs class indices/);
  const ok = await model.fit(tf.zeros([8, 784]), tf.zeros([8]), { verbose: 0 });
  assert.equal(ok.history.loss.length, 1);
});

test("unknown loss, optimizer, metric and activation strings name the accepted ones", () => {
  const model = keras.Sequential([layers.Dense(2, { inputShape: [3] })]);
  assert.throws(() => model.compile({ loss: "cross_entropy", optimizer: "adam" }), /unknown loss "cross_entropy"; expected one of categorical_crossentropy, sparse_categorical_crossentropy/);
  assert.throws(() => model.compile({ loss: "mse", optimizer: "ftrl" }), /unknown optimizer "ftrl"; expected one of "sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "lion"/);
  assert.throws(() => model.compile({ loss: "mse", optimizer: "adam", metrics: ["f1"] }), /unknown metric "f1"/);
  assert.throws(() => layers.Dense(2, { activation: "relu7" as never }), /Dense\(2\): unknown activation "relu7"; expected one of linear, relu/);
  assert.throws(() => layers.Conv2D(8, [3, 3], { padding: "full" as never }), /padding must be "valid" or "same", got "full"/);
  model.compile({ loss: "mse", optimizer: "adam" }); // still usable
});

test("callbacks: EarlyStopping stops, ReduceLROnPlateau lowers the rate, CSVLogger and ModelCheckpoint write files", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-cb-"));
  const model = keras.Sequential([layers.Dense(1, { inputShape: [1] })]);
  model.compile({ loss: "mse", optimizer: optimizers.SGD({ lr: 1e-12 }) }); // nothing improves
  const x = tf.randomNormal([32, 1], 0, 1, "float32", 1);
  const y = x.mul(3);
  const early = new callbacks.EarlyStopping({ monitor: "loss", patience: 2, minDelta: 1 });
  const reduce = new callbacks.ReduceLROnPlateau({ monitor: "loss", patience: 1, factor: 0.5, minDelta: 1 });
  const csv = join(dir, "log.csv");
  const h = await model.fit(x, y, {
    epochs: 20,
    verbose: 0,
    callbacks: [early, reduce, new callbacks.CSVLogger(csv), new callbacks.ModelCheckpoint(join(dir, "ckpt-{epoch:02d}"))],
  });
  assert.equal(h.epoch.length, 3, "Keras 3: the first epoch sets the best, the third is the patience-th without improvement");
  assert.ok(model.learningRate < 1e-12, `rate reduced to ${model.learningRate}`);
  const lines = readFileSync(csv, "utf8").trim().split(/\r?\n/);
  assert.equal(lines[0], "epoch,loss,lr,val_loss,val_lr", "Keras 3: sorted keys, val_ columns added");
  assert.equal(lines.length, 4);
  assert.ok(lines[1].endsWith(",NA,NA"));
  assert.ok(existsSync(join(dir, "ckpt-03", "model.json")));
  assert.ok(!readdirSync(dir).some((f) => f.includes(".tmp-")), "no half-written checkpoint");
});

test("LearningRateScheduler and TerminateOnNaN", async () => {
  const model = keras.Sequential([layers.Dense(1, { inputShape: [1] })]);
  model.compile({ loss: "mse", optimizer: "sgd" });
  const x = tf.ones([8, 1]);
  const seen: number[] = [];
  await model.fit(x, x, {
    epochs: 3,
    verbose: 0,
    callbacks: [new callbacks.LearningRateScheduler((epoch) => 0.1 / (epoch + 1)), new callbacks.LambdaCallback({ onEpochEnd: () => void seen.push(model.learningRate) })],
  });
  assert.deepEqual(seen.map((v) => +v.toFixed(6)), [0.1, 0.05, 0.033333]);
  model.compile({ loss: "mse", optimizer: optimizers.SGD({ lr: 1e30 }) });
  const h = await model.fit(tf.fill([8, 1], 1e10), tf.fill([8, 1], -1e10), { epochs: 5, batchSize: 1, verbose: 0, callbacks: [new callbacks.TerminateOnNaN()] });
  assert.ok(h.epoch.length === 1, "stopped in the first epoch");
});

test("save and loadModel round-trip architecture, weights and compile settings", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-save-"));
  const model = seed003("after");
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: optimizers.SGD({ lr: 0.01, momentum: 0.9, nesterov: true }), metrics: ["accuracy"] });
  const { x, y } = fashionLike(64, 3);
  await model.fit(x, y, { epochs: 1, verbose: 0 });
  await model.save(join(dir, "m"));
  const loaded = await keras.models.loadModel(join(dir, "m"));
  assert.equal(loaded.constructor.name, "SequentialModel");
  const a = await model.predict(x);
  const b = await loaded.predict(x);
  const diff = await tf.max(tf.abs(tf.sub(a, b))).data();
  assert.ok(diff[0] < 1e-6, `predictions equal after loading (max diff ${diff[0]})`);
  assert.equal(loaded.loss?.name, "sparse_categorical_crossentropy");
  assert.deepEqual(loaded.metrics.map((m) => m.name), ["accuracy"]);
  const h = await loaded.fit(x, y, { epochs: 1, verbose: 0 });
  assert.ok(Number.isFinite(h.history.loss[0]));
  await assert.rejects(keras.models.loadModel(join(dir, "missing")), /model\.json is missing or not JSON/);
  // Keras 3's other spelling, keras.saving (keras.io's "Introduction to Keras for engineers" uses it)
  await keras.saving.saveModel(loaded, join(dir, "again"));
  const again = await keras.saving.loadModel(join(dir, "again"));
  const d = await tf.max(tf.abs(tf.sub((await loaded.predict(x)) as tf.Tensor, (await again.predict(x)) as tf.Tensor))).data();
  assert.ok(d[0] < 1e-6, `keras.saving round trip (max diff ${d[0]})`);
});

test("utils.toCategorical", async () => {
  const t = utils.toCategorical([0, 2, 1], 3);
  assert.deepEqual(await t.array(), [[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
  const cifarLike = utils.toCategorical(tf.tensor2d([[6], [9]], [2, 1], "int32"));
  assert.deepEqual(cifarLike.shape, [2, 10]);
  assert.throws(() => utils.toCategorical([0, 3], 3), /label 3 does not fit numClasses=3/);
  // one class (a flowFromDirectory over one folder, categorical): Keras 3 gives a column of ones
  assert.deepEqual(await utils.toCategorical([0, 0, 0]).array(), [[1], [1], [1]]);
  assert.deepEqual(await utils.toCategorical(tf.tensor1d([0, 0], "int32"), 1).array(), [[1], [1]]);
  assert.throws(() => utils.toCategorical([0, 1], 1), /label 1 does not fit numClasses=1/);
});

test("interrupting fit stops at the next batch with KeyboardInterrupt; the model trains again after", async () => {
  const { requestInterrupt, resetInterrupt, KeyboardInterrupt } = await import("../../src/index.ts");
  const model = seed003("before");
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam" });
  const { x, y } = fashionLike(256, 4);
  let batches = 0;
  const cb = new callbacks.LambdaCallback({ onBatchEnd: (b) => { batches++; if (b === 2) requestInterrupt(); } });
  await assert.rejects(model.fit(x, y, { epochs: 3, batchSize: 32, verbose: 0, callbacks: [cb] }), (e: Error) => e instanceof KeyboardInterrupt && /interrupted in epoch 1\/3 at batch 3\/8/.test(e.message));
  assert.equal(batches, 3);
  resetInterrupt();
  const h = await model.fit(x, y, { epochs: 1, verbose: 0 });
  assert.equal(h.epoch.length, 1);
});

test("predict equals tfjs-layers' own predict, for Sequential (run layer by layer) and functional models", async () => {
  await ready();
  const seq = keras.Sequential([layers.Conv2D(4, [3, 3], { inputShape: [8, 8, 2], activation: "relu" }), layers.BatchNormalization(), layers.MaxPooling2D([2, 2]), layers.Flatten(), layers.Dropout(0.5), layers.Dense(6, { activation: "softmax" })]);
  const inp = layers.Input([8, 8, 2]);
  const fn = keras.Model(inp, layers.Dense(3)(layers.Flatten()(layers.BatchNormalization()(inp))));
  const x = tf.randomNormal([37, 8, 8, 2], 0, 1, "float32", 91);
  for (const m of [seq, fn]) {
    m.compile({ loss: "mse", optimizer: "sgd" });
    const y = tf.randomNormal([37, m.tf.outputs[0].shape[1] as number], 0, 1, "float32", 92);
    await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 }); // moving statistics away from their initial values
    const ours = await (await m.predict(x, { batchSize: 8 })).data();
    const theirs = await (m.tf.predict(x, { batchSize: 8 }) as tf.Tensor).data();
    assert.equal(ours.length, theirs.length);
    for (let i = 0; i < ours.length; i++) assert.ok(Math.abs(ours[i] - theirs[i]) < 1e-5, `output ${i}: ${ours[i]} vs ${theirs[i]}`);
  }
});

test("evaluate and predict take Keras' verbose 0, 1, 2 and \"auto\": 2 is one line without the bar, predict is silent unless asked, other values are refused", async () => {
  const model = keras.Sequential([keras.Input([4]), layers.Dense(3, { activation: "softmax" })]);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "sgd", metrics: ["accuracy"] });
  const x = tf.randomNormal([40, 4], 0, 1, "float32", 3);
  const y = tf.randomUniform([40], 0, 3, "int32", 4).toFloat();
  const printed = async (f: () => Promise<unknown>): Promise<string[]> => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => void lines.push(String(s));
    try {
      const r = await f();
      if (r instanceof tf.Tensor) r.dispose();
    } finally {
      console.log = log;
    }
    return lines;
  };
  const two = await printed(() => model.evaluate(x, y, { verbose: 2, batchSize: 16 }));
  assert.equal(two.length, 1);
  assert.match(two[0], /^3\/3 - \d+s - \d+(\.\d+)?(us|ms|s)\/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}$/);
  const one = await printed(() => model.evaluate(x, y, { batchSize: 16 }));
  assert.match(one[0], /^3\/3 \[=+\] - /);
  assert.deepEqual(await printed(() => model.evaluate(x, y, { verbose: 0 })), []);
  assert.deepEqual(await printed(() => model.predict(x)), []);
  assert.deepEqual(await printed(() => model.predict(x, { verbose: 0 })), []);
  const predicted = await printed(() => model.predict(x, { verbose: 2, batchSize: 16 }));
  assert.equal(predicted.length, 1);
  assert.match(predicted[0], /^3\/3 - \d+s - \d+(\.\d+)?(us|ms|s)\/step$/);
  await assert.rejects(model.evaluate(x, y, { verbose: 3 as never }), /evaluate: verbose must be 0, 1, 2 or "auto", got 3/);
  await assert.rejects(model.predict(x, { verbose: "yes" as never }), /predict: verbose must be 0, 1, 2 or "auto", got "yes"/);
  tf.dispose([x, y]);
  model.dispose();
});
