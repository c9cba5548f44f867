// keras.utils.imageDatasetFromDirectory on a generated tree of JPEG and PNG files (three classes of
// different sizes and colours, nested folders, an upper-case extension, a hidden folder, files that are
// not images), against Keras 3 itself run on the same tree (test/data/image_dataset_keras.py): the files
// of each subset in order and the label of each, the printed lines, class names, shapes, dtypes and the
// mean colour of each resized image (to a tolerance: the decoders and resamplers differ). Then what Keras
// does not show: the dataset chain (take, skip, map, shuffle, prefetch, cache), the freeing of what was
// decoded ahead, errors, and a model trained from it with a flat tensor count.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { keras, layers, ready, tf } from "../../src/index.ts";
import { imageDatasetFromDirectory } from "../../src/data/image_dataset.ts";
import { MT19937 } from "../../src/data/numpy_random.ts";
import type { BatchDataset } from "../../src/data/batch_dataset.ts";
import { cropWindow } from "../../src/data/image_files.ts";
import { seedEachTest } from "../keras/seed_each_test.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const PYTHON = join(ROOT, ".venv", "bin", "python");

let tree: string;
let empty: string;
let keras3: Record<string, KerasCase>;

interface KerasDataset {
  file_paths: string[];
  labels: number[] | null;
  length: number;
  x_shape?: number[];
  x_dtype?: string;
  x_min?: number;
  x_max?: number;
  x_means?: number[][];
  y_shape?: number[];
  y_dtype?: string;
  y?: unknown;
}
interface KerasCase {
  printed: string[];
  error?: string;
  class_names?: string[] | null;
  datasets: KerasDataset[];
}

/** A smooth image (so that resampling changes the means little): a colour per class, gradients and two bands. */
async function image(file: string, width: number, height: number, rgb: [number, number, number], k: number): Promise<void> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // A band on the left and one at the top: a crop that is not centred, or none, changes the mean.
      const g = (x / width) * 40 + (y / height) * 20 + (k % 5) * 3 + (x < width / 5 ? 35 : 0) + (y < height / 5 ? 25 : 0);
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(rgb[c] + (c === k % 3 ? g : -g / 2))));
    }
  }
  mkdirSync(dirname(file), { recursive: true });
  const img = sharp(data, { raw: { width, height, channels: 3 } });
  writeFileSync(file, await (file.toLowerCase().endsWith(".png") ? img.png() : img.jpeg({ quality: 95 })).toBuffer());
}

async function writeTree(dir: string): Promise<void> {
  const red: [number, number, number] = [200, 60, 50];
  const green: [number, number, number] = [60, 180, 70];
  const blue: [number, number, number] = [50, 70, 200];
  let k = 0;
  for (let i = 0; i < 5; i++) await image(join(dir, "birds", `b${i}.jpg`), 20 + 9 * i, 18 + 5 * i, green, k++);
  for (const name of ["cat10.jpg", "cat2.jpg", "cat1.jpg", "CAT3.JPG", "a-b/c.jpg", "a/d.jpg"]) await image(join(dir, "cats", name), 40, 30 + k, red, k++);
  for (const name of ["dog.0.png", "dog.1.png", "dog.2.jpeg", "puppies/p0.jpg", "puppies/p1.jpg"]) await image(join(dir, "dogs", name), 33 + k, 41, blue, k++);
  await image(join(dir, ".hidden", "h.jpg"), 16, 16, red, k++);
  await image(join(dir, "top.jpg"), 16, 16, blue, k++);
  writeFileSync(join(dir, "README.txt"), "not an image\n");
  writeFileSync(join(dir, "cats", "notes.txt"), "not an image either\n");
  writeFileSync(join(dir, "dogs", "puppies", "Thumbs.db"), "thumbnail cache");
}

const CASES: { name: string; kwargs: Record<string, unknown>; batches?: boolean; dir?: () => string }[] = [
  { name: "sorted", kwargs: { shuffle: false, image_size: [24, 32] }, batches: true },
  { name: "crop", kwargs: { shuffle: false, image_size: [20, 20], crop_to_aspect_ratio: true }, batches: true },
  { name: "gray", kwargs: { shuffle: false, image_size: [16, 16], color_mode: "grayscale", batch_size: 4 }, batches: true },
  { name: "categorical", kwargs: { shuffle: false, image_size: [8, 8], label_mode: "categorical", batch_size: 5 }, batches: true },
  { name: "binary", kwargs: { shuffle: false, image_size: [8, 8], label_mode: "binary", class_names: ["dogs", "cats"] }, batches: true },
  { name: "seeded", kwargs: { seed: 1337, image_size: [8, 8] } },
  { name: "training", kwargs: { seed: 1337, validation_split: 0.25, subset: "training", image_size: [8, 8] } },
  { name: "validation", kwargs: { seed: 1337, validation_split: 0.25, subset: "validation", image_size: [8, 8] } },
  { name: "both", kwargs: { seed: 2, validation_split: 0.3, subset: "both", image_size: [8, 8], batch_size: 3 } },
  { name: "both_sorted", kwargs: { shuffle: false, validation_split: 0.2, subset: "both", image_size: [8, 8] } },
  { name: "unlabelled", kwargs: { labels: null, shuffle: false, image_size: [8, 8] } },
  { name: "unlabelled_seeded", kwargs: { label_mode: null, seed: 5, image_size: [8, 8] } },
  { name: "explicit", kwargs: { labels: [0, 2, 4, 0, 2, 4, 0, 2, 4, 0, 2, 4, 0, 2, 4, 0, 2, 4], shuffle: false, image_size: [8, 8], label_mode: "categorical", batch_size: 18 }, batches: true },
  { name: "class_names", kwargs: { class_names: ["dogs", "cats"], seed: 11, image_size: [8, 8] } },
  { name: "no_validation_file", kwargs: { seed: 1, validation_split: 0.01, subset: "training", image_size: [8, 8] } },
];

/** The options of a Keras case in tsdl's spelling. */
function tsdlOptions(kwargs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}

function captureLog<T>(f: () => T): [T, string[], string[]] {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const warn = console.warn;
  console.log = (...a: unknown[]) => void out.push(a.join(" "));
  console.warn = (...a: unknown[]) => void err.push(a.join(" "));
  try {
    return [f(), out, err];
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

type AnyDataset = BatchDataset<tf.Tensor[]>;
function asList(r: unknown): AnyDataset[] {
  return (Array.isArray(r) ? r : [r]) as AnyDataset[];
}

/** The label of each file of a dataset made with shuffle false: read from the batches. */
async function labelsOf(ds: AnyDataset): Promise<number[]> {
  const out: number[] = [];
  for await (const [x, y] of ds as AsyncIterable<tf.Tensor[]>) {
    out.push(...(Array.from(await y.data()) as number[]));
    tf.dispose([x, y]);
  }
  return out;
}

seedEachTest();

before(async () => {
  await ready();
  tree = join(mkdtempSync(join(tmpdir(), "tsdl-imgds-")), "tree");
  await writeTree(tree);
  empty = mkdtempSync(join(tmpdir(), "tsdl-imgds-flat-"));
  await image(join(empty, "loose.jpg"), 10, 10, [1, 2, 3], 0);
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing; run bash scripts/setup-python.sh (npm test does)`);
  const input = JSON.stringify(CASES.map((c) => ({ name: c.name, directory: tree, kwargs: c.kwargs, batches: !!c.batches })));
  const r = spawnSync(PYTHON, [join(HERE, "image_dataset_keras.py")], { input, cwd: ROOT, maxBuffer: 64 << 20, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`Keras oracle failed (${r.status}): ${r.stderr}`);
  keras3 = JSON.parse(r.stdout);
});

for (const c of CASES) {
  test(`as Keras 3: ${c.name} (${JSON.stringify(c.kwargs)})`, async () => {
    const want = keras3[c.name];
    let got: AnyDataset[];
    let printed: string[];
    try {
      const [r, out] = captureLog(() => imageDatasetFromDirectory(tree, tsdlOptions(c.kwargs)));
      got = asList(r);
      printed = out;
    } catch (e) {
      assert.ok(want.error, `tsdl threw (${(e as Error).message}) where Keras did not`);
      assert.match((e as Error).message, /no images found/i);
      assert.match(want.error, /No images found/);
      return;
    }
    assert.equal(want.error, undefined, `Keras threw ${want.error}`);
    assert.deepEqual(printed, want.printed);
    assert.equal(got.length, want.datasets.length);
    assert.deepEqual(got[0].classNames, want.class_names);
    for (const [i, w] of want.datasets.entries()) {
      const ds = got[i];
      assert.deepEqual(ds.filePaths, w.file_paths, `dataset ${i}: the files and their order`);
      assert.equal(ds.length, w.length);
      // In file order (shuffle false) the labels of the batches are Keras' labels of the files.
      if (c.kwargs.shuffle === false && w.labels && c.kwargs.label_mode !== "categorical") assert.deepEqual(await labelsOf(ds), w.labels);
      if (!w.x_shape) continue;
      const it = ds[Symbol.asyncIterator]();
      const first = (await it.next()).value as tf.Tensor[];
      await it.return(undefined);
      const [x, y] = first;
      assert.deepEqual(x.shape, w.x_shape);
      assert.equal(x.dtype, w.x_dtype);
      const [min, max] = [(await x.min().data())[0], (await x.max().data())[0]];
      assert.ok(min >= 0 && max <= 255 && max > 100, `pixels in 0..255 as Keras' (${w.x_min}..${w.x_max}), got ${min}..${max}`);
      const means = (await tf.tidy(() => x.mean([1, 2])).array()) as number[][];
      means.forEach((m, j) => m.forEach((v, ch) => assert.ok(Math.abs(v - w.x_means![j][ch]) < 3, `image ${j} channel ${ch}: mean ${v.toFixed(2)}, Keras ${w.x_means![j][ch].toFixed(2)}`)));
      if (w.y_shape) {
        assert.deepEqual(y.shape, w.y_shape);
        assert.equal(y.dtype, w.y_dtype);
        assert.deepEqual(await y.array(), w.y);
      }
      tf.dispose(first);
    }
  });
}

test("shuffled and split: Keras' label of each file is its folder's index in tsdl's classNames", async () => {
  for (const name of ["training", "validation", "both", "class_names", "seeded"]) {
    const c = CASES.find((k) => k.name === name)!;
    const got = asList(captureLog(() => imageDatasetFromDirectory(tree, tsdlOptions(c.kwargs)))[0]);
    for (const [i, w] of keras3[name].datasets.entries()) {
      const files = got[i].filePaths;
      const expectedByFile = new Map(w.file_paths.map((f, j) => [f, w.labels![j]]));
      const names = got[i].classNames!;
      const folderLabel = (f: string) => names.indexOf(f.slice(tree.length + 1).split("/")[0]);
      assert.deepEqual(files.map(folderLabel), files.map((f) => expectedByFile.get(f)), `${name} ${i}`);
    }
  }
});

test("numpy's RandomState(seed).shuffle bit for bit (the file shuffle Keras does before splitting)", () => {
  const script = "import numpy as np, json\nout = {}\nfor seed in (0, 1, 1337, 999999, 2**32 - 1):\n    a = list(range(50)); np.random.RandomState(seed).shuffle(a); out[seed] = a\nr = np.random.RandomState(42); out['u32'] = [int(v) for v in r.randint(0, 2**32, size=5, dtype=np.uint64)]\nprint(json.dumps(out))";
  const r = spawnSync(PYTHON, ["-c", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const want = JSON.parse(r.stdout);
  for (const seed of [0, 1, 1337, 999999, 2 ** 32 - 1]) assert.deepEqual(new MT19937(seed).shuffle(Array.from({ length: 50 }, (_, i) => i)), want[seed], `seed ${seed}`);
  assert.throws(() => new MT19937(-1), /seed must be an integer in \[0, 2\*\*32 - 1\], got -1/);
});

test("crop window is Keras' smart_resize box", () => {
  assert.deepEqual(cropWindow(340, 500, 200, 200), { top: 0, left: 80, height: 340, width: 340 });
  assert.deepEqual(cropWindow(30, 41, 20, 10), { top: 0, left: 13, height: 30, width: 15 });
  assert.deepEqual(cropWindow(1, 100, 100, 1), { top: 0, left: 49, height: 1, width: 1 });
});

test("labelMode int, categorical, binary: dtype and shape as Keras, labels from the folder names", async () => {
  const names = ["birds", "cats", "dogs"];
  for (const labelMode of ["int", "categorical"] as const) {
    const ds = captureLog(() => imageDatasetFromDirectory(tree, { labelMode, imageSize: [12, 10], batchSize: 4, seed: 3 }))[0];
    assert.equal(ds.length, 4);
    assert.deepEqual(ds.classNames, names);
    let seen = 0;
    for await (const [x, y] of ds) {
      assert.deepEqual(x.shape.slice(1), [12, 10, 3]);
      assert.equal(x.dtype, "float32");
      const n = x.shape[0];
      assert.deepEqual(y.shape, labelMode === "int" ? [n] : [n, 3]);
      assert.equal(y.dtype, labelMode === "int" ? "int32" : "float32");
      // birds green, cats red, dogs blue: the label of each image must be its colour's.
      const means = (await tf.tidy(() => x.mean([1, 2])).array()) as number[][];
      const ys = labelMode === "int" ? ((await y.array()) as number[]) : ((await y.argMax(-1).array()) as number[]);
      means.forEach((m, j) => assert.equal(names[ys[j]], ["cats", "birds", "dogs"][m.indexOf(Math.max(...m))], `image ${j} means ${m}`));
      seen += n;
      tf.dispose([x, y]);
    }
    assert.equal(seen, 16);
  }
  const bin = captureLog(() => imageDatasetFromDirectory(tree, { labelMode: "binary", classNames: ["cats", "dogs"], shuffle: false, imageSize: 8 }))[0];
  const [[x, y]] = await collect(bin);
  assert.deepEqual(y.shape, [11, 1]);
  assert.equal(y.dtype, "float32");
  assert.deepEqual(Array.from(await y.data()), [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  tf.dispose([x, y]);
  assert.throws(() => captureLog(() => imageDatasetFromDirectory(tree, { labelMode: "binary" })), /labelMode "binary" needs exactly 2 classes, got 3 \(birds, cats, dogs\)/);
});

async function collect<E extends tf.Tensor[]>(ds: AsyncIterable<E>): Promise<E[]> {
  const out: E[] = [];
  for await (const e of ds) out.push(e);
  return out;
}

test("labelMode null and labels null yield [x] only; batchSize null yields single images; rgba", async () => {
  const [ds, printed] = captureLog(() => imageDatasetFromDirectory(tree, { labels: null, shuffle: false, imageSize: [6, 6], batchSize: 7 }));
  assert.deepEqual(printed, ["Found 18 files."]);
  assert.equal(ds.classNames, null);
  const batches = await collect(ds);
  assert.deepEqual(batches.map((b) => b.length), [1, 1, 1]);
  assert.deepEqual(batches.map((b) => b[0].shape[0]), [7, 7, 4]);
  batches.forEach((b) => tf.dispose(b));
  const single = captureLog(() => imageDatasetFromDirectory(tree, { shuffle: false, imageSize: [5, 4], batchSize: null, labelMode: "categorical", colorMode: "rgba" }))[0];
  assert.equal(single.length, 16);
  const [[x, y]] = await collect(single.take(1));
  assert.deepEqual(x.shape, [5, 4, 4]);
  assert.deepEqual(y.shape, [3]);
  assert.deepEqual(Array.from(await y.data()), [1, 0, 0]);
  assert.equal((await x.slice([0, 0, 3], [5, 4, 1]).min().data())[0], 255, "opaque alpha");
  tf.dispose([x, y]);
});

test("validationSplit: training and validation are disjoint, together every file, the same for the same seed; shuffle false splits the sorted list", () => {
  const all = captureLog(() => imageDatasetFromDirectory(tree, { shuffle: false }))[0].filePaths;
  for (const seed of [0, 7, 123]) {
    const [[train, val], printed] = captureLog(() => imageDatasetFromDirectory(tree, { validationSplit: 0.4, subset: "both", seed }));
    assert.deepEqual(printed, ["Found 16 files belonging to 3 classes.", "Using 10 files for training.", "Using 6 files for validation."]);
    assert.equal(train.filePaths.length + val.filePaths.length, 16);
    assert.equal(new Set([...train.filePaths, ...val.filePaths]).size, 16);
    assert.deepEqual([...train.filePaths, ...val.filePaths].sort(), [...all].sort());
    const again = captureLog(() => imageDatasetFromDirectory(tree, { validationSplit: 0.4, subset: "validation", seed }))[0];
    assert.deepEqual(again.filePaths, val.filePaths);
    const t = captureLog(() => imageDatasetFromDirectory(tree, { validationSplit: 0.4, subset: "training", seed }))[0];
    assert.deepEqual(t.filePaths, train.filePaths);
  }
  const a = captureLog(() => imageDatasetFromDirectory(tree, { validationSplit: 0.4, subset: "validation", seed: 1 }))[0].filePaths;
  const b = captureLog(() => imageDatasetFromDirectory(tree, { validationSplit: 0.4, subset: "validation", seed: 2 }))[0].filePaths;
  assert.notDeepEqual(a, b);
  const v = captureLog(() => imageDatasetFromDirectory(tree, { validationSplit: 0.25, subset: "validation", shuffle: false }))[0];
  assert.deepEqual(v.filePaths, all.slice(12));
});

test("each pass reshuffles within the file list; a seed repeats the passes; the validation set of 'both' keeps its order", async () => {
  const order = async (seed: number) => {
    const ds = captureLog(() => imageDatasetFromDirectory(tree, { seed, imageSize: 4, batchSize: 16 }))[0];
    const passes: number[][] = [];
    for (let p = 0; p < 3; p++) {
      for await (const [x, y] of ds) {
        passes.push(Array.from(await tf.tidy(() => x.sum([1, 2, 3])).data()));
        tf.dispose([x, y]);
      }
    }
    return passes;
  };
  const a = await order(4);
  assert.deepEqual(a, await order(4));
  assert.notDeepEqual(a[0], a[1], "a new order each pass");
  assert.deepEqual([...a[0]].sort(), [...a[1]].sort(), "the same images");
  const [, val] = captureLog(() => imageDatasetFromDirectory(tree, { seed: 4, validationSplit: 0.5, subset: "both", imageSize: 4 }))[0];
  const p1 = await labelsOf(val);
  assert.deepEqual(await labelsOf(val), p1);
});

test("take, skip, map, shuffle, prefetch, cache", async () => {
  const ds = captureLog(() => imageDatasetFromDirectory(tree, { shuffle: false, imageSize: 4, batchSize: 5 }))[0];
  assert.equal(ds.length, 4);
  assert.equal(ds.take(2).length, 2);
  assert.equal(ds.take(9).length, 4);
  assert.equal(ds.take(-1).length, 4);
  assert.equal(ds.skip(3).length, 1);
  assert.equal(ds.skip(-1).length, 0);
  const labels = await labelsOf(ds);
  assert.deepEqual(labels, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
  assert.deepEqual(await labelsOf(ds.take(2)), labels.slice(0, 10));
  assert.deepEqual(await labelsOf(ds.skip(3)), labels.slice(15));
  assert.deepEqual(await labelsOf(ds.skip(1).take(1)), labels.slice(5, 10));
  const scaled = ds.map((x, y) => [tf.div(x, 255), y]);
  for await (const [x, y] of scaled) {
    assert.ok((await x.max().data())[0] <= 1);
    tf.dispose([x, y]);
  }
  const xs = ds.map((x) => x);
  const [[only]] = await collect(xs.take(1));
  assert.deepEqual(only.shape, [5, 4, 4, 3]);
  only.dispose();
  const shuffled = ds.shuffle(4, { seed: 1 });
  const s1 = await labelsOf(shuffled);
  assert.deepEqual([...s1].sort(), labels);
  const sameEach = ds.shuffle(4, { seed: 1, reshuffleEachIteration: false });
  assert.deepEqual(await labelsOf(sameEach), await labelsOf(sameEach));
  assert.deepEqual(await labelsOf(ds.prefetch(3)), labels);
  assert.deepEqual(await labelsOf(ds.prefetch()), labels);
  const cached = ds.cache();
  const before = await collect(cached.take(1));
  const again = await collect(cached.take(1));
  assert.deepEqual(await before[0][0].array(), await again[0][0].array());
  [...before, ...again].forEach((e) => tf.dispose(e));
  assert.throws(() => ds.take(1.5), /Dataset.take: count must be an integer >= 0 \(or -1\), got 1.5/);
  assert.throws(() => ds.shuffle(0), /bufferSize must be a positive integer, got 0/);
  assert.throws(() => ds.cache("/tmp/x"), /caching to a file/);
  await assert.rejects(collect(ds.map(() => Promise.resolve(tf.zeros([1])) as never)), /not a Promise/);
});

test("nothing is left behind: a pass broken off, take, skip, shuffle and prefetch free what they decoded ahead", async () => {
  const ds = captureLog(() => imageDatasetFromDirectory(tree, { seed: 1, imageSize: 4, batchSize: 2, prefetch: 3 }))[0];
  const start = tf.memory().numTensors;
  for await (const [x, y] of ds) {
    tf.dispose([x, y]);
    break;
  }
  for (const d of [ds.take(2), ds.skip(5), ds.shuffle(3, { seed: 2 }).take(1), ds.prefetch(4).take(1), ds.map((x, y) => [tf.mul(x, 2), y]).take(2)]) {
    for (const e of await collect(d)) tf.dispose(e);
  }
  assert.equal(tf.memory().numTensors, start);
});

test("errors: no class subfolders, an unknown labelMode, labels of the wrong length, and Keras' argument checks", () => {
  assert.throws(() => imageDatasetFromDirectory(empty), new RegExp(`${empty} has no class subfolders; with labels "inferred" it must hold one folder of images per class .*pass labels: null`));
  assert.throws(() => imageDatasetFromDirectory(tree, { labelMode: "sparse" as never }), /labelMode must be one of "int", "categorical", "binary" or null, got "sparse"/);
  assert.throws(() => captureLog(() => imageDatasetFromDirectory(tree, { labels: [0, 1, 2] })), /labels has 3 entries but .* has 18 image files; expected one label per file/);
  assert.throws(() => imageDatasetFromDirectory(join(tree, "nowhere")), /cannot read the folder .*nowhere \(no such folder\)/);
  assert.throws(() => imageDatasetFromDirectory(tree, { labels: "folders" as never }), /labels must be "inferred" .*, null .* or an array of integer labels/);
  assert.throws(() => imageDatasetFromDirectory(tree, { labels: [0], classNames: ["a"] }), /classNames can only be given with labels "inferred"/);
  assert.throws(() => imageDatasetFromDirectory(tree, { classNames: ["cats", "horses"] }), /classNames \["horses"\] are not subfolders of .*; expected some of \["birds","cats","dogs"\]/);
  assert.throws(() => imageDatasetFromDirectory(tree, { colorMode: "cmyk" as never }), /colorMode must be one of "rgb", "rgba", "grayscale", got "cmyk"/);
  assert.throws(() => imageDatasetFromDirectory(tree, { imageSize: [0, 3] }), /imageSize must be \[height, width\] in pixels .* got \[0,3\]/);
  assert.throws(() => imageDatasetFromDirectory(tree, { interpolation: "cubic" as never }), /interpolation must be one of "bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic", got "cubic"/);
  assert.throws(() => imageDatasetFromDirectory(tree, { validationSplit: 0.2 }), /subset and validationSplit go together/);
  assert.throws(() => imageDatasetFromDirectory(tree, { subset: "training" }), /subset and validationSplit go together/);
  assert.throws(() => imageDatasetFromDirectory(tree, { validationSplit: 1.5, subset: "training", seed: 1 }), /validationSplit must be between 0 and 1, got 1.5/);
  assert.throws(() => imageDatasetFromDirectory(tree, { validationSplit: 0.2, subset: "training" }), /a seed must be given/);
  assert.throws(() => imageDatasetFromDirectory(tree, { validationSplit: 0.2, subset: "test" as never, seed: 1 }), /subset must be "training", "validation" or "both", got "test"/);
  assert.throws(() => imageDatasetFromDirectory(tree, { batchSize: 0 }), /batchSize must be a positive integer or null, got 0/);
  assert.throws(() => imageDatasetFromDirectory(tree, { cropToAspectRatio: true, padToAspectRatio: true }), /only one of cropToAspectRatio and padToAspectRatio/);
});

test("a file with an image extension that is no image: counted as Keras counts it, a warning at the scan, the batch that reads it fails naming it", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "tsdl-imgds-bad-")), "d");
  await image(join(dir, "a", "ok.jpg"), 8, 8, [10, 20, 30], 0);
  mkdirSync(join(dir, "b"));
  writeFileSync(join(dir, "b", "broken.jpg"), "this is not a JPEG");
  const [ds, printed, warned] = captureLog(() => imageDatasetFromDirectory(dir, { shuffle: false, imageSize: 4, batchSize: 1 }));
  assert.deepEqual(printed, ["Found 2 files belonging to 2 classes."]);
  assert.match(warned.join("\n"), /1 file\(s\) with an image extension are not images \(.*broken.jpg\)/);
  const start = tf.memory().numTensors;
  await assert.rejects(async () => {
    for await (const e of ds) tf.dispose(e);
  }, /cannot decode .*b\/broken.jpg as an image/);
  assert.equal(tf.memory().numTensors, start);
});

test("padToAspectRatio keeps the image undistorted inside zeros; cropToAspectRatio fills the frame", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "tsdl-imgds-wide-")), "d");
  await image(join(dir, "a", "wide.png"), 40, 10, [200, 200, 200], 0);
  const [[[padded]]] = [await collect(captureLog(() => imageDatasetFromDirectory(dir, { shuffle: false, imageSize: [20, 20], padToAspectRatio: true, labelMode: null }))[0])];
  const rows = (await tf.tidy(() => padded.mean([0, 2, 3])).array()) as number[];
  assert.deepEqual(padded.shape, [1, 20, 20, 3]);
  assert.ok(rows[0] === 0 && rows[19] === 0 && rows[10] > 100, `zero rows above and below: ${rows.map((r) => r.toFixed(0))}`);
  const [[[cropped]]] = [await collect(captureLog(() => imageDatasetFromDirectory(dir, { shuffle: false, imageSize: [20, 20], cropToAspectRatio: true, labelMode: null }))[0])];
  assert.ok((await cropped.min().data())[0] > 50);
  tf.dispose([padded, cropped]);
});

test("keras.utils.imageDatasetFromDirectory trains a model with fit and validationData, evaluate and predict; tensors flat across epochs", async () => {
  const [[train, val]] = captureLog(() => keras.utils.imageDatasetFromDirectory(tree, { validationSplit: 0.25, subset: "both", seed: 9, imageSize: [16, 16], batchSize: 4 }));
  assert.equal(train.length, 3);
  assert.equal(val.length, 1);
  const model = keras.Sequential([
    layers.Input([16, 16, 3]),
    layers.Rescaling(1 / 255),
    layers.Conv2D(4, 3, { activation: "relu" }),
    layers.GlobalAveragePooling2D(),
    layers.Dense(3, { activation: "softmax" }),
  ]);
  model.compile({ optimizer: keras.optimizers.Adam(0.05), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  const counts: number[] = [];
  const history = await model.fit(train.map((x, y) => [x, y]), {
    epochs: 8,
    validationData: val,
    verbose: 0,
    callbacks: [new keras.callbacks.LambdaCallback({ onEpochEnd: () => void counts.push(tf.memory().numTensors) })],
  });
  assert.equal(new Set(counts.slice(1)).size, 1, `tensors per epoch: ${counts}`);
  const loss = history.history.loss as number[];
  assert.ok(loss[loss.length - 1] < loss[0], `loss ${loss}`);
  assert.equal((history.history.val_loss as number[]).length, 8);
  const start = tf.memory().numTensors;
  const evaluated = await model.evaluate(val, { verbose: 0 });
  tf.dispose(evaluated as never);
  const stepsShort = await model.fit(train, { epochs: 2, stepsPerEpoch: 1, verbose: 0 });
  assert.equal((stepsShort.history.loss as number[]).length, 2);
  assert.equal(tf.memory().numTensors, start, "a pass cut short by stepsPerEpoch frees the batches it decoded ahead");
  const unlabelled = captureLog(() => keras.utils.imageDatasetFromDirectory(tree, { labelMode: null, shuffle: false, imageSize: [16, 16], batchSize: 5 }))[0];
  const p = (await model.predict(unlabelled)) as tf.Tensor;
  assert.deepEqual(p.shape, [18, 3], "labelMode null reads the whole tree, as Keras (labels: null)");
  p.dispose();
});

test("a dataset shows in a notebook as its one-line summary, mapped or prefetched too", () => {
  const c = CASES.find((k) => k.name === "both")!;
  const [train] = asList(captureLog(() => imageDatasetFromDirectory(tree, tsdlOptions(c.kwargs)))[0]);
  for (const ds of [train, train.map((x, y) => [x, y]), train.prefetch()]) {
    const bundle = (ds as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();
    assert.deepEqual(Object.keys(bundle), ["text/plain"]);
    assert.match(bundle["text/plain"], /^BatchDataset\(\d+ elements(, classNames: .*)?\)$/);
  }
});
