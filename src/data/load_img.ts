// Keras' image utilities, `keras.utils.load_img`, `img_to_array`, `array_to_img` and `save_img`: one
// image file to pixels and back. Keras hands a PIL image between them; tsdl an `Img` (its pixels as
// bytes, height x width x channels, with PIL's `mode` and `size`), which a notebook shows as a picture.
//
//   const img = await keras.utils.loadImg("PetImages/Cat/6779.jpg", { targetSize: [180, 180] });
//   const x = keras.ops.expandDims(keras.utils.imgToArray(img), 0); // [1, 180, 180, 3] float32, 0..255
//
// JPEGs resized by nearest neighbour (Keras' default) decode through the same path as flowFromDirectory:
// the pixels of PIL's, to the bit (native/jpeg.cc); other files and interpolations through sharp.
//
// Porting note: loadImg and arrayToImg return Promises (decoding and reading a tensor are asynchronous
// here); Keras returns the image. Keras' "hamming" and "box" interpolations are not offered.
import { access, constants } from "node:fs/promises";
import { extname } from "node:path";
import tf from "../tfjs.cjs";
import { loadSharp } from "../load_sharp.js";
import { writeFileAtomic } from "./atomic_write.js";
import { channelsOf, COLOR_MODES, decodeInto, type ColorMode, type SharpKernel } from "./image_files.js";

const MODES = { rgb: "RGB", rgba: "RGBA", grayscale: "L" } as const;
type Mode = (typeof MODES)[ColorMode];

/** An image's pixels (what Keras' functions pass as a PIL image). */
export class Img {
  constructor(
    /** height x width x channels bytes, row by row */
    readonly data: Uint8Array,
    readonly height: number,
    readonly width: number,
    /** PIL's mode: "RGB", "RGBA" or "L" (grey). */
    readonly mode: Mode,
  ) {
    if (data.length !== height * width * this.channels) throw new Error(`Img: ${data.length} bytes for a ${width}x${height} ${mode} image (expected ${height * width * this.channels})`);
  }

  get channels(): 1 | 3 | 4 {
    return this.mode === "L" ? 1 : this.mode === "RGBA" ? 4 : 3;
  }

  /** [width, height], as PIL's `size`. */
  get size(): [number, number] {
    return [this.width, this.height];
  }

  /** The image as PNG bytes. */
  async png(): Promise<Buffer> {
    const sharp = await loadSharp();
    return sharp(Buffer.from(this.data.buffer, this.data.byteOffset, this.data.length), { raw: { width: this.width, height: this.height, channels: this.channels } }).png().toBuffer();
  }

  toString(): string {
    return `<Img mode=${this.mode} size=${this.width}x${this.height}>`;
  }

  async [Symbol.for("Jupyter.display")](): Promise<Record<string, string>> {
    return { "image/png": (await this.png()).toString("base64"), "text/plain": this.toString() };
  }
}

export interface LoadImgOptions {
  /** "rgb", "rgba" or "grayscale". Default "rgb". */
  colorMode?: ColorMode;
  /** [height, width] to resize to. Default: the file's own size. */
  targetSize?: readonly [number, number] | null;
  /** "nearest", "bilinear", "bicubic" or "lanczos". Default "nearest". */
  interpolation?: "nearest" | "bilinear" | "bicubic" | "lanczos";
  /** Crop the centre to targetSize's aspect ratio before resizing. Default false. */
  keepAspectRatio?: boolean;
}

const KERNELS: Record<NonNullable<LoadImgOptions["interpolation"]>, SharpKernel> = { nearest: "nearest", bilinear: "linear", bicubic: "cubic", lanczos: "lanczos3" };

/** Keras' `load_img`: an image file as an Img, converted to the color mode and resized. */
export async function loadImg(path: string, options: LoadImgOptions = {}): Promise<Img> {
  const where = "loadImg";
  if (typeof path !== "string" || !path) throw new TypeError(`${where}: path must be an image file's path, got ${JSON.stringify(path)}`);
  const colorMode = options.colorMode ?? "rgb";
  if (!COLOR_MODES.includes(colorMode)) throw new Error(`${where}: colorMode must be one of ${COLOR_MODES.map((m) => `"${m}"`).join(", ")}, got ${JSON.stringify(options.colorMode)}`);
  const interpolation = options.interpolation ?? "nearest";
  if (!(interpolation in KERNELS)) throw new Error(`${where}: interpolation must be one of ${Object.keys(KERNELS).map((k) => `"${k}"`).join(", ")}, got ${JSON.stringify(options.interpolation)}`);
  const t = options.targetSize;
  if (t != null && !(Array.isArray(t) && t.length === 2 && t.every((d) => Number.isInteger(d) && d > 0))) throw new Error(`${where}: targetSize must be [height, width] in pixels, got ${JSON.stringify(t)}`);
  try {
    await access(path, constants.R_OK); // (the decode below reads the file itself: nothing is read twice)
  } catch (e) {
    throw new Error(`${where}: cannot read ${path}: ${(e as Error).message}`);
  }
  const sharp = await loadSharp();
  let meta: { width?: number; height?: number };
  try {
    meta = await sharp(path).metadata(); // the header only
  } catch (e) {
    throw new Error(`${where}: ${path} is not an image file sharp or PIL would open (${(e as Error).message})`);
  }
  const [height, width] = t ?? [meta.height!, meta.width!];
  const out = new Float32Array(height * width * channelsOf(colorMode));
  await decodeInto(path, { height, width, colorMode, kernel: KERNELS[interpolation], fit: options.keepAspectRatio && t ? "crop" : "fill" }, out);
  return new Img(Uint8Array.from(out), height, width, MODES[colorMode]);
}

/**
 * Keras' `img_to_array`: an Img's pixels as a [height, width, channels] tensor (float32 by default).
 * Typed tf.Tensor, not Tensor3D, so that keras.io's `imgArray = ops.expandDims(imgArray, 0)` type-checks.
 */
export function imgToArray(img: Img, options: { dtype?: "float32" | "int32" } = {}): tf.Tensor {
  if (!(img instanceof Img)) throw new TypeError(`imgToArray: expected an Img (from loadImg or arrayToImg), got ${img === null ? "null" : typeof img}`);
  const dtype = options.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "int32") throw new Error(`imgToArray: dtype must be "float32" or "int32", got ${JSON.stringify(options.dtype)}`);
  return tf.tensor3d(dtype === "float32" ? Float32Array.from(img.data) : Int32Array.from(img.data), [img.height, img.width, img.channels], dtype);
}

/**
 * Keras' `array_to_img`: a [height, width, channels] tensor (1, 3 or 4 channels) as an Img. With
 * `scale` (the default) its values are first shifted and stretched to 0..255 (x - min, then times
 * 255 / max); without, they are taken as 0..255 and clipped.
 */
export async function arrayToImg(x: tf.Tensor, options: { scale?: boolean } = {}): Promise<Img> {
  if (!(x instanceof tf.Tensor) || x.rank !== 3 || ![1, 3, 4].includes(x.shape[2] as number)) {
    throw new Error(`arrayToImg: expected a [height, width, channels] tensor with 1, 3 or 4 channels, got ${x instanceof tf.Tensor ? `shape [${x.shape.join(", ")}]` : typeof x}`);
  }
  const v = (await x.data()) as Float32Array | Int32Array;
  const values = Float64Array.from(v);
  if (options.scale ?? true) {
    let min = Infinity;
    for (const a of values) min = Math.min(min, a);
    let max = 0;
    for (let i = 0; i < values.length; i++) max = Math.max(max, (values[i] -= min));
    if (max !== 0) for (let i = 0; i < values.length; i++) values[i] *= 255 / max;
  }
  const bytes = Uint8Array.from(values, (a) => Math.max(0, Math.min(255, Math.trunc(a))));
  const [h, w, c] = x.shape as [number, number, number];
  return new Img(bytes, h, w, c === 1 ? "L" : c === 4 ? "RGBA" : "RGB");
}

/** Keras' `save_img`: a tensor (as arrayToImg takes it) or an Img to a PNG, JPEG or WebP file (by its extension, or `fileFormat`). */
export async function saveImg(path: string, x: tf.Tensor | Img, options: { fileFormat?: "png" | "jpeg" | "jpg" | "webp"; scale?: boolean } = {}): Promise<void> {
  const img = x instanceof Img ? x : await arrayToImg(x, { scale: options.scale });
  const format = (options.fileFormat ?? extname(path).slice(1).toLowerCase()) as string;
  const sharp = await loadSharp();
  const s = sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), { raw: { width: img.width, height: img.height, channels: img.channels } });
  const encoded = format === "png" ? s.png() : format === "jpg" || format === "jpeg" ? s.jpeg() : format === "webp" ? s.webp() : undefined;
  if (!encoded) throw new Error(`saveImg: cannot tell the file format of ${JSON.stringify(path)}: give fileFormat "png", "jpeg" or "webp" (or a path ending so), got ${JSON.stringify(options.fileFormat ?? extname(path))}`);
  writeFileAtomic(path, await encoded.toBuffer());
}
