// MultiHeadAttention by Keras' formulas: parameter counts and weight layout, output shapes, scores and
// masks by their definitions, dropout by its formula, call forms, bad arguments and inputs, saving, and
// training on the default backend. (Values against Keras itself: attention.parity.test.ts.)
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

type Sym = tf.SymbolicTensor;
const MHA = layers.MultiHeadAttention;

/** Keras' layout: query/key/value kernels [dim, heads, keyDim|valueDim] + biases [heads, .], output [heads, valueDim, out] + [out]. */
function count(heads: number, keyDim: number, dims: { q: number; v: number; k?: number }, o: { valueDim?: number; out?: number[]; bias?: boolean } = {}): number {
  const vd = o.valueDim ?? keyDim;
  const out = (o.out ?? [dims.q]).reduce((a, b) => a * b, 1);
  const bias = o.bias ?? true;
  const proj = (d: number, size: number) => d * heads * size + (bias ? heads * size : 0);
  return proj(dims.q, keyDim) + proj(dims.k ?? dims.v, keyDim) + proj(dims.v, vd) + heads * vd * out + (bias ? out : 0);
}

const CASES: { name: string; make: () => ReturnType<typeof MHA>; q: number[]; v: number[]; k?: number[]; params: number; output: (number | null)[] }[] = [
  { name: "MHA(2, 4) self-attention on dim 6", make: () => MHA(2, 4), q: [5, 6], v: [5, 6], params: count(2, 4, { q: 6, v: 6 }), output: [null, 5, 6] },
  { name: "keras.io's TransformerBlock attention: MHA(2, 32) on dim 32", make: () => MHA({ numHeads: 2, keyDim: 32 }), q: [200, 32], v: [200, 32], params: 8416, output: [null, 200, 32] },
  { name: "MHA(3, 2) cross-attention", make: () => MHA(3, 2), q: [4, 6], v: [7, 5], params: count(3, 2, { q: 6, v: 5 }), output: [null, 4, 6] },
  { name: "MHA(2, 3) with a key", make: () => MHA(2, 3), q: [4, 6], v: [7, 5], k: [7, 9], params: count(2, 3, { q: 6, v: 5, k: 9 }), output: [null, 4, 6] },
  { name: "MHA(2, 3, valueDim 5)", make: () => MHA(2, 3, { valueDim: 5 }), q: [4, 6], v: [4, 6], params: count(2, 3, { q: 6, v: 6 }, { valueDim: 5 }), output: [null, 4, 6] },
  { name: "MHA(4, 2, no bias)", make: () => MHA(4, 2, { useBias: false }), q: [4, 6], v: [3, 2], params: count(4, 2, { q: 6, v: 2 }, { bias: false }), output: [null, 4, 6] },
  { name: "MHA(2, 3, outputShape 10)", make: () => MHA(2, 3, { outputShape: 10 }), q: [4, 6], v: [4, 6], params: count(2, 3, { q: 6, v: 6 }, { out: [10] }), output: [null, 4, 10] },
  { name: "MHA(2, 3, outputShape [2, 5])", make: () => MHA(2, 3, { outputShape: [2, 5] }), q: [4, 6], v: [4, 6], params: count(2, 3, { q: 6, v: 6 }, { out: [2, 5] }), output: [null, 4, 2, 5] },
  { name: "MHA(2, 3) on 4D inputs", make: () => MHA(2, 3), q: [3, 4, 5], v: [3, 4, 5], params: count(2, 3, { q: 5, v: 5 }), output: [null, 3, 4, 5] },
];

for (const c of CASES) {
  test(`${c.name}: Keras' parameter count, weight shapes and output shape`, () => {
    keras.backend.clearSession();
    const mha = c.make();
    const [q, v] = [layers.Input(c.q), layers.Input(c.v)];
    const y = c.k ? mha(q, v, layers.Input(c.k)) : mha(q, v);
    assert.deepEqual(y.shape, c.output);
    assert.equal(mha.countParams(), c.params);
  });
}

test("weights in Keras' order: query, key, value, attention_output (kernel, bias)", () => {
  keras.backend.clearSession();
  const mha = MHA(2, 3, { valueDim: 4, outputShape: 5 });
  mha(layers.Input([4, 6]), layers.Input([7, 8]), layers.Input([7, 9]));
  assert.deepEqual(mha.weights.map((w) => w.shape), [[6, 2, 3], [2, 3], [9, 2, 3], [2, 3], [8, 2, 4], [2, 4], [2, 4, 5], [5]]);
  assert.deepEqual(mha.variables.map((v) => v.name.replace(/:0$/, "")), [
    "multi_head_attention/kernel", "multi_head_attention/bias", "multi_head_attention/kernel", "multi_head_attention/bias",
    "multi_head_attention/kernel", "multi_head_attention/bias", "multi_head_attention/kernel", "multi_head_attention/bias",
  ]);
  assert.deepEqual(mha.weights.map((w) => w.originalName.split("/").slice(-2).join("/")), [
    "query/kernel", "query/bias", "key/kernel", "key/bias", "value/kernel", "value/bias", "attention_output/kernel", "attention_output/bias",
  ]);
});

test("automatic names are Keras 3's: the layer's build takes a Softmax's and a Dropout's name, as Keras'", () => {
  keras.backend.clearSession();
  const x = layers.Input([3, 4]);
  const a = MHA(1, 2);
  a(x, x);
  const names = [a.name, MHA(1, 2).name, layers.Softmax().name, layers.Dropout(0.1).name];
  assert.deepEqual(names, ["multi_head_attention", "multi_head_attention_1", "softmax_1", "dropout_1"]);
});

test("scores: [batch, heads, T, S], rows sum to 1; causal and attention masks zero what they mask", async () => {
  keras.backend.clearSession();
  const q = tf.randomNormal([2, 3, 4], 0, 1, "float32", 1);
  const v = tf.randomNormal([2, 5, 4], 0, 1, "float32", 2);
  const mha = MHA(2, 3);
  const [out, scores] = mha(q, v, { returnAttentionScores: true });
  assert.deepEqual(out.shape, [2, 3, 4]);
  assert.deepEqual(scores.shape, [2, 2, 3, 5]);
  const rows = tf.sum(scores, -1);
  for (const r of await rows.data()) assert.ok(Math.abs(r - 1) < 1e-5);
  const [, causal] = mha(q, v, { returnAttentionScores: true, useCausalMask: true });
  const c = (await causal.array()) as number[][][][];
  for (const sample of c) for (const head of sample) head.forEach((row, t) => row.forEach((w, s) => s > t && assert.equal(w, 0, `step ${t} attends to later step ${s}`)));
  const mask = tf.tensor3d([[[1, 0, 1, 0, 0], [0, 1, 1, 1, 1], [1, 1, 1, 1, 1]], [[0, 0, 0, 0, 1], [1, 0, 0, 0, 0], [1, 1, 0, 0, 1]]], undefined, "int32");
  const [, masked] = mha(q, v, { returnAttentionScores: true, attentionMask: mask });
  const m = (await mask.array()) as number[][][];
  const w = (await masked.array()) as number[][][][];
  w.forEach((sample, b) => sample.forEach((head) => head.forEach((row, t) => row.forEach((x, s) => m[b][t][s] === 0 && assert.equal(x, 0)))));
  // The same options on another call of the same layer (eager calls may differ from call to call).
  const plain = mha(q, v);
  assert.deepEqual(Array.from(await plain.data()), Array.from(await out.data()));
  tf.dispose([q, v, out, scores, rows, causal, mask, masked, plain]);
});

test("a key steers the scores, the value the output: mha(q, v, k) with k = v equals mha(q, v)", async () => {
  keras.backend.clearSession();
  const q = tf.randomNormal([2, 3, 4], 0, 1, "float32", 3);
  const v = tf.randomNormal([2, 5, 4], 0, 1, "float32", 4);
  const mha = MHA(2, 3);
  const a = mha(q, v);
  const b = mha(q, v, v);
  const c = mha(q, v, { key: v });
  assert.deepEqual(Array.from(await b.data()), Array.from(await a.data()));
  assert.deepEqual(Array.from(await c.data()), Array.from(await a.data()));
  const k = tf.randomNormal([2, 5, 4], 0, 1, "float32", 5);
  const d = mha(q, v, k);
  assert.notDeepEqual(Array.from(await d.data()), Array.from(await a.data()));
  tf.dispose([q, v, a, b, c, k, d]);
});

test("dropout on the scores (training only) is unbiased: the mean over many samples is the inference output", async () => {
  keras.backend.clearSession();
  const n = 3000;
  const one = tf.randomNormal([1, 3, 4], 0, 1, "float32", 6);
  const q = tf.tile(one, [n, 1, 1]);
  const mha = MHA(1, 4, { dropout: 0.3 });
  const inference = mha(q, q);
  const training = mha(q, q, { training: true });
  const first = inference.slice([0, 0, 0], [1, 3, 4]);
  assert.deepEqual(Array.from(await tf.max(tf.abs(tf.sub(inference, first))).data()), [0], "no dropout in inference");
  const mean = tf.mean(training, 0, true);
  const spread = tf.max(tf.abs(tf.sub(training, first)));
  const err = tf.max(tf.abs(tf.sub(mean, first)));
  const scale = tf.max(tf.abs(first));
  const [e, s, sc] = [(await err.data())[0], (await spread.data())[0], (await scale.data())[0]];
  assert.ok(s > 0.05 * sc, "training outputs vary (dropout is on)");
  assert.ok(e < 0.1 * sc, `mean of dropped outputs ${e} from the inference output (scale ${sc})`);
  tf.dispose([one, q, inference, training, first, mean, spread, err, scale]);
});

test("bad arguments name the layer and option and echo the value", () => {
  keras.backend.clearSession();
  assert.throws(() => MHA(0, 2), /MultiHeadAttention: numHeads must be a positive integer, got 0/);
  assert.throws(() => MHA(2, 1.5), /MultiHeadAttention: keyDim must be a positive integer, got 1\.5/);
  assert.throws(() => MHA(2, 2, { valueDim: -1 }), /MultiHeadAttention: valueDim must be a positive integer, got -1/);
  assert.throws(() => MHA(2, 2, { dropout: 2 }), /MultiHeadAttention: dropout must be a number in \[0, 1\], got 2/);
  assert.throws(() => MHA(2, 2, { outputShape: [3, 0] }), /MultiHeadAttention: outputShape must be a positive integer or a list of them, got \[3,0\]/);
  assert.throws(() => MHA(2, 2, { attentionAxes: [1.5] }), /MultiHeadAttention: attentionAxes must be an integer or a list of them, got \[1\.5\]/);
  assert.throws(() => MHA(2, 2, { kernelInitializer: "glorot" }), /MultiHeadAttention: unknown kernelInitializer "glorot"/);
});

test("bad inputs name the layer and the shapes", () => {
  keras.backend.clearSession();
  const q = layers.Input([4, 6]);
  assert.throws(() => MHA(2, 2)(q, layers.Input([5, 6]), layers.Input([6, 6])), /MultiHeadAttention "multi_head_attention": all dimensions of value and key but the last must be equal, got value shape \[null, 5, 6\] and key shape \[null, 6, 6\]/);
  assert.throws(() => MHA(2, 2)(layers.Input([6]), layers.Input([6])), /MultiHeadAttention "multi_head_attention_1": the query must be at least 3D \[batch, T, dim\], got shape \[null, 6\]/);
  assert.throws(() => MHA(2, 2, { attentionAxes: 2 })(q, q), /attentionAxes \[2\] must be axes between the batch and the last axis of a query of shape \[null, 4, 6\]/);
  assert.throws(() => (MHA(2, 2) as unknown as (x: Sym) => Sym)(q), /MultiHeadAttention "multi_head_attention_3": call it as mha\(query, value\) or mha\(query, value, key\), with tensors; got 1 argument/);
  assert.throws(() => MHA(2, 2)(q, q, { attentionMask: [1, 0] as never }), /attentionMask must be a tensor/);
  const shared = MHA(2, 2);
  shared(q, q);
  assert.throws(() => shared(q, q, { useCausalMask: true }), /MultiHeadAttention "multi_head_attention_\d+": called in a model with other inputs or options than before \(inputs query, value; value is the query, now inputs query, value; value is the query, useCausalMask\)/);
  const other = layers.Input([4, 6]);
  shared(other, other); // the same call form on other inputs is fine (a shared layer)
  assert.throws(() => shared(other, q), /now inputs query, value\)/);
});

test("save and loadModel keep the options and the call form (mask input, causal mask)", async () => {
  keras.backend.clearSession();
  const q = layers.Input([4, 6]);
  const v = layers.Input([5, 3]);
  const m = layers.Input([4, 5], { dtype: "int32" });
  const out = MHA(2, 3, { valueDim: 2, outputShape: 7, kernelInitializer: "he_normal" })(q, v, { attentionMask: m, useCausalMask: true });
  const model = keras.Model([q, v, m], out);
  const dir = mkdtempSync(join(tmpdir(), "tsdl-mha-"));
  await model.save(join(dir, "m"));
  const loaded = await keras.models.loadModel(join(dir, "m"));
  assert.deepEqual(loaded.tf.layers.map((l) => l.getConfig()), model.tf.layers.map((l) => l.getConfig()));
  const xs = [tf.randomNormal([2, 4, 6], 0, 1, "float32", 1), tf.randomNormal([2, 5, 3], 0, 1, "float32", 2), tf.tensor3d(Array.from({ length: 40 }, (_, i) => (i * 7) % 3 ? 1 : 0), [2, 4, 5], "int32")];
  const a = (await model.predict(xs)) as tf.Tensor;
  const b = (await loaded.predict(xs)) as tf.Tensor;
  assert.deepEqual(Array.from(await b.data()), Array.from(await a.data()));
  tf.dispose([...xs, a, b]);
  model.dispose();
  loaded.dispose();
});

/** Fits 3 epochs with Adam; the loss must fall and the tensor count stay flat from epoch to epoch. */
async function trains(model: ReturnType<typeof keras.Model>, x: tf.Tensor | tf.Tensor[], y: tf.Tensor): Promise<void> {
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam" });
  const counts: number[] = [];
  const h = await model.fit(x as tf.Tensor, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [new callbacks.LambdaCallback({ onEpochEnd: () => void counts.push(tf.memory().numTensors) })] });
  const loss = h.history.loss as number[];
  assert.ok(loss[2] < loss[0], `loss falls: ${loss}`);
  assert.ok(counts.every((c) => c === counts[0]), `tensors after each epoch: ${counts}`);
}

/** Token ids [n, steps] (0 pads the end): class 1 when token 1 occurs. */
function tokens(n: number, steps: number, seed: number) {
  return tf.tidy(() => {
    const ids = tf.randomUniform([n, steps], 2, 12, "int32", seed);
    const y = tf.randomUniform([n], 0, 2, "int32", seed + 1);
    const at = tf.randomUniform([n], 0, steps - 2, "int32", seed + 2);
    const pos = tf.range(0, steps, 1, "int32").reshape([1, steps]);
    const put = tf.logicalAnd(tf.equal(pos, at.reshape([n, 1])), tf.cast(y.reshape([n, 1]), "bool"));
    const pad = tf.greaterEqual(pos, tf.randomUniform([n, 1], steps - 2, steps + 1, "int32", seed + 3));
    return { x: tf.where(pad, tf.zerosLike(ids), tf.where(put, tf.onesLike(ids), ids)), y };
  });
}

test("keras.io's Transformer text classifier (MHA + Dense + LayerNormalization + Dropout + residual adds) trains", async () => {
  keras.backend.clearSession();
  const { x, y } = tokens(96, 8, 7);
  const positions = tf.tidy(() => tf.tile(tf.range(0, 8, 1, "int32").reshape([1, 8]), [96, 1]));
  const ids = layers.Input([8], { dtype: "int32" });
  const pos = layers.Input([8], { dtype: "int32" });
  let h = layers.Add()([layers.Embedding(12, 16)(ids), layers.Embedding(8, 16)(pos)]) as Sym;
  const attn = layers.Dropout(0.1)(MHA({ numHeads: 2, keyDim: 16 })(h, h));
  const out1 = layers.LayerNormalization({ epsilon: 1e-6 })(layers.Add()([h, attn]) as Sym);
  const ffn = layers.Dropout(0.1)(layers.Dense(16)(layers.Dense(32, { activation: "relu" })(out1)));
  h = layers.LayerNormalization({ epsilon: 1e-6 })(layers.Add()([out1, ffn]) as Sym);
  h = layers.GlobalAveragePooling1D()(h);
  h = layers.Dense(20, { activation: "relu" })(layers.Dropout(0.1)(h));
  const model = keras.Model([ids, pos], layers.Dense(2, { activation: "softmax" })(layers.Dropout(0.1)(h)));
  await trains(model, [x, positions], y);
  tf.dispose([x, y, positions]);
  model.dispose();
});

test("masked self-attention (Embedding maskZero), a causal decoder step and an attention-mask input train", async () => {
  keras.backend.clearSession();
  const { x, y } = tokens(64, 6, 11);
  const ids = layers.Input([6], { dtype: "int32" });
  const e = layers.Embedding(12, 8, { maskZero: true })(ids);
  const a = MHA(2, 4, { dropout: 0.1 })(e, e);
  const c = MHA(2, 4)(a, a, { useCausalMask: true });
  const model = keras.Model(ids, layers.Dense(2, { activation: "softmax" })(layers.GlobalAveragePooling1D()(c)));
  await trains(model, x, y);
  model.dispose();
  keras.backend.clearSession();
  const q = layers.Input([6], { dtype: "int32" });
  const m = layers.Input([6, 6], { dtype: "int32" });
  const qe = layers.Embedding(12, 8)(q);
  const o = MHA(1, 8)(qe, qe, { attentionMask: m });
  const masks = tf.tidy(() => tf.cast(tf.logicalAnd(tf.notEqual(x.reshape([64, 6, 1]), 0), tf.notEqual(x.reshape([64, 1, 6]), 0)), "int32"));
  const model2 = keras.Model([q, m], layers.Dense(2, { activation: "softmax" })(layers.GlobalAveragePooling1D()(o)));
  await trains(model2, [x, masks], y);
  tf.dispose([x, y, masks]);
  model2.dispose();
});
