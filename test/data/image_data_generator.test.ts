// flowFromDirectory and flow on generated JPEG trees and tensors: shapes, rescaling, labels that match
// the folders, deterministic order with a seed, bad input, and training from the generator.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImageDataGenerator, keras, layers, ready, standIn, tf } from "../../src/index.ts";

let tree: string;

before(async () => {
  await ready();
  tree = await standIn.writeImageTree(mkdtempSync(join(tmpdir(), "tsdl-tree-")), 12, 48);
});

function captureLog<T>(f: () => T): [T, string[]] {
  const lines: string[] = [];
  const log = console.log;
  const warn = console.warn;
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  console.warn = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    return [f(), lines];
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

test("flowFromDirectory: Keras' message, classIndices, batches of the right shape, rescaled, labels from the folders", async () => {
  const [it, log] = captureLog(() => new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(tree, { targetSize: [32, 40], batchSize: 10, classMode: "categorical", seed: 1 }));
  assert.ok(log.includes("Found 24 images belonging to 2 classes."), log.join("\n"));
  assert.deepEqual(it.classIndices, { cats: 0, dogs: 1 });
  assert.equal(it.samples, 24);
  assert.equal(it.length, 3);
  assert.equal(it.filenames[0], join("cats", "cat.0.jpg"));
  const { value: [x, y] } = await it.next();
  assert.deepEqual(x.shape, [10, 32, 40, 3]);
  assert.deepEqual(y.shape, [10, 2]);
  const [max] = await x.max().data();
  assert.ok(max <= 1 && max > 0.5, `rescaled to [0, 1], max ${max}`);
  // Cats are warm (red > blue), dogs cool: the label of every image must match its colours.
  const means = await tf.tidy(() => tf.mean(x, [1, 2])).array() as number[][];
  const labels = await y.array() as number[][];
  means.forEach(([r, , b], i) => assert.equal(labels[i][0] === 1, r > b, `image ${i}: rgb mean ${r}, ${b}, label ${labels[i]}`));
  tf.dispose([x, y]);
  await it.dispose();
});

test("the same seed gives the same order; classMode binary, sparse and null; grayscale", async () => {
  const gen = new ImageDataGenerator();
  const order = async (seed: number) => {
    const it = captureLog(() => gen.flowFromDirectory(tree, { targetSize: [8, 8], batchSize: 24, classMode: "sparse", seed }))[0];
    const { value: [x, y] } = await it.next();
    const out = [Array.from(await y.data()), Array.from(await x.sum([1, 2, 3]).data())];
    tf.dispose([x, y]);
    await it.dispose();
    return out;
  };
  assert.deepEqual(await order(7), await order(7));
  assert.notDeepEqual((await order(7))[1], (await order(8))[1]);
  const bin = captureLog(() => gen.flowFromDirectory(tree, { targetSize: [8, 8], batchSize: 4, classMode: "binary", shuffle: false }))[0];
  const { value: [, yb] } = await bin.next();
  assert.deepEqual(Array.from(await yb.data()), [0, 0, 0, 0]);
  assert.equal(yb.dtype, "float32");
  await bin.dispose();
  const gray = captureLog(() => gen.flowFromDirectory(tree, { targetSize: [8, 8], batchSize: 2, colorMode: "grayscale", classMode: null }))[0];
  const { value: [xg] } = await gray.next();
  assert.deepEqual(xg.shape, [2, 8, 8, 1]);
  await gray.dispose();
});

test("validationSplit with subset splits each class, as Keras", () => {
  const gen = new ImageDataGenerator({ validationSplit: 0.25 });
  const [val] = captureLog(() => gen.flowFromDirectory(tree, { subset: "validation", targetSize: [8, 8] }));
  const [train] = captureLog(() => gen.flowFromDirectory(tree, { subset: "training", targetSize: [8, 8] }));
  assert.equal(val.samples, 6);
  assert.equal(train.samples, 18);
  assert.deepEqual(val.filenames.slice(0, 3), [join("cats", "cat.0.jpg"), join("cats", "cat.1.jpg"), join("cats", "cat.10.jpg")]);
});

test("bad input: a missing folder, no class folders, a non-image file and a corrupt JPEG", async () => {
  const gen = new ImageDataGenerator();
  assert.throws(() => gen.flowFromDirectory("/no/such/folder"), /flowFromDirectory: cannot read the folder \/no\/such\/folder .*expected a folder with one subfolder per class/);
  const flat = mkdtempSync(join(tmpdir(), "tsdl-flat-"));
  writeFileSync(join(flat, "a.jpg"), "x");
  assert.throws(() => gen.flowFromDirectory(flat), /has no class subfolders; expected .*\/<class>\/<image files>/);
  const bad = await standIn.writeImageTree(mkdtempSync(join(tmpdir(), "tsdl-bad-")), 3, 16);
  writeFileSync(join(bad, "cats", "notes.jpg"), "I am text, not a picture");
  const good = await standIn.petJpeg("dog", 16, 1);
  writeFileSync(join(bad, "dogs", "broken.jpg"), good.subarray(0, 60));
  const [it, log] = captureLog(() => gen.flowFromDirectory(bad, { targetSize: [16, 16], batchSize: 7, shuffle: false }));
  assert.ok(log.some((l) => l.includes(`skipping ${join(bad, "cats", "notes.jpg")}: not an image file`)), log.join("\n"));
  assert.ok(log.includes("Found 7 images belonging to 2 classes."));
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...a: unknown[]) => void warnings.push(a.join(" "));
  try {
    const { value: [x, y] } = await it.next();
    assert.deepEqual(x.shape, [6, 16, 16, 3], "the corrupt file is skipped, the batch goes on");
    assert.deepEqual(y.shape, [6, 2]);
  } finally {
    console.warn = warn;
  }
  assert.ok(warnings.some((w) => w.includes(`skipping ${join(bad, "dogs", "broken.jpg")}: cannot decode it as an image`)), warnings.join("\n"));
  await it.dispose();
});

test("flow(x, y) batches tensors; augmentation keeps shapes; a model trains from a generator", async () => {
  const x = tf.randomUniform([20, 8, 8, 3], 0, 255);
  const y = tf.tensor1d(Array.from({ length: 20 }, (_, i) => i % 2), "int32");
  const gen = new ImageDataGenerator({ rescale: 1 / 255, horizontalFlip: true, rotationRange: 20, widthShiftRange: 0.1, heightShiftRange: 0.1, zoomRange: 0.1 });
  const it = gen.flow(x, y, { batchSize: 8, seed: 3 });
  assert.equal(it.length, 3);
  const { value: [xb, yb] } = await it.next();
  assert.deepEqual(xb.shape, [8, 8, 8, 3]);
  assert.deepEqual(yb.shape, [8]);
  assert.ok((await xb.max().data())[0] <= 1.0001);
  await it.dispose();
  tf.dispose([xb, yb]);

  const train = captureLog(() => new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(tree, { targetSize: [16, 16], batchSize: 8, seed: 2 }))[0];
  const model = keras.Sequential([layers.Flatten({ inputShape: [16, 16, 3] }), layers.BatchNormalization(), layers.Dense(2, { activation: "softmax" })]);
  model.compile({ loss: "categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
  const before = tf.memory().numTensors;
  const h = await model.fitGenerator(train, { epochs: 4, verbose: 0, validationData: train });
  assert.equal(h.history.loss.length, 4);
  assert.ok(h.history.accuracy[3] >= h.history.accuracy[0]);
  await train.dispose();
  assert.ok(tf.memory().numTensors <= before + 8, "batches are freed (only the optimizer's state stays)");
});
