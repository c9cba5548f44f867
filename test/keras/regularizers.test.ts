// keras.regularizers and keras.constraints in training, against Keras 3: the same Dense models, weights
// and data in both; Keras' evaluate loss and train_on_batch loss (data loss + kernel, bias and
// activity penalties) and the weights after one step (constraints projected after the update) equal
// tsdl's (test/keras/parity/training_penalties.py). Then the regularizers' formulas, defaults,
// strings and errors, and the layers that use them through baseArgs/weightArgs.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { callbacks, constraints, keras, layers, optimizers, ready, regularizers, tf } from "../../src/index.ts";
import type { DenseOptions } from "../../src/keras/layers/dense.ts";
import { maxRelativeError } from "../backend/relative_error.ts";
import { seedEachTest } from "./seed_each_test.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

seedEachTest();

before(async () => {
  await ready();
});

/** keras.layers.Dense with the options under test (Dense takes them through baseArgs + weightArgs). */
function TestDense(units: number, o: DenseOptions = {}) {
  return layers.Dense(units, o);
}

type Arr = { shape: number[]; data: number[] };
interface PenaltyCase {
  name: string;
  x: Arr;
  y: Arr;
  weights_before: Arr[];
  weights_after: Arr[];
  eval_loss: number;
  train_loss: number;
  layers: string[];
}

function fixture(): PenaltyCase[] {
  const script = join(ROOT, "test", "keras", "parity", "training_penalties.py");
  const out = join(ROOT, "out", "keras-parity", "training_penalties.json");
  if (!existsSync(out) || statSync(script).mtimeMs > statSync(out).mtimeMs) {
    mkdirSync(dirname(out), { recursive: true });
    const r = spawnSync(join(ROOT, ".venv", "bin", "python"), [script, out], { stdio: ["ignore", "inherit", "inherit"], cwd: ROOT });
    if (r.status !== 0) throw new Error(`training_penalties.py failed (exit ${r.status})`);
  }
  return (JSON.parse(readFileSync(out, "utf8")) as { cases: PenaltyCase[] }).cases;
}

/** The tsdl side of each case of training_penalties.py. */
const BUILD: Record<string, { input: number[]; layers: () => ((x: tf.SymbolicTensor) => tf.SymbolicTensor)[]; optimizer: () => tf.Optimizer }> = {
  kernel_bias_activity: {
    input: [4],
    layers: () => [
      TestDense(5, { activation: "relu", kernelRegularizer: regularizers.L1(0.03), biasRegularizer: regularizers.L2(0.2), activityRegularizer: regularizers.L1L2(0.01, 0.02) }),
      TestDense(3, { kernelRegularizer: regularizers.l2({ l2: 0.05 }) }),
    ],
    optimizer: () => optimizers.SGD({ learningRate: 0.1 }),
  },
  strings: {
    input: [3],
    layers: () => [TestDense(4, { activation: "tanh", kernelRegularizer: "l2", biasRegularizer: "l1", activityRegularizer: "l2" }), TestDense(2)],
    optimizer: () => optimizers.SGD({ learningRate: 0.05 }),
  },
  activity_rank3: {
    input: [3, 2],
    layers: () => [TestDense(3, { activityRegularizer: regularizers.L2(0.1) }), layers.Flatten(), TestDense(2)],
    optimizer: () => optimizers.SGD({ learningRate: 0.1 }),
  },
  constraints_sgd: {
    input: [4],
    layers: () => [
      TestDense(5, { kernelConstraint: constraints.MaxNorm(0.5, 0), biasConstraint: constraints.NonNeg() }),
      TestDense(4, { kernelConstraint: constraints.UnitNorm(0) }),
      TestDense(3, { kernelConstraint: constraints.MinMaxNorm({ minValue: 0.4, maxValue: 0.6, rate: 0.5, axis: 0 }) }),
      TestDense(2, { kernelConstraint: constraints.maxNorm({ maxValue: 1, axis: [0, 1] }) }),
    ],
    optimizer: () => optimizers.SGD({ learningRate: 0.5 }),
  },
  constraints_adam_strings: {
    input: [4],
    layers: () => [
      TestDense(5, { kernelConstraint: "max_norm", biasConstraint: "non_neg", kernelRegularizer: "l1" }),
      TestDense(3, { kernelConstraint: "unit_norm" }),
      TestDense(2, { kernelConstraint: "min_max_norm" }),
    ],
    optimizer: () => optimizers.Adam({ learningRate: 0.1 }),
  },
};

const cases = fixture();

test("every Keras case of training_penalties.py has a tsdl builder", () => {
  assert.deepEqual(cases.map((c) => c.name).sort(), Object.keys(BUILD).sort());
});

for (const c of cases) {
  test(`${c.name}: Keras' evaluate loss, train_on_batch loss and weights after one step`, async () => {
    keras.backend.clearSession();
    const spec = BUILD[c.name];
    const input = keras.Input(spec.input);
    let h: tf.SymbolicTensor = input;
    for (const layer of spec.layers()) h = layer(h);
    const model = keras.Model(input, h);
    assert.deepEqual(model.layers.map((l) => l.name), c.layers, "Keras' layer names");
    // Assigned to the variables: tfjs' setWeights would project them with the constraints first
    // (LayerVariable.write), Keras' assign does not.
    c.weights_before.forEach((w, i) => tf.tidy(() => (model.tf.weights[i].read() as tf.Variable).assign(tf.tensor(w.data, w.shape))));
    model.compile({ optimizer: spec.optimizer(), loss: "mse" });
    const x = tf.tensor(c.x.data, c.x.shape);
    const y = tf.tensor(c.y.data, c.y.shape);
    const before = tf.memory().numTensors;
    const [evalLoss] = await model.evaluate(x, y, { batchSize: c.x.shape[0], verbose: 0 });
    assert.ok(Math.abs(evalLoss - c.eval_loss) <= 1e-5 * Math.abs(c.eval_loss), `evaluate: ${evalLoss} vs Keras ${c.eval_loss}`);
    assert.equal(tf.memory().numTensors, before, "tensors left by evaluate");
    const history = await model.fit(x, y, { batchSize: c.x.shape[0], epochs: 1, shuffle: false, verbose: 0 });
    const trainLoss = history.history.loss[0];
    assert.ok(Math.abs(trainLoss - c.train_loss) <= 1e-5 * Math.abs(c.train_loss), `train loss: ${trainLoss} vs Keras ${c.train_loss}`);
    const after = model.tf.getWeights();
    for (const [i, w] of c.weights_after.entries()) {
      const err = maxRelativeError(await after[i].data(), w.data);
      // Adam: tsdl's (tfjs') step adds epsilon to sqrt(v / (1 - beta2^t)), Keras' to sqrt(v).
      assert.ok(err < (c.name.includes("adam") ? 1e-3 : 1e-4), `weight ${i} (${model.tf.weights[i].originalName}) after the step: relative error ${err.toExponential(2)}`);
    }
    // The optimizer's state (Adam's moments) is made by the first step; a second step adds nothing.
    const afterOneStep = tf.memory().numTensors;
    await model.fit(x, y, { batchSize: c.x.shape[0], epochs: 1, shuffle: false, verbose: 0 });
    assert.equal(tf.memory().numTensors, afterOneStep, "tensors left by a training step");
    tf.dispose([x, y]);
    model.tf.dispose();
  });
}

test("the regularizers' formulas, Keras' defaults and strings", () => {
  const x = tf.tensor([[1, -2], [3, -4]]);
  const v = (r: { apply(t: tf.Tensor): tf.Scalar }) => tf.tidy(() => r.apply(x).dataSync()[0]);
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-5, `${a} vs ${b}`);
  close(v(regularizers.L1(0.5)), 0.5 * 10);
  close(v(regularizers.L2(0.5)), 0.5 * 30);
  close(v(regularizers.L1L2(0.1, 0.2)), 0.1 * 10 + 0.2 * 30);
  close(v(regularizers.L1L2({ l2: 0.2 })), 0.2 * 30);
  close(v(regularizers.L1()), 0.01 * 10); // Keras: L1() is 0.01
  close(v(regularizers.l2()), 0.01 * 30);
  close(v(regularizers.l1L2()), 0); // Keras 3: L1L2() is 0 and 0
  close(v(regularizers.get("l1")), 0.1);
  close(v(regularizers.get("L2")), 0.3);
  close(v(regularizers.get("l1l2")), 0); // Keras 3's "l1l2" is L1L2()
  close(v(regularizers.get("l1_l2")), 0.01 * 10 + 0.01 * 30); // Keras 2's spelling: 0.01, 0.01
  close(v(regularizers.get((t: tf.Tensor) => tf.max(t) as tf.Scalar)), 3);
  assert.deepEqual(regularizers.L1L2(0.1, 0.2).getConfig(), { l1: 0.1, l2: 0.2 });
  assert.equal(regularizers.L2().getClassName(), "L2");
  x.dispose();
});

test("bad regularizer and constraint arguments are errors naming the layer, option and accepted values", () => {
  assert.throws(() => TestDense(2, { kernelRegularizer: "l3" }), /Dense(\(\d+\))?: unknown kernelRegularizer "l3"; expected one of l1, l2, l1l2, l1_l2/);
  assert.throws(() => TestDense(2, { activityRegularizer: "L9" }), /Dense(\(\d+\))?: unknown activityRegularizer "L9"; expected one of l1, l2/);
  assert.throws(() => TestDense(2, { biasConstraint: "positive" }), /Dense(\(\d+\))?: unknown biasConstraint "positive"; expected one of max_norm, non_neg, unit_norm, min_max_norm/);
  assert.throws(() => TestDense(2, { kernelInitializer: "glorot" }), /Dense(\(\d+\))?: unknown kernelInitializer "glorot"; expected one of zeros, .*glorot_uniform/);
  assert.throws(() => regularizers.L1(-1), /L1: l1 must be a non-negative number, got -1/);
  assert.throws(() => regularizers.L1L2(0, Number.NaN), /L1L2: l2 must be a non-negative number, got null/);
  assert.throws(() => constraints.MaxNorm({ axis: 0.5 }), /MaxNorm: axis must be an integer or an array of integers, got 0.5/);
  assert.throws(() => constraints.MinMaxNorm(2, 1), /MinMaxNorm: minValue \(2\) must be <= maxValue \(1\)/);
});

test("a frozen layer's weight penalties do not count (Keras: trainable weights only); activity penalties do", async () => {
  keras.backend.clearSession();
  const input = keras.Input([2]);
  const frozen = TestDense(2, { kernelInitializer: "ones", kernelRegularizer: regularizers.L1(1), trainable: false });
  const out = TestDense(1, { kernelInitializer: "zeros", activityRegularizer: regularizers.L1(1) });
  const model = keras.Model(input, out(frozen(input)));
  model.compile({ optimizer: optimizers.SGD({ learningRate: 1e-9 }), loss: "mse" });
  const x = tf.ones([2, 2]);
  const y = tf.ones([2, 1]);
  // Output 0, so mse = 1 and the activity penalty is 0; the frozen kernel's L1 of 4 is left out.
  const [loss] = await model.evaluate(x, y, { verbose: 0 });
  assert.ok(Math.abs(loss - 1) < 1e-6, `loss ${loss}`);
  tf.dispose([x, y]);
  model.tf.dispose();
});

test("training with regularizers and constraints: loss falls, constraints hold after every epoch, tensors flat", async () => {
  keras.backend.clearSession();
  const model = keras.Sequential([
    keras.Input([6]),
    TestDense(16, { activation: "relu", kernelRegularizer: "l2", activityRegularizer: regularizers.L1(1e-3), kernelConstraint: constraints.MaxNorm(1) }),
    TestDense(1, { kernelConstraint: "non_neg", biasRegularizer: regularizers.L2(0.1) }),
  ]);
  model.compile({ optimizer: optimizers.Adam({ learningRate: 0.01 }), loss: "mse" });
  const x = tf.randomNormal([128, 6], 0, 1, "float32", 3);
  const y = tf.tidy(() => tf.sum(tf.abs(x), 1, true));
  const counts: number[] = [];
  const norms: number[] = [];
  const mins: number[] = [];
  const history = await model.fit(x, y, {
    epochs: 3,
    batchSize: 16,
    verbose: 0,
    callbacks: [
      new callbacks.LambdaCallback({
        onEpochEnd: () => {
          counts.push(tf.memory().numTensors);
          tf.tidy(() => {
            const [k1, , k2] = model.tf.getWeights();
            norms.push(tf.max(tf.sqrt(tf.sum(tf.square(k1), 0))).dataSync()[0]);
            mins.push(tf.min(k2).dataSync()[0]);
          });
        },
      }),
    ],
  });
  const loss = history.history.loss;
  assert.ok(loss[2] < loss[0], `loss falls: ${loss}`);
  assert.ok(counts.every((n) => n === counts[0]), `tensors after each epoch: ${counts}`);
  assert.ok(norms.every((n) => n <= 1 + 1e-5), `max-norm 1 holds: ${norms}`);
  assert.ok(mins.every((m) => m >= 0), `non-neg holds: ${mins}`);
  tf.dispose([x, y]);
  model.tf.dispose();
});
