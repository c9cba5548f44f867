// Keras 3 is the oracle: each learning-rate schedule's value at a list of steps (restarts and
// boundaries included) equals Keras' schedule object's, its config has Keras' keys (camelCase), and
// serialize/deserialize round-trips it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { optimizers } from "../../../src/index.ts";
import type { LearningRateSchedule } from "../../../src/keras/optimizers/schedules/index.ts";
import { camelCase } from "../../../src/keras/optimizers/checks.ts";
import { kerasFixture } from "./fixture.ts";

const S = optimizers.schedules;

const SPECS: Record<string, () => LearningRateSchedule> = {
  exponential: () => S.ExponentialDecay(0.1, 10, 0.9),
  exponential_staircase: () => S.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 7, decayRate: 0.5, staircase: true }),
  piecewise: () => S.PiecewiseConstantDecay([5, 20, 100], [1.0, 0.5, 0.1, 0.01]),
  piecewise_one: () => S.PiecewiseConstantDecay({ boundaries: [10], values: [0.3, 0.03] }),
  polynomial: () => S.PolynomialDecay(0.1, 50),
  polynomial_power: () => S.PolynomialDecay(0.1, 50, { endLearningRate: 0.001, power: 0.5 }),
  polynomial_cycle: () => S.PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 30, endLearningRate: 0.01, power: 2, cycle: true }),
  inverse_time: () => S.InverseTimeDecay(0.1, 10, 0.5),
  inverse_time_staircase: () => S.InverseTimeDecay(0.1, 7, 2.0, { staircase: true }),
  cosine: () => S.CosineDecay(0.1, 100),
  cosine_alpha: () => S.CosineDecay(0.1, 60, { alpha: 0.2 }),
  cosine_warmup: () => S.CosineDecay(0.0, 100, { warmupTarget: 0.1, warmupSteps: 20 }),
  cosine_warmup_alpha: () => S.CosineDecay({ initialLearningRate: 0.01, decaySteps: 40, alpha: 0.1, warmupTarget: 0.2, warmupSteps: 10 }),
  cosine_restarts: () => S.CosineDecayRestarts(0.1, 10),
  cosine_restarts_mul: () => S.CosineDecayRestarts(0.1, 10, { tMul: 1.0, mMul: 0.5, alpha: 0.1 }),
  cosine_restarts_tmul3: () => S.CosineDecayRestarts(0.2, 5, { t_mul: 3.0, m_mul: 0.8, alpha: 0.05 } as never),
};

const cases = kerasFixture().schedules;

test("every Keras schedule case has a tsdl spec and vice versa", () => {
  const names = cases.map((c) => c.name);
  assert.deepEqual({ missing: names.filter((n) => !SPECS[n]), extra: Object.keys(SPECS).filter((n) => !names.includes(n)) }, { missing: [], extra: [] });
});

function assertValues(what: string, s: LearningRateSchedule, steps: number[], want: number[]): void {
  steps.forEach((step, i) => {
    const got = s.call(step);
    // Keras computes in float32: agreement to 1e-6 of the value (or 1e-9 absolute near 0).
    assert.ok(Math.abs(got - want[i]) <= 1e-6 * Math.abs(want[i]) + 1e-9, `${what}: at step ${step} tsdl ${got}, Keras ${want[i]}`);
  });
}

for (const c of cases) {
  const make = SPECS[c.name];
  if (!make) continue;
  test(`${c.name}: values as Keras' ${c.class} at steps ${c.steps.join(", ")}`, () => {
    const s = make();
    assert.equal(s.getClassName(), c.class, "class name");
    assertValues(c.name, s, c.steps, c.values);
    // Keras' config keys (camelCase) and values.
    const config = s.getConfig();
    assert.deepEqual(Object.keys(config).sort(), Object.keys(c.config).map(camelCase).sort(), "config keys");
    for (const [k, v] of Object.entries(c.config)) assert.deepEqual(config[camelCase(k)], v, `config ${k}`);
    // Round trip through serialize / deserialize.
    const again = S.deserialize(JSON.parse(JSON.stringify(S.serialize(s))));
    assert.equal(again.getClassName(), c.class);
    assertValues(`${c.name} (deserialized)`, again, c.steps, c.values);
  });
}
