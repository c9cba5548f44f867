// Multi-output training and the fit extras beyond the Keras parity cases (training_parity.test.ts):
// labels and sample weights from a generator ([x, y, sampleWeight]) train exactly as the same
// tensors do, classWeight equals the sample weights it stands for, errors name the option and the
// accepted values, and tensors stay flat across epochs.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { callbacks, keras, layers, metrics, optimizers, ready, tf } from "../../src/index.ts";
import { fusedCalls } from "../../src/backend/fused_kernels.ts";

before(async () => {
  await ready();
});

function twoOutputs() {
  keras.backend.clearSession();
  const x = layers.Input([4], { name: "x" });
  const h = layers.Dense(6, { activation: "tanh", name: "h", kernelInitializer: "glorotUniform" })(x) as tf.SymbolicTensor;
  const reg = layers.Dense(2, { name: "reg" })(h) as tf.SymbolicTensor;
  const cls = layers.Dense(3, { activation: "softmax", name: "cls" })(h) as tf.SymbolicTensor;
  return keras.Model(x, [reg, cls]);
}

function data(n: number) {
  const x = tf.randomNormal([n, 4], 0, 1, "float32", 7);
  const reg = tf.randomNormal([n, 2], 0, 1, "float32", 8);
  const cls = tf.tensor1d(Array.from({ length: n }, (_, i) => (i * 7) % 3), "int32");
  const sw = tf.randomUniform([n], 0.2, 2, "float32", 9);
  return { x, reg, cls, sw };
}

/** A generator of the same batches fit makes from tensors with shuffle false. */
function generator(d: ReturnType<typeof data>, batch: number, withWeights: boolean) {
  const n = d.x.shape[0];
  const steps = Math.ceil(n / batch);
  return {
    length: steps,
    async *[Symbol.asyncIterator]() {
      for (let s = 0; s < steps; s++) {
        const start = s * batch;
        const size = Math.min(batch, n - start);
        const cut = (t: tf.Tensor) => t.slice(start, size);
        yield (withWeights ? [cut(d.x), [cut(d.reg), cut(d.cls)], cut(d.sw)] : [cut(d.x), [cut(d.reg), cut(d.cls)]]) as never;
      }
    },
  };
}

function compile(model: ReturnType<typeof twoOutputs>) {
  model.compile({ optimizer: optimizers.SGD({ learningRate: 0.1 }), loss: ["mse", "sparse_categorical_crossentropy"], lossWeights: [0.5, 1], metrics: [["mae"], ["accuracy"]], weightedMetrics: [[], ["accuracy"]] });
}

test("a generator yielding [x, [y1, y2], sampleWeight] trains exactly as the same tensors with sampleWeight", async () => {
  const d = data(20);
  const a = twoOutputs();
  const weights = a.getWeights();
  compile(a);
  const ha = await a.fit(d.x, [d.reg, d.cls], { epochs: 3, batchSize: 8, shuffle: false, sampleWeight: d.sw, verbose: 0 });
  const b = twoOutputs();
  b.setWeights(weights);
  compile(b);
  const counts: number[] = [];
  const hb = await b.fit(generator(d, 8, true), { epochs: 3, verbose: 0, callbacks: [new callbacks.LambdaCallback({ onEpochEnd: () => void counts.push(tf.memory().numTensors) })] });
  assert.deepEqual(Object.keys(hb.history), ["cls_accuracy", "cls_loss", "cls_weighted_accuracy", "loss", "reg_loss", "reg_mae"]);
  assert.deepEqual(hb.history, ha.history);
  assert.ok(counts.every((n) => n === counts[0]), `tensors after each epoch: ${counts}`);
  // Without weights the weighted metric is the plain one.
  const c = twoOutputs();
  c.setWeights(weights);
  compile(c);
  const hc = await c.fit(generator(d, 8, false), { epochs: 1, verbose: 0 });
  assert.equal(hc.history.cls_accuracy[0], hc.history.cls_weighted_accuracy[0]);
  const dict = await c.evaluate(d.x, { reg: d.reg, cls: d.cls }, { verbose: 0, returnDict: true, sampleWeight: d.sw });
  const list = await c.evaluate(d.x, [d.reg, d.cls], { verbose: 0, sampleWeight: d.sw });
  assert.deepEqual(list, [dict.loss, dict.reg_loss, dict.cls_loss, dict.cls_accuracy, dict.cls_weighted_accuracy, dict.reg_mae].map((v) => v), "Keras' order: loss, the per-output losses, the rest sorted");
  const [pReg, pCls] = await c.predictOnBatch<tf.Tensor[]>(d.x);
  assert.deepEqual([pReg.shape, pCls.shape], [[20, 2], [20, 3]]);
  tf.dispose([...weights, pReg, pCls, d.x, d.reg, d.cls, d.sw]);
});

test("classWeight weighs each sample's loss by its class, as the sample weights it stands for", async () => {
  keras.backend.clearSession();
  const x = tf.randomNormal([30, 4], 0, 1, "float32", 3);
  const y = tf.tensor1d(Array.from({ length: 30 }, (_, i) => i % 3), "int32");
  const make = () => {
    const m = keras.Sequential([layers.Input([4]), layers.Dense(3, { activation: "softmax", kernelInitializer: "ones" })]);
    m.compile({ optimizer: optimizers.SGD({ learningRate: 0.2 }), loss: "sparse_categorical_crossentropy", weightedMetrics: ["accuracy"] });
    return m;
  };
  const cw = { 0: 0.5, 2: 3 };
  const a = await make().fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0, classWeight: cw });
  const sw = tf.tensor1d(Array.from({ length: 30 }, (_, i) => [0.5, 1, 3][i % 3]));
  const b = await make().fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0, sampleWeight: sw });
  assert.deepEqual(a.history, b.history);
  const oneHot = tf.oneHot(y, 3);
  const m = make();
  m.compile({ optimizer: optimizers.SGD({ learningRate: 0.2 }), loss: "categorical_crossentropy" });
  const c = await m.fit(x, oneHot, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0, classWeight: cw });
  assert.ok(Math.abs(c.history.loss[0] - a.history.loss[0]) < 1e-5, "one-hot labels: the class is the argmax");
  tf.dispose([x, y, sw, oneHot]);
});

test("fused cross-entropy and accuracy kernels still run in fit on the default backend", async () => {
  const x = tf.randomNormal([32, 4], 0, 1, "float32", 3);
  const y = tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 3), "int32");
  const m = keras.Sequential([layers.Input([4]), layers.Dense(3, { activation: "softmax" })]);
  m.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  const before = fusedCalls.crossEntropy;
  await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  assert.ok(fusedCalls.crossEntropy >= before + 4 || tf.getBackend() !== "wasm", `fused calls ${fusedCalls.crossEntropy - before} on ${tf.getBackend()}`);
  tf.dispose([x, y]);
});

test("errors name the option and the accepted values", async () => {
  const model = twoOutputs();
  assert.throws(() => model.compile({ loss: ["mse"] }), /compile: loss is a list of 1 but the model has 2 output\(s\) \(reg, cls\); give one loss per output, or one loss for all/);
  assert.throws(() => model.compile({ loss: { reg: "mse", klass: "mse" } }), /compile: expected keys \["reg","cls"\] in the loss dict \(the model's output names\), but found \["reg","klass"\]/);
  assert.throws(() => model.compile({ loss: ["mse", "softmax_loss"] }), /compile: unknown loss "softmax_loss"; expected one of categorical_crossentropy/);
  assert.throws(() => model.compile({ loss: "mse", metrics: ["mae"] }), /compile: invalid metrics \["mae"\]: for a model with 2 outputs, metrics should be a dict keyed by the output names \["reg","cls"\] or a list of 2 entries/);
  assert.throws(() => model.compile({ loss: "mse", metrics: { regr: ["mae"] } }), /compile: invalid metrics/);
  assert.throws(() => model.compile({ loss: "mse", lossWeights: [1] }), /compile: lossWeights must match the number of losses, got 2 losses and 1 weights/);
  assert.throws(() => model.compile({ loss: "mse", lossWeights: { reg: 1, klass: 2 } }), /compile: lossWeights has keys \["klass"\] that are not output names \(reg, cls\)/);
  assert.throws(() => model.compile({ loss: "mse", metrics: [metrics.AUC(), "nope"] as never }), /invalid metrics|unknown metric/);
  model.compile({ optimizer: "sgd", loss: ["mse", "sparse_categorical_crossentropy"] });
  const d = data(8);
  await assert.rejects(model.fit(d.x, [d.reg], { verbose: 0 }), /fit: model "functional(_\d+)?" has 2 output\(s\) \(reg, cls\) but got 1 label tensor\(s\); give one per output/);
  await assert.rejects(model.fit(d.x, { reg: d.reg }, { verbose: 0 }), /fit: y: the dict's keys must be the model's output names \(reg, cls\); missing cls/);
  await assert.rejects(model.fit(d.x, [d.reg, d.cls], { verbose: 0, classWeight: { 0: 2 } }), /fit: classWeight is only supported for models with a single output; use sampleWeight per output/);
  await assert.rejects(model.fit(d.x, [d.reg, d.cls], { verbose: 0, sampleWeight: tf.ones([5]) }), /fit: x has 8 samples but the sample weights of output "reg" have 5; they must match/);
  await assert.rejects(model.fit(d.x, [d.reg, d.cls], { verbose: 0, validationFreq: 0 }), /fit: validationFreq must be a positive integer or a list of epochs \(1-based\), got 0/);
  const single = keras.Sequential([layers.Input([4]), layers.Dense(3, { activation: "softmax" })]);
  single.compile({ optimizer: "sgd", loss: "sparse_categorical_crossentropy" });
  await assert.rejects(single.fit(d.x, d.cls, { verbose: 0, classWeight: { 0: 1 }, sampleWeight: d.sw }), /fit: give classWeight or sampleWeight, not both/);
  await assert.rejects(single.fit(d.x, d.cls, { verbose: 0, classWeight: { [-1]: 1 } }), /fit: classWeight keys must be class indices \(integers >= 0\), got "-1"/);
  const none = keras.Sequential([layers.Input([4]), layers.Dense(2)]);
  none.compile({ optimizer: "sgd", loss: losses_none() });
  await assert.rejects(none.fit(d.x, d.reg, { verbose: 0 }), /fit: the loss of output "dense(_\d+)?" must reduce to a number \(reduction "none" gives shape \[8\]\); use "sum_over_batch_size" or "sum"/);
  tf.dispose([d.x, d.reg, d.cls, d.sw]);
});

function losses_none() {
  return keras.losses.MeanSquaredError({ reduction: "none" });
}
