// Parameter counts of every seed model equal Keras' (Dense: in*out + out; Conv2D: kh*kw*cin*cout + cout;
// BatchNormalization: 4 per channel, 2 of them non-trainable).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { keras, ready } from "../../src/index.ts";
import { seed000, seed002, seed003, seed004 } from "./seed_models.ts";

before(async () => {
  await ready();
});

function totals(m: { summaryData(): { totalParams: number; trainableParams: number; nonTrainableParams: number } }) {
  const d = m.summaryData();
  return [d.totalParams, d.trainableParams, d.nonTrainableParams];
}

test("seed 002 CNN: the article's summary, row by row", () => {
  keras.backend.clearSession();
  const m = seed002();
  const rows = m.summaryData().rows.map((r) => [r.name, r.className, r.outputShape, r.params]);
  assert.deepEqual(rows.slice(0, 7), [
    ["input", "InputLayer", "(None, 32, 32, 3)", 0], // Keras 3: no list brackets (Keras 2 wrote [(None, 32, 32, 3)])
    ["batch_normalization", "BatchNormalization", "(None, 32, 32, 3)", 12],
    ["conv1", "Conv2D", "(None, 30, 30, 32)", 896],
    ["dropout", "Dropout", "(None, 30, 30, 32)", 0],
    ["batch_normalization_1", "BatchNormalization", "(None, 30, 30, 32)", 128],
    ["conv2", "Conv2D", "(None, 30, 30, 32)", 9248],
    ["pool1", "MaxPooling2D", "(None, 15, 15, 32)", 0],
  ]);
  assert.deepEqual(totals(m), [1_654_774, 1_647_344, 7_430]);
  assert.equal(m.name, "functional");
});

test("seed 002 CNN without BN", () => {
  assert.deepEqual(totals(seed002(false)), [1_639_914, 1_639_914, 0]);
});

test("seed 003 MLP, BN before and after the activation", () => {
  assert.deepEqual(totals(seed003("before")), [318_610, 317_410, 1_200]);
  assert.deepEqual(totals(seed003("after")), [318_610, 317_410, 1_200]);
});

test("seed 004 MLP with and without BN", () => {
  assert.deepEqual(totals(seed004(true)), [110_154, 109_770, 384]);
  assert.deepEqual(totals(seed004(false)), [109_386, 109_386, 0]);
});

test("seed 000 logistic, wide and deep models", () => {
  assert.deepEqual(totals(seed000("logistic")), [301_070, 301_064, 6]);
  assert.deepEqual(totals(seed000("wide")), [35_114, 35_108, 6]);
  assert.deepEqual(totals(seed000("deep")), [10_034, 10_028, 6]);
});

test("Keras names: dense, dense_1, ...; variables named layer/weight:0", () => {
  keras.backend.clearSession();
  const m = seed003("before");
  assert.deepEqual(m.layers.map((l) => l.name).slice(0, 4), ["flatten", "dense", "batch_normalization", "activation"]);
  assert.deepEqual(m.layers[2].variables.map((v) => v.name), [
    "batch_normalization/gamma:0",
    "batch_normalization/beta:0",
    "batch_normalization/moving_mean:0",
    "batch_normalization/moving_variance:0",
  ]);
  assert.deepEqual(m.layers[2].variables.map((v) => v.trainable), [true, true, false, false]);
  assert.equal(m.layers[1].name, "dense");
  assert.equal(m.layers[4].name, "dense_1");
});
