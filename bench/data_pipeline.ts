// Decode + resize throughput (JPEG -> 224x224 RGB floats) of tsdl's generator (sharp) beside Python's
// PIL on the same files, and whether training waits on data: time per step of a small convnet fed by
// flowFromDirectory vs fed the same batches from memory. Prints one JSON line.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { ImageDataGenerator, keras, layers, ready, standIn } from "../src/index.ts";

await ready();
const dir = await standIn.writeImageTree(mkdtempSync(join(tmpdir(), "tsdl-bench-data-")), 100, 500);
const files = ["cats", "dogs"].flatMap((c) => readdirSync(join(dir, c)).map((f) => join(dir, c, f)));
const quiet = <T>(f: () => T): T => {
  const log = console.log;
  console.log = () => {};
  try {
    return f();
  } finally {
    console.log = log;
  }
};

// 1. Decode + resize: one pass over 200 JPEGs of 500x500, in batches of 32.
const it = quiet(() => new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(dir, { targetSize: [224, 224], batchSize: 32, shuffle: false, interpolation: "bilinear", prefetch: 1 }));
let t0 = performance.now();
for (let i = 0; i < it.length; i++) {
  const { value: [x, y] } = await it.next();
  tf.dispose([x, y]);
}
const tsdlImagesPerS = files.length / ((performance.now() - t0) / 1000);
await it.dispose();
const pil = JSON.parse(
  execFileSync("/usr/bin/python3", ["-c", `
import json, sys, time
from PIL import Image
import numpy as np
files = ${JSON.stringify(files)}
t0 = time.perf_counter()
for f in files:
    a = np.asarray(Image.open(f).convert("RGB").resize((224, 224), Image.BILINEAR), dtype=np.float32) / 255.0
print(json.dumps({"imagesPerS": len(files) / (time.perf_counter() - t0)}))
`], { encoding: "utf8" }),
) as { imagesPerS: number };

// 2. Does training wait on data? Same model, same batch shapes: from the generator vs from memory.
const model = keras.Sequential([layers.Conv2D(16, [3, 3], { inputShape: [128, 128, 3], activation: "relu" }), layers.MaxPooling2D([4, 4]), layers.Flatten(), layers.Dense(2, { activation: "softmax" })]);
model.compile({ loss: "categorical_crossentropy", optimizer: "adam" });
const gen = quiet(() => new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(dir, { targetSize: [128, 128], batchSize: 16, seed: 1 }));
await model.fit(gen, undefined, { epochs: 1, verbose: 0, stepsPerEpoch: 2 }); // warm-up
t0 = performance.now();
await model.fit(gen, undefined, { epochs: 1, verbose: 0 });
const generatorStepMs = (performance.now() - t0) / gen.length;
const x = tf.randomUniform([gen.samples, 128, 128, 3]);
const y = tf.oneHot(tf.randomUniform([gen.samples], 0, 2, "int32"), 2).toFloat();
t0 = performance.now();
await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
const memoryStepMs = (performance.now() - t0) / Math.ceil(gen.samples / 16);
await gen.dispose();
console.log(JSON.stringify({ decodeResize224: { tsdlImagesPerS, pilImagesPerS: pil.imagesPerS, ratio: tsdlImagesPerS / pil.imagesPerS }, stepTime: { generatorStepMs, memoryStepMs, overhead: generatorStepMs / memoryStepMs - 1 } }));
