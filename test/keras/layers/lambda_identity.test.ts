// Lambda and Identity: output shapes (given, inferred, a function), Keras' names, options passed to
// the function, bad arguments, saving a Lambda (an error that says why), and training through both.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callbacks, keras, layers, optimizers, ready, tf } from "../../../src/index.ts";
import { seedEachTest } from "../seed_each_test.ts";

type T = tf.Tensor;

seedEachTest();

before(async () => {
  await ready();
});

const SHAPES: [string, () => ReturnType<typeof layers.Lambda>, (number | null)[], (number | null)[] | (number | null)[][]][] = [
  ["elementwise", () => layers.Lambda((x) => tf.square(x as T)), [4, 3], [null, 4, 3]],
  ["reduce an axis (inferred)", () => layers.Lambda((x) => tf.sum(x as T, 1)), [4, 3], [null, 3]],
  ["an unknown axis stays unknown", () => layers.Lambda((x) => tf.sum(x as T, -1)), [null, 3], [null, null]],
  ["reshape with outputShape", () => layers.Lambda((x) => tf.reshape(x as T, [-1, 12]), { outputShape: [12] }), [4, 3], [null, 12]],
  ["outputShape as a function", () => layers.Lambda((x) => tf.tile(x as T, [1, 2]), { outputShape: (s) => [(s as (number | null)[])[0], 8] }), [4], [null, 8]],
  ["two outputs (inferred)", () => layers.Lambda((x) => [x as T, tf.mean(x as T, -1, true)]), [5], [[null, 5], [null, 1]]],
  ["slice a time axis", () => layers.Lambda((x) => tf.slice(x as T, [0, 1, 0], [-1, 2, -1])), [6, 2], [null, 2, 2]],
];

for (const [what, make, input, expected] of SHAPES) {
  test(`Lambda output shape: ${what}`, () => {
    keras.backend.clearSession();
    const y = make()(keras.Input(input));
    const shapes = Array.isArray(y) ? (y as tf.SymbolicTensor[]).map((t) => t.shape) : (y as tf.SymbolicTensor).shape;
    assert.deepEqual(shapes, expected);
  });
}

test("Identity keeps every shape and value; Keras' names lambda, lambda_1, identity; classes; no parameters", () => {
  keras.backend.clearSession();
  const x = keras.Input([3, 2]);
  const a = layers.Lambda((t) => t);
  const b = layers.Lambda((t) => t);
  const i = layers.Identity();
  const model = keras.Model(x, i(b(a(x))));
  assert.deepEqual(model.layers.slice(1).map((l) => [l.name, l.getClassName(), l.countParams()]), [["lambda", "Lambda", 0], ["lambda_1", "Lambda", 0], ["identity", "Identity", 0]]);
  assert.deepEqual(model.outputs[0].shape, [null, 3, 2]);
  tf.tidy(() => {
    const v = tf.randomNormal([2, 3, 2]);
    assert.deepEqual(Array.from((model.tf.predict(v) as T).dataSync()), Array.from(v.dataSync()));
    const pair = layers.Identity()([v, tf.ones([2])]) as T[];
    assert.deepEqual(pair.map((t) => t.shape), [[2, 3, 2], [2]]);
  });
});

test("the function gets training, the mask and the arguments", () => {
  const seen: unknown[] = [];
  const lam = layers.Lambda((x, o) => {
    seen.push({ training: o.training, k: o.k });
    return tf.mul(x as T, o.k as number);
  }, { arguments: { k: 2 } });
  tf.tidy(() => {
    assert.deepEqual(Array.from((lam(tf.tensor([1, 2])) as T).dataSync()), [2, 4]);
    lam(tf.tensor([1]), { training: true });
  });
  assert.deepEqual(seen, [{ training: false, k: 2 }, { training: true, k: 2 }]);
});

test("bad Lambda arguments are errors that say what was expected", () => {
  assert.throws(() => layers.Lambda(3 as never), /Lambda: function must be a function of tensors, e.g. Lambda\(\(x\) => tf.square\(x\)\), got number/);
  assert.throws(() => layers.Lambda((x) => x, { outputShape: [2.5] }), /Lambda: outputShape must be a shape without the batch axis \(e.g. \[6\]\), a list of them, or a function of the input shape, got \[2.5\]/);
  assert.throws(() => layers.Lambda((x) => x, { mask: true as never }), /Lambda: mask must be a function \(inputs, mask\) => mask, got boolean/);
  keras.backend.clearSession();
  const broken = layers.Lambda((x) => tf.matMul(x as T, tf.ones([7, 2])));
  assert.throws(() => broken(keras.Input([3])), /Lambda "lambda": could not infer the output shape by running the function on input shape \[null,3\] \(.*\); pass outputShape/);
  const notTensor = layers.Lambda((() => 5) as never, { outputShape: [1] });
  assert.throws(() => tf.tidy(() => notTensor(tf.ones([1, 1]))), /Lambda "lambda_1": the function must return a tensor or an array of tensors, got number/);
});

test("saving a model with a Lambda is an error that says why (Porting note)", async () => {
  keras.backend.clearSession();
  const x = keras.Input([2]);
  const model = keras.Model(x, layers.Dense(1)(layers.Lambda((t) => tf.mul(t as T, 2))(x)));
  const dir = join(mkdtempSync(join(tmpdir(), "tsdl-lambda-")), "m");
  await assert.rejects(model.save(dir), /Lambda "lambda": a model with a Lambda layer cannot be saved, since its TypeScript function cannot be written to a file/);
  model.tf.dispose();
});

test("training through Lambda and Identity: gradients flow, loss falls, tensors flat across epochs", async () => {
  keras.backend.clearSession();
  const model = keras.Sequential([
    keras.Input([4]),
    layers.Dense(8, { activation: "relu" }),
    layers.Lambda((t) => tf.mul(tf.tanh(t as T), 2)),
    layers.Identity(),
    layers.Dense(1),
  ]);
  model.compile({ optimizer: optimizers.Adam({ learningRate: 0.02 }), loss: "mse" });
  const x = tf.randomNormal([64, 4], 0, 1, "float32", 1);
  const y = tf.tidy(() => tf.sum(tf.mul(x, tf.tensor([1, -2, 0.5, 1])), 1, true));
  const counts: number[] = [];
  const history = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [new callbacks.LambdaCallback({ onEpochEnd: () => void counts.push(tf.memory().numTensors) })] });
  const loss = history.history.loss;
  assert.ok(loss[2] < loss[0], `loss falls: ${loss}`);
  assert.ok(counts.every((c) => c === counts[0]), `tensors after each epoch: ${counts}`);
  tf.dispose([x, y]);
  model.tf.dispose();
});
