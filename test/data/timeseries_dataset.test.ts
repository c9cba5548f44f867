// keras.utils.timeseriesDatasetFromArray against Keras 3's timeseries_dataset_from_array on the same
// series (the project's .venv): every batch's windows and targets, for strides, sampling rates, start
// and end indices, fewer targets than windows, no targets, batchSize null, and shuffle (the same
// windows, each with its own target: Keras' second, TensorFlow shuffle makes another order); then fit
// on it, and Keras' errors.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { keras, layers, ready, tf } from "../../src/index.ts";
import { runKeras } from "../keras/keras_oracle.ts";
import { seedEachTest } from "../keras/seed_each_test.ts";
const T = 60;
const series = Array.from({ length: T }, (_, t) => [t, 100 + t, 0 - t / 4]); // 0 - 0 is +0, as JSON carries it
const targets = Array.from({ length: T }, (_, t) => 1000 + t);

const CASES: { targets: "all" | "short" | null; sequenceLength: number; options: Record<string, unknown> }[] = [
  { targets: "all", sequenceLength: 5, options: { batchSize: 7 } },
  { targets: "all", sequenceLength: 4, options: { sequenceStride: 3, samplingRate: 2, batchSize: 5 } },
  { targets: "all", sequenceLength: 6, options: { startIndex: 7, endIndex: 50, samplingRate: 3, batchSize: 4 } },
  { targets: "short", sequenceLength: 3, options: { batchSize: 8 } },
  { targets: null, sequenceLength: 10, options: { sequenceStride: 5 } },
  { targets: "all", sequenceLength: 2, options: { batchSize: null, startIndex: 50 } },
  { targets: "all", sequenceLength: 5, options: { shuffle: true, seed: 42, batchSize: 6 } },
];

type Batches = { x: number[][][][]; y: number[][] | null }[];
let keras3: Batches[];

const targetsOf = (c: (typeof CASES)[number]) => (c.targets === "all" ? targets : c.targets === "short" ? targets.slice(0, 20) : null);

seedEachTest();

before(async () => {
  await ready();
  const script = [
    "import json, sys, numpy as np",
    "from keras.utils import timeseries_dataset_from_array",
    "def snake(k): return ''.join('_' + ch.lower() if ch.isupper() else ch for ch in k)",
    "out = []",
    "for c in json.load(sys.stdin):",
    "    t = None if c['targets'] is None else np.array(c['targets'])",
    "    opts = {snake(k): v for k, v in c['options'].items()}",
    "    ds = timeseries_dataset_from_array(np.array(c['series'], dtype='float32'), t, c['sequenceLength'], **opts)",
    "    batches = []",
    "    for e in ds:",
    "        if t is None: batches.append({'x': e.numpy().tolist(), 'y': None})",
    "        else: batches.append({'x': e[0].numpy().tolist(), 'y': e[1].numpy().tolist()})",
    "    out.append(batches)",
    "print(json.dumps(out))",
  ].join("\n");
  keras3 = runKeras(["-c", script], CASES.map((c) => ({ ...c, series, targets: targetsOf(c) })));
});

for (const [i, c] of CASES.entries()) {
  test(`timeseriesDatasetFromArray(length ${c.sequenceLength}, ${JSON.stringify(c.options)}${c.targets === null ? ", no targets" : c.targets === "short" ? ", 20 targets" : ""}): Keras 3's windows and targets`, async () => {
    const before = tf.memory().numTensors;
    const ds = keras.utils.timeseriesDatasetFromArray(tf.tensor2d(series), targetsOf(c), c.sequenceLength, c.options);
    const ours: Batches = [];
    for await (const e of ds as AsyncIterable<tf.Tensor[]>) {
      ours.push({ x: (await e[0].array()) as number[][][][], y: e.length > 1 ? ((await e[1].array()) as number[][]) : null });
      tf.dispose(e);
    }
    assert.equal(ds.length, keras3[i].length);
    if (c.options.shuffle) {
      // The same windows, each with its own target, in another order.
      const pairs = (b: Batches) => b.flatMap((e) => e.x.map((w, k) => JSON.stringify([w, e.y![k]]))).sort();
      assert.deepEqual(pairs(ours), pairs(keras3[i]));
      assert.notDeepEqual(ours.flatMap((e) => e.y), Array.from({ length: ours.flatMap((e) => e.y).length }, (_, k) => 1000 + k), "shuffled");
    } else {
      assert.deepEqual(ours, keras3[i]);
    }
    assert.ok(tf.memory().numTensors - before <= 2, "only the series converted from arrays stay");
  });
}

test("timeseriesDatasetFromArray feeds fit: a GRU forecaster on windows of a sine, as keras.io's weather example is written", async () => {
  const n = 400;
  const x = tf.tensor2d(Array.from({ length: n }, (_, t) => [Math.sin(t / 8), Math.cos(t / 8)]));
  const y = tf.tensor1d(Array.from({ length: n }, (_, t) => Math.sin((t + 12) / 8)));
  const train = keras.preprocessing.timeseriesDatasetFromArray(x, y, 12, { samplingRate: 1, batchSize: 32 });
  const model = keras.Sequential([keras.Input([12, 2]), layers.GRU(8), layers.Dense(1)]);
  model.compile({ optimizer: keras.optimizers.Adam({ learningRate: 0.01 }), loss: "mse" });
  const h = await model.fit(train, undefined, { epochs: 8, verbose: 0 });
  const loss = h.history.loss as number[];
  assert.equal(loss.length, 8);
  assert.ok(loss[7] < loss[0] / 3, `loss ${loss[0]} -> ${loss[7]}`);
  tf.dispose([x, y]);
});

test("timeseriesDatasetFromArray: Keras' errors, naming the argument and the value", () => {
  const x = tf.zeros([10, 2]);
  assert.throws(() => keras.utils.timeseriesDatasetFromArray(x, null, 3, { startIndex: 10 }), /startIndex must be lower than the length of the data, got startIndex=10 for data of length 10/);
  assert.throws(() => keras.utils.timeseriesDatasetFromArray(x, null, 3, { startIndex: 4, endIndex: 3 }), /endIndex must be higher than startIndex, got startIndex=4 and endIndex=3/);
  assert.throws(() => keras.utils.timeseriesDatasetFromArray(x, null, 3, { endIndex: 10 }), /endIndex must be lower than the length of the data/);
  assert.throws(() => keras.utils.timeseriesDatasetFromArray(x, null, 3, { samplingRate: 0 }), /samplingRate must be a positive integer, got 0/);
  assert.throws(() => keras.utils.timeseriesDatasetFromArray(x, null, 3, { sequenceStride: 10 }), /sequenceStride must be lower than the length of the data, got sequenceStride=10/);
  assert.throws(() => keras.utils.timeseriesDatasetFromArray(x, null, 0), /sequenceLength must be a positive integer, got 0/);
  assert.throws(() => keras.utils.timeseriesDatasetFromArray([], null, 2), /data must be a tensor or a non-empty array/);
  x.dispose();
});
