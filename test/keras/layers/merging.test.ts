// The merging layers by Keras' formulas: output shapes (broadcasting, concatenation, batch_dot),
// values worked by hand, masks, errors that name both input layers and shapes, saving, and training.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callbacks, keras, layers, ready, tf } from "../../../src/index.ts";
import { seedEachTest } from "../seed_each_test.ts";

seedEachTest();

before(async () => {
  await ready();
});

type Dim = number | null;
type AnyLayer = ReturnType<typeof layers.Add>;

const SHAPES: { name: string; make: () => AnyLayer; inputs: Dim[][]; output: Dim[] }[] = [
  { name: "Add of equal shapes", make: () => layers.Add(), inputs: [[3], [3]], output: [null, 3] },
  { name: "Add of three", make: () => layers.Add(), inputs: [[2, 3], [2, 3], [2, 3]], output: [null, 2, 3] },
  { name: "Add broadcasting a 1", make: () => layers.Add(), inputs: [[4, 5], [1, 5]], output: [null, 4, 5] },
  { name: "Add of a lower rank (aligned on the right)", make: () => layers.Add(), inputs: [[4, 5], [5]], output: [null, 4, 5] },
  { name: "Add with an unknown size", make: () => layers.Add(), inputs: [[null, 5], [7, 5]], output: [null, null, 5] },
  { name: "Subtract", make: () => layers.Subtract(), inputs: [[3, 1], [3, 4]], output: [null, 3, 4] },
  { name: "Multiply", make: () => layers.Multiply(), inputs: [[2, 1, 4], [1, 3, 4]], output: [null, 2, 3, 4] },
  { name: "Average", make: () => layers.Average(), inputs: [[6], [6], [6]], output: [null, 6] },
  { name: "Maximum", make: () => layers.Maximum(), inputs: [[6], [1]], output: [null, 6] },
  { name: "Minimum", make: () => layers.Minimum(), inputs: [[2, 6], [6]], output: [null, 2, 6] },
  { name: "Concatenate last axis", make: () => layers.Concatenate(), inputs: [[4], [2], [3]], output: [null, 9] },
  { name: "Concatenate axis 1", make: () => layers.Concatenate(1), inputs: [[3, 4], [5, 4]], output: [null, 8, 4] },
  { name: "Concatenate an unknown length", make: () => layers.Concatenate(1), inputs: [[null, 4], [5, 4]], output: [null, null, 4] },
  { name: "Concatenate images on channels", make: () => layers.Concatenate(), inputs: [[8, 8, 3], [8, 8, 5]], output: [null, 8, 8, 8] },
  { name: "Dot of vectors", make: () => layers.Dot(1), inputs: [[4], [4]], output: [null, 1] },
  { name: "Dot as batched matmul", make: () => layers.Dot([2, 1]), inputs: [[3, 4], [4, 5]], output: [null, 3, 5] },
  { name: "Dot over the last axes", make: () => layers.Dot(-1), inputs: [[3, 4], [5, 4]], output: [null, 3, 5] },
  { name: "Dot of a vector and a matrix", make: () => layers.Dot([1, 1]), inputs: [[4], [4, 3]], output: [null, 3] },
  { name: "Dot of rank 4 and 3", make: () => layers.Dot([3, 1]), inputs: [[3, 4, 5], [5, 6]], output: [null, 3, 4, 6] },
];

for (const c of SHAPES) {
  test(`${c.name}: output shape by Keras' formula, no parameters`, () => {
    keras.backend.clearSession();
    const layer = c.make();
    const y = layer(c.inputs.map((s) => layers.Input(s)));
    assert.deepEqual((y as tf.SymbolicTensor).shape, c.output);
    assert.equal(layer.countParams(), 0);
  });
}

test("values by hand, on eager tensors too: sums, differences, products, means, extremes, joins, dot products", () => {
  const a = tf.tensor2d([[1, -2, 3]]);
  const b = tf.tensor2d([[4, 5, -6]]);
  const c = tf.tensor2d([[0.5], [2]]).slice([0, 0], [1, 1]); // [[0.5]]: broadcast over the features
  const check = (t: tf.Tensor, expected: number[]) => {
    assert.deepEqual(Array.from(t.dataSync()).map((v) => Math.round(v * 1e6) / 1e6), expected);
    t.dispose();
  };
  check(layers.add([a, b, c]), [5.5, 3.5, -2.5]);
  check(layers.subtract([a, b]), [-3, -7, 9]);
  check(layers.multiply([a, b, c]), [2, -5, -9]);
  check(layers.average([a, b]), [2.5, 1.5, -1.5]);
  check(layers.maximum([a, b, c]), [4, 5, 3]);
  check(layers.minimum([a, b, c]), [0.5, -2, -6]);
  check(layers.concatenate([a, b]), [1, -2, 3, 4, 5, -6]);
  check(layers.concatenate([a, b], 0), [1, -2, 3, 4, 5, -6]);
  check(layers.dot([a, b], 1), [4 - 10 - 18]);
  const n = Math.sqrt(14) * Math.sqrt(77);
  check(layers.dot([a, b], { axes: 1, normalize: true }), [Math.round((-24 / n) * 1e6) / 1e6]);
  // Dot [2, 1] of [1, 2, 3] and [1, 3, 2] is the matrix product.
  const m = tf.tensor3d([[[1, 2, 3], [4, 5, 6]]]);
  const k = tf.tensor3d([[[1, 0], [0, 1], [1, 1]]]);
  check(layers.Dot([2, 1])([m, k]) as tf.Tensor, [4, 5, 10, 11]);
  tf.dispose([a, b, c, m, k]);
});

test("masks as Keras 3: Maximum and Minimum skip masked entries, Multiply takes them as 1, the mask is the or of the inputs'", () => {
  const a = tf.tensor3d([[[1, 1], [5, 5], [2, 2]]]); // [1, 3 steps, 2 features]
  const b = tf.tensor3d([[[3, 3], [4, 4], [9, 9]]]);
  const ma = tf.tensor2d([[true, true, false]], undefined, "bool");
  const mb = tf.tensor2d([[false, true, false]], undefined, "bool");
  const run = (layer: AnyLayer) => Array.from((layer.apply([a, b], { mask: [ma, mb] }) as tf.Tensor).dataSync());
  // Step 0: only a counts (1); step 1: both (max 5 / min 4); step 2: neither: the first input stands
  // in for the second (2). These are Keras 3.15's own values for these inputs.
  assert.deepEqual(run(layers.Maximum()), [1, 1, 5, 5, 2, 2]);
  assert.deepEqual(run(layers.Minimum()), [1, 1, 4, 4, 2, 2]);
  // Multiply: masked entries count as 1; where every input is masked, 0.
  assert.deepEqual(run(layers.Multiply()), [1, 1, 20, 20, 0, 0]);
  assert.deepEqual(run(layers.Add()), [4, 4, 9, 9, 11, 11], "Add ignores masks, as Keras");
  const mask = layers.Add().computeMask([a, b], [ma, mb]) as tf.Tensor;
  assert.deepEqual(Array.from(mask.dataSync()), [1, 1, 0]);
  assert.equal(layers.Add().computeMask([a, b], [ma, null as never]), null, "no mask unless every input has one");
  // Concatenate: an input without a mask counts as unmasked; any() over the last axis of the joined masks.
  const joined = layers.Concatenate(1).computeMask([a, b], [ma, null as never]) as tf.Tensor;
  assert.deepEqual(joined.shape, [1, 6]);
  assert.deepEqual(Array.from(joined.dataSync()), [1, 1, 0, 1, 1, 1]);
  assert.equal(layers.Dot(2).computeMask([a, b], [ma, mb]), null, "Dot drops masks");
  tf.dispose([a, b, ma, mb, mask, joined]);
});

test("incompatible inputs are an error naming the layer, both input layers and both shapes", () => {
  keras.backend.clearSession();
  const x = layers.Input([5]);
  const d3 = layers.Dense(3)(x);
  const d4 = layers.Dense(4)(x);
  assert.throws(() => layers.Add()([d3, d4]), { message: 'Add "add": inputs from "dense" [null, 3] and "dense_1" [null, 4] have incompatible shapes' });
  assert.throws(() => layers.maximum([d3, d3, d4]), { message: 'Maximum "maximum": inputs from "dense" [null, 3] and "dense_1" [null, 4] have incompatible shapes' });
  assert.throws(() => layers.Subtract()([d3, d3, d3]), { message: 'Subtract "subtract": takes exactly 2 inputs, got 3' });
  assert.throws(() => layers.Add()(d3 as never), /Add "add_\d+": a merge layer is called on a list of inputs, got one tensor of shape \[null, 3\]/);
  const m = layers.Input([2, 3], { name: "m" });
  const n = layers.Input([4, 5], { name: "n" });
  assert.throws(() => layers.Concatenate()([m, n]), { message: 'Concatenate "concatenate": inputs from "m" [null, 2, 3] and "n" [null, 4, 5] have incompatible shapes: all axes but the concatenation axis (-1) must match' });
  assert.throws(() => layers.Concatenate(3)([m, m]), /Concatenate "concatenate_1": axis 3 is out of range for inputs of rank 3/);
  assert.throws(() => layers.Concatenate(1)([m, d3]), /inputs from "m" \[null, 2, 3\] and "dense" \[null, 3\] have incompatible shapes/);
  assert.throws(() => layers.Dot(2)([m, n]), { message: 'Dot "dot": inputs from "m" [null, 2, 3] and "n" [null, 4, 5] have incompatible shapes: axis 2 of the first has size 3, axis 2 of the second 5' });
  assert.throws(() => layers.Dot([1, 0])([m, n]), /Dot "dot_1": inputs from "m" \[null, 2, 3\] and "n" \[null, 4, 5\]: axes \[1,0\] must name an axis after the batch axis of each input/);
  assert.throws(() => layers.Dot(1)([m]), /Dot "dot_2": takes exactly 2 inputs, got 1/);
  assert.throws(() => layers.Dot("x" as never), /Dot: axes must be an integer or two of them, e.g. Dot\(1\) or Dot\(\[2, 1\]\), got "x"/);
  assert.throws(() => layers.Concatenate(0.5), /Concatenate: axis must be an integer, got 0.5/);
  // Eager tensors are named by position; different batch sizes are refused.
  assert.throws(() => layers.add([tf.ones([2, 3]), tf.ones([2, 4])]), /inputs from input 0 \[2, 3\] and input 1 \[2, 4\] have incompatible shapes/);
  assert.throws(() => layers.add([tf.ones([2, 3]), tf.ones([5, 3])]), /inputs from input 0 \[2, 3\] and input 1 \[5, 3\] have different batch sizes/);
});

test("automatic names and classes are Keras 3's; functional forms make one layer each", () => {
  keras.backend.clearSession();
  const made = [layers.Add(), layers.Subtract(), layers.Multiply(), layers.Average(), layers.Maximum(), layers.Minimum(), layers.Concatenate(), layers.Dot(1), layers.Add()];
  assert.deepEqual(made.map((l) => l.name), ["add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate", "dot", "add_1"]);
  assert.deepEqual(made.map((l) => l.getClassName()), ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot", "Add"]);
  const a = layers.Input([3]);
  const y = layers.add([a, a], { name: "total" });
  assert.equal(y.sourceLayer.name, "total");
  assert.equal(layers.concatenate([a, a]).sourceLayer.name, "concatenate_1");
});

test("merging layers save and load (configs, classes, outputs)", async () => {
  keras.backend.clearSession();
  const a = layers.Input([4]);
  const b = layers.Input([4]);
  const h = layers.concatenate([layers.add([a, b]), layers.multiply([a, b]), layers.maximum([a, b]), layers.Dot(1, { normalize: true })([a, b])], { axis: -1 });
  const model = keras.Model([a, b], layers.Dense(2)(h));
  const dir = mkdtempSync(join(tmpdir(), "tsdl-merging-"));
  await model.save(join(dir, "m"));
  const loaded = await keras.models.loadModel(join(dir, "m"));
  assert.deepEqual(loaded.tf.layers.map((l) => l.getClassName()), model.tf.layers.map((l) => l.getClassName()));
  const mine = (m: { tf: tf.LayersModel }) => m.tf.layers.filter((l) => l.getClassName() !== "Dense").map((l) => l.getConfig());
  assert.deepEqual(mine(loaded), mine(model));
  const xs = [tf.randomNormal([3, 4], 0, 1, "float32", 1), tf.randomNormal([3, 4], 0, 1, "float32", 2)];
  const p = (await model.predict(xs)) as tf.Tensor;
  const q = (await loaded.predict(xs)) as tf.Tensor;
  assert.deepEqual(Array.from(await q.data()), Array.from(await p.data()));
  tf.dispose([...xs, p, q]);
});

test("a two-input model of every merge trains on the default backend (loss falls, tensor count flat)", async () => {
  keras.backend.clearSession();
  const a = layers.Input([5]);
  const b = layers.Input([5]);
  const ha = layers.Dense(4, { activation: "tanh" })(a);
  const hb = layers.Dense(4, { activation: "tanh" })(b);
  const seq = layers.Dense(6)(layers.Reshape([1, 5])(a));
  const h = layers.concatenate([
    layers.add([ha, hb]),
    layers.subtract([ha, hb]),
    layers.multiply([ha, hb]),
    layers.average([ha, hb]),
    layers.maximum([ha, hb]),
    layers.minimum([ha, hb]),
    layers.Dot(1, { normalize: true })([ha, hb]),
    layers.Flatten()(layers.Dot([2, 1])([seq, layers.Reshape([6, 1])(layers.Dense(6)(b))])),
  ]);
  const model = keras.Model([a, b], layers.Dense(1)(h));
  model.compile({ loss: "mse", optimizer: "adam" });
  const xa = tf.randomNormal([64, 5], 0, 1, "float32", 7);
  const xb = tf.randomNormal([64, 5], 0, 1, "float32", 8);
  const y = tf.tidy(() => tf.sum(tf.mul(xa, xb), 1, true));
  const counts: number[] = [];
  const hist = await model.fit([xa, xb], y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [new callbacks.LambdaCallback({ onEpochEnd: () => void counts.push(tf.memory().numTensors) })] });
  const loss = hist.history.loss as number[];
  assert.ok(loss[2] < loss[0], `loss falls: ${loss}`);
  assert.ok(counts.every((c) => c === counts[0]), `tensors after each epoch: ${counts}`);
  tf.dispose([xa, xb, y]);
});
