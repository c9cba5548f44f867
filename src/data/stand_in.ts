// Stand-in datasets: small generated files in the real formats (mnist.npz, gzipped IDX, the CIFAR-10
// binary tar.gz, a zip of JPEGs like the cats-and-dogs archive). They are NOT the real data: the tests
// serve them to the real download code, and a notebook whose dataset cannot be had on this machine runs
// on them at smoke scale, saying so. Each class gets its own visual pattern, so models can learn.
import { mkdirSync } from "node:fs";
import { writeFileAtomic } from "./atomic_write.js";
import { join } from "node:path";
import { deflateRawSync, gzipSync, crc32 } from "node:zlib";
import { loadSharp } from "../load_sharp.js";
import { seededRandom } from "./random.js";

/** n grey images h x w: class c is a bright band at a class-specific place, plus noise. */
function patternImages(n: number, h: number, w: number, classes: number, seed: number): { pixels: Uint8Array; labels: Uint8Array } {
  const random = seededRandom(seed);
  const pixels = new Uint8Array(n * h * w);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(random() * classes);
    labels[i] = c;
    const row0 = Math.floor((c * h) / classes);
    const row1 = Math.floor(((c + 1) * h) / classes);
    for (let r = 0; r < h; r++) {
      for (let col = 0; col < w; col++) {
        const band = r >= row0 && r < row1 && col >= w / 5 && col < (4 * w) / 5;
        pixels[(i * h + r) * w + col] = Math.min(255, Math.floor(random() * 90) + (band ? 150 : 0));
      }
    }
  }
  return { pixels, labels };
}

// ---- container formats ---------------------------------------------------------------------------

/** A .npy file for a uint8 array. */
export function npy(shape: number[], data: Uint8Array): Buffer {
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const head = Buffer.alloc(10);
  head.write("\x93NUMPY", 0, "latin1");
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, "latin1"), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** A zip archive of the given members (deflated unless `store`). */
export function zip(members: { name: string; data: Buffer }[], store = false): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const body = store ? m.data : deflateRawSync(m.data);
    const crc = crc32(m.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(store ? 0 : 8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(m.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(store ? 0 : 8, 10);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(m.data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += 30 + name.length + body.length;
  }
  const cdSize = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...central, end]);
}

/** A gzipped tar archive of the given files. */
export function tarGz(members: { name: string; data: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const h = Buffer.alloc(512);
    h.write(m.name, 0, 100, "utf8");
    h.write("0000644\0", 100, "ascii");
    h.write("0000000\0", 108, "ascii");
    h.write("0000000\0", 116, "ascii");
    h.write(m.data.length.toString(8).padStart(11, "0") + "\0", 124, "ascii");
    h.write("00000000000\0", 136, "ascii");
    h.write("        ", 148, "ascii");
    h[156] = 48; // "0": a file
    h.write("ustar\0", 257, "ascii");
    h.write("00", 263, "ascii");
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "ascii");
    parts.push(h, m.data, Buffer.alloc((512 - (m.data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}

/** An IDX file of uint8 data (magic 0x000008nn). */
export function idx(shape: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * shape.length);
  head[2] = 0x08;
  head[3] = shape.length;
  shape.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

// ---- datasets ------------------------------------------------------------------------------------

export interface StandInSize {
  train?: number;
  test?: number;
}

/** Writes `mnist.npz` (x_train, y_train, x_test, y_test as Keras' file has them); returns its path. */
export function writeMnistNpz(dir: string, size: StandInSize = {}): string {
  const train = patternImages(size.train ?? 2000, 28, 28, 10, 1);
  const test = patternImages(size.test ?? 500, 28, 28, 10, 2);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "mnist.npz");
  writeFileAtomic(
    file,
    zip([
      { name: "x_train.npy", data: npy([train.labels.length, 28, 28], train.pixels) },
      { name: "y_train.npy", data: npy([train.labels.length], train.labels) },
      { name: "x_test.npy", data: npy([test.labels.length, 28, 28], test.pixels) },
      { name: "y_test.npy", data: npy([test.labels.length], test.labels) },
    ], true), // np.savez stores members uncompressed, as Keras' file is
  );
  return file;
}

/** Writes the four gzipped IDX files of (Fashion-)MNIST; returns the folder. */
export function writeIdxDataset(dir: string, size: StandInSize = {}): string {
  const train = patternImages(size.train ?? 2000, 28, 28, 10, 3);
  const test = patternImages(size.test ?? 500, 28, 28, 10, 4);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, "train-images-idx3-ubyte.gz"), gzipSync(idx([train.labels.length, 28, 28], train.pixels)));
  writeFileAtomic(join(dir, "train-labels-idx1-ubyte.gz"), gzipSync(idx([train.labels.length], train.labels)));
  writeFileAtomic(join(dir, "t10k-images-idx3-ubyte.gz"), gzipSync(idx([test.labels.length, 28, 28], test.pixels)));
  writeFileAtomic(join(dir, "t10k-labels-idx1-ubyte.gz"), gzipSync(idx([test.labels.length], test.labels)));
  return dir;
}

/** CIFAR-10 binary records: class c tints the image with its own colour. */
function cifarRecords(n: number, seed: number): Buffer {
  const random = seededRandom(seed);
  const out = Buffer.alloc(n * 3073);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(random() * 10);
    out[i * 3073] = c;
    const tint = [(c * 37) % 256, (c * 91) % 256, (c * 53) % 256];
    for (let ch = 0; ch < 3; ch++) for (let p = 0; p < 1024; p++) out[i * 3073 + 1 + ch * 1024 + p] = Math.floor(0.5 * tint[ch] + random() * 128);
  }
  return out;
}

/** Writes `cifar-10-binary.tar.gz` with data_batch_1..5.bin and test_batch.bin; returns its path. */
export function writeCifar10TarGz(dir: string, size: StandInSize = {}): string {
  const perBatch = Math.ceil((size.train ?? 1000) / 5);
  const members = [1, 2, 3, 4, 5].map((b) => ({ name: `cifar-10-batches-bin/data_batch_${b}.bin`, data: cifarRecords(perBatch, 10 + b) }));
  members.push({ name: "cifar-10-batches-bin/test_batch.bin", data: cifarRecords(size.test ?? 200, 20) });
  members.push({ name: "cifar-10-batches-bin/batches.meta.txt", data: Buffer.from("airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n") });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "cifar-10-binary.tar.gz");
  writeFileAtomic(file, tarGz(members));
  return file;
}

/** A JPEG of a cat (warm, a bright disc) or a dog (cool, a bright bar), with noise. */
export async function petJpeg(kind: "cat" | "dog", size: number, seed: number): Promise<Buffer> {
  const random = seededRandom(seed);
  const px = Buffer.alloc(size * size * 3);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const d = Math.hypot(r - size / 2, c - size / 2);
      const shape = kind === "cat" ? d < size / 4 : Math.abs(r - size / 2) < size / 8;
      const base = kind === "cat" ? [170, 110, 70] : [70, 110, 170];
      for (let ch = 0; ch < 3; ch++) px[(r * size + c) * 3 + ch] = Math.min(255, base[ch] * (shape ? 1.4 : 0.7) + random() * 60);
    }
  }
  const sharp = await loadSharp();
  return sharp(px, { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
}

/** A tree `dir/{cats,dogs}/*.jpg` as seed 000's smallData folders hold; returns `dir`. */
export async function writeImageTree(dir: string, perClass: number, size = 64, seed = 0): Promise<string> {
  for (const [kind, folder] of [["cat", "cats"], ["dog", "dogs"]] as const) {
    mkdirSync(join(dir, folder), { recursive: true });
    for (let i = 0; i < perClass; i++) writeFileAtomic(join(dir, folder, `${kind}.${i}.jpg`), await petJpeg(kind, size, seed * 100_003 + i * 2 + (kind === "dog" ? 1 : 0)));
  }
  return dir;
}

/** A zip laid out like the public cats-and-dogs archive (PetImages/Cat, PetImages/Dog), some files corrupt. */
export async function writePetImagesZip(file: string, perClass: number, corrupt: number[] = [], size = 64): Promise<string> {
  const members: { name: string; data: Buffer }[] = [];
  for (const [kind, folder] of [["cat", "Cat"], ["dog", "Dog"]] as const) {
    for (let i = 0; i < perClass; i++) {
      let data = await petJpeg(kind, size, i * 2 + (kind === "dog" ? 1 : 0));
      if (corrupt.includes(i)) data = i % 2 ? Buffer.from("this is not a JPEG at all") : data.subarray(0, 40); // garbage, or truncated
      members.push({ name: `PetImages/${folder}/${i}.jpg`, data });
    }
    members.push({ name: `PetImages/${folder}/Thumbs.db`, data: Buffer.from("thumbnail cache") });
  }
  writeFileAtomic(file, zip(members, true));
  return file;
}
