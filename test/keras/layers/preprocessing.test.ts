// The preprocessing layers beyond the parity harness:
//  - the random layers in training with chosen transformations, against Keras' own transform_images
//    (test/keras/parity/image_transforms.py), and the exact adjoint as their gradient;
//  - their random draws, by formula and statistics (flips are mirrors and both happen, rotations keep
//    the centre and fill the corners, shifts move by whole pixels, contrast keeps each channel's mean
//    and is (x - mean) * f + mean with f in Keras' range);
//  - Normalization.adapt() against Keras' adapted weights (cases_preprocessing.py);
//  - output shapes and parameter counts, bad arguments, saving and loading, and training.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { callbacks, keras, layers, loadModel, optimizers, ready, tf } from "../../../src/index.ts";
import { loadFamily, tensorOf } from "../parity/parity.ts";
import { maxRelativeError } from "../../backend/relative_error.ts";
import type { RandomImageLayer } from "../../../src/keras/layers/preprocessing/random_layer.ts";
import { affineTransform, rotationMatrix } from "../../../src/keras/layers/preprocessing/affine.ts";
import { resizeNHWC } from "../../../src/keras/layers/preprocessing/resizing.ts";
import { seedEachTest } from "../seed_each_test.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
type T = tf.Tensor;

seedEachTest();

before(async () => {
  await ready();
});

// ---- the random layers with chosen transformations, against Keras ----

interface TransformCase {
  name: string;
  layer: string;
  config: Record<string, unknown>;
  params: Record<string, unknown>;
  images: { shape: number[]; data: number[] };
  output: { shape: number[]; data: number[] };
}

function transformFixture(): TransformCase[] {
  const script = join(ROOT, "test", "keras", "parity", "image_transforms.py");
  const out = join(ROOT, "out", "keras-parity", "image_transforms.json");
  if (!existsSync(out) || statSync(script).mtimeMs > statSync(out).mtimeMs) {
    mkdirSync(dirname(out), { recursive: true });
    const r = spawnSync(join(ROOT, ".venv", "bin", "python"), [script, out], { stdio: ["ignore", "inherit", "inherit"], cwd: ROOT });
    if (r.status !== 0) throw new Error(`image_transforms.py failed (exit ${r.status})`);
  }
  return (JSON.parse(readFileSync(out, "utf8")) as { cases: TransformCase[] }).cases;
}

const camel = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), v]));

for (const c of transformFixture()) {
  test(`${c.name}: tsdl's ${c.layer} with Keras' transformation gives Keras' images`, async () => {
    const make = (layers as unknown as Record<string, (o: object) => RandomImageLayer<unknown>>)[c.layer];
    const layer = make(camel(c.config));
    const x = tf.tensor(c.images.data, c.images.shape);
    const y = layer.transformWith(x, c.params);
    assert.deepEqual(y.shape, c.output.shape);
    const err = maxRelativeError(await y.data(), c.output.data);
    assert.ok(err < 1e-4, `relative error ${err.toExponential(2)}`);
    tf.dispose([x, y]);
  });
}

test("the transforms' gradient is their exact adjoint: <T x, y> = <x, grad of <T x, y>>", () => {
  const check = (what: string, f: (x: tf.Tensor4D) => tf.Tensor4D, shape: [number, number, number, number]) =>
    tf.tidy(() => {
      const x = tf.randomNormal(shape, 0, 1, "float32", 1) as tf.Tensor4D;
      const out = f(x);
      const y = tf.randomNormal(out.shape, 0, 1, "float32", 2);
      const g = tf.grad((t: T) => tf.sum(tf.mul(f(t as tf.Tensor4D), y)))(x);
      const lhs = tf.sum(tf.mul(out, y)).dataSync()[0];
      const rhs = tf.sum(tf.mul(x, g)).dataSync()[0];
      assert.ok(Math.abs(lhs - rhs) < 1e-3 * Math.max(1, Math.abs(lhs)), `${what}: ${lhs} vs ${rhs}`);
    });
  for (const mode of ["reflect", "wrap", "constant", "nearest"] as const) {
    for (const interp of ["bilinear", "nearest"] as const) {
      check(`rotation ${mode} ${interp}`, (x) => affineTransform(x, [rotationMatrix(40, 6, 5), rotationMatrix(-115, 6, 5)], interp, mode, 0), [2, 6, 5, 3]);
    }
  }
  check("resize bilinear up", (x) => resizeNHWC(x, 9, 7, "bilinear"), [2, 4, 5, 2]);
  check("resize bilinear down", (x) => resizeNHWC(x, 3, 2, "bilinear"), [2, 8, 7, 2]);
  check("resize nearest", (x) => resizeNHWC(x, 5, 9, "nearest"), [2, 4, 5, 2]);
});

// ---- the random draws ----

/** Runs a layer in training mode on `x` and returns [input values, output values] per image. */
function trainingRun(layer: ReturnType<typeof layers.RandomFlip>, x: T): T {
  return layer(x, { training: true }) as T;
}

test("RandomFlip in training: each image is itself or its mirror, both happen; the mode decides the mirror; a seed repeats", () => {
  tf.tidy(() => {
    const x = tf.randomUniform([64, 4, 5, 2], 0, 1, "float32", 3);
    const mirrors: Record<string, (t: T) => T> = {
      horizontal: (t) => tf.reverse(t, 2),
      vertical: (t) => tf.reverse(t, 1),
      horizontal_and_vertical: (t) => tf.reverse(tf.reverse(t, 1), 2),
    };
    for (const [mode, mirror] of Object.entries(mirrors)) {
      const y = trainingRun(layers.RandomFlip(mode, { seed: 5 }), x);
      const same = tf.all(tf.equal(y, x), [1, 2, 3]).arraySync() as unknown as boolean[];
      const flipped = tf.all(tf.equal(y, mirror(x)), [1, 2, 3]).arraySync() as unknown as boolean[];
      assert.ok(same.every((s, i) => s || flipped[i]), `${mode}: every image is itself or its mirror`);
      const n = flipped.filter(Boolean).length;
      assert.ok(n > 16 && n < 48, `${mode}: about half flipped, got ${n} of 64`);
      const again = trainingRun(layers.RandomFlip(mode, { seed: 5 }), x);
      assert.deepEqual(Array.from(again.dataSync()), Array.from(y.dataSync()), `${mode}: the same seed flips the same images`);
    }
    const single = tf.randomUniform([4, 5, 1]);
    assert.deepEqual((trainingRun(layers.RandomFlip(), single) as T).shape, [4, 5, 1], "an unbatched image stays unbatched");
  });
});

test("RandomRotation in training: shape kept, the centre stays, 90 degrees turns the image, 45 degrees fills the corners", () => {
  tf.tidy(() => {
    const x = tf.randomUniform([8, 7, 7, 2], 0, 1, "float32", 4);
    const any = trainingRun(layers.RandomRotation(0.2, { seed: 1 }), x);
    assert.deepEqual(any.shape, x.shape);
    assert.ok(tf.max(tf.abs(tf.sub(any, x))).dataSync()[0] > 0.1, "the images change");
    const centre = (t: T) => Array.from(tf.slice(t, [0, 3, 3, 0], [-1, 1, 1, -1]).dataSync());
    const close = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) < 1e-5);
    assert.ok(close(centre(any), centre(x)), "the centre pixel stays");
    // Exactly a quarter turn (factor [0.25, 0.25]): counter-clockwise, as Keras (x_in = -y, y_in = x about the centre).
    // out[y][x] = in[x][6 - y]: the pixel right of the centre goes to the top.
    const quarter = trainingRun(layers.RandomRotation([0.25, 0.25], { interpolation: "nearest" }), x);
    const turned = tf.reverse(tf.transpose(x, [0, 2, 1, 3]), 1);
    assert.ok(tf.max(tf.abs(tf.sub(quarter, turned))).dataSync()[0] < 1e-6, "90 degrees: a quarter turn");
    const eighth = trainingRun(layers.RandomRotation([0.125, 0.125], { fillMode: "constant", fillValue: 7 }), x);
    const corners = tf.gather(tf.reshape(eighth, [8, 49, 2]), [0, 6, 42, 48], 1);
    assert.ok(tf.all(tf.equal(corners, 7)).dataSync()[0], "45 degrees: the corners come from outside (fill value 7)");
  });
});

test("RandomRotation's angles fill factor * 360 degrees (statistics of the turns of a point)", () => {
  tf.tidy(() => {
    // A single bright pixel right of the centre; its rotated position gives the angle.
    const img = tf.buffer([200, 21, 21, 1]);
    for (let b = 0; b < 200; b++) img.set(1, b, 10, 18, 0);
    const y = trainingRun(layers.RandomRotation(0.1, { seed: 9, fillMode: "constant" }), img.toTensor()).arraySync() as number[][][][];
    const angles = y.map((im) => {
      let [sx, sy, s] = [0, 0, 0];
      im.forEach((row, r) => row.forEach((v, c) => ((sx += v[0] * (c - 10)), (sy += v[0] * (r - 10)), (s += v[0]))));
      return (Math.atan2(-sy / s, sx / s) * 180) / Math.PI; // counter-clockwise on screen
    });
    assert.ok(angles.every((a) => Math.abs(a) <= 36.5), `within +-36 degrees: [${Math.min(...angles)}, ${Math.max(...angles)}]`);
    assert.ok(Math.min(...angles) < -28 && Math.max(...angles) > 28, "spread over the range");
  });
});

test("RandomZoom and RandomTranslation in training: formulas at fixed factors, shapes kept, fill modes", () => {
  tf.tidy(() => {
    const x = tf.randomUniform([4, 10, 8, 3], 0, 1, "float32", 6);
    assert.deepEqual(trainingRun(layers.RandomZoom(0.3, { seed: 2 }), x).shape, x.shape);
    assert.ok(tf.max(tf.abs(tf.sub(trainingRun(layers.RandomZoom(0.3, { seed: 2 }), x), x))).dataSync()[0] > 0.05);
    // Zoom factor 0: the identity.
    const same = trainingRun(layers.RandomZoom([0, 0], [0, 0]), x);
    assert.ok(tf.max(tf.abs(tf.sub(same, x))).dataSync()[0] < 1e-6, "zoom 1");
    // Zoom out by 2 (factor 1) with a constant fill: the corners are fill, the image shrinks about the centre.
    const out = trainingRun(layers.RandomZoom([1, 1], { fillMode: "constant", fillValue: -1 }), x);
    assert.ok(tf.all(tf.equal(tf.slice(out, [0, 0, 0, 0], [-1, 1, 1, -1]), -1)).dataSync()[0], "zoomed out: corners filled");
    // Shift down by exactly 2 rows (0.2 of 10), right by 0: rows move, the top is filled.
    const down = trainingRun(layers.RandomTranslation([0.2, 0.2], [0, 0], { fillMode: "constant", fillValue: 9, interpolation: "nearest" }), x);
    assert.ok(tf.max(tf.abs(tf.sub(tf.slice(down, [0, 2, 0, 0], [-1, 8, -1, -1]), tf.slice(x, [0, 0, 0, 0], [-1, 8, -1, -1])))).dataSync()[0] < 1e-6, "rows shifted by 2");
    assert.ok(tf.all(tf.equal(tf.slice(down, [0, 0, 0, 0], [-1, 2, -1, -1]), 9)).dataSync()[0], "top rows filled");
    // Reflect (the default): the top rows mirror the image's first rows.
    const reflected = trainingRun(layers.RandomTranslation([0.2, 0.2], [0, 0], { interpolation: "nearest" }), x);
    const top = tf.slice(reflected, [0, 0, 0, 0], [-1, 2, -1, -1]);
    assert.ok(tf.max(tf.abs(tf.sub(top, tf.reverse(tf.slice(x, [0, 0, 0, 0], [-1, 2, -1, -1]), 1)))).dataSync()[0] < 1e-6, "reflect fills with the mirror");
    // Wrap: the top rows are the image's last rows.
    const wrapped = trainingRun(layers.RandomTranslation([0.2, 0.2], [0, 0], { interpolation: "nearest", fillMode: "wrap" }), x);
    assert.ok(tf.max(tf.abs(tf.sub(tf.slice(wrapped, [0, 0, 0, 0], [-1, 2, -1, -1]), tf.slice(x, [0, 8, 0, 0], [-1, 2, -1, -1])))).dataSync()[0] < 1e-6, "wrap");
  });
});

test("RandomTranslation's shifts fill heightFactor * height (statistics of a shifted point)", () => {
  tf.tidy(() => {
    const img = tf.buffer([200, 20, 20, 1]);
    for (let b = 0; b < 200; b++) img.set(1, b, 10, 10, 0);
    const y = trainingRun(layers.RandomTranslation(0.2, [0, 0], { seed: 4, fillMode: "constant" }), img.toTensor());
    const rows = tf.sum(tf.mul(tf.sum(y, [2, 3]), tf.range(0, 20).reshape([1, 20])), 1).div(tf.sum(y, [1, 2, 3])).sub(10).arraySync() as number[];
    assert.ok(rows.every((d) => Math.abs(d) <= 4 + 1e-4), `shifts within +-4 rows: [${Math.min(...rows)}, ${Math.max(...rows)}]`);
    assert.ok(Math.min(...rows) < -3 && Math.max(...rows) > 3, "spread over the range");
  });
});

test("RandomContrast in training: each channel's mean kept, (x - mean) * f + mean with one f per image in Keras' [1 - lower, 1 + upper]", () => {
  tf.tidy(() => {
    const x = tf.randomUniform([100, 6, 6, 3], 100, 150, "float32", 7); // no clipping at factor <= 0.5
    const check = (layer: ReturnType<typeof layers.RandomContrast>, lo: number, hi: number) => {
      const y = trainingRun(layer, x);
      const mx = tf.mean(x, [1, 2], true);
      assert.ok(tf.max(tf.abs(tf.sub(tf.mean(y, [1, 2], true), mx))).dataSync()[0] < 1e-3, "channel means kept");
      // The least-squares f of y - mean = f (x - mean) per image, then the formula must hold with it exactly.
      const [dx, dy] = [tf.sub(x, mx), tf.sub(y, mx)];
      const f = tf.div(tf.sum(tf.mul(dx, dy), [1, 2, 3]), tf.sum(tf.square(dx), [1, 2, 3]));
      const fitted = tf.add(mx, tf.mul(dx, f.reshape([100, 1, 1, 1])));
      assert.ok(tf.max(tf.abs(tf.sub(fitted, y))).dataSync()[0] < 1e-3, "(x - mean) * f + mean, one f per image");
      const fs = Array.from(f.dataSync());
      assert.ok(fs.every((v) => v >= lo - 1e-4 && v <= hi + 1e-4), `factors in [${lo}, ${hi}]: [${Math.min(...fs)}, ${Math.max(...fs)}]`);
      assert.ok(Math.min(...fs) < lo + 0.1 * (hi - lo) && Math.max(...fs) > hi - 0.1 * (hi - lo), "spread over the range");
    };
    check(layers.RandomContrast(0.5, { seed: 1 }), 1, 1.5); // Keras 3: a number f gives [1, 1 + f]
    check(layers.RandomContrast([0.4, 0.2], { seed: 2 }), 0.8, 1.4); // Keras sorts the pair: (0.2, 0.4)
    const clipped = trainingRun(layers.RandomContrast([0, 1], { valueRange: [0, 130] }), x);
    assert.ok(tf.max(clipped).dataSync()[0] <= 130, "clipped to valueRange");
  });
});

// ---- Normalization.adapt() against Keras ----

/** adapt_data of cases_preprocessing.py. */
function adaptData(n: number, shape: number[], scale: number[], shift: number[]): tf.Tensor {
  const size = n * shape.reduce((a, b) => a * b, 1);
  const last = shape[shape.length - 1];
  const v = Float32Array.from({ length: size }, (_, i) => Math.sin(i * 1.7) * scale[i % last] + shift[i % last]);
  return tf.tensor(v, [n, ...shape]);
}

/** adapt() on a tensor it does not own: the caller frees it. */
const adaptOn = (l: ReturnType<typeof layers.Normalization>, data: tf.Tensor) => l.adapt(data).finally(() => data.dispose());

const ADAPTED: Record<string, { make: () => ReturnType<typeof layers.Normalization>; adapt: (l: ReturnType<typeof layers.Normalization>) => Promise<void> }> = {
  normalization_adapted: { make: () => layers.Normalization(), adapt: (l) => adaptOn(l, adaptData(40, [3], [1, 3, 0.5], [0, 2, -1])) },
  normalization_adapted_axis_none: { make: () => layers.Normalization({ axis: null }), adapt: (l) => adaptOn(l, adaptData(40, [3], [1, 3, 0.5], [0, 2, -1])) },
  normalization_adapted_axis1: { make: () => layers.Normalization({ axis: 1 }), adapt: (l) => adaptOn(l, adaptData(10, [4, 3], [2, 1, 0.5], [1, 0, 0])) },
  normalization_adapted_invert: { make: () => layers.Normalization({ invert: true }), adapt: (l) => adaptOn(l, adaptData(20, [2], [4, 0.1], [3, -5])) },
  normalization_adapted_batches: {
    make: () => layers.Normalization(),
    adapt: async (l) => {
      const d = adaptData(30, [3], [1, 3, 0.5], [0, 2, -1]);
      const parts = [d.slice(0, 7), d.slice(7, 13), d.slice(20, 10)];
      await l.adapt(parts); // three batches: Keras' running combination
      tf.dispose([d, ...parts]);
    },
  },
};

const preprocessing = loadFamily("preprocessing");
for (const [name, spec] of Object.entries(ADAPTED)) {
  test(`${name}: tsdl's adapt() learns Keras' mean and variance, and normalizes as Keras`, async () => {
    const fx = preprocessing.find((c) => c.name === name)!;
    keras.backend.clearSession();
    const layer = spec.make();
    const before = tf.memory().numTensors;
    await spec.adapt(layer);
    const [mean, variance] = layer.getWeights();
    const [km, kv] = fx.layers[1].weights;
    assert.deepEqual(mean.shape, km.shape);
    assert.ok(maxRelativeError(await mean.data(), km.value.data) < 1e-5, `mean ${await mean.data()} vs Keras ${km.value.data}`);
    assert.ok(maxRelativeError(await variance.data(), kv.value.data) < 1e-5, `variance ${await variance.data()} vs Keras ${kv.value.data}`);
    assert.equal(tf.memory().numTensors, before + 3, "adapt keeps only the three weights it built");
    const x = tensorOf(fx.inputs[0]);
    const y = layer(x) as T;
    assert.ok(maxRelativeError(await y.data(), fx.outputs[0].data) < 1e-4, "outputs as Keras'");
    tf.dispose([x, y]);
    layer.dispose();
  });
}

test("adapt() takes nested arrays, [x, y] batches and async generators; errors name the problem", async () => {
  const data = [[1, 10], [3, 30], [5, 50], [7, 70]];
  const stats = async (l: ReturnType<typeof layers.Normalization>) => l.getWeights().slice(0, 2).map((w) => Array.from(w.dataSync()));
  const a = layers.Normalization();
  await a.adapt(data);
  assert.deepEqual(await stats(a), [[4, 40], [5, 500]]);
  const b = layers.Normalization();
  async function* gen() {
    yield [tf.tensor([[1, 10], [3, 30]]), tf.zeros([2])] as [tf.Tensor, tf.Tensor];
    yield [tf.tensor([[5, 50], [7, 70]]), tf.zeros([2])] as [tf.Tensor, tf.Tensor];
  }
  await b.adapt(gen());
  const [m, v] = await stats(b);
  assert.ok(Math.abs(m[0] - 4) < 1e-5 && Math.abs(v[1] - 500) < 1e-3, `batches: ${m} ${v}`);
  await assert.rejects(layers.Normalization({ mean: 1, variance: 1 }).adapt(data), /Normalization "normalization_\d+": adapt\(\) learns the mean and variance, but this layer was given them/);
  await assert.rejects(layers.Normalization().adapt([]), /adapt\(\) got no data/);
  await assert.rejects(a.adapt([[1, 2, 3]]), /the layer was built for input shape \[4, 2\], but adapt\(\) got data of shape \[1, 3\]/);
  await assert.rejects(layers.Normalization().adapt(5 as never), /adapt\(\) takes a tensor, an array, or an iterable of batches, got number/);
  tf.dispose([...a.getWeights(), ...b.getWeights()]);
});

// ---- shapes, counts, names, errors ----

const SHAPES: [string, () => ReturnType<typeof layers.Rescaling>, (number | null)[], (number | null)[], number][] = [
  ["Rescaling", () => layers.Rescaling(0.5), [4, 4, 3], [null, 4, 4, 3], 0],
  ["Normalization", () => layers.Normalization(), [5], [null, 5], 11], // mean + variance + count
  ["Normalization axis [1, 2]", () => layers.Normalization({ axis: [1, 2] }), [3, 4, 2], [null, 3, 4, 2], 25],
  ["Normalization axis null", () => layers.Normalization({ axis: null }), [3, 4], [null, 3, 4], 3],
  ["Normalization given", () => layers.Normalization({ mean: 1, variance: 2 }), [3], [null, 3], 0],
  ["Resizing", () => layers.Resizing(8, 6), [4, 5, 3], [null, 8, 6, 3], 0],
  ["Resizing channels first", () => layers.Resizing(8, 6, { dataFormat: "channels_first" }), [3, 4, 5], [null, 3, 8, 6], 0],
  ["CenterCrop", () => layers.CenterCrop(2, 3), [4, 5, 3], [null, 2, 3, 3], 0],
  ["CenterCrop larger", () => layers.CenterCrop(7, 9), [4, 5, 3], [null, 7, 9, 3], 0],
  ["RandomFlip", () => layers.RandomFlip(), [4, 5, 3], [null, 4, 5, 3], 0],
  ["RandomRotation", () => layers.RandomRotation(0.1), [4, 5, 3], [null, 4, 5, 3], 0],
  ["RandomZoom", () => layers.RandomZoom(0.1), [4, 5, 3], [null, 4, 5, 3], 0],
  ["RandomTranslation", () => layers.RandomTranslation(0.1, 0.1), [4, 5, 3], [null, 4, 5, 3], 0],
  ["RandomContrast", () => layers.RandomContrast(0.1), [4, 5, 3], [null, 4, 5, 3], 0],
];

for (const [what, make, input, output, params] of SHAPES) {
  test(`${what}: output shape ${JSON.stringify(output)}, ${params} parameters`, () => {
    keras.backend.clearSession();
    const layer = make();
    const y = layer(keras.Input(input)) as tf.SymbolicTensor;
    assert.deepEqual(y.shape, output);
    assert.equal(layer.countParams(), params);
    assert.equal(layer.trainableWeights.length, 0, "no trainable weights");
  });
}

test("Keras 3's automatic names and class names", () => {
  keras.backend.clearSession();
  const made = [
    layers.Rescaling(1), layers.Normalization(), layers.Resizing(2, 2), layers.CenterCrop(2, 2), layers.RandomFlip(), layers.RandomFlip(),
    layers.RandomRotation(0.1), layers.RandomZoom(0.1), layers.RandomTranslation(0.1, 0.1), layers.RandomContrast(0.1),
  ];
  assert.deepEqual(made.map((l) => l.name), [
    "rescaling", "normalization", "resizing", "center_crop", "random_flip", "random_flip_1", "random_rotation", "random_zoom", "random_translation", "random_contrast",
  ]);
  assert.deepEqual(made.map((l) => l.getClassName()), [
    "Rescaling", "Normalization", "Resizing", "CenterCrop", "RandomFlip", "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast",
  ]);
});

test("bad arguments: errors name the layer, the option and what is accepted", () => {
  assert.throws(() => layers.Rescaling("x" as never), /Rescaling: scale must be a number or an array of numbers \(one per channel\), got "x"/);
  assert.throws(() => layers.Normalization({ mean: 1 }), /Normalization: give both mean and variance, or neither \(and adapt\(\)\); got mean 1 and variance undefined/);
  assert.throws(() => layers.Normalization({ mean: [1, 2], variance: [1] }), /Normalization: mean and variance must have the same shape, got \[2\] and \[1\]/);
  assert.throws(() => layers.Normalization({ axis: 1.5 }), /Normalization: axis must be an integer, an array of integers or null, got 1.5/);
  assert.throws(() => layers.Normalization({ axis: 3 })(keras.Input([4])), /Normalization: every axis must be in \[-2, 2\) for inputs of rank 2 \(shape \[null, 4\]\), got axis \[3\]/);
  assert.throws(() => layers.Normalization({ axis: 1 })(keras.Input([null, 3])), /Normalization: every kept axis must have a known size; axis 1 of input shape \[null, null, 3\] is unknown/);
  assert.throws(() => layers.Resizing(0, 3), /Resizing: height must be a positive integer, got 0/);
  assert.throws(() => layers.Resizing(2, 3, { interpolation: "bicubic" }), /Resizing: interpolation "bicubic" is not supported in tsdl; expected one of "bilinear", "nearest"/);
  assert.throws(() => layers.Resizing(2, 3, { interpolation: "cubic" }), /Resizing: unknown interpolation "cubic"; expected one of "bilinear", "nearest"/);
  assert.throws(() => layers.Resizing(2, 3, { cropToAspectRatio: true, padToAspectRatio: true }), /only one of cropToAspectRatio and padToAspectRatio/);
  assert.throws(() => layers.Resizing(2, 3, { dataFormat: "nhwc" }), /Resizing: dataFormat must be "channels_last" or "channels_first", got "nhwc"/);
  assert.throws(() => layers.CenterCrop(2, -1), /CenterCrop: width must be a positive integer, got -1/);
  assert.throws(() => layers.RandomFlip("diagonal"), /RandomFlip: unknown mode "diagonal"; expected one of "horizontal", "vertical", "horizontal_and_vertical"/);
  assert.throws(() => layers.RandomRotation(1.5), /RandomRotation: factor must be a number \(or a list of two numbers\) in the range \[-1, 1\], got 1.5/);
  assert.throws(() => layers.RandomRotation(0.1, { fillMode: "mirror" }), /RandomRotation: unknown fillMode "mirror"; expected one of "reflect", "wrap", "constant", "nearest"/);
  assert.throws(() => layers.RandomZoom(-1), /RandomZoom: heightFactor must be a number \(or a list of two numbers\) in the range \(-1.0, 1.0\], got -1/);
  assert.throws(() => layers.RandomZoom(0.1, 0.2, { interpolation: "area" }), /RandomZoom: unknown interpolation "area"; expected one of "bilinear", "nearest"/);
  assert.throws(() => layers.RandomTranslation(0.1, [0.1, 2]), /RandomTranslation: widthFactor must be a number \(or a list of two numbers\) in the range \[-1.0, 1.0\], got \[0.1,2\]/);
  assert.throws(() => layers.RandomTranslation(0.1 as never), /RandomTranslation: heightFactor and widthFactor are required/);
  assert.throws(() => layers.RandomContrast(-0.1), /RandomContrast: factor must be a number \(or a list of two numbers\) in the range \[0, 1\], got -0.1/);
  assert.throws(() => layers.RandomContrast(0.1, { valueRange: [1, 0] }), /RandomContrast: valueRange must be \[low, high\] with low <= high, got \[1,0\]/);
  assert.throws(() => layers.RandomFlip({ seed: 1.5 }), /RandomFlip: seed must be an integer, got 1.5/);
  // Wrong rank: the layer, what it expects and what it got.
  assert.throws(() => layers.RandomFlip()(keras.Input([5])), /RandomFlip "random_flip_\d+": expected images of rank 3 \(\[height, width, channels\]\) or 4 \(\[batch, height, width, channels\]\), got shape \[null, 5\]/);
  assert.throws(() => layers.Resizing(2, 2)(keras.Input([5, 5, 5, 3])), /Resizing "resizing_\d+": expected images of rank 3 .* got shape \[null, 5, 5, 5, 3\]/);
  assert.throws(() => tf.tidy(() => layers.CenterCrop(2, 2)(tf.zeros([3, 3]))), /CenterCrop "center_crop_\d+": expected images of rank 3 .* got shape \[3, 3\]/);
});

// ---- saving, training ----

test("a model with preprocessing layers saves and loads (adapted statistics included)", async () => {
  keras.backend.clearSession();
  const norm = layers.Normalization();
  await norm.adapt(tf.tidy(() => tf.randomNormal([50, 4, 4, 3], 2, 3, "float32", 1)));
  const x = keras.Input([4, 4, 3]);
  const y = layers.Dense(2)(layers.Flatten()(layers.RandomContrast(0.2)(layers.RandomFlip("horizontal", { seed: 3 })(layers.CenterCrop(3, 3)(layers.Resizing(5, 5)(norm(layers.Rescaling(0.5)(x))))))));
  const model = keras.Model(x, y);
  const dir = join(mkdtempSync(join(tmpdir(), "tsdl-preprocessing-")), "m");
  await model.save(dir);
  const loaded = await loadModel(dir);
  assert.deepEqual(loaded.layers.map((l) => l.getClassName()), model.layers.map((l) => l.getClassName()));
  tf.tidy(() => {
    const v = tf.randomUniform([2, 4, 4, 3], 0, 5, "float32", 2);
    const a = model.tf.predict(v) as T;
    const b = loaded.tf.predict(v) as T;
    assert.ok(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] < 1e-5, "the loaded model predicts the same");
  });
  model.tf.dispose();
  loaded.tf.dispose();
});

test("training a small CNN behind every preprocessing layer: loss falls, tensors flat across epochs", async () => {
  keras.backend.clearSession();
  const n = 64;
  const { x, y } = tf.tidy(() => {
    const labels = tf.randomUniform([n], 0, 2, "int32", 8);
    const base = tf.randomUniform([n, 10, 10, 3], 0, 120, "float32", 9);
    const bright = tf.mul(tf.reshape(tf.cast(labels, "float32"), [n, 1, 1, 1]), 100);
    return { x: tf.add(base, bright), y: tf.cast(labels, "float32").reshape([n, 1]) };
  });
  const norm = layers.Normalization();
  await norm.adapt(x);
  const model = keras.Sequential([
    keras.Input([10, 10, 3]),
    layers.Rescaling(1),
    layers.Resizing(12, 12),
    layers.CenterCrop(10, 10),
    layers.RandomFlip(),
    layers.RandomRotation(0.05, { seed: 1 }),
    layers.RandomZoom(0.1, null, { seed: 2 }),
    layers.RandomTranslation(0.1, 0.1, { seed: 3 }),
    layers.RandomContrast(0.2, { seed: 4, valueRange: [0, 1000] }),
    norm,
    layers.Conv2D(4, 3, { activation: "relu" }),
    layers.Flatten(),
    layers.Dense(1, { activation: "sigmoid" }),
  ]);
  model.compile({ optimizer: optimizers.Adam({ learningRate: 0.01 }), loss: "binary_crossentropy" });
  const counts: number[] = [];
  const history = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [new callbacks.LambdaCallback({ onEpochEnd: () => void counts.push(tf.memory().numTensors) })] });
  const loss = history.history.loss;
  assert.ok(loss[2] < loss[0], `loss falls: ${loss}`);
  assert.ok(counts.every((c) => c === counts[0]), `tensors after each epoch: ${counts}`);
  tf.dispose([x, y]);
  model.tf.dispose();
});

test("a random layer after a trainable one trains it (its gradient flows back)", async () => {
  keras.backend.clearSession();
  const model = keras.Sequential([
    keras.Input([6, 6, 1]),
    layers.Conv2D(2, 3, { padding: "same" }),
    layers.RandomRotation(0.1, { seed: 1 }),
    layers.RandomZoom(0.1, null, { seed: 1 }),
    layers.Resizing(4, 4),
    layers.Flatten(),
    layers.Dense(1),
  ]);
  model.compile({ optimizer: optimizers.SGD({ learningRate: 0.01 }), loss: "mse" });
  const x = tf.randomNormal([16, 6, 6, 1], 0, 1, "float32", 3);
  const y = tf.randomNormal([16, 1], 0, 1, "float32", 4);
  const before = tf.tidy(() => Array.from(model.layers[0].getWeights()[0].dataSync()));
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  const after = tf.tidy(() => Array.from(model.layers[0].getWeights()[0].dataSync()));
  assert.ok(before.some((v, i) => v !== after[i]), "the convolution's kernel moved");
  tf.dispose([x, y]);
  model.tf.dispose();
});
