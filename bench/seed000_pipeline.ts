// Seed 000/001's input pipeline: flowFromDirectory over JPEGs the size of the articles' photos
// (500x375, generated), target 224x224, batch 10, beside PIL on the same files (Keras' load_img path:
// Image.open, convert RGB, resize nearest, img_to_array), interleaved rounds, medians; and the deep
// model (7x Conv2D(20, 2x2, same) + MaxPooling(2)) trained from flowFromDirectory vs from memory.
// Usage: node --import tsx bench/seed000_pipeline.ts [rounds=3] [--no-train]. Prints one JSON line.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import * as tf from "@tensorflow/tfjs";
import { ImageDataGenerator, keras, layers, ready } from "../src/index.ts";
import { petJpeg } from "../src/data/stand_in.ts";

const rounds = Number(process.argv[2] ?? 3);
const train = !process.argv.includes("--no-train");
await ready();
const dir = join(tmpdir(), "tsdl-bench-seed000-jpegs");
if (!existsSync(join(dir, "dogs", "dog.99.jpg"))) {
  for (const [kind, folder] of [["cat", "cats"], ["dog", "dogs"]] as const) {
    mkdirSync(join(dir, folder), { recursive: true });
    for (let i = 0; i < 100; i++) {
      const square = await petJpeg(kind, 500, i * 2 + (kind === "dog" ? 1 : 0));
      writeFileSync(join(dir, folder, `${kind}.${i}.jpg`), await sharp(square).resize(500, 375, { fit: "fill" }).jpeg({ quality: 90 }).toBuffer());
    }
  }
}
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
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

// images/s of wall time, and CPU ms per image (all threads; robust to a loaded machine)
async function tsdlDecode(): Promise<[number, number]> {
  const it = quiet(() => new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(dir, { targetSize: [224, 224], batchSize: 10, shuffle: false }));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < it.length; i++) {
    const { value: [x, y] } = await it.next();
    tf.dispose([x, y]);
  }
  const rate = files.length / ((performance.now() - t0) / 1000);
  const c = process.cpuUsage(c0);
  await it.dispose();
  return [rate, (c.user + c.system) / 1000 / files.length];
}

function pilDecode(): [number, number] {
  const out = execFileSync(process.env.PIL_PYTHON ?? "/usr/bin/python3", ["-c", `
import json, time
from PIL import Image
import numpy as np
files = ${JSON.stringify(files)}
t0 = time.perf_counter()
c0 = time.process_time()
for f in files:
    img = Image.open(f)
    if img.mode != "RGB":
        img = img.convert("RGB")
    img = img.resize((224, 224), Image.NEAREST)
    a = np.asarray(img, dtype=np.float32) / 255.0
print(json.dumps([len(files) / (time.perf_counter() - t0), (time.process_time() - c0) * 1000 / len(files)]))
`], { encoding: "utf8" });
  return JSON.parse(out) as [number, number];
}

const tsdlRates: number[] = [];
const pilRates: number[] = [];
const tsdlCpu: number[] = [];
const pilCpu: number[] = [];
await tsdlDecode(); // warm-up (the decoder, the page cache)
for (let r = 0; r < rounds; r++) {
  const [pr, pc] = pilDecode();
  const [tr, tc] = await tsdlDecode();
  pilRates.push(pr), pilCpu.push(pc), tsdlRates.push(tr), tsdlCpu.push(tc);
}
const result: Record<string, unknown> = {
  decodeResize224: {
    tsdlImagesPerS: median(tsdlRates),
    pilImagesPerS: median(pilRates),
    ratio: median(tsdlRates) / median(pilRates),
    tsdlCpuMsPerImage: median(tsdlCpu),
    pilCpuMsPerImage: median(pilCpu),
    tsdlRates,
    pilRates,
  },
};

if (train) {
  const deep = () => {
    const m = keras.Sequential([layers.Input({ shape: [224, 224, 3] })]);
    for (let i = 0; i < 7; i++) {
      m.add(layers.Conv2D(20, [2, 2], { padding: "same", activation: "relu" }));
      m.add(layers.MaxPooling2D([2, 2]));
    }
    m.add(layers.Flatten());
    m.add(layers.Dense(2, { activation: "softmax" }));
    m.compile({ loss: "categorical_crossentropy", optimizer: keras.optimizers.Adam({ learningRate: 0.001 }), metrics: ["accuracy"] });
    return m;
  };
  const model = deep();
  const gen = quiet(() => new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(dir, { targetSize: [224, 224], batchSize: 10, seed: 1 }));
  const x = tf.randomUniform([files.length, 224, 224, 3]);
  const y = tf.oneHot(tf.randomUniform([files.length], 0, 2, "int32"), 2).toFloat();
  await model.fit(x, y, { epochs: 1, batchSize: 10, verbose: 0, stepsPerEpoch: 2 } as never); // warm-up
  const fromDir: number[] = [];
  const fromMemory: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t0 = performance.now();
    await model.fit(gen, undefined, { epochs: 1, verbose: 0 });
    fromDir.push((performance.now() - t0) / gen.length);
    t0 = performance.now();
    await model.fit(x, y, { epochs: 1, batchSize: 10, verbose: 0 });
    fromMemory.push((performance.now() - t0) / Math.ceil(files.length / 10));
  }
  await gen.dispose();
  tf.dispose([x, y]);
  result.deepStep = { generatorStepMs: median(fromDir), memoryStepMs: median(fromMemory), overhead: median(fromDir) / median(fromMemory) - 1, fromDir, fromMemory };
}
console.log(JSON.stringify(result));
