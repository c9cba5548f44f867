// keras.utils.loadImg / imgToArray / arrayToImg / saveImg against Keras' own load_img, img_to_array and
// array_to_img (keras 3.15 with Pillow, in the project's .venv) on the same files: JPEGs of both chroma
// layouts, a PNG with alpha, resized or not, colour and grey: the same values to the bit.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import sharp from "sharp";
import { keras, ready, standIn, tf } from "../../src/index.ts";
import { runKeras } from "../keras/keras_oracle.ts";
import { loadNative } from "../../src/backend/native_kernels.ts";

const native = typeof (loadNative().addon as { decodeJpeg?: unknown } | undefined)?.decodeJpeg === "function";
let dir: string;
const files: Record<string, string> = {};

before(async () => {
  await ready();
  dir = mkdtempSync(join(tmpdir(), "tsdl-load-img-"));
  const photo = await standIn.petJpeg("dog", 300, 3);
  files.jpeg420 = join(dir, "dog.jpg");
  writeFileSync(files.jpeg420, await sharp(photo).resize(250, 187, { fit: "fill" }).jpeg({ quality: 88 }).toBuffer());
  files.png = join(dir, "alpha.png");
  writeFileSync(files.png, await sharp(photo).resize(64, 48, { fit: "fill" }).ensureAlpha(0.5).png().toBuffer());
  files.jpeg422 = join(dir, "pil.jpg");
  execFileSync("/usr/bin/python3", ["-c", `from PIL import Image; Image.open(${JSON.stringify(files.jpeg420)}).save(${JSON.stringify(files.jpeg422)}, quality=90, subsampling=1)`]);
});

interface Case { file: keyof typeof files | string; colorMode?: "rgb" | "grayscale" | "rgba"; targetSize?: [number, number] }
const CASES: Case[] = [
  { file: "jpeg420" },
  { file: "jpeg420", targetSize: [180, 180] },
  { file: "jpeg420", targetSize: [61, 97], colorMode: "grayscale" },
  { file: "jpeg422", targetSize: [224, 224] },
  { file: "png", colorMode: "rgba" },
  { file: "png", targetSize: [30, 40] },
];

test("loadImg + imgToArray: the values of Keras' load_img + img_to_array, to the bit", async () => {
  const keras3 = runKeras<{ shape: number[]; values: number[] }[]>(["-c", `
import json, sys
import numpy as np
import keras
out = []
for c in json.load(sys.stdin):
    img = keras.utils.load_img(c["path"], color_mode=c.get("colorMode", "rgb"), target_size=tuple(c["targetSize"]) if c.get("targetSize") else None)
    a = keras.utils.img_to_array(img)
    out.append({"shape": list(a.shape), "values": a.ravel().tolist()})
print(json.dumps(out))
`], CASES.map((c) => ({ ...c, path: files[c.file] })));
  for (const [i, c] of CASES.entries()) {
    const img = await keras.utils.loadImg(files[c.file], { colorMode: c.colorMode, targetSize: c.targetSize });
    const x = keras.utils.imgToArray(img);
    const what = `${c.file} ${c.colorMode ?? "rgb"} ${c.targetSize ?? "own size"}`;
    assert.deepEqual(x.shape, keras3[i].shape, what);
    assert.equal(x.dtype, "float32");
    const got = await x.data();
    x.dispose();
    // (the native decoder gives PIL's JPEG pixels exactly; sharp, without it, only close ones)
    const exact = native || !c.file.startsWith("jpeg") || !c.targetSize;
    let bad = 0;
    for (let j = 0; j < got.length; j++) if (exact ? got[j] !== keras3[i].values[j] : Math.abs(got[j] - keras3[i].values[j]) > 64) bad++;
    assert.ok(exact ? bad === 0 : bad < got.length / 4, `${what}: ${bad} of ${got.length} values differ from Keras'`);
  }
});

test("arrayToImg scales to 0..255 as Keras' array_to_img, and saveImg writes a file loadImg reads back", async () => {
  const values = [[[-1, 0, 2]], [[3, 0.5, 1]]]; // [2, 1, 3]
  const want = runKeras<number[]>(["-c", `
import json, sys
import numpy as np
import keras
x = np.array(json.load(sys.stdin), dtype="float32")
print(json.dumps(np.asarray(keras.utils.array_to_img(x)).ravel().tolist()))
`], values);
  const img = await keras.utils.arrayToImg(tf.tensor3d(values));
  assert.equal(img.mode, "RGB");
  assert.deepEqual(img.size, [1, 2]);
  assert.deepEqual([...img.data], want);
  const png = join(dir, "saved.png");
  await keras.utils.saveImg(png, tf.tensor3d(values));
  assert.ok(existsSync(png));
  const back = await keras.utils.loadImg(png);
  assert.deepEqual([...back.data], want);
  const bundle = await (img as unknown as Record<symbol, () => Promise<Record<string, string>>>)[Symbol.for("Jupyter.display")]();
  assert.match(bundle["text/plain"], /<Img mode=RGB size=1x2>/);
  assert.ok(Buffer.from(bundle["image/png"], "base64").subarray(1, 4).toString() === "PNG");
});

test("loadImg: clear errors for a missing file, a file that is not an image, and bad options", async () => {
  await assert.rejects(keras.utils.loadImg(join(dir, "missing.jpg")), /loadImg: cannot read .*missing\.jpg/);
  const text = join(dir, "notes.jpg");
  writeFileSync(text, "not an image");
  await assert.rejects(keras.utils.loadImg(text), /loadImg: .*notes\.jpg is not an image file/);
  await assert.rejects(keras.utils.loadImg(files.png, { targetSize: [0, 4] as never }), /loadImg: targetSize must be \[height, width\] in pixels, got \[0,4\]/);
  await assert.rejects(keras.utils.loadImg(files.png, { interpolation: "box" as never }), /loadImg: interpolation must be one of "nearest", "bilinear", "bicubic", "lanczos", got "box"/);
  await assert.rejects(keras.utils.loadImg(files.png, { colorMode: "cmyk" as never }), /loadImg: colorMode must be one of "rgb", "rgba", "grayscale", got "cmyk"/);
});
