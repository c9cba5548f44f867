// Keras 3 is the oracle: each optimizer (and the base options: clipping, weight decay, EMA, schedules)
// takes five steps from the same weights with the same gradients as Keras' own optimizer in
// generate.py; the weights after every step, the total change, the slots, iterations and learning
// rate must agree to 1e-5 relative.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { optimizers, ready, tf } from "../../../src/index.ts";
import type { Optimizer } from "../../../src/keras/optimizers/index.ts";
import { camelCase } from "../../../src/keras/optimizers/checks.ts";
import { kerasFixture, relativeError, type OptimizerCase } from "./fixture.ts";

const O = optimizers;
const S = optimizers.schedules;
const TOL = 1e-5;

const SPECS: Record<string, () => Optimizer> = {
  sgd: () => O.SGD(0.1),
  sgd_defaults: () => O.SGD(),
  sgd_momentum: () => O.SGD({ learningRate: 0.1, momentum: 0.9 }),
  sgd_nesterov: () => O.SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }),
  adam: () => O.Adam(0.1),
  adam_defaults: () => O.Adam(),
  adam_amsgrad: () => O.Adam({ learningRate: 0.1, amsgrad: true }),
  adam_betas: () => O.Adam({ learningRate: 0.05, beta1: 0.5, beta2: 0.9, epsilon: 1e-3 }),
  adamw: () => O.AdamW(0.1),
  adamw_strong: () => O.AdamW({ learningRate: 0.1, weightDecay: 0.5, amsgrad: true }),
  rmsprop: () => O.RMSprop(0.1),
  rmsprop_defaults: () => O.RMSprop(),
  rmsprop_momentum: () => O.RMSprop({ learningRate: 0.1, momentum: 0.9 }),
  rmsprop_centered: () => O.RMSprop({ learningRate: 0.1, centered: true }),
  rmsprop_centered_momentum: () => O.RMSprop({ learningRate: 0.05, rho: 0.8, momentum: 0.5, centered: true }),
  adagrad: () => O.Adagrad(0.1),
  adagrad_defaults: () => O.Adagrad(),
  adagrad_accumulator: () => O.Adagrad({ learningRate: 0.1, initialAccumulatorValue: 1, epsilon: 1e-3 }),
  adadelta: () => O.Adadelta(1),
  adadelta_defaults: () => O.Adadelta(),
  adamax: () => O.Adamax(0.1),
  adamax_defaults: () => O.Adamax(),
  nadam: () => O.Nadam(0.1),
  nadam_defaults: () => O.Nadam(),
  lion: () => O.Lion(0.1),
  lion_defaults: () => O.Lion(),
  sgd_clipnorm: () => O.SGD({ learningRate: 0.1, clipnorm: 1 }),
  adam_clipnorm: () => O.Adam({ learningRate: 0.1, clipnorm: 0.5 }),
  adam_clipvalue: () => O.Adam({ learningRate: 0.1, clipvalue: 0.5 }),
  sgd_clipvalue: () => O.SGD({ learningRate: 0.1, momentum: 0.5, clipvalue: 0.3 }),
  sgd_global_clipnorm: () => O.SGD({ learningRate: 0.1, momentum: 0.9, globalClipnorm: 1 }),
  rmsprop_global_clipnorm: () => O.RMSprop({ learningRate: 0.1, globalClipnorm: 2 }),
  sgd_weight_decay: () => O.SGD({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.2 }),
  rmsprop_weight_decay: () => O.RMSprop({ learningRate: 0.1, weightDecay: 0.1 }),
  lion_weight_decay: () => O.Lion({ learningRate: 0.1, weightDecay: 0.5 }),
  adagrad_weight_decay_clipnorm: () => O.Adagrad({ learningRate: 0.1, weightDecay: 0.3, clipnorm: 1.5 }),
  sgd_ema: () => O.SGD({ learningRate: 0.1, useEma: true, emaMomentum: 0.9 }),
  adam_ema_overwrite: () => O.Adam({ learningRate: 0.1, useEma: true, emaMomentum: 0.5, emaOverwriteFrequency: 2 }),
  nadam_ema: () => O.Nadam({ learningRate: 0.1, useEma: true }),
  sgd_accumulate: () => O.SGD({ learningRate: 0.1, momentum: 0.9, gradientAccumulationSteps: 2 }),
  rmsprop_accumulate_clip_decay: () => O.RMSprop({ learningRate: 0.1, gradientAccumulationSteps: 2, clipnorm: 0.5, weightDecay: 0.1 }),
  adam_accumulate_ema_schedule: () => O.Adam({ learningRate: S.ExponentialDecay(0.1, 1, 0.8), gradientAccumulationSteps: 3, useEma: true, emaMomentum: 0.5, emaOverwriteFrequency: 1 }),
  nadam_accumulate: () => O.Nadam({ learningRate: 0.1, gradientAccumulationSteps: 2 }),
  adam_loss_scale: () => O.Adam({ learningRate: 0.1, lossScaleFactor: 128 }),
  sgd_exponential_decay: () => O.SGD({ learningRate: S.ExponentialDecay(0.1, 2, 0.5) }),
  adam_cosine_decay: () => O.Adam(S.CosineDecay(0.1, 4, { alpha: 0.1 })),
  adamw_piecewise: () => O.AdamW({ learningRate: S.PiecewiseConstantDecay([1, 3], [0.1, 0.05, 0.01]), weightDecay: 0.3 }),
  rmsprop_polynomial: () => O.RMSprop({ learningRate: S.PolynomialDecay(0.1, 3, { endLearningRate: 0.01, power: 2 }) }),
  adamw_exclude: () => O.AdamW({ learningRate: 0.1, weightDecay: 0.5 }),
};

before(async () => {
  await ready();
});

const cases = kerasFixture().optimizers;

test("every Keras optimizer case has a tsdl spec and vice versa", () => {
  const names = cases.map((c) => c.name);
  assert.deepEqual(
    { missing: names.filter((n) => !SPECS[n]), extra: Object.keys(SPECS).filter((n) => !names.includes(n)) },
    { missing: [], extra: [] },
  );
});

function close(what: string, actual: ArrayLike<number>, expected: number[], tol = TOL): void {
  const err = relativeError(actual, expected);
  assert.ok(err <= tol, `${what}: relative error ${err.toExponential(2)} > ${tol}`);
}

let run = 0;

/** Runs a case in tsdl; returns the weights after each step. */
async function runCase(c: OptimizerCase, opt: Optimizer): Promise<void> {
  const keys = Object.keys(c.shapes);
  const prefix = `optimizer_case_${run++}_${c.name}`;
  const vars = keys.map((k) => tf.tidy(() => tf.variable(tf.tensor(c.start[k], c.shapes[k]), true, `${prefix}/${k}`)));
  if (c.exclude) opt.excludeFromWeightDecay({ varNames: c.exclude });
  const counts: number[] = [];
  try {
    for (let step = 0; step < c.grads.length; step++) {
      close(`learning rate before step ${step + 1}`, [opt.learningRate], [c.learning_rates[step]]);
      const grads = keys.map((k, i) => ({ name: vars[i].name, tensor: tf.tensor(c.grads[step][k], c.shapes[k]) }));
      opt.applyGradients(grads);
      tf.dispose(grads.map((g) => g.tensor));
      counts.push(tf.memory().numTensors);
      for (const [i, k] of keys.entries()) close(`${k} after step ${step + 1}`, await vars[i].data(), c.after[step][k]);
    }
    // The total change (a stricter test than the weights when the steps are small).
    for (const [i, k] of keys.entries()) {
      const got = await vars[i].data();
      const change = (xs: ArrayLike<number>) => Array.from(xs, (x, j) => x - c.start[k][j]);
      close(`${k}: change over ${c.grads.length} steps`, change(got), change(c.after[c.grads.length - 1][k]), 20 * TOL);
    }
    assert.equal(opt.iterations, c.iterations, "iterations");
    close("learning rate after the steps", [opt.learningRate], [c.learning_rate]);
    assert.equal(new Set(counts.slice(1)).size, 1, `tensors alive after each step: ${counts.join(", ")} (a leak if they grow)`);
    for (const [i, k] of keys.entries()) {
      const slots = opt.slotsOf(vars[i]) ?? {};
      assert.deepEqual(Object.keys(slots).sort(), Object.keys(c.slots[k]).sort(), `${k}: slots (Keras' names)`);
      for (const [slot, want] of Object.entries(c.slots[k])) close(`${k}: slot ${slot}`, await slots[slot].data(), want);
    }
    if (c.finalized) {
      opt.finalizeVariableValues(vars);
      for (const [i, k] of keys.entries()) close(`${k} after finalizeVariableValues (EMA)`, await vars[i].data(), c.finalized[k]);
    }
  } finally {
    tf.dispose(vars);
  }
}

for (const c of cases) {
  const make = SPECS[c.name];
  if (!make) continue;
  test(`${c.name}: five steps as Keras' ${c.class}`, async () => {
    const before = tf.memory().numTensors;
    const opt = make();
    assert.equal(opt.getClassName(), c.class, "class name");
    // Keras' config, camelCase: the same options with the same values (Keras' learning rate is float32).
    const config = opt.getConfig() as Record<string, unknown>;
    for (const [k, v] of Object.entries(c.config)) {
      const key = camelCase(k);
      if (key === "name") continue; // automatic names depend on what the process made before
      assert.ok(key in config, `config has ${key}`);
      if (key === "learningRate") close("config learningRate", [config[key] as number], [v as number]);
      else assert.deepEqual(config[key], v, `config ${key}`);
    }
    try {
      await runCase(c, opt);
    } finally {
      opt.dispose();
    }
    assert.equal(tf.memory().numTensors, before, "no tensors left after dispose");
  });
}
