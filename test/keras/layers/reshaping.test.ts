// The reshaping layers by Keras' formulas: output shapes and parameter counts, values worked by hand,
// bad arguments and inputs, saving, and training on the default backend.
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
type AnyLayer = ReturnType<typeof layers.Flatten>;

const SHAPES: { name: string; make: () => AnyLayer; input: Dim[]; output: Dim[] }[] = [
  { name: "Reshape([3, 4])", make: () => layers.Reshape([3, 4]), input: [12], output: [null, 3, 4] },
  { name: "Reshape([-1, 2]): 24 / 2", make: () => layers.Reshape([-1, 2]), input: [3, 4, 2], output: [null, 12, 2] },
  { name: "Reshape([2, -1, 3]): 30 / 6", make: () => layers.Reshape([2, -1, 3]), input: [5, 6], output: [null, 2, 5, 3] },
  { name: "Reshape([-1, 4]) of an unknown length", make: () => layers.Reshape([-1, 4]), input: [null, 8], output: [null, null, 4] },
  { name: "Permute([2, 1])", make: () => layers.Permute([2, 1]), input: [3, 5], output: [null, 5, 3] },
  { name: "Permute([3, 1, 2])", make: () => layers.Permute([3, 1, 2]), input: [2, 3, 4], output: [null, 4, 2, 3] },
  { name: "RepeatVector(4)", make: () => layers.RepeatVector(4), input: [6], output: [null, 4, 6] },
  { name: "UpSampling1D()", make: () => layers.UpSampling1D(), input: [5, 3], output: [null, 5 * 2, 3] },
  { name: "UpSampling1D(3), unknown length", make: () => layers.UpSampling1D(3), input: [null, 3], output: [null, null, 3] },
  { name: "UpSampling2D()", make: () => layers.UpSampling2D(), input: [4, 5, 3], output: [null, 4 * 2, 5 * 2, 3] },
  { name: "UpSampling2D([2, 3]) bilinear", make: () => layers.UpSampling2D([2, 3], { interpolation: "bilinear" }), input: [4, 5, 3], output: [null, 4 * 2, 5 * 3, 3] },
  { name: "UpSampling2D channels_first", make: () => layers.UpSampling2D(3, { dataFormat: "channels_first" }), input: [3, 4, 5], output: [null, 3, 4 * 3, 5 * 3] },
  { name: "ZeroPadding1D()", make: () => layers.ZeroPadding1D(), input: [5, 3], output: [null, 5 + 1 + 1, 3] },
  { name: "ZeroPadding1D([2, 0])", make: () => layers.ZeroPadding1D([2, 0]), input: [5, 3], output: [null, 5 + 2, 3] },
  { name: "ZeroPadding1D channels_first", make: () => layers.ZeroPadding1D(3, { dataFormat: "channels_first" }), input: [3, 5], output: [null, 3, 5 + 6] },
  { name: "ZeroPadding2D()", make: () => layers.ZeroPadding2D(), input: [4, 5, 3], output: [null, 4 + 2, 5 + 2, 3] },
  { name: "ZeroPadding2D([1, 2])", make: () => layers.ZeroPadding2D([1, 2]), input: [4, 5, 3], output: [null, 4 + 2, 5 + 4, 3] },
  { name: "ZeroPadding2D([[1, 0], [2, 3]])", make: () => layers.ZeroPadding2D([[1, 0], [2, 3]]), input: [4, 5, 3], output: [null, 4 + 1, 5 + 5, 3] },
  { name: "ZeroPadding2D unknown size", make: () => layers.ZeroPadding2D(1), input: [null, 5, 3], output: [null, null, 7, 3] },
  { name: "Cropping1D()", make: () => layers.Cropping1D(), input: [6, 3], output: [null, 6 - 2, 3] },
  { name: "Cropping1D([0, 3])", make: () => layers.Cropping1D([0, 3]), input: [6, 3], output: [null, 6 - 3, 3] },
  { name: "Cropping2D()", make: () => layers.Cropping2D(), input: [4, 5, 3], output: [null, 4, 5, 3] },
  { name: "Cropping2D(1)", make: () => layers.Cropping2D(1), input: [4, 5, 3], output: [null, 4 - 2, 5 - 2, 3] },
  { name: "Cropping2D([[1, 0], [2, 1]]) channels_first", make: () => layers.Cropping2D([[1, 0], [2, 1]], { dataFormat: "channels_first" }), input: [3, 4, 5], output: [null, 3, 4 - 1, 5 - 3] },
  { name: "Flatten() of a vector per sample", make: () => layers.Flatten(), input: [], output: [null, 1] },
  { name: "Flatten() of rank 2", make: () => layers.Flatten(), input: [7], output: [null, 7] },
  { name: "Flatten() of rank 4", make: () => layers.Flatten(), input: [3, 4, 2], output: [null, 3 * 4 * 2] },
  { name: "Flatten() of an unknown size", make: () => layers.Flatten(), input: [null, 4], output: [null, null] },
];

for (const c of SHAPES) {
  test(`${c.name}: output shape by Keras' formula, no parameters`, () => {
    keras.backend.clearSession();
    const layer = c.make();
    const y = layer(layers.Input(c.input));
    assert.deepEqual(y.shape, c.output);
    assert.equal(layer.countParams(), 0);
  });
}

test("automatic names are Keras 3's", () => {
  keras.backend.clearSession();
  const made = [layers.Reshape([2]), layers.Permute([1]), layers.RepeatVector(2), layers.UpSampling1D(), layers.UpSampling2D(), layers.UpSampling2D(), layers.ZeroPadding1D(), layers.ZeroPadding2D(), layers.Cropping1D(), layers.Cropping2D(), layers.Flatten(), layers.Flatten()];
  assert.deepEqual(made.map((l) => l.name), ["reshape", "permute", "repeat_vector", "up_sampling1d", "up_sampling2d", "up_sampling2d_1", "zero_padding1d", "zero_padding2d", "cropping1d", "cropping2d", "flatten", "flatten_1"]);
  assert.deepEqual(made.map((l) => l.getClassName()), ["Reshape", "Permute", "RepeatVector", "UpSampling1D", "UpSampling2D", "UpSampling2D", "ZeroPadding1D", "ZeroPadding2D", "Cropping1D", "Cropping2D", "Flatten", "Flatten"]);
});

const values = async (t: tf.Tensor | tf.Tensor[]) => Array.from(await (t as tf.Tensor).data());

test("values worked by hand: repeat, nearest and bilinear upsampling, padding, cropping, permute, flatten order", async () => {
  const seq = tf.tensor3d([1, 2, 3, 4], [1, 2, 2]); // steps [1, 2], [3, 4]
  assert.deepEqual(await values(layers.UpSampling1D(2)(seq)), [1, 2, 1, 2, 3, 4, 3, 4]);
  assert.deepEqual(await values(layers.ZeroPadding1D([1, 0])(seq)), [0, 0, 1, 2, 3, 4]);
  assert.deepEqual(await values(layers.Cropping1D([1, 0])(seq)), [3, 4]);
  assert.deepEqual(await values(layers.Permute([2, 1])(seq)), [1, 3, 2, 4]);
  assert.deepEqual(await values(layers.RepeatVector(2)(tf.tensor2d([5, 6], [1, 2]))), [5, 6, 5, 6]);
  const img = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
  assert.deepEqual(await values(layers.UpSampling2D([1, 2])(img)), [1, 1, 2, 2, 3, 3, 4, 4]);
  assert.deepEqual(await values(layers.ZeroPadding2D([[0, 1], [1, 0]])(img)), [0, 1, 2, 0, 3, 4, 0, 0, 0]);
  assert.deepEqual(await values(layers.Cropping2D([[1, 0], [0, 1]])(img)), [3]);
  // Bilinear x2 along a row [a, b] with half-pixel centres samples at -0.25, 0.25, 0.75, 1.25:
  // a, 0.75a + 0.25b, 0.25a + 0.75b, b.
  const row = tf.tensor4d([4, 8], [1, 1, 2, 1]);
  assert.deepEqual(await values(layers.UpSampling2D([1, 2], { interpolation: "bilinear" })(row)), [4, 5, 7, 8]);
  // Channels first [1, C=2, 1, 2] flattens in channels-last order: (pixel 0: c0, c1), (pixel 1: c0, c1).
  const cf = tf.tensor4d([1, 2, 10, 20], [1, 2, 1, 2]);
  assert.deepEqual(await values(layers.Flatten({ dataFormat: "channels_first" })(cf)), [1, 10, 2, 20]);
  assert.deepEqual(await values(layers.Flatten()(cf)), [1, 2, 10, 20]);
  tf.dispose([seq, img, row, cf]);
});

test("Reshape to an incompatible size names the input shape and the target shape", () => {
  keras.backend.clearSession();
  assert.throws(() => layers.Reshape([4, 2])(layers.Input([2, 3])), {
    message: 'Reshape "reshape": the total size must be unchanged: cannot reshape input shape [null, 2, 3] (6 values per sample) to targetShape [4, 2] (8 values)',
  });
  assert.throws(() => layers.Reshape([4, -1])(layers.Input([10])), {
    message: 'Reshape "reshape_1": the total size must be unchanged: cannot reshape input shape [null, 10] (10 values per sample) to targetShape [4, -1]: 10 is not a multiple of 4',
  });
  const x = tf.zeros([2, 5]);
  assert.throws(() => layers.Reshape([3, -1])(x), /cannot reshape input shape \[2, 5\] \(5 values per sample\) to targetShape \[3, -1\]/);
  x.dispose();
});

test("bad arguments name the layer, the option and the value; unknown strings list the accepted ones", () => {
  assert.throws(() => layers.Reshape([-1, -1]), { message: "Reshape: each size in targetShape must be a non-negative integer, or -1 for one unknown size, got [-1,-1]" });
  assert.throws(() => layers.Reshape(3 as unknown as number[]), /Reshape: targetShape must be an array of sizes such as \[4, -1\], got 3/);
  assert.throws(() => layers.Permute([0, 1]), /Permute: dims must be a permutation of 1\.\.n, .* got \[0,1\]/);
  assert.throws(() => layers.Permute([1, 1]), /Permute: dims must be a permutation of 1\.\.n/);
  assert.throws(() => layers.RepeatVector(0), { message: "RepeatVector: n must be a positive integer, got 0" });
  assert.throws(() => layers.RepeatVector({}), { message: "RepeatVector: n must be a positive integer, got undefined" });
  assert.throws(() => layers.UpSampling2D(2, { interpolation: "bicubic" as "bilinear" }), { message: 'UpSampling2D: interpolation must be one of "nearest", "bilinear", got "bicubic"' });
  assert.throws(() => layers.UpSampling2D(2, { dataFormat: "nhwc" as "channels_last" }), /UpSampling2D: dataFormat must be "channels_last" or "channels_first", got "nhwc"/);
  assert.throws(() => layers.UpSampling1D(0), { message: "UpSampling1D: size must be a positive integer, got 0" });
  assert.throws(() => layers.UpSampling2D([2, 2, 2]), { message: "UpSampling2D: size must be a positive integer or 2 of them, got [2,2,2]" });
  assert.throws(() => layers.ZeroPadding1D(-1), { message: "ZeroPadding1D: padding must be a non-negative integer or 2 of them, got -1" });
  assert.throws(() => layers.ZeroPadding2D([[1, 2, 3], [0, 0]]), {
    message: "ZeroPadding2D: padding must be an integer, [height, width] or [[top, bottom], [left, right]] of non-negative integers, got [[1,2,3],[0,0]]",
  });
  assert.throws(() => layers.Cropping2D([1, 2, 3]), /Cropping2D: cropping must be an integer, \[height, width\] or \[\[top, bottom\], \[left, right\]\]/);
  assert.throws(() => layers.Cropping1D([1, -2]), { message: "Cropping1D: cropping must be a non-negative integer or 2 of them, got [1,-2]" });
});

test("cropping everything away is an error naming the cropping and the input shape", () => {
  keras.backend.clearSession();
  assert.throws(() => layers.Cropping1D([2, 2])(layers.Input([4, 3])), {
    message: 'Cropping1D "cropping1d": cropping [2,2] leaves nothing of input shape [null, 4, 3]: each axis must be longer than its two crops together',
  });
  assert.throws(() => layers.Cropping2D([[0, 0], [3, 3]])(layers.Input([8, 6, 1])), /Cropping2D "cropping2d": cropping \[\[0,0\],\[3,3\]\] leaves nothing of input shape \[null, 8, 6, 1\]/);
});

test("inputs of the wrong rank name the layer, the expected and the actual shape", () => {
  keras.backend.clearSession();
  const cases: [AnyLayer, Dim[], string, string][] = [
    [layers.RepeatVector(2), [3, 4], "repeat_vector", "[null, null]"],
    [layers.Permute([2, 1]), [3, 4, 5], "permute", "[null, null, null]"],
    [layers.UpSampling1D(), [3, 4, 5], "up_sampling1d", "[null, null, null]"],
    [layers.UpSampling2D(), [3, 4], "up_sampling2d", "[null, null, null, null]"],
    [layers.ZeroPadding1D(), [3], "zero_padding1d", "[null, null, null]"],
    [layers.ZeroPadding2D(), [3, 4], "zero_padding2d", "[null, null, null, null]"],
    [layers.Cropping1D(), [3, 4, 5], "cropping1d", "[null, null, null]"],
    [layers.Cropping2D(), [3, 4], "cropping2d", "[null, null, null, null]"],
  ];
  for (const [layer, shape, name, expected] of cases) {
    assert.throws(() => layer(layers.Input(shape)), { message: `Input 0 of layer "${name}" is incompatible: expected shape ${expected}, got [null, ${shape.join(", ")}]` });
  }
});

test("a masked input (Masking, Embedding maskZero) is taken as Keras does: the mask is dropped with one warning", async () => {
  keras.backend.clearSession();
  const input = layers.Input([3, 2]);
  const masked = layers.Masking(0)(input);
  const flatten = layers.Flatten();
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => void warnings.push(m);
  const x = tf.tensor3d([1, 2, 0, 0, 3, 4], [1, 3, 2]);
  let y: tf.Tensor, z: tf.Tensor;
  try {
    const model = keras.Model(input, [layers.Dense(1, { kernelInitializer: "ones" })(layers.ZeroPadding1D(1)(layers.Reshape([3, 2])(flatten(masked)))), layers.Cropping1D()(masked), layers.Permute([2, 1])(masked)]);
    const outs = (await model.predict(x)) as tf.Tensor[];
    [y, z] = outs;
    outs[2].dispose();
    tf.dispose(await model.predict(x)); // warned once per layer
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warnings, [
    "Layer 'flatten' (of type Flatten) was passed an input with a mask attached to it. However, this layer does not support masking and will therefore destroy the mask information. Downstream layers will not see the mask.",
    "Layer 'cropping1d' (of type Cropping1D) was passed an input with a mask attached to it. However, this layer does not support masking and will therefore destroy the mask information. Downstream layers will not see the mask.",
    "Layer 'permute' (of type Permute) was passed an input with a mask attached to it. However, this layer does not support masking and will therefore destroy the mask information. Downstream layers will not see the mask.",
  ]);
  assert.deepEqual(Array.from(await z.data()), [0, 0]);
  assert.deepEqual(Array.from(await y.data()), [0, 3, 0, 7, 0]);
  tf.dispose([x, y, z]);
});

test("save and loadModel keep every reshaping layer's options", async () => {
  keras.backend.clearSession();
  const input = layers.Input([4, 6, 2]);
  let h = layers.ZeroPadding2D([[1, 0], [2, 1]], { dataFormat: "channels_first" })(input);
  h = layers.UpSampling2D([2, 1], { interpolation: "bilinear" })(h);
  h = layers.Cropping2D([[1, 2], [0, 1]])(h);
  h = layers.UpSampling2D(2, { dataFormat: "channels_first" })(h);
  h = layers.Flatten({ dataFormat: "channels_first" })(h);
  h = layers.Reshape([-1, 8])(h);
  h = layers.Permute([2, 1])(h);
  h = layers.UpSampling1D(3)(h);
  h = layers.ZeroPadding1D([0, 2])(h);
  h = layers.Cropping1D([1, 1])(h);
  h = layers.Flatten()(h);
  h = layers.RepeatVector(2)(layers.Reshape([-1])(h));
  const model = keras.Model(input, h);
  const dir = mkdtempSync(join(tmpdir(), "tsdl-reshaping-"));
  await model.save(join(dir, "m"));
  const loaded = await keras.models.loadModel(join(dir, "m"));
  assert.deepEqual(loaded.tf.layers.map((l) => l.getClassName()), model.tf.layers.map((l) => l.getClassName()));
  assert.deepEqual(loaded.tf.layers.map((l) => l.getConfig()), model.tf.layers.map((l) => l.getConfig()));
  const x = tf.randomNormal([2, 4, 6, 2], 0, 1, "float32", 5);
  const p = (await model.predict(x)) as tf.Tensor;
  const q = (await loaded.predict(x)) as tf.Tensor;
  assert.deepEqual(q.shape, p.shape);
  assert.deepEqual(Array.from(await q.data()), Array.from(await p.data()));
  tf.dispose([x, p, q]);
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

/** n samples of `shape` whose class (0 or 1) shifts every value by -0.75 or +0.75. */
function shifted(n: number, shape: number[], seed: number) {
  return tf.tidy(() => {
    const y = tf.randomUniform([n], 0, 2, "int32", seed);
    const x = tf.randomNormal([n, ...shape], 0, 1, "float32", seed + 1).add(y.toFloat().mul(1.5).sub(0.75).reshape([n, ...shape.map(() => 1)]));
    return { x, y };
  });
}

test("image reshaping layers train in a model on the default backend (loss falls, tensor count flat)", async () => {
  const { x, y } = shifted(64, [5, 5, 1], 31);
  for (const interpolation of ["nearest", "bilinear"] as const) {
    keras.backend.clearSession();
    const input = layers.Input([5, 5, 1]);
    let h = layers.ZeroPadding2D(1)(input);
    h = layers.Conv2D(3, 3, { activation: "relu" })(h);
    h = layers.UpSampling2D(2, { interpolation })(h);
    h = layers.Cropping2D([[1, 0], [0, 1]])(h);
    h = layers.Conv2D(2, 3, { strides: 2 })(h);
    await trains(keras.Model(input, layers.Dense(2, { activation: "softmax" })(layers.Flatten()(h))), x, y);
  }
  tf.dispose([x, y]);
});

test("sequence reshaping layers train in a model on the default backend (loss falls, tensor count flat)", async () => {
  keras.backend.clearSession();
  const { x, y } = shifted(64, [6], 41);
  const input = layers.Input([6]);
  let h = layers.Dense(8, { activation: "tanh" })(input);
  h = layers.Reshape([4, -1])(h); // [4, 2]
  h = layers.Permute([2, 1])(h); // [2, 4]
  h = layers.UpSampling1D(2)(h); // [4, 4]
  h = layers.ZeroPadding1D(1)(h); // [6, 4]
  h = layers.Cropping1D([1, 0])(h); // [5, 4]
  h = layers.Dense(2)(layers.Flatten()(h));
  h = layers.Flatten()(layers.Dense(3)(layers.RepeatVector(3)(h)));
  await trains(keras.Model(input, layers.Dense(2, { activation: "softmax" })(h)), x, y);
  tf.dispose([x, y]);
});
