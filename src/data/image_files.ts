// Image files to pixels, shared by ImageDataGenerator.flowFromDirectory and imageDatasetFromDirectory:
// a cheap look at a file's first bytes, decoding and resizing with sharp (on libuv's threads, so the
// next batches decode while the model trains), batches of decoded images as float32 tensors, and a
// queue that keeps a few batches in flight.
import { openSync, readSync, closeSync } from "node:fs";
import { loadSharp } from "../load_sharp.js";
import tf from "../tfjs.cjs";
import { loadNative } from "../backend/native_kernels.js";

export type ColorMode = "rgb" | "rgba" | "grayscale";

export const COLOR_MODES: readonly ColorMode[] = ["rgb", "rgba", "grayscale"];

export function channelsOf(colorMode: ColorMode): 1 | 3 | 4 {
  return colorMode === "grayscale" ? 1 : colorMode === "rgba" ? 4 : 3;
}

/** sharp's resampling kernels. */
export type SharpKernel = "nearest" | "linear" | "cubic" | "mitchell" | "lanczos3";

/** True when the first bytes look like an image format sharp decodes. */
export function looksLikeImage(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const b = Buffer.alloc(12);
    const n = readSync(fd, b, 0, 12, 0);
    if (n < 4) return false;
    return (
      (b[0] === 0xff && b[1] === 0xd8) || // JPEG
      b.subarray(0, 4).toString("hex") === "89504e47" || // PNG
      b.subarray(0, 2).toString() === "BM" || // BMP
      /^P[1-6]/.test(b.subarray(0, 2).toString()) || // PPM/PGM
      b.subarray(0, 4).toString("hex") === "49492a00" || // TIFF little endian
      b.subarray(0, 4).toString("hex") === "4d4d002a" || // TIFF big endian
      (b.subarray(0, 4).toString() === "RIFF" && b.subarray(8, 12).toString() === "WEBP") ||
      b.subarray(0, 3).toString() === "GIF"
    );
  } finally {
    closeSync(fd);
  }
}

export interface DecodeOptions {
  /** Output size in pixels. */
  height: number;
  width: number;
  colorMode: ColorMode;
  kernel: SharpKernel;
  /**
   * "fill" stretches to the size (aspect ratio not kept); "crop" takes the largest centred window of
   * the target aspect ratio first (Keras' smart_resize / crop_to_aspect_ratio); "pad" fits the whole
   * image inside and pads with zeros (Keras' pad_to_aspect_ratio).
   */
  fit?: "fill" | "crop" | "pad";
}

/** Keras' smart_resize crop window of an image h x w for a target aspect ratio th : tw. */
export function cropWindow(h: number, w: number, th: number, tw: number): { top: number; left: number; height: number; width: number } {
  const height = Math.max(Math.min(h, Math.trunc((w * th) / tw)), 1);
  const width = Math.max(Math.min(w, Math.trunc((h * tw) / th)), 1);
  return { top: Math.trunc((h - height) / 2), left: Math.trunc((w - width) / 2), height, width };
}

/**
 * Source pixel of each output pixel in nearest-neighbour resizing, as PIL samples: the first at half a
 * step, then one step per pixel, in double (native/jpeg.cc steps the same way).
 */
export function nearestIndices(source: number, target: number): Int32Array {
  const out = new Int32Array(target);
  const step = source / target;
  let at = step * 0.5;
  for (let d = 0; d < target; d++, at += step) out[d] = Math.min(source - 1, Math.trunc(at));
  return out;
}

/** Decodes `file` (first frame of an animation) to height x width x channels uint8 pixels. */
export async function decodeImage(file: string, o: DecodeOptions): Promise<Buffer> {
  if (o.kernel !== "nearest" || (o.fit ?? "fill") !== "fill") return decodeSharp(file, o);
  const own = await sizeOf(file);
  return nearest(await decodeSharp(file, { ...o, ...own }), own, o);
}

/** sharp's decode, resize and colour conversion. */
async function decodeSharp(file: string, o: DecodeOptions): Promise<Buffer> {
  const sharp = await loadSharp();
  let img = sharp(file, { failOn: "error", pages: 1 });
  if (o.fit === "crop") {
    const meta = await img.metadata();
    if (!meta.width || !meta.height) throw new Error("the image has no size");
    img = img.extract(cropWindow(meta.height, meta.width, o.height, o.width));
  }
  img = img.resize(o.width, o.height, {
    fit: o.fit === "pad" ? "contain" : "fill",
    kernel: o.kernel,
    ...(o.fit === "pad" ? { background: { r: 0, g: 0, b: 0, alpha: 0 } } : {}),
  });
  img = o.colorMode === "rgba" ? img.ensureAlpha().toColourspace("srgb") : img.removeAlpha().toColourspace("srgb");
  const decoded = await img.raw().toBuffer({ resolveWithObject: true });
  const { info } = decoded;
  let { data } = decoded;
  if (o.colorMode === "grayscale" && info.channels === 3) {
    data = luma(data);
    info.channels = 1;
  }
  const channels = channelsOf(o.colorMode);
  if (info.channels !== channels) throw new Error(`decoded ${info.channels} channels, expected ${channels}`);
  if (info.width !== o.width || info.height !== o.height) throw new Error(`decoded ${info.width}x${info.height}, expected ${o.width}x${o.height}`);
  return data;
}

/** An image file's size. */
async function sizeOf(file: string): Promise<{ height: number; width: number }> {
  const sharp = await loadSharp();
  const meta = await sharp(file, { failOn: "error", pages: 1 }).metadata();
  if (!meta.width || !meta.height) throw new Error("the image has no size");
  return { height: meta.pageHeight ?? meta.height, width: meta.width };
}

/**
 * Pixels decoded at their own size, resized by nearest neighbour as PIL does (Keras' load_img): sharp's
 * nearest samples elsewhere, and resizes images with alpha premultiplied, which changes their colours.
 */
function nearest(pixels: Buffer, from: { height: number; width: number }, o: DecodeOptions): Buffer {
  if (from.height === o.height && from.width === o.width) return pixels;
  const c = channelsOf(o.colorMode);
  const ys = nearestIndices(from.height, o.height);
  const xs = nearestIndices(from.width, o.width);
  const out = Buffer.alloc(o.height * o.width * c);
  let j = 0;
  for (let y = 0; y < o.height; y++) {
    const row = ys[y] * from.width;
    for (let x = 0; x < o.width; x++) {
      const at = (row + xs[x]) * c;
      for (let k = 0; k < c; k++) out[j++] = pixels[at + k];
    }
  }
  return out;
}

type DecodeJpeg = (file: string, out: Float32Array, height: number, width: number, channels: 1 | 3, scale: number) => Promise<void>;

/**
 * Decodes `file` into `out` (height x width x channels floats, each pixel value times `scale`).
 *
 * JPEGs resized by nearest neighbour (Keras' default) to RGB or grey go through tsdl's native decoder
 * when it is built (native/jpeg.cc: libjpeg-turbo, the library PIL decodes with, and PIL's nearest
 * sampling), which gives exactly the pixels of Keras' load_img, on libuv's threads, straight into the
 * batch's array. Everything else, and any file it refuses (CMYK, corrupt), goes through sharp.
 */
export async function decodeInto(file: string, o: DecodeOptions, out: Float32Array, scale = 1): Promise<void> {
  const jpeg = (loadNative().addon as { decodeJpeg?: DecodeJpeg } | undefined)?.decodeJpeg;
  if (jpeg && o.kernel === "nearest" && (o.fit ?? "fill") === "fill" && o.colorMode !== "rgba") {
    try {
      await jpeg(file, out, o.height, o.width, channelsOf(o.colorMode) as 1 | 3, scale);
      return;
    } catch {
      // not a JPEG the native decoder takes: sharp says what is wrong with it, if anything
    }
  }
  const data = await decodeImage(file, o);
  if (data.length !== out.length) throw new Error(`decoded ${data.length} values, expected ${out.length}`);
  const s = Math.fround(scale); // the float32 product, as tf.mul(x, scale) computes it
  for (let j = 0; j < data.length; j++) out[j] = data[j] * s;
}

/**
 * Grey levels of RGB pixels by ITU-R 601 luma, 0.299 R + 0.587 G + 0.114 B, in the fixed point of PIL's
 * convert("L") and libjpeg's grey output (the Y that a JPEG stores), which Keras' loaders use.
 *
 * Porting note: tsdl converts after resizing (Keras before); the two orders differ by rounding only.
 */
export function luma(rgb: Buffer): Buffer {
  const out = Buffer.alloc(rgb.length / 3);
  for (let i = 0, j = 0; j < out.length; i += 3, j++) out[j] = (rgb[i] * 19595 + rgb[i + 1] * 38470 + rgb[i + 2] * 7471 + 32768) >>> 16;
  return out;
}

/** Decoded images (each height x width x channels uint8) as one float32 batch [n, h, w, c] of 0..255. */
export function pixelsToTensor(images: Buffer[], height: number, width: number, channels: number): tf.Tensor4D {
  const size = height * width * channels;
  const pixels = new Float32Array(images.length * size);
  images.forEach((d, k) => {
    if (d.length !== size) throw new Error(`pixelsToTensor: image ${k} has ${d.length} values, expected ${size}`);
    for (let j = 0; j < size; j++) pixels[k * size + j] = d[j];
  });
  return tf.tensor4d(pixels, [images.length, height, width, channels]);
}

/**
 * Keeps up to `depth` results of `produce` in flight. `produce` returns undefined when there is nothing
 * more to make; `release` frees results that were made but never taken.
 */
export class PrefetchQueue<T> {
  private readonly queue: Promise<T>[] = [];
  private exhausted = false;

  constructor(
    private readonly depth: number,
    private readonly produce: () => Promise<T> | undefined,
    private readonly release: (value: T) => void,
  ) {}

  private fill(): void {
    while (!this.exhausted && this.queue.length < Math.max(1, this.depth)) {
      const p = this.produce();
      if (!p) {
        this.exhausted = true;
        break;
      }
      p.catch(() => {}); // reported when taken
      this.queue.push(p);
    }
  }

  /** The next result, or undefined when `produce` has no more. */
  async take(): Promise<T | undefined> {
    this.fill();
    const next = this.queue.shift();
    this.fill();
    return next === undefined ? undefined : await next;
  }

  /** Frees what is in flight and makes no more. */
  async close(): Promise<void> {
    this.exhausted = true;
    for (const p of this.queue.splice(0)) {
      try {
        this.release(await p);
      } catch {
        /* failed results hold nothing */
      }
    }
  }
}
