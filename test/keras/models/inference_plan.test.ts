// predict's inference plan (src/keras/models/inference_plan.ts) for Sequential models and functional
// chains: the same outputs as the model's layers one by one (folded BatchNormalization to float
// rounding, the rest exactly), fewer kernels per batch; the plan kept by the model between predict
// calls while its weights stay the same, made again when they change, freed with the model; other
// graphs as before.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { keras, layers, ready, tf } from "../../../src/index.ts";
import { census, leakHint, reachableNewTensors } from "../../../src/kernel/leak_hint.ts";
import { MATMUL_INFERENCE } from "../../../src/backend/native_kernels.ts";

/** The kernel of the plan's products: the native inference product, or tfjs' fused one without the addon. */
let PRODUCT = "_FusedMatMul";
/** A classifier's last product and its softmax: one native call, or the product and a Softmax op. */
let LAST = [PRODUCT, "Softmax"];

before(async () => {
  await ready();
  if (tf.getKernel(MATMUL_INFERENCE, tf.getBackend())) [PRODUCT, LAST] = [MATMUL_INFERENCE, [MATMUL_INFERENCE]];
});

/** The model run layer by layer with tfjs-layers' own apply (no plan), at inference. */
function layerByLayer(model: { layers: tf.layers.Layer[] }, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => model.layers.filter((l) => l.getClassName() !== "InputLayer").reduce((h, l) => l.apply(h, { training: false }) as tf.Tensor, x));
}

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  assert.deepEqual(a.shape, b.shape);
  const [x, y] = [await a.data(), await b.data()];
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

/** Gives the BatchNormalization layers moving statistics and gamma/beta away from their initial values. */
function randomizeBatchNorms(model: { layers: tf.layers.Layer[] }): void {
  for (const l of model.layers) {
    if (l.getClassName() !== "BatchNormalization") continue;
    tf.tidy(() => l.setWeights(l.getWeights().map((w, i) => (i === 3 ? tf.randomUniform(w.shape, 0.5, 2, "float32", 7) : tf.randomNormal(w.shape, 0, 1, "float32", 11 + i)))));
  }
}

async function kernelsByName(f: () => Promise<unknown>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const k of (await tf.profile(f as () => Promise<tf.Tensor>)).kernels) counts[k.name] = (counts[k.name] ?? 0) + 1;
  return counts;
}

/** A functional model whose layers form a chain: `layers` applied in turn to keras.Input(shape). */
function chain(shape: number[], ...ls: ReturnType<typeof layers.Dense>[]) {
  const x = keras.Input(shape);
  return keras.Model(x, ls.reduce((h, l) => l(h) as tf.SymbolicTensor, x));
}

const CASES: [string, () => { layers: tf.layers.Layer[]; predict: (x: tf.Tensor, o?: { batchSize?: number }) => Promise<unknown>; dispose(): void }, number[]][] = [
  ["seed 003: Dense without bias, BatchNormalization, Activation('relu'), softmax", () => {
    const block = (u: number) => [layers.Dense(u, { useBias: false }), layers.BatchNormalization(), layers.Activation("relu")];
    return keras.Sequential([keras.Input([6, 5]), layers.Flatten(), ...block(12), ...block(8), layers.Dense(4, { activation: "softmax" })]);
  }, [9, 6, 5]],
  ["seed 004: Dense, BatchNormalization, ReLU, Dropout, Dense + Activation('softmax')", () =>
    keras.Sequential([keras.Input([7]), layers.Dense(10), layers.BatchNormalization({ epsilon: 0.01 }), layers.ReLU(), layers.Dropout(0.5), layers.Dense(3), layers.Activation("softmax")]), [5, 7]],
  ["BatchNormalization without center and scale; Dense(relu); GaussianNoise", () =>
    keras.Sequential([keras.Input([4]), layers.Dense(6), layers.BatchNormalization({ center: false, scale: false }), layers.GaussianNoise(1), layers.Dense(5, { activation: "relu" }), layers.Dense(2, { activation: "sigmoid" })]), [3, 4]],
  ["not plain relu (ReLU(6), a slope) and Dense(tanh) run as themselves", () =>
    keras.Sequential([keras.Input([4]), layers.Dense(6), layers.ReLU(0.5), layers.Dense(6), layers.ReLU({ negativeSlope: 0.1 }), layers.Dense(3, { activation: "tanh" })]), [3, 4]],
  ["functional, seed 000's logistic model: BatchNormalization on the image, Flatten, Dense(softmax)", () =>
    chain([6, 5, 3], layers.BatchNormalization(), layers.Flatten(), layers.Dense(2, { activation: "softmax" })), [4, 6, 5, 3]],
  ["functional, seed 002's CNN in small: BatchNormalization before convolutions and before each Dense", () =>
    chain([8, 8, 3], layers.BatchNormalization(), layers.Conv2D(4, 3, { activation: "relu" }), layers.MaxPooling2D(2), layers.Flatten(), layers.Dropout(0.2), layers.BatchNormalization(), layers.Dense(6, { activation: "relu" }), layers.Dropout(0.2), layers.BatchNormalization(), layers.Dense(3, { activation: "softmax" })), [5, 8, 8, 3]],
  ["BatchNormalization before and after a Dense; BatchNormalization on a 3-D input before Dense (no folding there)", () =>
    keras.Sequential([keras.Input([4]), layers.BatchNormalization(), layers.Dense(5), layers.BatchNormalization(), layers.ReLU(), layers.Reshape([5, 1]), layers.BatchNormalization(), layers.Dense(2)]), [3, 4]],
  ["a product's output into Flatten, LayerNormalization and Dense(elu)", () =>
    keras.Sequential([keras.Input([4]), layers.Dense(6, { activation: "relu" }), layers.Flatten(), layers.Dense(5), layers.LayerNormalization(), layers.Dense(3, { activation: "elu" }), layers.Dense(2)]), [3, 4]],
  ["Conv2D(relu) + Dropout + BatchNormalization, Conv2D without bias (strides 2, same), Conv2D + MaxPooling2D + BatchNormalization (scales of both signs)", () =>
    chain([9, 9, 3], layers.Conv2D(4, 3, { activation: "relu" }), layers.Dropout(0.3), layers.BatchNormalization(), layers.Conv2D(5, 2, { strides: 2, padding: "same", useBias: false }), layers.Conv2D(3, 2, { padding: "same", activation: "relu" }), layers.MaxPooling2D(2), layers.BatchNormalization(), layers.Flatten(), layers.Dense(2)), [3, 9, 9, 3]],
  ["Dense on a 3-D input (no fusion there) and a convolution", () =>
    keras.Sequential([keras.Input([5, 5, 2]), layers.Conv2D(3, 3, { activation: "relu" }), layers.Dense(4), layers.BatchNormalization(), layers.Flatten(), layers.Dense(2)]), [2, 5, 5, 2]],
];

for (const [name, make, shape] of CASES) {
  test(`predict's plan = the layers one by one: ${name}`, async () => {
    keras.backend.clearSession();
    const start = tf.memory().numTensors;
    const model = make();
    randomizeBatchNorms(model);
    const x = tf.randomNormal(shape, 0, 1, "float32", 3);
    const expected = layerByLayer(model, x);
    const got = (await model.predict(x, { batchSize: 2 })) as tf.Tensor;
    const afterFirst = tf.memory().numTensors;
    const again = (await model.predict(x, { batchSize: 2 })) as tf.Tensor;
    assert.equal(tf.memory().numTensors, afterFirst + 1, "the second predict leaves only its result (the model kept its plan)");
    for (const y of [got, again]) {
      const diff = await maxAbsDiff(y, expected);
      assert.ok(diff < 1e-5, `max |predict - layers| = ${diff}`);
    }
    tf.dispose([x, expected, got, again]);
    model.dispose();
    assert.equal(tf.memory().numTensors, start, "model.dispose() frees the kept plan with the weights");
  });
}

test("the plan folds Dense + BatchNormalization + ReLU into one fused product: seed 004's BN model, a batch is 3 products and a softmax (inside the last one, natively)", async () => {
  keras.backend.clearSession();
  const model = keras.Sequential([keras.Input([28, 28]), layers.Flatten(), layers.Dense(128), layers.BatchNormalization(), layers.ReLU(), layers.Dense(64), layers.BatchNormalization(), layers.ReLU(), layers.Dense(10, { activation: "softmax" })]);
  const x = tf.randomNormal([32 * 9, 28, 28]);
  const one = x.slice(0, 32);
  tf.dispose(await model.predict(one)); // the plan, which the model keeps
  // Per batch: predict over 9 batches less predict over 1.
  const [nine, single] = [await kernelsByName(async () => tf.dispose(await model.predict(x, { batchSize: 32 }))), await kernelsByName(async () => tf.dispose(await model.predict(one, { batchSize: 32 })))];
  const perBatch = Object.fromEntries(Object.keys(nine).map((k) => [k, (nine[k] - (single[k] ?? 0)) / 8]).filter(([, n]) => n !== 0));
  const arithmetic = Object.keys(perBatch).filter((k) => !["Reshape", "Slice", "Concat", "fusedMatMul__op"].includes(k)).sort();
  assert.deepEqual(arithmetic, [...new Set([PRODUCT, ...LAST])].sort(), JSON.stringify(perBatch));
  assert.equal(perBatch[PRODUCT], 3);
  // Flatten's, the first product's input as [1, 32, 784], the result as [32, 10]: none between products.
  assert.equal(perBatch.Reshape, 3, JSON.stringify(perBatch));
  const byLayer = await kernelsByName(async () => tf.dispose(layerByLayer(model, one)));
  assert.ok(Object.keys(byLayer).length > arithmetic.length + 3, `layer by layer: ${JSON.stringify(byLayer)}`);
  tf.dispose([x, one]);
});

test("the plan folds the image's BatchNormalization into the Dense of seed 000's logistic model: a batch is one product and a softmax (inside it, natively)", async () => {
  keras.backend.clearSession();
  const model = chain([16, 16, 3], layers.BatchNormalization(), layers.Flatten(), layers.Dense(2, { activation: "softmax" }));
  // Per batch: predict over 5 batches less predict over 4 (both long enough for the fold: 32 images or more).
  const x = tf.randomNormal([10 * 5, 16, 16, 3]);
  const four = x.slice(0, 40);
  tf.dispose(await model.predict(four, { batchSize: 10 })); // the plan, which the model keeps
  const [five, fewer] = [await kernelsByName(async () => tf.dispose(await model.predict(x, { batchSize: 10 }))), await kernelsByName(async () => tf.dispose(await model.predict(four, { batchSize: 10 })))];
  const perBatch = Object.fromEntries(Object.keys(five).map((k) => [k, five[k] - (fewer[k] ?? 0)]).filter(([, n]) => n !== 0));
  assert.deepEqual(Object.keys(perBatch).filter((k) => !["Reshape", "Slice", "Concat", "fusedMatMul__op"].includes(k)).sort(), [...new Set([PRODUCT, ...LAST])].sort(), JSON.stringify(perBatch));
  tf.dispose([x, four]);
});

test("a predict of few samples per unit keeps the BatchNormalization before a Dense apart (its fold would cost more than it saves); the same outputs", async () => {
  keras.backend.clearSession();
  const model = chain([6, 5, 3], layers.BatchNormalization(), layers.Flatten(), layers.Dense(4));
  randomizeBatchNorms(model);
  const x = tf.randomNormal([64, 6, 5, 3]);
  const few = x.slice(0, 63);
  const [folded, apart] = [await kernelsByName(async () => tf.dispose(await model.predict(x))), await kernelsByName(async () => tf.dispose(await model.predict(few)))];
  assert.ok(!Object.keys(folded).some((k) => /BatchNorm/.test(k)), `64 samples, 4 units: folded (${JSON.stringify(folded)})`);
  assert.ok(Object.keys(apart).some((k) => /BatchNorm/.test(k)), `63 samples: apart (${JSON.stringify(apart)})`);
  for (const input of [x, few]) {
    const [got, expected] = [(await model.predict(input)) as tf.Tensor, layerByLayer(model, input)];
    assert.ok((await maxAbsDiff(got, expected)) < 1e-5);
    tf.dispose([got, expected]);
  }
  tf.dispose([x, few]);
});

test("a kernel over 4M weights keeps its BatchNormalization apart (a fold would copy it at every predict)", async () => {
  keras.backend.clearSession();
  const model = keras.Sequential([keras.Input([2100]), layers.BatchNormalization(), layers.Dense(2001)]);
  randomizeBatchNorms(model);
  const x = tf.randomNormal([2, 2100]);
  const names = await kernelsByName(async () => tf.dispose(await model.predict(x)));
  assert.ok(Object.keys(names).some((k) => /BatchNorm/.test(k)), JSON.stringify(names));
  const [got, expected] = [(await model.predict(x)) as tf.Tensor, layerByLayer(model, x)];
  assert.ok((await maxAbsDiff(got, expected)) < 1e-5);
  tf.dispose([x, got, expected]);
});

test("seed 002's convolutions: a BatchNormalization after Conv2D (through Dropout, or MaxPooling2D when every scale is positive) runs inside the convolution", async () => {
  keras.backend.clearSession();
  const make = () => chain([10, 10, 3], layers.Conv2D(4, 3, { activation: "relu" }), layers.Dropout(0.2), layers.BatchNormalization(), layers.Conv2D(4, 3, { activation: "relu", padding: "same" }), layers.MaxPooling2D(2), layers.BatchNormalization(), layers.Flatten(), layers.Dense(2));
  const x = tf.randomNormal([6, 10, 10, 3], 0, 1, "float32", 8);
  const positive = make();
  for (const l of positive.layers.filter((l) => l.getClassName() === "BatchNormalization")) {
    tf.tidy(() => l.setWeights(l.getWeights().map((w, i) => (i === 0 || i === 3 ? tf.randomUniform(w.shape, 0.5, 2, "float32", 5 + i) : tf.randomNormal(w.shape, 0, 1, "float32", 9 + i)))));
  }
  const mixed = make();
  randomizeBatchNorms(mixed);
  const gammas = await mixed.layers.filter((l) => l.getClassName() === "BatchNormalization")[1].getWeights()[0].data();
  assert.ok(gammas.some((g) => g < 0), "a negative scale in the BatchNormalization after the pooling");
  const native = !!tf.getKernel("TsdlConv2DInference", tf.getBackend());
  for (const [model, after] of [[positive, 0], [mixed, 1]] as const) {
    tf.dispose(await model.predict(x)); // the plan
    const names = await kernelsByName(async () => tf.dispose(await model.predict(x)));
    assert.equal(names.FusedBatchNorm ?? 0, native ? after : 2, JSON.stringify(names));
    const [got, expected] = [(await model.predict(x)) as tf.Tensor, layerByLayer(model, x)];
    assert.ok((await maxAbsDiff(got, expected)) < 1e-5);
    tf.dispose([got, expected]);
    model.dispose();
  }
  x.dispose();
});

test("a functional model that is not a chain (two branches) predicts as before", async () => {
  keras.backend.clearSession();
  const x = keras.Input([4]);
  const a = layers.Dense(3)(x) as tf.SymbolicTensor;
  const b = layers.BatchNormalization()(layers.Dense(3)(x) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const model = keras.Model(x, layers.Dense(2)(layers.Add()([a, b]) as tf.SymbolicTensor));
  randomizeBatchNorms(model);
  const input = tf.randomNormal([6, 4]);
  const expected = model.tf.predict(input) as tf.Tensor;
  const got = (await model.predict(input, { batchSize: 4 })) as tf.Tensor;
  assert.ok((await maxAbsDiff(got, expected)) < 1e-5); // batches of 4 and 2 against one of 6: float rounding
  tf.dispose([input, expected, got]);
});

test("each predict sees the weights as they are then: the kept plan is made again after setWeights, fit (in-place steps), an assign, a layer added", async () => {
  keras.backend.clearSession();
  const model = keras.Sequential([keras.Input([3]), layers.BatchNormalization(), layers.Dense(4), layers.BatchNormalization(), layers.ReLU(), layers.Dense(2)]);
  model.compile({ optimizer: keras.optimizers.SGD({ learningRate: 0.05, momentum: 0.9 }), loss: "mse" });
  const x = tf.randomNormal([64, 3], 0, 1, "float32", 5);
  const y = tf.randomNormal([64, 2], 0, 1, "float32", 6);
  let last = (await model.predict(x)) as tf.Tensor;
  const changes: [string, () => unknown][] = [
    ["setWeights", () => (randomizeBatchNorms(model), tf.tidy(() => model.layers[1].setWeights([tf.mul(model.layers[1].getWeights()[0], 3), tf.onesLike(model.layers[1].getWeights()[1])])))],
    ["fit", () => model.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 })],
    ["assign", () => tf.tidy(() => (model.layers[2].weights[1].read() as tf.Variable).assign(tf.fill([4], 0.7)))],
    ["add", () => model.add(layers.Dense(2, { activation: "softmax" }))],
  ];
  for (const [what, change] of changes) {
    await change();
    const now = (await model.predict(x)) as tf.Tensor;
    const expected = layerByLayer(model, x);
    const diff = await maxAbsDiff(now, expected);
    assert.ok(diff < 1e-5, `${what}: predict = the layers with their new weights (max |difference| ${diff})`);
    assert.ok((await maxAbsDiff(now, last)) > 1e-3, `${what}: the outputs changed`);
    tf.dispose([last, expected]);
    last = now;
  }
  tf.dispose([x, y, last]);
  model.dispose();
});

test("convolutions in predict keep their filters in oneDNN's layout only while they stay the same: two layers of one shape, after fit (in-place steps), setWeights and an assign", async () => {
  keras.backend.clearSession();
  // Two convolutions of the same shape share a native plan, and 16 channels make oneDNN reorder the filters.
  const model = keras.Sequential([keras.Input([6, 6, 16]), layers.Conv2D(16, 3, { padding: "same", activation: "relu" }), layers.Conv2D(16, 3, { padding: "same" }), layers.Flatten(), layers.Dense(3)]);
  model.compile({ optimizer: keras.optimizers.SGD({ learningRate: 0.05, momentum: 0.9 }), loss: "mse" });
  const x = tf.randomNormal([8, 6, 6, 16], 0, 1, "float32", 7);
  const y = tf.randomNormal([8, 3], 0, 1, "float32", 8);
  const check = async (what: string, last?: tf.Tensor) => {
    for (let i = 0; i < 2; i++) {
      const now = (await model.predict(x)) as tf.Tensor;
      const expected = layerByLayer(model, x);
      const diff = await maxAbsDiff(now, expected);
      assert.ok(diff < 1e-4, `${what}, predict ${i + 1}: predict = the layers with their weights (max |difference| ${diff})`);
      if (last) assert.ok((await maxAbsDiff(now, last)) > 1e-3, `${what}: the outputs changed`);
      tf.dispose(expected);
      if (i === 1) return now;
      now.dispose();
    }
  };
  let last = await check("first");
  const changes: [string, () => unknown][] = [
    ["fit", () => model.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 })],
    ["setWeights", () => tf.tidy(() => model.layers[1].setWeights([tf.mul(model.layers[1].getWeights()[0], -2), model.layers[1].getWeights()[1]]))],
    ["assign", () => tf.tidy(() => (model.layers[0].weights[0].read() as tf.Variable).assign(tf.randomNormal([3, 3, 16, 16], 0, 0.2, "float32", 9)))],
  ];
  for (const [what, change] of changes) {
    await change();
    const now = await check(what, last);
    last?.dispose();
    last = now;
  }
  tf.dispose([x, y, last!]);
  model.dispose();
});

/** Seed 000's logistic model in small (BatchNormalization, Flatten, Dense(softmax)), randomized statistics, and 40 inputs. */
function logisticInSmall() {
  keras.backend.clearSession();
  const model = chain([6, 5, 3], layers.BatchNormalization(), layers.Flatten(), layers.Dense(2, { activation: "softmax" }));
  randomizeBatchNorms(model);
  return { model, x: tf.randomNormal([40, 6, 5, 3]) };
}

test("the kept plan: the second predict makes no kernel but the batch's; its tensors in sight of the kernel's leak hint", async () => {
  const { model, x } = logisticInSmall();
  const before = census(tf);
  const first = await kernelsByName(async () => tf.dispose(await model.predict(x, { batchSize: 40 })));
  const second = await kernelsByName(async () => tf.dispose(await model.predict(x, { batchSize: 40 })));
  assert.ok(Object.values(first).reduce((a, b) => a + b) > Object.values(second).reduce((a, b) => a + b), `first ${JSON.stringify(first)}, second ${JSON.stringify(second)}`);
  assert.deepEqual(Object.keys(second).filter((k) => !["Reshape", "Slice", "fusedMatMul__op"].includes(k)).sort(), [...new Set([PRODUCT, ...LAST])].sort(), JSON.stringify(second));
  const after = census(tf);
  assert.ok(after.numTensors > before.numTensors, "the plan's folded weights are kept");
  const held = reachableNewTensors([model], before.nextId, (v) => v instanceof tf.Tensor);
  assert.equal(leakHint(before, after, held), undefined, "the model holds them: no leak hint");
  model.dispose();
  x.dispose();
});

test("two predicts at once on one model: both right, and the plan replaced while in use is freed after", async () => {
  const { model, x } = logisticInSmall();
  const expected = layerByLayer(model, x);
  const start = tf.memory().numTensors;
  const got = (await Promise.all([model.predict(x, { batchSize: 4 }), model.predict(x, { batchSize: 4 })])) as tf.Tensor[];
  for (const g of got) assert.ok((await maxAbsDiff(g, expected)) < 1e-5);
  tf.dispose(got);
  const kept = tf.memory().numTensors - start;
  tf.dispose(await model.predict(x));
  assert.equal(tf.memory().numTensors - start, kept, "one plan kept");
  model.dispose();
  tf.dispose([x, expected]);
});
