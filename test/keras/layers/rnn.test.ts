// The recurrent layers, Embedding, Masking, Bidirectional and TimeDistributed by Keras' formulas:
// parameter counts and output shapes, dropout by its formula, bad arguments and inputs, saving, and
// training on the default backend. (Values against Keras itself: rnn.parity.test.ts.)
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
type AnyLayer = ((x: tf.SymbolicTensor) => tf.SymbolicTensor | tf.SymbolicTensor[]) & { countParams(): number; name: string };

// Keras' counts: SimpleRNN u(d+u)+u, LSTM 4(u(d+u)+u), GRU resetAfter 3(u(d+u)+2u), resetBefore 3(u(d+u)+u).
const simple = (u: number, d: number, bias = true) => u * (d + u) + (bias ? u : 0);
const lstm = (u: number, d: number, bias = true) => 4 * (u * (d + u) + (bias ? u : 0));
const gru = (u: number, d: number, resetAfter = true, bias = true) => 3 * (u * (d + u) + (bias ? (resetAfter ? 2 : 1) * u : 0));

const COUNTS: { name: string; make: () => AnyLayer; input: Dim[]; params: number; output: Dim[][] }[] = [
  { name: "SimpleRNN(5)", make: () => layers.SimpleRNN(5), input: [7, 3], params: simple(5, 3), output: [[null, 5]] },
  { name: "SimpleRNN(4, no bias, sequences)", make: () => layers.SimpleRNN(4, { useBias: false, returnSequences: true }), input: [6, 2], params: simple(4, 2, false), output: [[null, 6, 4]] },
  { name: "SimpleRNN(3, state)", make: () => layers.SimpleRNN(3, { returnState: true }), input: [null, 4], params: simple(3, 4), output: [[null, 3], [null, 3]] },
  { name: "LSTM(8)", make: () => layers.LSTM(8), input: [10, 16], params: lstm(8, 16), output: [[null, 8]] },
  { name: "LSTM(32) on 100 features (Keras' docs)", make: () => layers.LSTM(32), input: [null, 100], params: 17024, output: [[null, 32]] },
  { name: "LSTM(4, sequences, state)", make: () => layers.LSTM(4, { returnSequences: true, returnState: true }), input: [5, 3], params: lstm(4, 3), output: [[null, 5, 4], [null, 4], [null, 4]] },
  { name: "LSTM(3, no bias)", make: () => layers.LSTM(3, { useBias: false }), input: [5, 2], params: lstm(3, 2, false), output: [[null, 3]] },
  { name: "GRU(6) (resetAfter)", make: () => layers.GRU(6), input: [9, 5], params: gru(6, 5), output: [[null, 6]] },
  { name: "GRU(6, resetAfter false)", make: () => layers.GRU(6, { resetAfter: false }), input: [9, 5], params: gru(6, 5, false), output: [[null, 6]] },
  { name: "GRU(4, no bias)", make: () => layers.GRU(4, { useBias: false }), input: [3, 3], params: gru(4, 3, true, false), output: [[null, 4]] },
  { name: "GRU(2, sequences, state)", make: () => layers.GRU(2, { returnSequences: true, returnState: true }), input: [4, 3], params: gru(2, 3), output: [[null, 4, 2], [null, 2]] },
  { name: "Bidirectional(LSTM(4)) concat", make: () => layers.Bidirectional(layers.LSTM(4)), input: [6, 3], params: 2 * lstm(4, 3), output: [[null, 8]] },
  { name: "Bidirectional(GRU(3, sequences)) sum", make: () => layers.Bidirectional(layers.GRU(3, { returnSequences: true }), { mergeMode: "sum" }), input: [6, 3], params: 2 * gru(3, 3), output: [[null, 6, 3]] },
  { name: "Bidirectional(SimpleRNN(2)) null", make: () => layers.Bidirectional(layers.SimpleRNN(2), { mergeMode: null }), input: [6, 3], params: 2 * simple(2, 3), output: [[null, 2], [null, 2]] },
  { name: "Bidirectional(LSTM(2, state)) ave", make: () => layers.Bidirectional(layers.LSTM(2, { returnState: true }), { mergeMode: "ave" }), input: [6, 3], params: 2 * lstm(2, 3), output: [[null, 2], [null, 2], [null, 2], [null, 2], [null, 2]] },
  { name: "TimeDistributed(Dense(4))", make: () => layers.TimeDistributed(layers.Dense(4)), input: [5, 3], params: 3 * 4 + 4, output: [[null, 5, 4]] },
  { name: "TimeDistributed(Dense(2)) on 4D", make: () => layers.TimeDistributed(layers.Dense(2)), input: [5, 6, 3], params: 3 * 2 + 2, output: [[null, 5, 6, 2]] },
  { name: "Masking()", make: () => layers.Masking(), input: [5, 3], params: 0, output: [[null, 5, 3]] },
];

for (const c of COUNTS) {
  test(`${c.name}: Keras' parameter count and output shapes`, () => {
    keras.backend.clearSession();
    const layer = c.make();
    const y = layer(layers.Input(c.input));
    assert.deepEqual((Array.isArray(y) ? y : [y]).map((t) => t.shape), c.output);
    assert.equal(layer.countParams(), c.params);
  });
}

test("Embedding: inputDim * outputDim parameters, any rank of ids", () => {
  keras.backend.clearSession();
  for (const [input, output] of [[[7], [null, 7, 5]], [[3, 4], [null, 3, 4, 5]], [[null], [null, null, 5]]] as [Dim[], Dim[]][]) {
    const e = layers.Embedding(20, 5);
    assert.deepEqual(e(layers.Input(input, { dtype: "int32" })).shape, output);
    assert.equal(e.countParams(), 100);
  }
});

test("weights in Keras' order and shapes (LSTM's bias has ones on the forget gate; GRU resetAfter bias [2, 3u])", async () => {
  keras.backend.clearSession();
  const x = layers.Input([4, 3]);
  const l = layers.LSTM(2);
  l(x);
  assert.deepEqual(l.weights.map((w) => w.shape), [[3, 8], [2, 8], [8]]);
  assert.deepEqual(Array.from(await l.weights[2].read().data()), [0, 0, 1, 1, 0, 0, 0, 0]);
  const g = layers.GRU(2);
  g(x);
  assert.deepEqual(g.weights.map((w) => w.shape), [[3, 6], [2, 6], [2, 6]]);
  const g0 = layers.GRU(2, { resetAfter: false });
  g0(x);
  assert.deepEqual(g0.weights.map((w) => w.shape), [[3, 6], [2, 6], [6]]);
  const b = layers.Bidirectional(layers.SimpleRNN(2));
  b(x);
  assert.deepEqual(b.weights.map((w) => w.shape), [[3, 2], [2, 2], [2], [3, 2], [2, 2], [2]]);
  assert.deepEqual([b.forwardLayer.name, b.backwardLayer.name, b.backwardLayer.goBackwards], ["forward_simple_rnn", "backward_simple_rnn", true]);
  // Keras' orthogonal recurrent kernel: RK^T RK = I for a square one.
  const s = layers.SimpleRNN(4);
  s(x);
  const rk = s.weights[1].read();
  const gram = tf.matMul(rk, rk, true, false);
  const err = tf.max(tf.abs(tf.sub(gram, tf.eye(4))));
  assert.ok((await err.data())[0] < 1e-5, "the recurrent kernel is orthogonal");
  tf.dispose([gram, err]);
});

test("automatic names are Keras 3's", () => {
  keras.backend.clearSession();
  const made = [layers.SimpleRNN(2), layers.LSTM(2), layers.LSTM(2), layers.GRU(2), layers.Embedding(3, 2), layers.Masking(), layers.TimeDistributed(layers.Dense(1)), layers.Bidirectional(layers.GRU(1))];
  const names = made.map((l) => l.name);
  assert.deepEqual(names, ["simple_rnn", "lstm", "lstm_1", "gru", "embedding", "masking", "time_distributed", "bidirectional"]);
  const b = made[7] as ReturnType<typeof layers.Bidirectional>;
  assert.deepEqual([b.forwardLayer.name, b.backwardLayer.name], ["forward_gru_1", "backward_gru_1"], "the wrapped GRU took gru_1, as in Keras");
});

test("dropout (training only): one mask per call over the inputs, 0 or 1/(1-rate), the same at every step", async () => {
  keras.backend.clearSession();
  // Identity kernel, zero recurrent kernel, linear, no bias: output_t = x_t * mask.
  const d = 400;
  const layer = layers.SimpleRNN(d, { dropout: 0.25, activation: null, useBias: false, returnSequences: true, kernelInitializer: "identity", recurrentInitializer: "zeros" });
  const x = tf.ones([2, 3, d]);
  const inference = layer(x) as tf.Tensor;
  assert.deepEqual(Array.from(new Set(await inference.data())), [1], "no dropout in inference");
  const y = layer(x, { training: true }) as tf.Tensor;
  const v = await y.array() as number[][][];
  const values = new Set(v.flat(2).map((a) => Math.round(a * 1e5) / 1e5));
  assert.deepEqual([...values].sort(), [0, 1.33333], "kept inputs are scaled by 1/(1-rate)");
  for (const row of v) for (const step of row) assert.deepEqual(step, row[0], "the same mask at every step");
  const dropped = v.map((row) => row[0].filter((a) => a === 0).length / d);
  for (const f of dropped) assert.ok(Math.abs(f - 0.25) < 0.08, `fraction dropped ${f}`);
  assert.notDeepEqual(v[0][0], v[1][0], "each sample has its own mask");
  tf.dispose([x, inference, y]);
});

test("recurrentDropout (training only) drops the state fed back, by the same formula", async () => {
  keras.backend.clearSession();
  // Zero kernel, identity recurrent kernel, linear, state starts at ones: h_t = h_{t-1} * mask.
  const d = 300;
  const layer = layers.SimpleRNN(d, { recurrentDropout: 0.5, activation: null, useBias: false, returnSequences: true, kernelInitializer: "zeros", recurrentInitializer: "identity" });
  const x = tf.zeros([1, 2, d]);
  const h0 = tf.ones([1, d]);
  const y = layer(x, { training: true, initialState: [h0] }) as tf.Tensor;
  const [[s1, s2]] = (await y.array()) as number[][][];
  assert.deepEqual([...new Set(s1)].sort(), [0, 2]);
  assert.deepEqual(s2, s1.map((a) => a * a), "the second step applies the same mask again");
  const f = s1.filter((a) => a === 0).length / d;
  assert.ok(Math.abs(f - 0.5) < 0.1, `fraction dropped ${f}`);
  tf.dispose([x, h0, y]);
});

test("LSTM and GRU dropout masks (one per gate with recurrentDropout) act in training only", async () => {
  keras.backend.clearSession();
  const x = tf.randomNormal([4, 5, 3], 0, 1, "float32", 8);
  for (const make of [
    () => layers.LSTM(6, { dropout: 0.4 }),
    () => layers.LSTM(6, { dropout: 0.4, recurrentDropout: 0.4 }),
    () => layers.GRU(6, { dropout: 0.4, recurrentDropout: 0.4 }),
    () => layers.GRU(6, { resetAfter: false, recurrentDropout: 0.4 }),
    () => layers.GRU(6, { resetAfter: false, dropout: 0.4 }),
  ]) {
    const layer = make();
    const a = layer(x) as tf.Tensor;
    const b = layer(x) as tf.Tensor;
    const t = layer(x, { training: true }) as tf.Tensor;
    assert.deepEqual(Array.from(await b.data()), Array.from(await a.data()), `${layer.name}: inference is deterministic`);
    assert.notDeepEqual(Array.from(await t.data()), Array.from(await a.data()), `${layer.name}: training drops`);
    tf.dispose([a, b, t]);
  }
  x.dispose();
});

test("bad arguments name the layer and option and echo the value", () => {
  keras.backend.clearSession();
  assert.throws(() => layers.LSTM(0), /LSTM: units must be a positive integer, got 0/);
  assert.throws(() => layers.GRU(2, { dropout: 1.5 }), /GRU: dropout must be a number in \[0, 1\], got 1\.5/);
  assert.throws(() => layers.SimpleRNN(2, { activation: "swishy" as never }), /SimpleRNN: unknown activation "swishy"; expected one of .*tanh/);
  assert.throws(() => layers.LSTM(2, { recurrentActivation: "nope" as never }), /LSTM: unknown recurrentActivation "nope"; expected one of .*sigmoid/);
  assert.throws(() => layers.LSTM(2, { kernelInitializer: "glorot" }), /LSTM: unknown kernelInitializer "glorot"; expected one of .*glorot_uniform/);
  assert.throws(() => layers.LSTM(2, { stateful: true }), /LSTM: stateful RNNs are not supported/);
  assert.throws(() => layers.Bidirectional(layers.LSTM(2), { mergeMode: "max" as never }), /Bidirectional: unknown mergeMode "max"; expected one of "concat", "sum", "mul", "ave" or null/);
  assert.throws(() => layers.Bidirectional(layers.Dense(2)), /Bidirectional: layer must be a recurrent layer \(SimpleRNN, LSTM, GRU\), got Dense/);
  assert.throws(() => layers.Bidirectional(layers.LSTM(2), { backwardLayer: layers.LSTM(2) }), /Bidirectional: the forward and backward layers must differ in goBackwards, got false for both/);
  assert.throws(() => layers.Bidirectional(layers.LSTM(2), { backwardLayer: layers.LSTM(2, { goBackwards: true, returnSequences: true }) }), /must have the same returnSequences, got false and true/);
  assert.throws(() => layers.Embedding(0, 3), /Embedding: inputDim must be a positive integer, got 0/);
  assert.throws(() => layers.Embedding(5, 2.5), /Embedding: outputDim must be a positive integer, got 2\.5/);
  assert.throws(() => layers.Masking({ maskValue: "x" as never }), /Masking: maskValue must be a number, got "x"/);
  assert.throws(() => layers.TimeDistributed(null as never), /TimeDistributed: layer must be a layer/);
});

test("wrong input ranks name the layer, the expected and the actual shape", () => {
  keras.backend.clearSession();
  for (const make of [() => layers.LSTM(2), () => layers.GRU(2), () => layers.SimpleRNN(2), () => layers.Bidirectional(layers.LSTM(2))]) {
    const layer = make();
    assert.throws(() => layer(layers.Input([5])), (e: Error) => e.message.includes(`"${layer.name}"`) && e.message.includes("[null, null, null]") && e.message.includes("got [null, 5]"));
    const eager = tf.zeros([2, 5]);
    assert.throws(() => layer(eager), (e: Error) => e.message.includes(`"${layer.name}"`) && e.message.includes("[2, 5]"));
    eager.dispose();
  }
  const td = layers.TimeDistributed(layers.Dense(2));
  assert.throws(() => td(layers.Input([5])), /TimeDistributed "time_distributed": the input must have at least 3 dimensions \[batch, timesteps, \.\.\.\], got shape \[null, 5\]/);
  const l = layers.LSTM(3);
  assert.throws(() => l(layers.Input([4, 2]), { initialState: [layers.Input([3])] }), /LSTM "lstm_\d+": initialState must be 2 tensor\(s\) of shape \[batch, 3\], got 1/);
  assert.throws(() => layers.LSTM(2)(layers.Input([null, null])), /the last axis of the input \(features\) must be known/);
});

test("a masked step carries the state over and repeats the previous output (zeros before the first step)", async () => {
  keras.backend.clearSession();
  const ids = layers.Input([4], { dtype: "int32" });
  const e = layers.Embedding(5, 3, { maskZero: true });
  const seq = layers.SimpleRNN(2, { returnSequences: true, returnState: true });
  const outs = seq(e(ids)) as unknown as tf.SymbolicTensor[];
  const model = keras.Model(ids, outs);
  const x = tf.tensor2d([[0, 2, 0, 3], [1, 4, 2, 0]], undefined, "int32");
  const [y, h] = model.tf.predict(x) as tf.Tensor[];
  const v = (await y.array()) as number[][][];
  assert.deepEqual(v[0][0], [0, 0], "a masked first step outputs zeros");
  assert.deepEqual(v[0][2], v[0][1], "a masked step repeats the previous output");
  assert.deepEqual(v[1][3], v[1][2]);
  assert.deepEqual((await h.array() as number[][])[1], v[1][2], "the last state is the last unmasked step's");
  tf.dispose([x, y, h]);
  model.dispose();
});

test("save and loadModel keep every recurrent layer's options and outputs", async () => {
  keras.backend.clearSession();
  const ids = layers.Input([6], { dtype: "int32" });
  let h = layers.Embedding(12, 4, { maskZero: true })(ids);
  h = layers.Bidirectional(layers.LSTM(3, { returnSequences: true, unitForgetBias: false, recurrentActivation: "hard_sigmoid" }), { mergeMode: "ave" })(h);
  h = layers.TimeDistributed(layers.Dense(4))(h);
  h = layers.GRU(3, { resetAfter: false, returnSequences: true, goBackwards: true, kernelRegularizer: "l2" })(h);
  h = layers.GRU(2)(h);
  const f = layers.Input([5, 2]);
  const g = layers.SimpleRNN(2, { activation: "relu" })(layers.Masking(0.5)(f));
  const model = keras.Model([ids, f], [h, g]);
  const dir = mkdtempSync(join(tmpdir(), "tsdl-rnn-"));
  await model.save(join(dir, "m"));
  const loaded = await keras.models.loadModel(join(dir, "m"));
  assert.deepEqual(loaded.tf.layers.map((l) => l.getClassName()), model.tf.layers.map((l) => l.getClassName()));
  // (TimeDistributed's config holds its Dense's, whose tfjs default initializer comes back as keras.initializers'.)
  const configs = (m: { tf: tf.LayersModel }) => m.tf.layers.filter((l) => l.getClassName() !== "TimeDistributed").map((l) => l.getConfig());
  assert.deepEqual(configs(loaded), configs(model));
  const xi = tf.tensor2d([[1, 5, 0, 7, 0, 0], [3, 3, 11, 2, 9, 1]], undefined, "int32");
  const xf = tf.tensor3d([[[0.5, 0.5], [1, 2], [0.5, 0.5], [3, -1], [0, 1]], [[1, 1], [2, 2], [3, 3], [0.5, 0.5], [0.5, 0.5]]]);
  const a = (await model.predict([xi, xf])) as tf.Tensor[];
  const b = (await loaded.predict([xi, xf])) as tf.Tensor[];
  for (let i = 0; i < 2; i++) assert.deepEqual(Array.from(await b[i].data()), Array.from(await a[i].data()));
  tf.dispose([xi, xf, ...a, ...b]);
  model.dispose();
  loaded.dispose();
});

/** Fits 3 epochs with Adam; the loss must fall and the tensor count stay flat from epoch to epoch. */
async function trains(model: ReturnType<typeof keras.Model>, x: tf.Tensor | tf.Tensor[], y: tf.Tensor, loss = "sparse_categorical_crossentropy"): Promise<number[]> {
  model.compile({ loss, optimizer: "adam" });
  const counts: number[] = [];
  const h = await model.fit(x as tf.Tensor, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [new callbacks.LambdaCallback({ onEpochEnd: () => void counts.push(tf.memory().numTensors) })] });
  const losses = h.history.loss as number[];
  assert.ok(losses[2] < losses[0], `loss falls: ${losses}`);
  assert.ok(counts.every((c) => c === counts[0]), `tensors after each epoch: ${counts}`);
  return losses;
}

/** Padded token sequences [n, steps]: class 1 when token 1 occurs (a recurrent model learns it). */
function tokens(n: number, steps: number, seed: number) {
  return tf.tidy(() => {
    const ids = tf.randomUniform([n, steps], 2, 10, "int32", seed);
    const y = tf.randomUniform([n], 0, 2, "int32", seed + 1);
    const at = tf.randomUniform([n], 0, steps - 2, "int32", seed + 2);
    const put = tf.logicalAnd(tf.equal(tf.range(0, steps, 1, "int32").reshape([1, steps]), at.reshape([n, 1])), tf.cast(y.reshape([n, 1]), "bool"));
    const len = tf.randomUniform([n, 1], steps - 3, steps + 1, "int32", seed + 3);
    const pad = tf.greaterEqual(tf.range(0, steps, 1, "int32").reshape([1, steps]), len);
    const x = tf.where(pad, tf.zerosLike(ids), tf.where(put, tf.onesLike(ids), ids));
    return { x, y };
  });
}

test("Embedding(maskZero) + LSTM / GRU (both conventions) / SimpleRNN train on the default backend", async () => {
  const { x, y } = tokens(96, 8, 5);
  for (const make of [() => layers.LSTM(8), () => layers.GRU(8), () => layers.GRU(8, { resetAfter: false }), () => layers.SimpleRNN(8)]) {
    keras.backend.clearSession();
    const ids = layers.Input([8], { dtype: "int32" });
    const h = make()(layers.Embedding(10, 6, { maskZero: true })(ids));
    const model = keras.Model(ids, layers.Dense(2, { activation: "softmax" })(h));
    await trains(model, x, y);
    model.dispose();
  }
  tf.dispose([x, y]);
});

test("Bidirectional + TimeDistributed sequence tagging, stacked with dropout, trains (tensor count flat)", async () => {
  const { x } = tokens(64, 6, 9);
  const tags = tf.tidy(() => tf.oneHot(tf.cast(tf.equal(x, 1), "int32"), 2).toFloat());
  for (const mergeMode of ["concat", "sum", "mul", "ave"] as const) {
    keras.backend.clearSession();
    const ids = layers.Input([6], { dtype: "int32" });
    let h = layers.Embedding(10, 5)(ids);
    h = layers.Bidirectional(layers.LSTM(6, { returnSequences: true, dropout: 0.1, recurrentDropout: 0.1 }), { mergeMode })(h);
    h = layers.Bidirectional(layers.GRU(4, { returnSequences: true, dropout: 0.2 }))(h);
    const model = keras.Model(ids, layers.TimeDistributed(layers.Dense(2, { activation: "softmax" }))(h));
    await trains(model, x, tags, "categorical_crossentropy");
    model.dispose();
  }
  tf.dispose([x, tags]);
});

test("Masking + SimpleRNN regression trains; the loss ignores nothing but the masked steps' inputs", async () => {
  keras.backend.clearSession();
  const n = 64;
  const { xs, ys } = tf.tidy(() => {
    const v = tf.randomNormal([n, 5, 2], 0, 1, "float32", 4);
    const keep = tf.cast(tf.greater(tf.randomUniform([n, 5, 1], 0, 1, "float32", 6), 0.3), "float32");
    const xs = tf.mul(v, keep);
    const ys = tf.sum(xs, [1, 2]).reshape([n, 1]);
    return { xs, ys };
  });
  const input = layers.Input([5, 2]);
  const h = layers.SimpleRNN(8, { recurrentDropout: 0.1 })(layers.Masking()(input));
  const model = keras.Model(input, layers.Dense(1)(h));
  await trains(model, xs, ys, "mse");
  tf.dispose([xs, ys]);
  model.dispose();
});
