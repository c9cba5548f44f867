// The leak hint's count: tensors made since the census, alive, and reachable from the roots (through
// objects, arrays, Maps, Sets, layers' function proxies and models), against tf.memory().numTensors.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { keras, layers, ready, tf } from "../../src/index.ts";
import { census, leakHint, reachableNewTensors } from "../../src/kernel/leak_hint.ts";

const isTensor = (v: unknown) => v instanceof tf.Tensor;

before(async () => {
  await ready();
});

test("held tensors are found through objects, arrays, Maps and Sets; older, disposed and unreachable ones are not", () => {
  const old = tf.ones([2]);
  const start = census(tf);
  const a = tf.ones([3]);
  const b = tf.zeros([3]);
  const c = tf.scalar(1);
  const gone = tf.scalar(2);
  gone.dispose();
  const leaked = tf.add(a, 1); // held by nothing below
  const roots = [{ nested: { list: [a, old] } }, new Map<unknown, unknown>([["k", b]]), new Set([c, gone])];
  const held = reachableNewTensors(roots, start.nextId, isTensor);
  assert.deepEqual(held, { count: 3, complete: true });
  const after = census(tf);
  assert.equal(after.numTensors - start.numTensors, 4);
  const line = leakHint(start, after, held)!;
  assert.match(line, /^tsdl leak hint: this cell left 1 tensor alive that no top-level variable holds \(tf\.memory\(\)\.numTensors \d+ -> \d+; 3 new tensors reachable from the variables\)/);
  assert.match(line, /tf\.tidy\(\) or dispose\(\)/);
  tf.dispose([old, a, b, c, leaked]);
});

test("no line when every new tensor is held, or when the cell freed more than it made", () => {
  const start = census(tf);
  const x = tf.ones([4]);
  assert.equal(leakHint(start, census(tf), reachableNewTensors([x], start.nextId, isTensor)), undefined);
  x.dispose();
  assert.equal(leakHint(start, census(tf), { count: 0, complete: true }), undefined);
});

test("a model made after the census holds its weights (through layers' proxies and the model), optimizer slots included after fit", async () => {
  keras.backend.clearSession();
  const start = census(tf);
  const dense = layers.Dense(3);
  const model = keras.Sequential([layers.Input([4]), dense]);
  model.compile({ optimizer: "adam", loss: "mse" });
  const x = tf.ones([8, 4]);
  const y = tf.zeros([8, 3]);
  await model.fit(x, y, { epochs: 1, verbose: 0 });
  const after = census(tf);
  const held = reachableNewTensors([model, x, y], start.nextId, isTensor);
  assert.ok(held.count >= 4 + 2 * 2, `kernel, bias, x, y and Adam's two slots per weight: ${held.count}`);
  assert.equal(leakHint(start, after, held), undefined, `numTensors +${after.numTensors - start.numTensors}, held ${held.count}`);
  const viaLayer = reachableNewTensors([dense], start.nextId, isTensor);
  assert.ok(viaLayer.count >= 2, "a layer's callable proxy leads to its weights");
  tf.dispose([x, y]);
  model.dispose?.();
});

test("the walk stops at its limit and says so", () => {
  const start = census(tf);
  const t = tf.ones([1]);
  const deep = { items: Array.from({ length: 50 }, () => ({ t })) };
  assert.deepEqual(reachableNewTensors([deep], start.nextId, isTensor, 10), { count: 1, complete: false });
  assert.match(leakHint({ numTensors: 0, nextId: 0 }, { numTensors: 5, nextId: 5 }, { count: 1, complete: false })!, /the walk stopped early/);
  t.dispose();
});
