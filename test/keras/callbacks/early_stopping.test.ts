// EarlyStopping as Keras 3: the epochs run, the stopped and best epochs of Keras itself for the same
// monitored sequences (patience, minDelta, mode, baseline, startFromEpoch, restoreBestWeights);
// restoreBestWeights puts back the weights of the best epoch (evaluate before and after); "auto"
// mode from the compiled metrics; errors.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { callbacks, keras, layers, optimizers, ready, tf } from "../../../src/index.ts";
import { camel, kerasTraining } from "../losses/fixture.ts";

before(async () => {
  await ready();
});

function regression() {
  const x = tf.randomNormal([16, 2], 0, 1, "float32", 1);
  const y = tf.matMul(x, tf.tensor2d([[2], [-1]]));
  const model = keras.Sequential([layers.Input([2]), layers.Dense(1)]);
  model.compile({ optimizer: optimizers.SGD({ learningRate: 0.05 }), loss: "mse" });
  return { x, y, model };
}

for (const c of kerasTraining().early_stopping) {
  test(`${c.name}: EarlyStopping(${JSON.stringify(camel(c.options))}) on ${JSON.stringify(c.values)} stops as Keras (${c.epochs_run} epochs)`, async () => {
    const { x, y, model } = regression();
    const snapshots: tf.Tensor[][] = [];
    const score = new callbacks.LambdaCallback({
      onEpochEnd: (epoch, logs) => {
        logs!.score = c.values[epoch];
        snapshots.push(model.getWeights());
      },
    });
    const es = new callbacks.EarlyStopping({ monitor: "score", ...camel(c.options) });
    const h = await model.fit(x, y, { epochs: c.values.length, batchSize: 8, shuffle: false, verbose: 0, callbacks: [score, es] });
    assert.equal(h.epoch.length, c.epochs_run, "epochs run");
    assert.equal(es.stoppedEpoch, c.stopped_epoch, "stoppedEpoch");
    assert.equal(es.bestEpoch, c.best_epoch, "bestEpoch");
    assert.equal(es.best, c.best ?? undefined, "best");
    const expected = c.options.restore_best_weights ? snapshots[c.best_epoch] : snapshots[snapshots.length - 1];
    const now = model.getWeights();
    for (const [i, w] of now.entries()) assert.deepEqual(await w.data(), await expected[i].data(), `weight ${i}: ${c.options.restore_best_weights ? "the best epoch's" : "the last epoch's"}`);
    tf.dispose([...now, ...snapshots.flat(), x, y]);
  });
}

test("restoreBestWeights: evaluate after fit gives the best epoch's val_loss, not the last one's", async () => {
  // A learning rate that diverges after a few epochs makes the last epoch worse than the best.
  const x = tf.randomNormal([32, 3], 0, 1, "float32", 4);
  const y = tf.matMul(x, tf.tensor2d([[1], [-2], [0.5]]));
  const model = keras.Sequential([layers.Input([3]), layers.Dense(1, { kernelInitializer: "zeros" })]);
  model.compile({ optimizer: optimizers.SGD({ learningRate: 0.9 }), loss: "mse" });
  const before = (await model.evaluate(x, y, { verbose: 0 }))[0];
  const es = new callbacks.EarlyStopping({ monitor: "val_loss", patience: 3, restoreBestWeights: true });
  const h = await model.fit(x, y, { epochs: 30, batchSize: 32, verbose: 0, validationData: [x, y], callbacks: [es] });
  const losses = h.history.val_loss;
  const best = Math.min(...losses);
  assert.ok(losses[losses.length - 1] > best * 2, `the last epoch is worse than the best: ${losses.map((v) => v.toFixed(3))}`);
  const after = (await model.evaluate(x, y, { verbose: 0 }))[0];
  assert.ok(Math.abs(after - best) <= 1e-5 * Math.max(1, best), `evaluate after restoring: ${after}, best val_loss ${best} (before fit ${before})`);
  assert.equal(losses.indexOf(best), es.bestEpoch);
  tf.dispose([x, y]);
});

test("mode auto: loss and *_loss go down, a metric goes its own direction; an unknown key asks for a mode", async () => {
  const x = tf.randomNormal([16, 4], 0, 1, "float32", 2);
  const y = tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 3), "int32");
  const model = keras.Sequential([layers.Input([4]), layers.Dense(3, { activation: "softmax" })]);
  model.compile({ optimizer: "sgd", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  const directions = model.compiled!;
  await model.fit(x, y, { epochs: 1, verbose: 0 });
  assert.equal(directions.directionOf("loss"), "down");
  assert.equal(directions.directionOf("val_accuracy"), "up");
  assert.equal(directions.directionOf("accuracy"), "up");
  const unknown = new callbacks.EarlyStopping({ monitor: "score" });
  const setScore = new callbacks.LambdaCallback({ onEpochEnd: (_e, logs) => void (logs!.score = 1) });
  await assert.rejects(model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [setScore, unknown] }), /EarlyStopping received monitor="score", but tsdl cannot tell whether that metric should be maximized or minimized; pass mode: "max"/);
  const acc = new callbacks.EarlyStopping({ monitor: "accuracy", patience: 0 });
  await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [acc] });
  tf.dispose([x, y]);
});

test("bad EarlyStopping options name the option", () => {
  assert.throws(() => new callbacks.EarlyStopping({ mode: "up" as never }), /EarlyStopping: mode must be "auto", "min" or "max", got "up"/);
  assert.throws(() => new callbacks.EarlyStopping({ patience: -1 }), /EarlyStopping: patience must be an integer >= 0, got -1/);
  assert.throws(() => new callbacks.EarlyStopping({ startFromEpoch: 1.5 }), /EarlyStopping: startFromEpoch must be an integer >= 0, got 1.5/);
  assert.throws(() => new callbacks.EarlyStopping({ baseline: "0.5" as never }), /EarlyStopping: baseline must be a number, got "0.5"/);
});
