// keras.activations and the activation layers by formula: every function against its formula worked
// here in plain numbers, every name usable as any layer's activation, sparsemax (which the parity
// cases leave out, see activations.ts), option and input errors, masks, names, saving and training.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { activations, callbacks, keras, layers, ready, tf } from "../../../src/index.ts";
import { layerActivationNames, tfjsActivation } from "../../../src/keras/activations.ts";
import { seedEachTest } from "../seed_each_test.ts";

seedEachTest();

before(async () => {
  await ready();
});

const XS = [-4.5, -3.2, -1.7, -1, -0.6, -0.2, 0.1, 0.4, 0.8, 1.3, 2.1, 3.4, 5.5, 7];
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const softplus = (v: number) => Math.log1p(Math.exp(v));
const relu6 = (v: number) => Math.min(Math.max(v, 0), 6);
const hardSigmoid = (v: number) => relu6(v + 3) / 6;
const SELU_A = 1.6732632423543772;
const SELU_S = 1.0507009873554805;
function erf(v: number): number {
  // Abramowitz & Stegun 7.1.26 is too coarse for 1e-5; integrate exp(-t^2) by Simpson's rule instead.
  const n = 2000;
  const h = v / n;
  let s = 1 + Math.exp(-v * v);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
}

/** Each elementwise activation and its formula (Keras 3's, keras/src/backend/tensorflow/nn.py). */
const FORMULAS: Record<string, (v: number) => number> = {
  linear: (v) => v,
  relu: (v) => Math.max(v, 0),
  relu6,
  leaky_relu: (v) => (v >= 0 ? v : 0.2 * v),
  elu: (v) => (v > 0 ? v : Math.expm1(v)),
  selu: (v) => SELU_S * (v > 0 ? v : SELU_A * Math.expm1(v)),
  celu: (v) => Math.max(v, 0) + Math.expm1(Math.min(v, 0)),
  gelu: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
  sigmoid,
  hard_sigmoid: hardSigmoid,
  sparse_sigmoid: (v) => (v <= -1 ? 0 : v >= 1 ? 1 : 0.5 * (v + 1)),
  log_sigmoid: (v) => Math.log(sigmoid(v)),
  softplus,
  sparse_plus: (v) => (v <= -1 ? 0 : v < 1 ? 0.25 * (v + 1) ** 2 : v),
  squareplus: (v) => (v + Math.sqrt(v * v + 4)) / 2,
  softsign: (v) => v / (Math.abs(v) + 1),
  tanh: Math.tanh,
  hard_tanh: (v) => Math.min(Math.max(v, -1), 1),
  tanh_shrink: (v) => v - Math.tanh(v),
  soft_shrink: (v) => (v > 0.5 ? v - 0.5 : v < -0.5 ? v + 0.5 : 0),
  hard_shrink: (v) => (Math.abs(v) > 0.5 ? v : 0),
  silu: (v) => v * sigmoid(v),
  swish: (v) => v * sigmoid(v),
  hard_silu: (v) => v * hardSigmoid(v),
  hard_swish: (v) => v * hardSigmoid(v),
  mish: (v) => v * Math.tanh(softplus(v)),
  exponential: Math.exp,
};

function near(actual: ArrayLike<number>, expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    assert.ok(Math.abs(actual[i] - e) <= tol * Math.max(1, Math.abs(e)), `${what}[${i}]: ${actual[i]} vs ${e}`);
  }
}

for (const [name, f] of Object.entries(FORMULAS)) {
  test(`activations.${name} is Keras 3's formula`, () => {
    const x = tf.tensor1d(XS);
    const y = (activations as unknown as Record<string, (t: tf.Tensor) => tf.Tensor>)[name](x);
    near(y.dataSync(), XS.map(f), 1e-5, name);
    tf.dispose([x, y]);
  });
}

test("activations with parameters: relu's options, leaky_relu, elu, celu, gelu approximate, shrinks, squareplus, threshold", () => {
  const cases: [string, (t: tf.Tensor) => tf.Tensor, (v: number) => number][] = [
    ["relu max 2.5 slope 0.1 threshold 0.5", (t) => activations.relu(t, { maxValue: 2.5, negativeSlope: 0.1, threshold: 0.5 }), (v) => (v > 0.5 ? Math.min(v, 2.5) : 0) - 0.1 * Math.max(0.5 - v, 0)],
    ["relu max 6 (relu6)", (t) => activations.relu(t, { maxValue: 6 }), relu6],
    ["relu threshold 1", (t) => activations.relu(t, { threshold: 1 }), (v) => (v > 1 ? v : 0)],
    ["relu slope 0.3", (t) => activations.relu(t, { negativeSlope: 0.3 }), (v) => (v >= 0 ? v : 0.3 * v)],
    ["leaky_relu 0.05", (t) => activations.leaky_relu(t, 0.05), (v) => (v >= 0 ? v : 0.05 * v)],
    ["elu alpha 0.4", (t) => activations.elu(t, { alpha: 0.4 }), (v) => (v > 0 ? v : 0.4 * Math.expm1(v))],
    ["celu alpha 2", (t) => activations.celu(t, { alpha: 2 }), (v) => Math.max(v, 0) + 2 * Math.expm1(Math.min(v, 0) / 2)],
    ["gelu approximate", (t) => activations.gelu(t, { approximate: true }), (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))],
    ["soft_shrink 1.5", (t) => activations.soft_shrink(t, { threshold: 1.5 }), (v) => (v > 1.5 ? v - 1.5 : v < -1.5 ? v + 1.5 : 0)],
    ["hard_shrink 1.5", (t) => activations.hard_shrink(t, 1.5), (v) => (Math.abs(v) > 1.5 ? v : 0)],
    ["squareplus b 1", (t) => activations.squareplus(t, { b: 1 }), (v) => (v + Math.sqrt(v * v + 1)) / 2],
    ["threshold 0.5 -> -1", (t) => activations.threshold(t, 0.5, -1), (v) => (v > 0.5 ? v : -1)],
  ];
  for (const [what, f, g] of cases) {
    const x = tf.tensor1d(XS);
    const y = f(x);
    near(y.dataSync(), XS.map(g), 1e-5, what);
    tf.dispose([x, y]);
  }
  assert.throws(() => activations.threshold(tf.scalar(1), undefined as never, undefined as never), /threshold: threshold and defaultValue are required numbers/);
});

test("softmax, log_softmax over any axis or axes; glu halves its axis", () => {
  const x = tf.tensor3d([[[1, 2, 3], [0, -1, 4]], [[2, 2, 2], [5, 0, 1]]]);
  const rows = x.arraySync();
  const soft = (v: number[]) => v.map((a) => Math.exp(a) / v.reduce((s, b) => s + Math.exp(b), 0));
  const lastAxis = activations.softmax(x).arraySync() as number[][][];
  near(lastAxis.flat(2), rows.flatMap((r) => r.flatMap(soft)), 1e-6, "softmax(-1)");
  const axis1 = activations.softmax(x, { axis: 1 }).arraySync() as number[][][];
  for (let b = 0; b < 2; b++) for (let k = 0; k < 3; k++) near([axis1[b][0][k], axis1[b][1][k]], soft([rows[b][0][k], rows[b][1][k]]), 1e-6, `softmax axis 1 [${b},:,${k}]`);
  const both = activations.softmax(x, { axis: [1, 2] }).arraySync() as number[][][];
  for (let b = 0; b < 2; b++) near(both[b].flat(), soft(rows[b].flat()), 1e-6, `softmax axes [1, 2] [${b}]`);
  const logAxis1 = activations.log_softmax(x, 1).arraySync() as number[][][];
  near(logAxis1.flat(2), axis1.flat(2).map(Math.log), 1e-5, "log_softmax axis 1");
  const g = activations.glu(tf.tensor2d([[1, 2, 3, -4]]));
  assert.deepEqual(g.shape, [1, 2]);
  near(g.dataSync(), [1 * sigmoid(3), 2 * sigmoid(-4)], 1e-6, "glu");
  assert.throws(() => activations.glu(tf.ones([2, 3])), /glu: the size of axis -1 must be even, got shape \[2, 3\]/);
  tf.dispose([x, g]);
});

test("sparsemax is Martins & Astudillo's projection onto the simplex, with its gradient", () => {
  const x = tf.tensor2d([[0.5, -1, 2, 1.8, 0.1], [3, -2, 0, 0, 1], [0.2, 0.1, 0.3, 0.25, 0.15]]);
  const p = activations.sparsemax(x);
  // Row 1: support {2, 1.8}: tau = (3.8 - 1) / 2 = 1.4. Row 2: a clear winner. Row 3: everyone, tau = (1 - 1) / 5 = 0.
  near(p.dataSync(), [0, 0, 0.6, 0.4, 0, 1, 0, 0, 0, 0, 0.2, 0.1, 0.3, 0.25, 0.15], 1e-6, "sparsemax");
  near(tf.sum(p, -1).dataSync(), [1, 1, 1], 1e-6, "rows sum to 1");
  const w = tf.tensor2d([[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]]);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(activations.sparsemax(t), w)))(x);
  // d/dx of w . p on the support S: w - mean_S(w); 0 off it.
  near(g.dataSync(), [0, 0, -0.5, 0.5, 0, 0, 0, 0, 0, 0, -2, -1, 0, 1, 2], 1e-5, "gradient");
  // Along another axis: the same as along the last of the transpose.
  const t = activations.sparsemax(tf.transpose(x), { axis: 0 });
  near(tf.transpose(t).dataSync(), p.dataSync() as unknown as number[], 1e-6, "axis 0");
  tf.dispose([x, p, w, g, t]);
});

test("every Keras name works as a layer's activation (Dense and Activation), as the function computes", () => {
  const x = tf.randomNormal([4, 3], 0, 2, "float32", 11);
  for (const name of layerActivationNames) {
    keras.backend.clearSession();
    const dense = layers.Dense(5, { activation: name });
    const y = dense(x);
    const [k, b] = dense.getWeights();
    const expected = (activations as unknown as Record<string, (t: tf.Tensor) => tf.Tensor>)[name](tf.add(tf.matMul(x, k), b));
    near(y.dataSync(), Array.from(expected.dataSync()), 1e-5, `Dense ${name}`);
    const a = layers.Activation(name)(x);
    near(a.dataSync(), Array.from((activations as unknown as Record<string, (t: tf.Tensor) => tf.Tensor>)[name](x).dataSync()), 1e-6, `Activation ${name}`);
    tf.dispose([y, expected, a]);
  }
  // tfjs' own activation where it is Keras' (Dense keeps its fused paths), tsdl's elsewhere.
  assert.equal(tfjsActivation("relu", "t"), "relu");
  assert.equal(tfjsActivation("swish", "t"), "swish");
  assert.equal(tfjsActivation("hard_sigmoid", "t"), "hardSigmoidKeras3", "not tfjs' hardSigmoid (Keras 2's)");
  assert.equal(tfjsActivation("hardSigmoid" as never, "t"), "hardSigmoidKeras3", "camelCase is accepted");
  assert.equal(tfjsActivation(activations.leaky_relu, "t"), "leakyRelu");
  x.dispose();
});

test("a plain function is a layer's activation too (once registered, the same name)", () => {
  const f = (t: tf.Tensor) => tf.mul(t, 3);
  assert.equal(tfjsActivation(f, "t"), tfjsActivation(f, "t"));
  const y = layers.Dense(2, { activation: f as never, kernelInitializer: "ones", useBias: false })(tf.ones([1, 2]));
  assert.deepEqual(Array.from(y.dataSync()), [6, 6]);
  y.dispose();
});

test("activation errors name the layer and list the accepted values", () => {
  assert.throws(() => layers.Dense(2, { activation: "relu7" as never }), /Dense\(2\): unknown activation "relu7"; expected one of linear, relu, relu6, leaky_relu, .*hard_swish, mish, exponential or a function/);
  assert.throws(() => layers.Activation("glu" as never), /Activation: activation "glu" cannot be given to a layer by name: it halves the last axis/);
  assert.throws(() => layers.Activation(activations.threshold as never), /Activation: activation "threshold" cannot be given to a layer by name/);
  assert.throws(() => layers.Activation(null), /Activation: an activation is required/);
  assert.throws(() => layers.ReLU({ maxValue: -1 }), /ReLU: maxValue must be a non-negative number, got -1/);
  assert.throws(() => layers.ReLU({ negativeSlope: -0.1 }), /ReLU: negativeSlope must be a non-negative number, got -0.1/);
  assert.throws(() => layers.ReLU({ threshold: -2 }), /ReLU: threshold must be a non-negative number, got -2/);
  assert.throws(() => layers.LeakyReLU(-0.3), /LeakyReLU: negativeSlope must be a non-negative number, got -0.3/);
  assert.throws(() => layers.ELU({ alpha: Number.NaN }), /ELU: alpha must be a number/);
  assert.throws(() => layers.Softmax({ axis: 1.5 }), /Softmax: axis must be an integer or a list of them, got 1.5/);
  assert.throws(() => layers.Softmax(3)(layers.Input([4])), /Softmax "softmax(_\d+)?": axis 3 is out of range for an input of rank 2/);
  assert.throws(() => layers.PReLU({ sharedAxes: [0] }), /PReLU: sharedAxes must be axes numbered from 1 \(the batch axis is 0\), got \[0\]/);
  assert.throws(() => layers.PReLU({ sharedAxes: [3] })(layers.Input([4, 5])), /PReLU "p_re_lu(_\d+)?": sharedAxes entry 3 is not an axis of the input \[null, 4, 5\]/);
  assert.throws(() => layers.PReLU()(layers.Input([null, 5])), /PReLU "p_re_lu(_\d+)?": the input \[null, null, 5\] has an axis of unknown size/);
  assert.throws(() => layers.PReLU({ alphaInitializer: "zerosss" }), /PReLU: unknown alphaInitializer "zerosss"/);
  // A built PReLU refuses an input of another shape (its input spec), naming both shapes.
  keras.backend.clearSession();
  const p = layers.PReLU();
  p(layers.Input([3]));
  assert.throws(() => p(layers.Input([4])), /Input 0 of layer "p_re_lu" is incompatible: expected shape \[null, 3\], got \[null, 4\]/);
});

test("parameter counts and output shapes by Keras' formulas; automatic names are Keras 3's", () => {
  const table: [string, () => ReturnType<typeof layers.ReLU>, number[], number][] = [
    ["PReLU on [4, 5, 3]", () => layers.PReLU(), [4, 5, 3], 4 * 5 * 3],
    ["PReLU shared [1, 2] on [4, 5, 3]", () => layers.PReLU({ sharedAxes: [1, 2] }), [4, 5, 3], 3],
    ["PReLU shared 1 on [7, 2]", () => layers.PReLU({ sharedAxes: 1 }), [7, 2], 2],
    ["ReLU", () => layers.ReLU(6), [4, 5], 0],
    ["LeakyReLU", () => layers.LeakyReLU(), [4, 5], 0],
    ["ELU", () => layers.ELU(), [4, 5], 0],
    ["Softmax", () => layers.Softmax([1, 2]), [4, 5], 0],
    ["Activation", () => layers.Activation("mish"), [4, 5], 0],
  ];
  for (const [what, make, shape, params] of table) {
    const layer = make();
    const y = layer(layers.Input(shape));
    assert.deepEqual(y.shape, [null, ...shape], `${what}: output shape`);
    assert.equal(layer.countParams(), params, `${what}: parameters`);
  }
  keras.backend.clearSession();
  const names = [layers.ReLU(), layers.ReLU(), layers.LeakyReLU(), layers.PReLU(), layers.ELU(), layers.Softmax(), layers.Activation("relu")].map((l) => l.name);
  assert.deepEqual(names, ["re_lu", "re_lu_1", "leaky_re_lu", "p_re_lu", "elu", "softmax", "activation"]);
  const classes = [layers.ReLU(), layers.LeakyReLU(), layers.PReLU(), layers.ELU(), layers.Softmax()].map((l) => l.getClassName());
  assert.deepEqual(classes, ["ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax"]);
});

test("Softmax with a mask: masked entries get 0, the others share 1 (Keras 3)", () => {
  const layer = layers.Softmax();
  const x = tf.tensor2d([[1, 2, 3, 4], [0, 0, 0, 0]]);
  const mask = tf.tensor2d([[true, false, true, false], [true, true, true, false]], undefined, "bool");
  const y = layer.apply(x, { mask }) as tf.Tensor;
  const e = [Math.exp(1), Math.exp(3)];
  near(y.dataSync(), [e[0] / (e[0] + e[1]), 0, e[1] / (e[0] + e[1]), 0, 1 / 3, 1 / 3, 1 / 3, 0], 1e-6, "masked softmax");
  tf.dispose([x, mask, y]);
});

test("activation layers save and load (configs, classes, outputs); names by string load in a fresh session", async () => {
  keras.backend.clearSession();
  const input = layers.Input([6]);
  let h = layers.Dense(6, { activation: "hard_swish" })(input);
  h = layers.ReLU({ maxValue: 2, negativeSlope: 0.1, threshold: 0.2 })(h);
  h = layers.PReLU({ alphaInitializer: "ones", alphaConstraint: "non_neg" })(h);
  h = layers.LeakyReLU(0.2)(h);
  h = layers.ELU(0.5)(h);
  h = layers.Activation("celu")(h);
  h = layers.Softmax()(layers.Dense(3, { activation: "leaky_relu" })(h));
  const model = keras.Model(input, h);
  const dir = mkdtempSync(join(tmpdir(), "tsdl-activations-"));
  await model.save(join(dir, "m"));
  const loaded = await keras.models.loadModel(join(dir, "m"));
  assert.deepEqual(loaded.tf.layers.map((l) => l.getClassName()), model.tf.layers.map((l) => l.getClassName()));
  // The activation layers' configs whole; of Dense, the activation (its initializers are not this file's).
  const configs = (m: { tf: tf.LayersModel }) => m.tf.layers.map((l) => (l.getClassName() === "Dense" ? { activation: l.getConfig().activation } : l.getConfig()));
  assert.deepEqual(configs(loaded), configs(model));
  assert.deepEqual(configs(model)[1], { activation: "hardSwish" });
  const x = tf.randomNormal([4, 6], 0, 1, "float32", 3);
  const p = (await model.predict(x)) as tf.Tensor;
  const q = (await loaded.predict(x)) as tf.Tensor;
  assert.deepEqual(Array.from(await q.data()), Array.from(await p.data()));
  tf.dispose([x, p, q]);
  // tsdl's activations are registered when the module loads, not when a layer first asks for one.
  const map = (tf.serialization.SerializationMap.getMap() as unknown as { classNameMap: Record<string, unknown> }).classNameMap;
  for (const n of ["hardSigmoidKeras3", "leakyRelu", "hardSwish", "exponential", "sparsemax", "celu"]) assert.ok(map[n], `${n} registered`);
});

test("every activation layer trains in a model on the default backend (loss falls, tensor count flat)", async () => {
  keras.backend.clearSession();
  const x = tf.randomNormal([64, 6], 0, 1, "float32", 21);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x.slice([0, 0], [64, 3]), 1), 0), "int32"));
  const input = layers.Input([6]);
  let h = layers.Dense(8, { activation: "hard_swish" })(input);
  h = layers.PReLU()(h);
  h = layers.LeakyReLU()(layers.Dense(8)(h));
  h = layers.ELU(0.7)(layers.Dense(8, { activation: "gelu" })(h));
  h = layers.ReLU({ maxValue: 4, negativeSlope: 0.05 })(layers.Dense(8, { activation: "sparse_plus" })(h));
  h = layers.Activation("mish")(h);
  const out = layers.Softmax()(layers.Dense(2)(h));
  const model = keras.Model(input, out);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam" });
  const counts: number[] = [];
  const hist = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [new callbacks.LambdaCallback({ onEpochEnd: () => void counts.push(tf.memory().numTensors) })] });
  const loss = hist.history.loss as number[];
  assert.ok(loss[2] < loss[0], `loss falls: ${loss}`);
  assert.ok(counts.every((c) => c === counts[0]), `tensors after each epoch: ${counts}`);
  tf.dispose([x, y]);
});
