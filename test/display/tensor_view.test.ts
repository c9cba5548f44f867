// Tensors as cell values: numpy is the oracle of the text (np.array2string(a, separator=", ") with its
// default print options, run from the project's .venv), and the table and image are checked by their
// definitions (which rows and columns numpy's summary keeps, the pixels of known values).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import sharp from "sharp";
import { ready, tf } from "../../src/index.ts";
import { arrayText, imageLayout, imagePixels, isTensorLike, shownIndices, tensorBundle, tensorTable, tensorText } from "../../src/display/tensor_view.ts";
import { toBundle } from "../../src/kernel/mime_bundle.ts";

const PY = new URL("../../.venv/bin/python", import.meta.url).pathname;

before(async () => {
  await ready();
});

/** A seeded stream of numbers (so the cases are the same on every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Case = { shape: number[]; dtype: "float32" | "int32"; values: number[] };

function floats(shape: number[], seed: number, scale: (r: () => number) => number): Case {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, dtype: "float32", values: Array.from({ length: n }, () => Math.fround(scale(r))) };
}

const normal = (r: () => number) => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());

const CASES: Case[] = [
  { shape: [2, 3], dtype: "float32", values: [0.1, 0.25, 1, -3.5, 100, 7].map(Math.fround) },
  floats([5], 1, (r) => normal(r)),
  floats([3, 4], 2, (r) => normal(r) * 1e-3),
  floats([3, 4], 3, (r) => normal(r) * 1e4),
  floats([4, 3], 4, (r) => normal(r) * 3e6),
  floats([6], 5, (r) => Math.round(r() * 10) / 4),
  floats([2, 3, 4], 6, (r) => r()),
  floats([1001], 7, (r) => normal(r)),
  floats([40, 50], 8, (r) => r() * 300),
  floats([3, 400], 9, (r) => normal(r)),
  floats([2, 2, 2, 2], 10, (r) => normal(r) * 0.01),
  floats([12, 12, 12], 11, (r) => r() - 0.5),
  { shape: [4], dtype: "float32", values: [NaN, 1.5, -Infinity, 2] },
  { shape: [3], dtype: "float32", values: [Infinity, 0, 0] },
  { shape: [3], dtype: "float32", values: [0, -0, 0] },
  { shape: [3], dtype: "float32", values: [1e-5, 1e5, 3].map(Math.fround) },
  { shape: [], dtype: "float32", values: [Math.fround(3.25)] },
  { shape: [2, 3, 4], dtype: "int32", values: Array.from({ length: 24 }, (_, i) => i - 7) },
  { shape: [1200], dtype: "int32", values: Array.from({ length: 1200 }, (_, i) => i * 37 - 9000) },
  { shape: [0], dtype: "float32", values: [] },
  { shape: [2, 0], dtype: "int32", values: [] },
  // Twenty more, across magnitudes from 1e-6 to 1e6 and shapes up to three axes.
  ...Array.from({ length: 20 }, (_, i) => floats([[7], [3, 5], [2, 3, 5], [9, 4]][i % 4], 100 + i, (r) => normal(r) * 10 ** ((i % 13) - 6))),
];

function numpyTexts(cases: Case[]): string[] {
  // JSON has no NaN, Infinity or -0: they travel as the strings Python's float() reads.
  const script = [
    "import json, sys, numpy as np",
    "for c in json.load(sys.stdin):",
    "    a = np.array([float(v) for v in c['values']], dtype=c['dtype']).reshape(c['shape'])",
    "    print(np.array2string(a, separator=', '))",
    "    print('\\x00')",
  ].join("\n");
  const payload = JSON.stringify(cases.map((c) => ({ ...c, values: c.values.map((v) => (Object.is(v, -0) ? "-0.0" : Number.isFinite(v) ? v : String(v).replace("Infinity", "inf"))) })));
  return execFileSync(PY, ["-c", script], { input: payload, encoding: "utf8" }).split("\n\x00\n").slice(0, cases.length);
}

test("the text of a tensor is numpy's np.array2string(a, separator=', '): precision, summarising, line wrapping, nan/inf, scientific form", { skip: existsSync(PY) ? false : "no .venv/bin/python (scripts/setup-python.sh)" }, () => {
  const expected = numpyTexts(CASES);
  for (const [i, c] of CASES.entries()) {
    assert.equal(arrayText(c.shape, c.dtype, c.values), expected[i], `case ${i}: shape [${c.shape}] ${c.dtype}`);
  }
});

test("the header says shape and dtype; bool and string tensors read as TypeScript values", () => {
  assert.equal(tensorText([2], "bool", [1, 0]), "Tensor shape=[2] dtype=bool\n[ true, false]");
  assert.equal(tensorText([2], "string", ["a", "it's"]), "Tensor shape=[2] dtype=string\n['a', 'it\\'s']");
  assert.equal(tensorText([], "int32", [7], "Variable"), "Variable shape=[] dtype=int32\n7");
});

test("a 2-D tensor's table keeps numpy's rows and columns: all up to 1000 elements, else the first and last 3 around '...'", () => {
  assert.deepEqual(shownIndices(5, false), [0, 1, 2, 3, 4]);
  assert.deepEqual(shownIndices(7, true), [0, 1, 2, -1, 4, 5, 6]);
  assert.deepEqual(shownIndices(6, true), [0, 1, 2, 3, 4, 5]);
  const values = Array.from({ length: 40 * 50 }, (_, i) => i);
  const html = tensorTable([40, 50], "int32", values);
  const rows = html.match(/<tr>/g)!.length;
  assert.equal(rows, 1 + 7, "a header row, 3 + '...' + 3 rows");
  assert.equal((html.match(/<th [^>]*>\.\.\.<\/th>/g) ?? []).length, 2, "a '...' column head and a '...' row head");
  assert.match(html, /<th [^>]*>49<\/th>/);
  assert.match(html, /<th [^>]*>39<\/th><td [^>]*>1950<\/td>/, "row 39 starts with 39 * 50");
  assert.match(html, /Tensor shape=\[40, 50\] dtype=int32/);
  const small = tensorTable([2, 2], "float32", [0.5, 1, -2, 3]);
  assert.equal((small.match(/<td /g) ?? []).length, 4);
  assert.doesNotMatch(small, /\.\.\./);
  assert.throws(() => tensorTable([3], "float32", [1, 2, 3]), /a 2-D tensor is needed, got shape \[3\]/);
});

test("image shapes: [h, w, 1|3|4] and [n <= 16, h, w, c] with sides of 8 or more; values 0..1, 0..255 or stretched", () => {
  assert.deepEqual(imageLayout([28, 28, 1], "float32"), { n: 1, h: 28, w: 28, c: 1 });
  assert.deepEqual(imageLayout([4, 32, 32, 3], "int32"), { n: 4, h: 32, w: 32, c: 3 });
  for (const shape of [[4, 4, 3], [28, 28, 2], [17, 28, 28, 1], [28, 28], [2, 3, 28, 28, 1]]) assert.equal(imageLayout(shape, "float32"), undefined, `[${shape}]`);
  assert.equal(imageLayout([28, 28, 3], "string"), undefined);
  // One 8x8 gray image, 0..1: enlarged 8 times to 64x64, the value 0.5 -> 128.
  const half = imagePixels([8, 8, 1], "float32", new Float32Array(64).fill(0.5))!;
  assert.equal(half.width, 64);
  assert.equal(half.height, 64);
  assert.equal(half.data[0], 128);
  assert.match(half.scaling, /0\.\.1 times 255/);
  // 0..255 as they are; anything else stretched from min to max.
  const raw = imagePixels([8, 8, 1], "float32", Float32Array.from({ length: 64 }, (_, i) => (i === 0 ? 200 : 3)))!;
  assert.equal(raw.data[0], 200);
  const stretched = imagePixels([8, 8, 1], "float32", Float32Array.from({ length: 64 }, (_, i) => (i === 0 ? -1 : 1)))!;
  assert.equal(stretched.data[0], 0);
  assert.equal(stretched.data[stretched.width * 8 * 1 + 8], 255);
  assert.match(stretched.scaling, /stretched from their range -1\.\.1/);
  // Three RGB images side by side with 2-pixel gaps: 3 * 64 + 2 * 2 wide.
  const three = imagePixels([3, 8, 8, 3], "int32", new Int32Array(3 * 64 * 3).fill(10))!;
  assert.equal(three.width, 3 * 64 + 4);
  assert.equal(three.height, 64);
  assert.deepEqual([...three.data.slice(64 * 3, 66 * 3)], [255, 255, 255, 255, 255, 255], "the gap is white");
});

test("tensorBundle: text/plain always, text/html for 2-D, image/png (a real PNG of the drawn size) for image shapes; the kernel's toBundle uses it", async () => {
  const m = tf.tensor2d([[1, 2], [3, 4]]);
  const b2 = await toBundle(m);
  assert.deepEqual(Object.keys(b2).sort(), ["text/html", "text/plain"]);
  assert.equal(b2["text/plain"], "Tensor shape=[2, 2] dtype=float32\n[[1., 2.],\n [3., 4.]]");
  const img = tf.tidy(() => tf.linspace(0, 1, 2 * 28 * 28).reshape([2, 28, 28, 1]));
  const b4 = await tensorBundle(img);
  assert.ok(typeof b4["image/png"] === "string");
  const meta = await sharp(Buffer.from(b4["image/png"] as string, "base64")).metadata();
  assert.equal(meta.format, "png");
  assert.equal(meta.width, 2 * 28 * 3 + 2, "two 28x28 images enlarged 3 times, a 2-pixel gap");
  assert.equal(meta.height, 28 * 3);
  assert.match(b4["text/plain"] as string, /^Tensor shape=\[2, 28, 28, 1\] dtype=float32\n\[\[\[\[/);
  assert.match(b4["text/plain"] as string, /also shown as an image: values 0\.\.1 times 255/);
  const v = tf.variable(tf.zeros([3]));
  assert.ok(isTensorLike(v));
  assert.match((await toBundle(v))["text/plain"] as string, /^Variable shape=\[3\] dtype=float32\n\[0\., 0\., 0\.\]$/);
  const gone = tf.ones([2]);
  gone.dispose();
  assert.equal((await toBundle(gone))["text/plain"], "Tensor shape=[2] dtype=float32 (disposed)");
  assert.equal(isTensorLike({ shape: [1], dtype: "float32" }), false);
  tf.dispose([m, img, v]);
});
