// Datasets through the real loading and download code: the real Fashion-MNIST from Debian, and
// generated files in each dataset's real format served by a local HTTP server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { datasets, ready, standIn, tf } from "../../src/index.ts";
import { serve, type TestServer } from "./http_server.ts";

let home: string;
let server: TestServer;
let files: Record<string, Buffer>;

before(async () => {
  await ready();
  home = mkdtempSync(join(tmpdir(), "tsdl-home-"));
  process.env.TSDL_HOME = home;
  delete process.env.TSDL_DATA_DIR;
  const src = mkdtempSync(join(tmpdir(), "tsdl-src-"));
  standIn.writeMnistNpz(src, { train: 300, test: 100 });
  standIn.writeIdxDataset(src, { train: 300, test: 100 });
  standIn.writeCifar10TarGz(src, { train: 250, test: 50 });
  await standIn.writePetImagesZip(join(src, "kagglecatsanddogs_5340.zip"), 14, [2, 5]);
  files = Object.fromEntries(readdirSync(src).map((f) => [f, readFileSync(join(src, f))]));
  server = await serve(files, new Set(["cut/mnist.npz"]));
  files["cut/mnist.npz"] = files["mnist.npz"];
});

after(async () => {
  await server.close();
});

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

test("the real Fashion-MNIST from Debian: shapes, dtypes, 6,000 training images per class", async () => {
  const data = await datasets.fashionMnist.loadData({ offline: true });
  const [[x, y], [xt, yt]] = data;
  assert.deepEqual(x.shape, [60000, 28, 28]);
  assert.deepEqual(y.shape, [60000]);
  assert.deepEqual(xt.shape, [10000, 28, 28]);
  assert.deepEqual(yt.shape, [10000]);
  assert.equal(y.dtype, "int32");
  const counts = await tf.tidy(() => tf.sum(tf.oneHot(y, 10), 0)).data();
  assert.deepEqual(Array.from(counts), new Array(10).fill(6000));
  const [min, max] = await Promise.all([x.min().data(), x.max().data()]);
  assert.equal(min[0], 0);
  assert.equal(max[0], 255);
  assert.equal(data.source, "/usr/share/datasets/fashion-mnist");
  tf.dispose([x, y, xt, yt]);
});

test("MNIST downloads mnist.npz over HTTP into the cache, checks its SHA-256, then loads from the cache", async () => {
  const checksums = { "mnist.npz": { sha256: sha(files["mnist.npz"]) } };
  const [[x, y], [xt, yt]] = await datasets.mnist.loadData({ baseUrl: server.url, checksums });
  assert.deepEqual(x.shape, [300, 28, 28]);
  assert.deepEqual(y.shape, [300]);
  assert.deepEqual(xt.shape, [100, 28, 28]);
  assert.deepEqual(Array.from(await y.slice(0, 5).data()), Array.from(standInLabels(files["mnist.npz"], "y_train.npy").slice(0, 5)));
  assert.ok(existsSync(join(home, "datasets", "mnist", "mnist.npz")));
  const again = await datasets.mnist.loadData({ baseUrl: server.url + "/nothing-here", checksums });
  assert.equal(again.source, join(home, "datasets", "mnist"), "the second load reads the cache");
  assert.equal(server.hits["mnist.npz"], 1);
  tf.dispose([x, y, xt, yt, ...again.flat()]);
});

function standInLabels(npz: Buffer, member: string): Uint8Array {
  // The labels written by standIn: read them back through an independent path (the raw .npy bytes).
  const i = npz.indexOf(Buffer.from(member));
  const start = npz.indexOf(Buffer.from("\x93NUMPY", "latin1"), i);
  const headerLen = npz.readUInt16LE(start + 8);
  return new Uint8Array(npz.subarray(start + 10 + headerLen, start + 10 + headerLen + 300));
}

test("a checksum mismatch keeps nothing in the cache and says so", async () => {
  process.env.TSDL_HOME = mkdtempSync(join(tmpdir(), "tsdl-home-"));
  await assert.rejects(datasets.mnist.loadData({ baseUrl: server.url, checksums: { "mnist.npz": { sha256: "0".repeat(64) } } }), /checksum mismatch for .*mnist\.npz: SHA-256 [0-9a-f]{64}, expected 0{64}; the file was not kept/);
  assert.deepEqual(readdirSync(join(process.env.TSDL_HOME, "datasets", "mnist")), []);
  process.env.TSDL_HOME = home;
});

test("a connection cut mid-file keeps nothing in the cache and says so", async () => {
  process.env.TSDL_HOME = mkdtempSync(join(tmpdir(), "tsdl-home-"));
  await assert.rejects(datasets.mnist.loadData({ baseUrl: `${server.url}/cut` }), (e: Error) => e.name === "DownloadError" && /broke off after|ended after/.test(e.message));
  assert.deepEqual(readdirSync(join(process.env.TSDL_HOME, "datasets", "mnist")), []);
  await assert.rejects(datasets.mnist.loadData({ baseUrl: `${server.url}/missing` }), /HTTP 404/);
  process.env.TSDL_HOME = home;
});

test("Fashion-MNIST's gzipped IDX files and CIFAR-10's binary tar.gz download and load with Keras' shapes", async () => {
  const fm = await datasets.fashionMnist.loadData({ baseUrl: server.url, useSystemCopies: false });
  assert.deepEqual(fm[0][0].shape, [300, 28, 28]);
  const cifar = await datasets.cifar10.loadData({ baseUrl: server.url, checksums: { "cifar-10-binary.tar.gz": { md5: createHash("md5").update(files["cifar-10-binary.tar.gz"]).digest("hex") } } });
  const [[x, y], [xt, yt]] = cifar;
  assert.deepEqual(x.shape, [250, 32, 32, 3]);
  assert.deepEqual(y.shape, [250, 1]);
  assert.deepEqual(xt.shape, [50, 32, 32, 3]);
  assert.deepEqual(yt.shape, [50, 1]);
  // Channel-first records become channels-last pixels: check the first image's label and pixel (0, 0)
  // against the raw bytes of data_batch_1.bin (the first tar member: its data starts at byte 512).
  const { gunzipSync } = await import("node:zlib");
  const tar = gunzipSync(files["cifar-10-binary.tar.gz"]);
  assert.equal((await y.slice([0, 0], [1, 1]).data())[0], tar[512]);
  assert.deepEqual(Array.from(await x.slice([0, 0, 0, 0], [1, 1, 1, 3]).data()), [tar[513], tar[513 + 1024], tar[513 + 2048]]);
  tf.dispose([...fm.flat(), x, y, xt, yt]);
});

test("truncated IDX, npz and CIFAR files get one clear error naming the file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-bad-"));
  standIn.writeIdxDataset(dir, { train: 20, test: 10 });
  const { gunzipSync, gzipSync } = await import("node:zlib");
  const images = gunzipSync(readFileSync(join(dir, "train-images-idx3-ubyte.gz")));
  writeFileSync(join(dir, "train-images-idx3-ubyte.gz"), gzipSync(images.subarray(0, images.length - 100)));
  await assert.rejects(datasets.fashionMnist.loadData({ path: dir }), /train-images-idx3-ubyte\.gz: truncated or damaged IDX file: its header says \[20, 28, 28\] \(15680 bytes of data\) but it holds 15580/);
  writeFileSync(join(dir, "mnist.npz"), files["mnist.npz"].subarray(0, 5000));
  await assert.rejects(datasets.mnist.loadData({ path: join(dir, "mnist.npz") }), /mnist\.npz: not a zip archive, or truncated/);
  const gz = files["cifar-10-binary.tar.gz"];
  writeFileSync(join(dir, "cifar-10-binary.tar.gz"), gz.subarray(0, gz.length >> 1));
  await assert.rejects(datasets.cifar10.loadData({ path: join(dir, "cifar-10-binary.tar.gz") }), /cifar-10-binary\.tar\.gz: not a valid gzip file \(truncated or damaged\?\)/);
});

test("TSDL_DATA_DIR is searched before any download", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-datadir-"));
  standIn.writeMnistNpz(join(dir, "mnist"), { train: 50, test: 20 });
  process.env.TSDL_DATA_DIR = dir;
  try {
    const d = await datasets.mnist.loadData({ baseUrl: "http://127.0.0.1:9/unreachable" });
    assert.equal(d.source, join(dir, "mnist"));
    assert.equal(d[0][0].shape[0], 50);
  } finally {
    delete process.env.TSDL_DATA_DIR;
  }
});

test("cats vs dogs: downloads the archive, drops corrupt images, writes the small split and reports it", async () => {
  const dest = join(mkdtempSync(join(tmpdir(), "tsdl-cvd-")), "smallData");
  const r = await datasets.catsVsDogs.prepareSmallData({ baseUrl: server.url, dest, trainPerClass: 8, validationPerClass: 3 });
  assert.equal(r.kept, 22);
  assert.deepEqual(r.dropped.sort(), ["PetImages/Cat/2.jpg", "PetImages/Cat/5.jpg", "PetImages/Dog/2.jpg", "PetImages/Dog/5.jpg"]);
  assert.equal(readdirSync(join(dest, "train", "cats")).length, 8);
  assert.equal(readdirSync(join(dest, "validation", "dogs")).length, 3);
  assert.ok(!readdirSync(join(dest, "..")).some((f) => f.includes(".tmp-")));
  await assert.rejects(datasets.catsVsDogs.prepareSmallData({ baseUrl: server.url, dest: dest + "2", trainPerClass: 20, validationPerClass: 5 }), /has only 12 good cats images, 25 are needed/);
  assert.ok(!existsSync(dest + "2"), "a failed preparation leaves nothing");
});
