// The pooling layers by Keras' formulas: output shapes and parameter counts, values of the masked
// mean, bad arguments and inputs, saving, and training on the default backend.
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

/** Keras' pooled length: valid floor((n - k) / s) + 1, same ceil(n / s). */
function pooled(n: Dim, k: number, s: number, padding: "valid" | "same"): Dim {
  if (n === null) return null;
  return padding === "same" ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
}

const SHAPES: { name: string; make: () => ReturnType<typeof layers.MaxPooling1D>; input: Dim[]; output: Dim[] }[] = [
  { name: "MaxPooling1D()", make: () => layers.MaxPooling1D(), input: [7, 3], output: [null, pooled(7, 2, 2, "valid"), 3] },
  { name: "MaxPooling1D(3, strides 2, same)", make: () => layers.MaxPooling1D(3, { strides: 2, padding: "same" }), input: [8, 3], output: [null, pooled(8, 3, 2, "same"), 3] },
  { name: "MaxPooling1D([3], strides [1])", make: () => layers.MaxPooling1D([3], { strides: [1] }), input: [10, 2], output: [null, pooled(10, 3, 1, "valid"), 2] },
  { name: "MaxPooling1D, unknown length", make: () => layers.MaxPooling1D(2), input: [null, 4], output: [null, null, 4] },
  { name: "MaxPooling1D channels_first", make: () => layers.MaxPooling1D(2, { dataFormat: "channels_first" }), input: [3, 9], output: [null, 3, pooled(9, 2, 2, "valid")] },
  { name: "AveragePooling1D(4, same)", make: () => layers.AveragePooling1D(4, { padding: "same" }), input: [9, 5], output: [null, pooled(9, 4, 4, "same"), 5] },
  { name: "MaxPooling2D()", make: () => layers.MaxPooling2D(), input: [9, 8, 3], output: [null, pooled(9, 2, 2, "valid"), pooled(8, 2, 2, "valid"), 3] },
  { name: "MaxPooling2D([3, 2], strides [2, 1], same)", make: () => layers.MaxPooling2D([3, 2], { strides: [2, 1], padding: "same" }), input: [9, 8, 3], output: [null, pooled(9, 3, 2, "same"), pooled(8, 2, 1, "same"), 3] },
  { name: "AveragePooling2D(3, strides 2)", make: () => layers.AveragePooling2D(3, { strides: 2 }), input: [11, 7, 2], output: [null, pooled(11, 3, 2, "valid"), pooled(7, 3, 2, "valid"), 2] },
  { name: "AveragePooling2D channels_first", make: () => layers.AveragePooling2D(2, { dataFormat: "channels_first", padding: "same" }), input: [4, 5, 7], output: [null, 4, pooled(5, 2, 2, "same"), pooled(7, 2, 2, "same")] },
  { name: "AveragePooling2D, unknown size", make: () => layers.AveragePooling2D(2), input: [null, null, 3], output: [null, null, null, 3] },
  { name: "GlobalAveragePooling1D()", make: () => layers.GlobalAveragePooling1D(), input: [7, 3], output: [null, 3] },
  { name: "GlobalAveragePooling1D keepdims", make: () => layers.GlobalAveragePooling1D({ keepdims: true }), input: [null, 3], output: [null, 1, 3] },
  { name: "GlobalMaxPooling1D channels_first", make: () => layers.GlobalMaxPooling1D({ dataFormat: "channels_first" }), input: [3, 7], output: [null, 3] },
  { name: "GlobalAveragePooling2D()", make: () => layers.GlobalAveragePooling2D(), input: [5, 6, 4], output: [null, 4] },
  { name: "GlobalMaxPooling2D keepdims", make: () => layers.GlobalMaxPooling2D({ keepdims: true }), input: [5, 6, 4], output: [null, 1, 1, 4] },
  { name: "GlobalMaxPooling2D keepdims channels_first", make: () => layers.GlobalMaxPooling2D({ keepdims: true, dataFormat: "channelsFirst" }), input: [4, 5, 6], output: [null, 4, 1, 1] },
];

for (const c of SHAPES) {
  test(`${c.name}: output shape by Keras' formula, no parameters`, () => {
    keras.backend.clearSession();
    const layer = c.make();
    const y = layer(layers.Input(c.input));
    assert.deepEqual(y.shape, c.output);
    assert.equal(layer.countParams(), 0);
    assert.deepEqual(layer.computeOutputShape([null, ...c.input]), c.output);
  });
}

test("automatic names are Keras 3's, aliases included", () => {
  keras.backend.clearSession();
  const names = [layers.MaxPooling1D(), layers.MaxPool1D(), layers.AveragePooling1D(2), layers.AvgPool2D(2), layers.GlobalAveragePooling2D(), layers.GlobalAvgPool2D(), layers.GlobalMaxPool1D(), layers.GlobalMaxPooling2D()].map((l) => l.name);
  assert.deepEqual(names, ["max_pooling1d", "max_pooling1d_1", "average_pooling1d", "average_pooling2d", "global_average_pooling2d", "global_average_pooling2d_1", "global_max_pooling1d", "global_max_pooling2d"]);
});

test("pooled values: max and mean of each window; same-padded edges average their real values only", async () => {
  const x = tf.tensor3d([1, 5, 2, 8, 3], [1, 5, 1]);
  assert.deepEqual(Array.from(await (layers.MaxPooling1D(2, { padding: "same" })(x) as tf.Tensor).data()), [5, 8, 3]);
  assert.deepEqual(Array.from(await (layers.AveragePooling1D(2, { padding: "same" })(x) as tf.Tensor).data()), [3, 5, 3]);
  // 3x3 image, 2x2 windows, stride 2, same: windows [1 2; 4 5], [3; 6], [7 8], [9].
  const img = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
  assert.deepEqual(Array.from(await (layers.AveragePooling2D(2, { padding: "same" })(img) as tf.Tensor).data()), [3, 4.5, 7.5, 9]);
  assert.deepEqual(Array.from(await (layers.GlobalMaxPooling2D()(img) as tf.Tensor).data()), [9]);
  assert.deepEqual(Array.from(await (layers.GlobalAveragePooling2D()(img) as tf.Tensor).data()), [5]);
  tf.dispose([x, img]);
});

test("GlobalAveragePooling1D averages the unmasked steps only (a mask from Masking), and passes no mask on", async () => {
  keras.backend.clearSession();
  const input = layers.Input([4, 2]);
  const masking = layers.Masking(0);
  const pool = layers.GlobalAveragePooling1D();
  const model = keras.Model(input, pool(masking(input)));
  // Sample 0: steps 1 and 3 are all zeros (masked); sample 1: none masked.
  const x = tf.tensor3d([1, 2, 0, 0, 3, 6, 0, 0, 1, 1, 2, 2, 3, 3, 6, 2], [2, 4, 2]);
  const y = (await model.predict(x)) as tf.Tensor;
  const got = Array.from(await y.data());
  const want = [(1 + 3) / 2, (2 + 6) / 2, (1 + 2 + 3 + 6) / 4, (1 + 2 + 3 + 2) / 4];
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `output ${i}: ${v}, want ${want[i]}`));
  assert.equal(pool.computeMask(x, tf.ones([2, 4])), null);
  tf.dispose([x, y]);
});

test("GlobalMaxPooling: equal maxima share the gradient (as TensorFlow), each step's share is 1/ties", async () => {
  const x = tf.tensor3d([2, 1, 2, 0], [1, 4, 1]);
  const g = tf.grad((a: tf.Tensor) => tf.sum(layers.GlobalMaxPooling1D()(a) as tf.Tensor))(x);
  assert.deepEqual(Array.from(await g.data()), [0.5, 0, 0.5, 0]);
  tf.dispose([x, g]);
});

test("bad arguments name the layer, the option and the value; unknown strings list the accepted ones", () => {
  assert.throws(() => layers.MaxPooling2D(2, { padding: "full" as "same" }), { message: 'MaxPooling2D: padding must be "valid" or "same", got "full"' });
  assert.throws(() => layers.MaxPooling1D(2, { dataFormat: "nchw" as "channels_last" }), { message: 'MaxPooling1D: dataFormat must be "channels_last" or "channels_first", got "nchw"' });
  assert.throws(() => layers.GlobalAveragePooling2D({ dataFormat: "channels_middle" as "channels_last" }), /GlobalAveragePooling2D: dataFormat must be "channels_last" or "channels_first", got "channels_middle"/);
  assert.throws(() => layers.MaxPooling1D(-1), { message: "MaxPooling1D: poolSize must be a positive integer, got -1" });
  assert.throws(() => layers.MaxPooling1D([2, 2]), { message: "MaxPooling1D: poolSize must be a positive integer, got [2,2]" });
  assert.throws(() => layers.MaxPooling2D([2, 0]), { message: "MaxPooling2D: poolSize must be a positive integer or 2 of them, got [2,0]" });
  assert.throws(() => layers.AveragePooling2D(2, { strides: 1.5 }), { message: "AveragePooling2D: strides must be a positive integer or 2 of them, got 1.5" });
  assert.throws(() => layers.AveragePooling1D(), /AveragePooling1D: poolSize is required/);
  assert.throws(() => layers.AveragePooling2D({ strides: 2 }), /AveragePooling2D: poolSize is required/);
  assert.throws(() => layers.GlobalMaxPooling1D({ keepdims: "yes" as unknown as boolean }), { message: 'GlobalMaxPooling1D: keepdims must be true or false, got "yes"' });
});

test("inputs of the wrong rank name the layer, the expected and the actual shape", () => {
  keras.backend.clearSession();
  const cases: [ReturnType<typeof layers.MaxPooling1D>, Dim[], string, string][] = [
    [layers.MaxPooling1D(), [4, 4, 3], "max_pooling1d", "[null, null, null]"],
    [layers.AveragePooling2D(2), [4, 3], "average_pooling2d", "[null, null, null, null]"],
    [layers.GlobalAveragePooling1D(), [5], "global_average_pooling1d", "[null, null, null]"],
    [layers.GlobalMaxPooling2D(), [5, 3], "global_max_pooling2d", "[null, null, null, null]"],
  ];
  for (const [layer, shape, name, expected] of cases) {
    assert.throws(() => layer(layers.Input(shape)), { message: `Input 0 of layer "${name}" is incompatible: expected shape ${expected}, got [null, ${shape.join(", ")}]` });
  }
});

test("a window larger than a valid-padded input is an error naming the shapes (Keras: output size zero or negative)", () => {
  keras.backend.clearSession();
  assert.throws(() => layers.MaxPooling2D(3)(layers.Input([2, 8, 1])), {
    message: 'MaxPooling2D "max_pooling2d": computed output size would be zero or negative: input shape [null, 2, 8, 1], poolSize [3, 3], strides [3, 3], padding "valid"',
  });
  const x = tf.zeros([1, 2, 4]);
  assert.throws(() => layers.AveragePooling1D(3)(x), /AveragePooling1D "average_pooling1d": computed output size would be zero or negative: input shape \[1, 2, 4\]/);
  const ok = layers.AveragePooling1D(3, { padding: "same" })(x) as tf.Tensor; // same padding always has an output
  assert.deepEqual(ok.shape, [1, 1, 4]);
  tf.dispose([x, ok]);
});

test("save and loadModel keep every pooling layer's options", async () => {
  keras.backend.clearSession();
  const input = layers.Input([12, 12, 2]);
  let h = layers.MaxPooling2D([3, 2], { strides: [1, 2], padding: "same" })(input);
  h = layers.AveragePooling2D(2, { padding: "same", dataFormat: "channels_first" })(h);
  const a = layers.GlobalMaxPooling2D({ keepdims: true })(h);
  const seq = layers.Reshape([6, -1])(h);
  const b = layers.GlobalAveragePooling1D({ keepdims: true })(layers.AveragePooling1D(2, { strides: 1 })(layers.MaxPooling1D(2, { padding: "same", dataFormat: "channels_first" })(seq)));
  const model = keras.Model(input, [layers.Flatten()(a), layers.Flatten()(b)]);
  const dir = mkdtempSync(join(tmpdir(), "tsdl-pooling-"));
  await model.save(join(dir, "m"));
  const loaded = await keras.models.loadModel(join(dir, "m"));
  assert.deepEqual(loaded.tf.layers.map((l) => l.getClassName()), model.tf.layers.map((l) => l.getClassName()));
  assert.deepEqual(loaded.tf.layers.map((l) => l.getConfig()), model.tf.layers.map((l) => l.getConfig()));
  const x = tf.randomNormal([2, 12, 12, 2], 0, 1, "float32", 3);
  const [p, q] = (await model.predict(x)) as tf.Tensor[];
  const [r, s] = (await loaded.predict(x)) as tf.Tensor[];
  assert.deepEqual(Array.from(await r.data()), Array.from(await p.data()));
  assert.deepEqual(Array.from(await s.data()), Array.from(await q.data()));
  tf.dispose([x, p, q, r, s]);
});

/** Fits 3 epochs with Adam; the loss must fall and the tensor count stay flat from epoch to epoch. */
async function trains(model: ReturnType<typeof keras.Model>, x: tf.Tensor, y: tf.Tensor): Promise<void> {
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam" });
  const counts: number[] = [];
  const h = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [new callbacks.LambdaCallback({ onEpochEnd: () => void counts.push(tf.memory().numTensors) })] });
  const loss = h.history.loss as number[];
  assert.ok(loss[2] < loss[0], `loss falls: ${loss}`);
  assert.ok(counts.every((c) => c === counts[0]), `tensors after each epoch: ${counts}`);
}

/** Sequences [n, steps, 2]: class 1 when the first feature's peak is positive-heavy (learnable by a pooled model). */
function sequences(n: number, steps: number, seed: number) {
  return tf.tidy(() => {
    const y = tf.randomUniform([n], 0, 2, "int32", seed);
    const x = tf.randomNormal([n, steps, 2], 0, 1, "float32", seed + 1).add(y.toFloat().mul(1.5).sub(0.75).reshape([n, 1, 1]));
    return { x, y };
  });
}

function images(n: number, size: number, seed: number) {
  return tf.tidy(() => {
    const y = tf.randomUniform([n], 0, 2, "int32", seed);
    const x = tf.randomNormal([n, size, size, 1], 0, 1, "float32", seed + 1).add(y.toFloat().mul(1.5).sub(0.75).reshape([n, 1, 1, 1]));
    return { x, y };
  });
}

test("1-D pools train in a model on the default backend (loss falls, tensor count flat)", async () => {
  const { x, y } = sequences(64, 12, 11);
  for (const head of ["average", "max"] as const) {
    keras.backend.clearSession();
    const input = layers.Input([12, 2]);
    let h = layers.Dense(6, { activation: "relu" })(input);
    h = layers.MaxPooling1D(2)(h);
    h = layers.AveragePooling1D(3, { strides: 1, padding: "same" })(h);
    h = layers.MaxPooling1D(2, { padding: "same", dataFormat: "channels_first" })(h);
    h = head === "average" ? layers.GlobalAveragePooling1D()(h) : layers.Flatten()(layers.GlobalMaxPooling1D({ keepdims: true })(h));
    await trains(keras.Model(input, layers.Dense(2, { activation: "softmax" })(h)), x, y);
  }
  tf.dispose([x, y]);
});

test("2-D pools train in a model on the default backend (loss falls, tensor count flat)", async () => {
  const { x, y } = images(64, 9, 21);
  for (const head of ["average", "max"] as const) {
    keras.backend.clearSession();
    const input = layers.Input([9, 9, 1]);
    let h = layers.Conv2D(4, 3, { padding: "same", activation: "relu" })(input);
    h = layers.MaxPooling2D(3, { strides: 2, padding: "same" })(h);
    h = layers.AveragePooling2D(2, { padding: "same" })(h);
    h = layers.AvgPool2D(1, { dataFormat: "channels_first" })(h);
    h = head === "average" ? layers.GlobalAveragePooling2D()(h) : layers.GlobalMaxPooling2D()(h);
    await trains(keras.Model(input, layers.Dense(2, { activation: "softmax" })(h)), x, y);
  }
  tf.dispose([x, y]);
});
