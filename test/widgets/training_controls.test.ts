// fit(..., { controls: true }) outside the kernel (the widgets kept in this process, no comm): Stop
// ends training at the next batch with the finished epochs in the History and the weights of the last
// batch, and a second fit trains again; the learning-rate slider's value is the optimizer's from the next
// batch (SGD without momentum: a batch's weight change is lr times the gradient, so lr is measured).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { callbacks, keras, layers, optimizers, ready, tf, widgets } from "../../src/index.ts";
import type * as W from "../../src/widgets/index.ts";

before(async () => {
  await ready();
});

function problem() {
  const x = tf.randomUniform([64, 4], -1, 1, "float32", 3);
  const y = x.sum(1, true).mul(0.5);
  return { x, y };
}

function controlsOfLastFit() {
  const live = [...widgets.liveWidgets().values()];
  const box = live.filter((w): w is W.HBox => w instanceof widgets.HBox).at(-1)!;
  return box.children as W.Widget[];
}

test("Stop ends fit at the next batch: the finished epochs in the History, the weights of that batch kept; fit trains again", async () => {
  const model = keras.Sequential([keras.Input([4]), layers.Dense(1)]);
  model.compile({ loss: "mse", optimizer: optimizers.SGD({ learningRate: 0.05 }) });
  const { x, y } = problem();
  let batches = 0;
  let weightsAtStop: Float32Array | undefined;
  const history = await model.fit(x, y, {
    epochs: 50,
    batchSize: 8,
    verbose: 0,
    controls: true,
    callbacks: [
      new callbacks.LambdaCallback({
        onBatchEnd: async (batch) => {
          batches++;
          if (batches === 8 * 2 + 3) {
            const stop = controlsOfLastFit()[0] as W.Button;
            assert.equal(stop.description, "Stop");
            stop.click(); // as the page's click does (its custom message calls click())
          }
          if (batches === 8 * 2 + 3) weightsAtStop = (await model.getWeights()[0].data()) as Float32Array;
        },
      }),
    ],
  });
  assert.equal(batches, 8 * 2 + 3, "no batch after the one during which Stop was pressed");
  assert.equal(history.epoch.length, 2, "the two finished epochs");
  assert.deepEqual([...((await model.getWeights()[0].data()) as Float32Array)], [...weightsAtStop!]);
  const [stop, status] = controlsOfLastFit() as [W.Button, W.Label];
  assert.equal(stop.disabled, true);
  assert.equal(status.value, "stopped in epoch 3 after batch 3; 2 finished epoch(s) kept");
  const again = await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, controls: true });
  assert.equal(again.epoch.length, 2);
  assert.equal((controlsOfLastFit()[1] as W.Label).value, "training finished");
  tf.dispose([x, y]);
});

test("the learning-rate slider: its value is the optimizer's learning rate from the next batch", async () => {
  const model = keras.Sequential([keras.Input([1]), layers.Dense(1, { useBias: false, kernelInitializer: "zeros" })]);
  model.compile({ loss: "mse", optimizer: optimizers.SGD({ learningRate: 0.01 }) });
  // One sample x = 1, y = 1, w = 0 at first: mse's gradient is 2 (w - 1), so each step is w += lr * 2 (1 - w).
  const x = tf.ones([1, 1]);
  const y = tf.ones([1, 1]);
  const ws: number[] = [];
  await model.fit(x, y, {
    epochs: 3,
    batchSize: 1,
    verbose: 0,
    controls: { learningRate: true },
    callbacks: [
      new callbacks.LambdaCallback({
        onBatchEnd: async () => {
          ws.push(((await model.getWeights()[0].data()) as Float32Array)[0]);
          const slider = controlsOfLastFit()[1] as W.FloatLogSlider;
          if (ws.length === 1) {
            assert.equal(slider.min, -4);
            assert.equal(slider.max, 0);
            slider.value = 0.1; // as a drag in the page does
          }
        },
      }),
    ],
  });
  const w1 = 0.01 * 2;
  const w2 = w1 + 0.1 * 2 * (1 - w1);
  const w3 = w2 + 0.1 * 2 * (1 - w2);
  assert.ok(Math.abs(ws[0] - w1) < 1e-6 && Math.abs(ws[1] - w2) < 1e-6 && Math.abs(ws[2] - w3) < 1e-6, `${ws} vs ${[w1, w2, w3]}`);
  assert.ok(Math.abs(model.learningRate - 0.1) < 1e-7);
  tf.dispose([x, y]);
});
