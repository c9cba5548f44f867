// fit / evaluate / trainOnBatch / testOnBatch / predictOnBatch against Keras 3 itself
// (test/keras/losses/generate.py): the same small models (one or several outputs, dict outputs, two
// inputs) with the same initial weights, compiled alike (losses by name and object, lossWeights,
// metrics per output, weightedMetrics) and fit with shuffle false, sample weights, class weights,
// validation split / data / frequency, give Keras' History (keys in Keras' order and values to
// ~1e-5, metrics accumulated over the epoch as Keras does), evaluate's list and dict, and no tensor
// growth across epochs.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { callbacks, keras, layers, losses, metrics, optimizers, ready, tf } from "../../src/index.ts";
import { camel, closeTo, kerasTraining, tensorOf, type ArrayFixture, type FitCase, type LogValue } from "./losses/fixture.ts";

before(async () => {
  await ready();
});

const TOL = 2e-5;

function buildModel(c: FitCase) {
  keras.backend.clearSession();
  const t: Record<string, tf.SymbolicTensor> = {};
  for (const i of c.spec.inputs) t[i.name] = layers.Input(i.shape, { name: i.name });
  for (const n of c.spec.nodes) {
    const src = Array.isArray(n.input) ? n.input.map((s) => t[s]) : t[n.input];
    const layer =
      n.class === "Concatenate" ? layers.Concatenate({ name: n.name })
      : n.class === "Activation" ? layers.Activation(n.activation as never, { name: n.name })
      : n.class === "Softmax" ? layers.Softmax({ name: n.name })
      : layers.Dense(n.units!, { activation: (n.activation ?? undefined) as never, name: n.name });
    t[n.name] = (layer as unknown as (x: unknown) => tf.SymbolicTensor)(src);
  }
  const o = c.spec.outputs;
  const outputs = Array.isArray(o) ? (o.length === 1 ? t[o[0]] : o.map((k) => t[k])) : Object.fromEntries(Object.entries(o).map(([k, v]) => [k, t[v]]));
  const ins = c.spec.inputs.length === 1 ? t[c.spec.inputs[0].name] : c.spec.inputs.map((i) => t[i.name]);
  const model = keras.Model(ins, outputs);
  for (const [name, ws] of Object.entries(c.weights)) model.getLayer(name).setWeights(ws.map(tensorOf));
  return model;
}

/** A compile argument from the fixture: {class, config} makes a tsdl object; lists and dicts recurse. */
function resolve(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(resolve);
  if (v && typeof v === "object" && "class" in v) {
    const { kind, class: cls, config } = v as { kind?: string; class: string; config?: Record<string, unknown> };
    const make = (kind === "loss" ? losses : metrics) as unknown as Record<string, (o: unknown) => unknown>;
    return make[cls](camel(config ?? {}));
  }
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
  return v;
}

function inputsOf(c: FitCase, x: Record<string, ArrayFixture>) {
  return c.spec.inputs.length === 1 ? tensorOf(x[c.spec.inputs[0].name]) : Object.fromEntries(c.spec.inputs.map((i) => [i.name, tensorOf(x[i.name])]));
}

function labelsOf(c: FitCase, y: Record<string, ArrayFixture>) {
  const o = c.spec.outputs;
  if (!Array.isArray(o)) {
    const d = Object.fromEntries(Object.keys(o).map((k) => [k, tensorOf(y[k])]));
    return c.spec.y_as === "list" ? Object.keys(o).sort().map((k) => d[k]) : d;
  }
  const list = o.map((k) => tensorOf(y[k]));
  if (list.length === 1) return list[0];
  return c.spec.y_as === "dict" ? Object.fromEntries(o.map((k, i) => [k, list[i]])) : list;
}

/** Keras' logs with vector values as tsdl's `key[i]` entries. */
function expand(logs: Record<string, LogValue>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(logs)) {
    if (Array.isArray(v)) v.forEach((x, i) => (out[`${k}[${i}]`] = x));
    else out[k] = v;
  }
  return out;
}

function compareLogs(what: string, ours: Record<string, number>, theirs: Record<string, LogValue>): void {
  const expected = expand(theirs);
  assert.deepEqual(Object.keys(ours), Object.keys(expected), `${what}: keys`);
  for (const k of Object.keys(expected)) assert.ok(closeTo([ours[k]], [expected[k]]) < TOL, `${what} ${k}: ${ours[k]} vs Keras ${expected[k]}`);
}

for (const c of kerasTraining().fits) {
  test(`${c.name}: fit's History, evaluate, trainOnBatch, testOnBatch and predictOnBatch equal Keras'`, async () => {
    const model = buildModel(c);
    if (Array.isArray(c.spec.outputs)) assert.deepEqual(model.outputNames ?? model.outputs.map((t) => t.sourceLayer.name), c.output_names);
    const s = c.spec;
    model.compile({
      optimizer: optimizers.SGD({ learningRate: s.lr ?? 0.1 }),
      loss: resolve(s.loss) as never,
      ...(s.loss_weights ? { lossWeights: s.loss_weights } : {}),
      ...(s.metrics ? { metrics: resolve(s.metrics) as never } : {}),
      ...(s.weighted_metrics ? { weightedMetrics: resolve(s.weighted_metrics) as never } : {}),
    });
    const x = inputsOf(c, c.x);
    const y = labelsOf(c, c.y);
    const counts: number[] = [];
    const history = await model.fit(x as never, y as never, {
      epochs: s.epochs ?? 3,
      batchSize: s.batch_size ?? 8,
      shuffle: false,
      verbose: 0,
      ...(s.validation_split ? { validationSplit: s.validation_split } : {}),
      ...(s.validation_freq ? { validationFreq: s.validation_freq } : {}),
      ...(c.val ? { validationData: [inputsOf(c, c.val.x), labelsOf(c, c.val.y)] as never } : {}),
      ...(c.sample_weight ? { sampleWeight: tensorOf(c.sample_weight) } : {}),
      ...(s.class_weight ? { classWeight: Object.fromEntries(Object.entries(s.class_weight).map(([k, v]) => [Number(k), v])) } : {}),
      callbacks: [new callbacks.LambdaCallback({ onEpochEnd: () => void counts.push(tf.memory().numTensors) })],
    });
    assert.deepEqual(Object.keys(history.history), Object.keys(expand(Object.fromEntries(Object.entries(c.history).map(([k, v]) => [k, v[0]])))), "History keys in Keras' order");
    const epochs = s.epochs ?? 3;
    for (let e = 0; e < epochs; e++) {
      const theirs = Object.fromEntries(Object.entries(c.history).map(([k, v]) => [k, v[e]]).filter(([, v]) => v !== undefined));
      const ours = Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[e]]).filter(([, v]) => v !== undefined));
      compareLogs(`epoch ${e + 1}`, ours as Record<string, number>, theirs as Record<string, LogValue>);
    }
    assert.ok(counts.every((n) => n === counts[0]), `tensors after each epoch: ${counts}`);
    const [ex, ey] = c.val ? [inputsOf(c, c.val.x), labelsOf(c, c.val.y)] : [x, y];
    const before = tf.memory().numTensors;
    const list = await model.evaluate(ex as never, ey as never, { verbose: 0, batchSize: s.batch_size ?? 8 });
    const flat = c.evaluate.flatMap((v) => (Array.isArray(v) ? v : [v]));
    assert.equal(list.length, flat.length, `evaluate's list: ${list} vs Keras ${flat}`);
    assert.ok(closeTo(list, flat) < TOL, `evaluate's list ${list} vs Keras ${flat}`);
    const dict = await model.evaluate(ex as never, ey as never, { verbose: 0, batchSize: s.batch_size ?? 8, returnDict: true });
    compareLogs("evaluate returnDict", dict, c.evaluate_dict);
    assert.equal(tf.memory().numTensors, before, "evaluate frees what it makes");
    const first = (v: unknown): unknown => (v instanceof tf.Tensor ? v.slice(0, 5) : Array.isArray(v) ? v.map(first) : Object.fromEntries(Object.entries(v as object).map(([k, t]) => [k, first(t)])));
    const [bx, by] = [first(x), first(y)];
    compareLogs("trainOnBatch", (await model.trainOnBatch(bx as never, by as never, { returnDict: true })) as Record<string, number>, c.train_on_batch);
    compareLogs("testOnBatch", (await model.testOnBatch(bx as never, by as never, { returnDict: true })) as Record<string, number>, c.test_on_batch);
    const preds = await model.predictOnBatch<tf.Tensor | tf.Tensor[]>(bx as never);
    const predList = Array.isArray(preds) ? preds : [preds];
    assert.equal(predList.length, c.predict_on_batch.length);
    for (const [i, p] of predList.entries()) assert.ok(closeTo(await p.data(), c.predict_on_batch[i].data) < TOL, `predictOnBatch output ${i}`);
    tf.dispose(predList);
  });
}
