// keras.initializers: the statistics of each initializer's values against Keras 3's formulas (the
// random generators differ from Keras', so values are not compared), seeds, names and errors.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { initializers, ready, tf } from "../../src/index.ts";
import { baseArgs, weightArgs, type BaseLayerOptions, type WeightOptions } from "../../src/keras/layers/common.ts";
import { callable } from "../../src/keras/callable.ts";

before(async () => {
  await ready();
});

type Init = { apply(shape: number[], dtype?: tf.DataType): tf.Tensor };

function stats(init: Init, shape: number[]) {
  const t = init.apply(shape);
  const v = t.dataSync();
  t.dispose();
  let sum = 0;
  let sq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    sum += x;
    sq += x * x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const mean = sum / v.length;
  return { mean, std: Math.sqrt(sq / v.length - mean * mean), min, max, n: v.length };
}

const TRUNC = 0.87962566103423978;
// [fan_in, fan_out] of the test shapes: a Dense kernel and a Conv2D kernel (3 * 3 receptive field).
const DENSE = [300, 200];
const CONV = [3, 3, 40, 60];
const FANS: Record<string, [number, number]> = { dense: [300, 200], conv: [360, 540] };

// name, factory, scale, fan mode, distribution: Keras' definitions.
const VARIANCE_SCALING: [string, () => Init, number, "in" | "out" | "avg", "uniform" | "truncated" | "normal"][] = [
  ["GlorotUniform", () => initializers.GlorotUniform({ seed: 1 }), 1, "avg", "uniform"],
  ["GlorotNormal", () => initializers.GlorotNormal({ seed: 2 }), 1, "avg", "truncated"],
  ["HeUniform", () => initializers.HeUniform({ seed: 3 }), 2, "in", "uniform"],
  ["HeNormal", () => initializers.HeNormal({ seed: 4 }), 2, "in", "truncated"],
  ["LecunUniform", () => initializers.LecunUniform({ seed: 5 }), 1, "in", "uniform"],
  ["LecunNormal", () => initializers.LecunNormal({ seed: 6 }), 1, "in", "truncated"],
  ["VarianceScaling(3, fan_out, untruncated)", () => initializers.VarianceScaling({ scale: 3, mode: "fan_out", distribution: "untruncated_normal", seed: 7 }), 3, "out", "normal"],
  ["VarianceScaling(0.5, fanAvg, normal)", () => initializers.VarianceScaling({ scale: 0.5, mode: "fanAvg", distribution: "normal", seed: 8 }), 0.5, "avg", "truncated"],
];

for (const [name, make, scale, mode, dist] of VARIANCE_SCALING) {
  for (const [kind, shape] of [["dense", DENSE], ["conv", CONV]] as const) {
    test(`${name} on a ${kind} kernel [${shape}]: Keras' mean, standard deviation and bounds`, () => {
      const [fanIn, fanOut] = FANS[kind];
      const n = mode === "in" ? fanIn : mode === "out" ? fanOut : (fanIn + fanOut) / 2;
      const s = stats(make(), shape);
      // The values' standard deviation is sqrt(scale / n) whatever the distribution (Keras corrects
      // the truncated normal's by 0.8796...).
      const std = Math.sqrt(scale / n);
      assert.ok(Math.abs(s.mean) < 0.02 * std, `mean ${s.mean} (std ${std})`);
      assert.ok(Math.abs(s.std / std - 1) < 0.02, `std ${s.std}, Keras ${std}`);
      if (dist === "uniform") {
        const limit = Math.sqrt(3 * scale / n);
        assert.ok(s.min >= -limit && s.max <= limit, `within +-${limit}: [${s.min}, ${s.max}]`);
        assert.ok(s.min < -0.99 * limit && s.max > 0.99 * limit, `fills +-${limit}: [${s.min}, ${s.max}]`);
      } else if (dist === "truncated") {
        const cut = (2 * std) / TRUNC;
        assert.ok(s.min >= -cut * (1 + 1e-6) && s.max <= cut * (1 + 1e-6), `cut at 2 stddev = ${cut}: [${s.min}, ${s.max}]`);
        assert.ok(s.max > 0.98 * cut, `reaches the cut: ${s.max} vs ${cut}`);
      } else {
        assert.ok(s.max > 3 * std, `untruncated: max ${s.max} > 3 std`);
      }
    });
  }
}

test("RandomNormal, RandomUniform, TruncatedNormal: Keras' defaults and options", () => {
  let s = stats(initializers.RandomNormal({ seed: 1 }), [100, 500]);
  assert.ok(Math.abs(s.mean) < 0.002 && Math.abs(s.std - 0.05) < 0.001, `RandomNormal(): ${JSON.stringify(s)}`);
  s = stats(initializers.RandomNormal({ mean: 3, stddev: 2, seed: 1 }), [100, 500]);
  assert.ok(Math.abs(s.mean - 3) < 0.05 && Math.abs(s.std - 2) < 0.04, `RandomNormal(3, 2): ${JSON.stringify(s)}`);
  s = stats(initializers.RandomUniform({ seed: 2 }), [100, 500]);
  assert.ok(s.min >= -0.05 && s.max <= 0.05 && Math.abs(s.std - 0.1 / Math.sqrt(12)) < 0.001, `RandomUniform(): ${JSON.stringify(s)}`);
  s = stats(initializers.RandomUniform({ minval: 2, maxval: 4, seed: 2 }), [100, 500]);
  assert.ok(s.min >= 2 && s.max <= 4 && Math.abs(s.mean - 3) < 0.02, `RandomUniform(2, 4): ${JSON.stringify(s)}`);
  // Keras' TruncatedNormal has no correction: stddev 0.05 before the cut, 0.05 * 0.8796 after.
  s = stats(initializers.TruncatedNormal({ seed: 3 }), [100, 500]);
  assert.ok(s.min >= -0.1 && s.max <= 0.1 && Math.abs(s.std - 0.05 * TRUNC) < 0.001, `TruncatedNormal(): ${JSON.stringify(s)}`);
});

test("Orthogonal: orthonormal columns (rows when wider), times gain; conv kernels flattened to [k*k*in, out]", () => {
  const check = (shape: number[], gain: number) => {
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const cols = shape[shape.length - 1];
    tf.tidy(() => {
      const w = tf.reshape(initializers.Orthogonal({ gain, seed: 11 }).apply(shape), [rows, cols]);
      const g = rows >= cols ? tf.matMul(w, w, true, false) : tf.matMul(w, w, false, true);
      const err = tf.max(tf.abs(tf.sub(g, tf.mul(tf.eye(Math.min(rows, cols)), gain * gain)))).dataSync()[0];
      assert.ok(err < 1e-5, `[${shape}] gain ${gain}: |W^T W - gain^2 I| = ${err}`);
    });
  };
  check([8, 5], 1);
  check([5, 8], 1);
  check([6, 6], 2);
  check([3, 3, 4, 16], 1);
  check([3, 3, 2, 32], 0.5);
  assert.throws(() => initializers.Orthogonal().apply([5]), /Orthogonal: the weight must be at least 2-D, got shape \[5\]/);
});

test("Zeros, Ones, Constant, Identity", () => {
  const values = (i: Init, shape: number[]) => {
    const t = i.apply(shape);
    const v = Array.from(t.dataSync());
    t.dispose();
    return v;
  };
  assert.deepEqual(values(initializers.Zeros(), [2, 2]), [0, 0, 0, 0]);
  assert.deepEqual(values(initializers.Ones(), [3]), [1, 1, 1]);
  assert.deepEqual(values(initializers.Constant(2.5), [2]), [2.5, 2.5]);
  assert.deepEqual(values(initializers.Constant({ value: [1, 2] }), [2, 2]), [1, 2, 1, 2]);
  assert.deepEqual(values(initializers.Identity(3), [2, 3]), [3, 0, 0, 0, 3, 0]);
  assert.deepEqual(values(initializers.get("constant"), [2]), [0, 0]); // Keras: Constant() is 0
  assert.throws(() => initializers.Identity().apply([2, 2, 2]), /Identity initializer: the weight must be 2-D, got shape \[2, 2, 2\]/);
});

test("seeds: a seed repeats the values; as Keras, an unseeded initializer repeats its own values and differs from another's", () => {
  const values = (i: Init) => {
    const t = i.apply([4, 4]);
    const v = Array.from(t.dataSync());
    t.dispose();
    return v;
  };
  assert.deepEqual(values(initializers.GlorotUniform({ seed: 42 })), values(initializers.GlorotUniform(42)));
  assert.notDeepEqual(values(initializers.GlorotUniform({ seed: 42 })), values(initializers.GlorotUniform({ seed: 43 })));
  const unseeded = initializers.HeNormal();
  assert.deepEqual(values(unseeded), values(unseeded));
  assert.notDeepEqual(values(initializers.HeNormal()), values(initializers.HeNormal()));
  assert.deepEqual(initializers.GlorotUniform({ seed: 5 }).getConfig(), { inputAxes: null, outputAxes: null, seed: 5 });
  assert.throws(() => initializers.RandomNormal({ seed: 1.5 }), /RandomNormal: seed must be an integer, got 1.5/);
});

test("Keras' names (snake case, class names, camelCase, aliases) give Keras' initializers", () => {
  const cls = (n: string) => initializers.get(n).getClassName();
  assert.equal(cls("glorot_uniform"), "GlorotUniform");
  assert.equal(cls("GlorotNormal"), "GlorotNormal");
  assert.equal(cls("heNormal"), "HeNormal");
  assert.equal(cls("lecun_uniform"), "LecunUniform");
  assert.equal(cls("LeCunNormal"), "LecunNormal"); // tfjs' spelling
  assert.equal(cls("normal"), "RandomNormal");
  assert.equal(cls("uniform"), "RandomUniform");
  assert.equal(cls("one"), "Ones");
  assert.equal(cls("zero"), "Zeros");
  assert.equal(cls("OrthogonalInitializer"), "Orthogonal");
  assert.equal(cls("IdentityInitializer"), "Identity");
  assert.throws(() => initializers.get("glorot"), /initializers.get: unknown initializer "glorot"; expected one of zeros, zero, ones/);
  assert.throws(() => initializers.VarianceScaling({ mode: "fan_mid" }), /VarianceScaling: unknown mode "fan_mid"; expected one of fan_in, fan_out, fan_avg/);
  assert.throws(() => initializers.VarianceScaling({ distribution: "cauchy" }), /VarianceScaling: unknown distribution "cauchy"; expected one of truncated_normal, untruncated_normal, uniform/);
  assert.throws(() => initializers.VarianceScaling({ scale: 0 }), /VarianceScaling: scale must be a positive number, got 0/);
});

test("layers take them by name or object through weightArgs (Dense's default glorot_uniform bound)", () => {
  const o: BaseLayerOptions & WeightOptions<"kernel" | "bias"> = { kernelInitializer: "he_uniform", biasInitializer: initializers.Constant(0.5) };
  const layer = callable(tf.layers.dense({ ...baseArgs("Dense", o), units: 300, ...weightArgs(o, "Dense", { kernel: "glorot_uniform", bias: "zeros" }) } as never));
  tf.tidy(() => {
    layer.apply(tf.zeros([1, 200]));
    const [k, b] = layer.getWeights();
    const limit = Math.sqrt(6 / 200);
    assert.ok(tf.max(tf.abs(k)).dataSync()[0] <= limit && tf.max(tf.abs(k)).dataSync()[0] > 0.99 * limit, "he_uniform bound");
    assert.deepEqual(Array.from(b.dataSync()).slice(0, 3), [0.5, 0.5, 0.5]);
  });
  layer.dispose();
});
