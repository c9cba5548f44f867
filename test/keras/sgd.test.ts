// optimizers.SGD equals Keras' update rule (momentum, Nesterov, time-based decay) on a hand example.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { optimizers, ready, tf } from "../../src/index.ts";

before(async () => {
  await ready();
});

/** Keras 2's SGD, by hand, minimising f(w) = sum(a * w^2) (gradient 2 a w). */
function keras(w0: number[], a: number[], o: { lr: number; momentum: number; nesterov: boolean; decay: number }, steps: number) {
  const w = [...w0];
  const v = w.map(() => 0);
  for (let t = 0; t < steps; t++) {
    const lr = o.lr / (1 + o.decay * t);
    for (let i = 0; i < w.length; i++) {
      const g = 2 * a[i] * w[i];
      v[i] = o.momentum * v[i] - lr * g;
      w[i] = o.nesterov ? w[i] + o.momentum * v[i] - lr * g : w[i] + v[i];
    }
  }
  return w;
}

for (const o of [
  { lr: 0.1, momentum: 0, nesterov: false, decay: 0 },
  { lr: 0.1, momentum: 0.9, nesterov: false, decay: 0 },
  { lr: 0.01, momentum: 0.9, nesterov: true, decay: 1e-6 },
  { lr: 0.05, momentum: 0.5, nesterov: true, decay: 0.3 },
]) {
  test(`SGD ${JSON.stringify(o)} follows Keras' formula for 5 steps`, async () => {
    const w0 = [1.5, -2, 0.25];
    const a = [1, 0.5, 3];
    const w = tf.variable(tf.tensor1d(w0));
    const at = tf.tensor1d(a);
    const sgd = optimizers.SGD(o);
    for (let i = 0; i < 5; i++) sgd.minimize(() => tf.sum(tf.mul(at, tf.square(w))) as tf.Scalar, false, [w]);
    const got = await w.data();
    const want = keras(w0, a, o, 5);
    want.forEach((x, i) => assert.ok(Math.abs(got[i] - x) < 1e-6, `w[${i}] ${got[i]} vs ${x}`));
    assert.equal(sgd.iterations, 5);
    sgd.dispose();
    tf.dispose([w, at]);
  });
}

test("lr is Keras 2's alias of learningRate; bad values name the option", () => {
  assert.equal(optimizers.SGD({ lr: 0.3 }).learningRate, 0.3);
  assert.equal((optimizers.Adam({ lr: 0.01 }) as unknown as { learningRate: number }).learningRate, 0.01);
  assert.throws(() => optimizers.SGD({ lr: -1 }), /SGD: learningRate must be a positive number, got -1/);
  assert.throws(() => optimizers.Adam({ lr: 0.1, learningRate: 0.2 }), /give learningRate or lr, not both/);
  assert.throws(() => optimizers.Adam({ amsgrd: true } as never), /Adam: unknown option "amsgrd"; accepted: learningRate, lr, .*amsgrad/);
});
