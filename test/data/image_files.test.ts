// flowFromDirectory's pixels against Keras' load_img path (PIL: open, convert to RGB or L, resize
// nearest), on JPEGs of photo-like sizes, colour and grey, up- and down-scaled: equal to the last bit,
// rescaled as tf.mul(x, 1/255) would. With the native decoder (native/jpeg.cc) built, JPEGs go through
// it; without it (TSDL_NATIVE=0), sharp decodes them and only the shapes and ranges are checked.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { ImageDataGenerator, ready, standIn, tf } from "../../src/index.ts";
import { loadNative } from "../../src/backend/native_kernels.ts";

const native = typeof (loadNative().addon as { decodeJpeg?: unknown } | undefined)?.decodeJpeg === "function";
let dir: string;
const files: string[] = [];

before(async () => {
  await ready();
  dir = mkdtempSync(join(tmpdir(), "tsdl-jpeg-"));
  mkdirSync(join(dir, "a"));
  const sizes: [number, number][] = [[500, 375], [375, 500], [97, 61], [224, 224]];
  for (const [k, [w, h]] of sizes.entries()) {
    const square = await standIn.petJpeg(k % 2 ? "dog" : "cat", 256, k);
    const f = join(dir, "a", `${k}.jpg`);
    writeFileSync(f, await sharp(square).resize(w, h, { fit: "fill" }).jpeg({ quality: 85 }).toBuffer());
    files.push(f);
  }
  const grey = join(dir, "a", "grey.jpg");
  writeFileSync(grey, await sharp(await standIn.petJpeg("cat", 300, 9)).greyscale().jpeg().toBuffer());
  files.push(grey);
  // PIL's encoder, for the chroma layouts sharp does not write (4:2:2, 4:4:4), progressive files and
  // sizes down to a few pixels (a chroma plane 2 samples wide, which libjpeg replicates, not filters).
  const made = execFileSync("/usr/bin/python3", ["-c", `
import sys
import numpy as np
from PIL import Image
rng = np.random.default_rng(7)
for w, h, sub, prog in [(333, 251, 0, False), (500, 375, 1, False), (257, 190, 2, True), (7, 5, 1, False), (3, 4, 2, False), (64, 48, 1, True)]:
    yy, xx = np.mgrid[0:h, 0:w]
    a = np.stack([xx * 255 / max(w - 1, 1), yy * 255 / max(h - 1, 1), (xx + yy) % 64 * 4], -1) + rng.normal(0, 40, (h, w, 3))
    f = f"${join(dir, "a")}/pil-{w}x{h}-s{sub}-p{int(prog)}.jpg"
    Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).save(f, quality=80, subsampling=sub, progressive=prog)
    print(f)
`], { encoding: "utf8" });
  files.push(...made.trim().split("\n"));
});

/** PIL's bytes of each file (sorted as flowFromDirectory lists them), as Keras' load_img makes them. */
function pil(mode: "RGB" | "L", h: number, w: number): Buffer[] {
  const out = execFileSync("/usr/bin/python3", ["-c", `
import sys
from PIL import Image
for f in sorted(sys.argv[1:]):
    img = Image.open(f)
    if img.mode != "${mode}":
        img = img.convert("${mode}")
    sys.stdout.buffer.write(img.resize((${w}, ${h}), Image.NEAREST).tobytes())
`, ...files], { maxBuffer: 1 << 28 });
  const size = h * w * (mode === "RGB" ? 3 : 1);
  return Array.from({ length: files.length }, (_, i) => out.subarray(i * size, (i + 1) * size));
}

for (const [colorMode, h, w] of [["rgb", 224, 224], ["rgb", 150, 333], ["grayscale", 224, 224]] as const) {
  test(`flowFromDirectory ${colorMode} ${h}x${w}, nearest: the pixels of Keras' load_img (PIL), rescaled`, async () => {
    const log = console.log;
    console.log = () => {};
    const it = new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(dir, { targetSize: [h, w], batchSize: files.length, shuffle: false, colorMode, classMode: null });
    console.log = log;
    const { value: [x, y] } = await it.next();
    const c = colorMode === "rgb" ? 3 : 1;
    assert.deepEqual(x.shape, [files.length, h, w, c]);
    const got = (await x.data()) as Float32Array;
    tf.dispose([x, y]);
    await it.dispose();
    if (!native) {
      assert.ok(got.every((v) => v >= 0 && v <= 1), "rescaled to [0, 1]");
      return;
    }
    const want = pil(colorMode === "rgb" ? "RGB" : "L", h, w);
    const s = Math.fround(1 / 255);
    want.forEach((bytes, i) => {
      let bad = 0;
      for (let j = 0; j < bytes.length; j++) if (got[i * bytes.length + j] !== Math.fround(bytes[j] * s)) bad++;
      assert.equal(bad, 0, `image ${i}: ${bad} of ${bytes.length} values differ from PIL's`);
    });
  });
}

// The native decoder (native/jpeg.cc): a file that is not a JPEG, or not there, rejects with its reason
// (and flowFromDirectory then decodes it another way); many decodes at once all settle, each into its
// own array.
test("native JPEG decodes reject what they cannot decode, and settle every promise", { skip: !native && "the native decoder is not built" }, async () => {
  type Decode = (path: string, out: Float32Array, h: number, w: number, c: number, scale: number) => Promise<void>;
  const decodeJpeg = (loadNative().addon as unknown as { decodeJpeg: Decode }).decodeJpeg;
  const outs = Array.from({ length: 24 }, () => new Float32Array(64 * 48 * 3));
  await Promise.all(outs.map((o, i) => decodeJpeg(files[i % 4], o, 64, 48, 3, 1)));
  for (const [i, o] of outs.entries()) assert.deepEqual(o, outs[i % 4], `decode ${i}`);
  assert.ok(outs[0].some((v) => v > 0) && outs[0].every((v) => v >= 0 && v <= 255));
  if (process.platform === "linux") {
    // The threads that decoded run under SCHED_BATCH (policy 3: /proc's stat, field 41), the main thread not.
    const policy = (tid: string) => Number(readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1].split(" ")[38]);
    const policies = readdirSync("/proc/self/task").map((tid) => [tid, policy(tid)] as const);
    assert.ok(policies.some(([, p]) => p === 3), `thread policies ${JSON.stringify(policies)}`);
    assert.equal(policy(String(process.pid)), 0);
  }
  const notJpeg = join(dir, "not.jpg");
  writeFileSync(notJpeg, "not a JPEG at all");
  await assert.rejects(decodeJpeg(notJpeg, outs[0], 64, 48, 3, 1), /Not a JPEG file/);
  await assert.rejects(decodeJpeg(join(dir, "missing.jpg"), outs[0], 64, 48, 3, 1), /cannot open .*missing\.jpg/);
  await assert.rejects(decodeJpeg(files[0], new Float32Array(10), 64, 48, 3, 1), /the output array is too small/);
});

// The decoder's own upsampling and colour conversion (native/jpeg.cc's raw path, for 4:4:4, 4:2:2 and
// 4:2:0 colour JPEGs) gives libjpeg's RGB output to the bit: against libjpeg's own path on the same
// files, down- and up-scaled (up-scaling keeps every source pixel and each of its neighbourhoods).
test("native JPEG decodes: the raw-component path gives the pixels of libjpeg's RGB output", { skip: !native && "the native decoder is not built" }, async () => {
  type Decode = (path: string, out: Float32Array, h: number, w: number, c: number, scale: number, raw: boolean) => Promise<void>;
  const decodeJpeg = (loadNative().addon as unknown as { decodeJpeg: Decode }).decodeJpeg;
  for (const f of files)
    for (const [h, w, c] of [[224, 224, 3], [61, 97, 1], [900, 1000, 3]]) {
      const raw = new Float32Array(h * w * c);
      const full = new Float32Array(h * w * c);
      await decodeJpeg(f, raw, h, w, c, 1, true);
      await decodeJpeg(f, full, h, w, c, 1, false);
      let bad = 0;
      for (let j = 0; j < raw.length; j++) if (raw[j] !== full[j]) bad++;
      assert.equal(bad, 0, `${f} to ${h}x${w}x${c}: ${bad} of ${raw.length} values differ`);
    }
  // a truncated file is still refused on the raw path (libjpeg's warning is an error here, as PIL's)
  const whole = readFileSync(files.find((f) => f.includes("-p1"))!);
  const cut = join(dir, "cut.jpeg.bin");
  writeFileSync(cut, whole.subarray(0, whole.length >> 1));
  await assert.rejects(decodeJpeg(cut, new Float32Array(224 * 224 * 3), 224, 224, 3, 1, true), /Premature end of JPEG file/);
});

// With other programs on every core (another notebook training on the machine), decodes still get
// their share: 8 batches (40 decodes, about 40 ms of work) in well under 2 s. Decode threads at idle
// priority (tried, for a training's own cores) took 4 to 10 s here: they got almost no time, and one
// preempted while holding the queue's lock held the main thread up too.
test("with every core busy in other processes, the batches a consumer waits for still decode promptly", { skip: !native && "the native decoder is not built" }, async () => {
  const hogs = Array.from({ length: availableParallelism() }, () => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
  try {
    await new Promise((r) => setTimeout(r, 300));
    const it = new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(dir, { targetSize: [224, 224], batchSize: 5, shuffle: false, classMode: "sparse" });
    const t0 = performance.now();
    for (let b = 0; b < 8; b++) tf.dispose((await it.next()).value);
    const seconds = (performance.now() - t0) / 1000;
    await it.dispose();
    assert.ok(seconds < 2, `8 batches took ${seconds.toFixed(2)} s`);
  } finally {
    hogs.forEach((h) => h.kill("SIGKILL"));
  }
});
