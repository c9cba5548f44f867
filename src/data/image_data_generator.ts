// preprocessing.image.ImageDataGenerator: Keras' image batches from folders (flowFromDirectory) or from
// tensors (flow), with rescaling and random augmentation. Images are decoded and resized by sharp on
// libuv's threads while the model trains on the main thread: the next batches are always in flight.
import { readdirSync, statSync } from "node:fs";
import { extname, join, relative } from "node:path";
import tf from "../tfjs.cjs";
import { toCategorical } from "../keras/utils.js";
import { progress } from "./progress.js";
import { seededRandom } from "./random.js";
import { channelsOf, decodeInto, looksLikeImage, PrefetchQueue } from "./image_files.js";

export interface ImageDataGeneratorOptions {
  /** Multiply every pixel by this (e.g. 1 / 255). Default none. */
  rescale?: number;
  /** Randomly mirror images left-right. Default false. */
  horizontalFlip?: boolean;
  /** Randomly mirror images upside down. Default false. */
  verticalFlip?: boolean;
  /** Random horizontal shift, as a fraction of the width. Default 0. */
  widthShiftRange?: number;
  /** Random vertical shift, as a fraction of the height. Default 0. */
  heightShiftRange?: number;
  /** Random rotation range in degrees. Default 0. */
  rotationRange?: number;
  /** Random zoom: a number z means [1 - z, 1 + z]. Default 0. */
  zoomRange?: number | [number, number];
  /** How points outside the image are filled after a transform. Default "nearest". */
  fillMode?: "nearest" | "constant" | "reflect" | "wrap";
  /** Fill value for fillMode "constant". Default 0. */
  cval?: number;
  /** Fraction of each class held out as the "validation" subset. Default 0. */
  validationSplit?: number;
}

export type ClassMode = "categorical" | "binary" | "sparse" | "input" | null;

export interface FlowFromDirectoryOptions {
  /** [height, width] every image is resized to. Default [256, 256]. */
  targetSize?: [number, number];
  /** "rgb" (default), "rgba" or "grayscale". */
  colorMode?: "rgb" | "rgba" | "grayscale";
  /** Class subfolders to use, in this order. Default: every subfolder, sorted. */
  classes?: string[];
  /** Default "categorical" (one-hot labels). */
  classMode?: ClassMode;
  /** Default 32. */
  batchSize?: number;
  /** Default true. */
  shuffle?: boolean;
  /** Seed of the shuffling and of the augmentation. Default random. */
  seed?: number;
  /** "training" or "validation", with the generator's validationSplit. */
  subset?: "training" | "validation";
  /** Resize interpolation: "nearest" (Keras' default), "bilinear", "bicubic", "lanczos". */
  interpolation?: "nearest" | "bilinear" | "bicubic" | "lanczos";
  /** Batches decoded ahead while the model trains. Default 2. */
  prefetch?: number;
}

export interface FlowOptions {
  /** Default 32. */
  batchSize?: number;
  /** Default true. */
  shuffle?: boolean;
  seed?: number;
  subset?: "training" | "validation";
}

/** The extensions Keras accepts (`white_list_formats`). */
const IMAGE_EXTENSIONS = new Set([".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".tif", ".tiff"]);

function shuffleInPlace(a: number[], random: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
}

export class ImageDataGenerator {
  readonly options: Required<Pick<ImageDataGeneratorOptions, "fillMode" | "cval" | "validationSplit">> & ImageDataGeneratorOptions;

  constructor(options: ImageDataGeneratorOptions = {}) {
    const split = options.validationSplit ?? 0;
    if (!(split >= 0 && split < 1)) throw new Error(`ImageDataGenerator: validationSplit must be in [0, 1), got ${JSON.stringify(options.validationSplit)}`);
    if (options.rescale !== undefined && !Number.isFinite(options.rescale)) throw new Error(`ImageDataGenerator: rescale must be a number, got ${JSON.stringify(options.rescale)}`);
    for (const k of ["widthShiftRange", "heightShiftRange", "rotationRange"] as const) {
      const v = options[k];
      if (v !== undefined && !(v >= 0)) throw new Error(`ImageDataGenerator: ${k} must be >= 0, got ${JSON.stringify(v)}`);
    }
    this.options = { fillMode: "nearest", cval: 0, validationSplit: split, ...options };
  }

  /** Batches of images read from `dir/<class>/*`, as Keras' flow_from_directory. */
  flowFromDirectory(dir: string, options: FlowFromDirectoryOptions = {}): DirectoryIterator {
    return new DirectoryIterator(dir, this, options);
  }

  /** Batches of tensors `x` (and labels `y`), as Keras' flow. */
  flow(x: tf.Tensor, y?: tf.Tensor, options: FlowOptions = {}): ArrayIterator {
    return new ArrayIterator(x, y, this, options);
  }

  /** Rescaling and random augmentation of a batch [n, h, w, c] (float32); returns a new tensor. */
  private zoom(): number[] {
    const o = this.options;
    return typeof o.zoomRange === "number" ? [1 - o.zoomRange, 1 + o.zoomRange] : (o.zoomRange ?? [1, 1]);
  }

  private geometric(): boolean {
    const o = this.options;
    const zoom = this.zoom();
    return (o.rotationRange ?? 0) > 0 || (o.widthShiftRange ?? 0) > 0 || (o.heightShiftRange ?? 0) > 0 || zoom[0] !== 1 || zoom[1] !== 1;
  }

  /**
   * The rescale factor when rescaling is all `transform` would do (no random transformation), so that
   * the decoder can apply it as it writes the pixels; undefined otherwise.
   */
  rescaleOnly(): number | undefined {
    const o = this.options;
    return this.geometric() || o.horizontalFlip || o.verticalFlip ? undefined : (o.rescale ?? 1);
  }

  transform(x: tf.Tensor4D, random: () => number): tf.Tensor4D {
    const o = this.options;
    return tf.tidy(() => {
      let out = x;
      if (o.rescale !== undefined) out = tf.mul(out, o.rescale);
      const [n, h, w] = out.shape;
      const zoom = this.zoom();
      if (this.geometric()) {
        // One projective transform per image mapping output to input coordinates:
        // rotation by theta about the centre, zoom z, shift (tx, ty).
        const transforms: number[] = [];
        for (let i = 0; i < n; i++) {
          const theta = (((random() * 2 - 1) * (o.rotationRange ?? 0)) * Math.PI) / 180;
          const tx = (random() * 2 - 1) * (o.widthShiftRange ?? 0) * w;
          const ty = (random() * 2 - 1) * (o.heightShiftRange ?? 0) * h;
          const zx = zoom[0] + random() * (zoom[1] - zoom[0]);
          const zy = zx;
          const cos = Math.cos(theta);
          const sin = Math.sin(theta);
          const cx = (w - 1) / 2;
          const cy = (h - 1) / 2;
          const a0 = cos * zx;
          const a1 = -sin * zy;
          const b0 = sin * zx;
          const b1 = cos * zy;
          transforms.push(a0, a1, cx - a0 * cx - a1 * cy + tx, b0, b1, cy - b0 * cx - b1 * cy + ty, 0, 0);
        }
        out = tf.image.transform(out, tf.tensor2d(transforms, [n, 8]), "bilinear", o.fillMode === "wrap" ? "wrap" : o.fillMode, o.cval);
      }
      if (o.horizontalFlip || o.verticalFlip) {
        const flips = Array.from({ length: n }, () => [o.horizontalFlip && random() < 0.5, o.verticalFlip && random() < 0.5]);
        const images = tf.unstack(out).map((img, i) => {
          let r = img;
          if (flips[i][0]) r = tf.reverse(r, 1);
          if (flips[i][1]) r = tf.reverse(r, 0);
          return r;
        });
        out = tf.stack(images) as tf.Tensor4D;
      }
      return out;
    });
  }
}

/** Common to both iterators: an epoch order, batches by index, prefetching, Keras' `next()`. */
abstract class BatchIterator implements AsyncIterable<[tf.Tensor, tf.Tensor]> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  protected readonly random: () => number;
  private order: number[] = [];
  private position = 0;
  private queue?: PrefetchQueue<[tf.Tensor, tf.Tensor]>;
  /** Batches decoded ahead of the consumer. */
  protected prefetchDepth = 2;

  constructor(batchSize: number | undefined, shuffle: boolean | undefined, seed: number | undefined, where: string) {
    this.batchSize = batchSize ?? 32;
    if (!(Number.isInteger(this.batchSize) && this.batchSize > 0)) throw new Error(`${where}: batchSize must be a positive integer, got ${JSON.stringify(batchSize)}`);
    this.shuffle = shuffle ?? true;
    this.random = seededRandom(seed ?? Math.floor(Math.random() * 2 ** 31));
  }

  /** Number of samples. */
  abstract get samples(): number;
  protected abstract makeBatch(indices: number[]): Promise<[tf.Tensor, tf.Tensor]>;

  /** Batches per epoch (Keras' `len(iterator)`). */
  get length(): number {
    return Math.ceil(this.samples / this.batchSize);
  }

  /** The sample indices of the next batch; a new (shuffled) epoch starts when one is used up. */
  private nextIndices(): number[] {
    if (this.position >= this.order.length) {
      this.order = Array.from({ length: this.samples }, (_, i) => i);
      if (this.shuffle) shuffleInPlace(this.order, this.random);
      this.position = 0;
    }
    const indices = this.order.slice(this.position, this.position + this.batchSize);
    this.position += this.batchSize;
    return indices;
  }

  /** The next batch [x, y] (an infinite iterator, as Keras'; `length` batches make an epoch). */
  async next(): Promise<IteratorResult<[tf.Tensor, tf.Tensor]>> {
    if (this.samples === 0) throw new Error("this iterator has no samples");
    this.queue ??= new PrefetchQueue(this.prefetchDepth, () => this.makeBatch(this.nextIndices()), ([x, y]) => tf.dispose([x, y]));
    return { value: (await this.queue.take())!, done: false };
  }

  [Symbol.asyncIterator](): AsyncIterator<[tf.Tensor, tf.Tensor]> {
    return this;
  }

  /** Frees the prefetched batches (call when done with an iterator that will not be drained). */
  async dispose(): Promise<void> {
    const queue = this.queue;
    this.queue = undefined;
    await queue?.close();
  }
}

export class DirectoryIterator extends BatchIterator {
  /** Keras' `class_indices`: class folder name -> label index. */
  readonly classIndices: Record<string, number>;
  /** Paths of the images, relative to the directory. */
  readonly filenames: string[];
  /** The label index of each image. */
  readonly classes: number[];
  readonly targetSize: [number, number];
  readonly colorMode: "rgb" | "rgba" | "grayscale";
  readonly classMode: ClassMode;
  private readonly skipped = new Set<number>();

  constructor(readonly directory: string, readonly generator: ImageDataGenerator, options: FlowFromDirectoryOptions = {}) {
    super(options.batchSize, options.shuffle, options.seed, "flowFromDirectory");
    this.targetSize = options.targetSize ?? [256, 256];
    if (this.targetSize.length !== 2 || !this.targetSize.every((d) => Number.isInteger(d) && d > 0)) {
      throw new Error(`flowFromDirectory: targetSize must be [height, width] in pixels, got ${JSON.stringify(options.targetSize)}`);
    }
    this.colorMode = options.colorMode ?? "rgb";
    this.classMode = options.classMode === undefined ? "categorical" : options.classMode;
    if (!["categorical", "binary", "sparse", "input", null].includes(this.classMode)) {
      throw new Error(`flowFromDirectory: classMode must be "categorical", "binary", "sparse", "input" or null, got ${JSON.stringify(options.classMode)}`);
    }
    this.prefetchDepth = options.prefetch ?? 2;
    this.interpolation = options.interpolation ?? "nearest";
    let entries: string[];
    try {
      if (!statSync(directory).isDirectory()) throw new Error("not a folder");
      entries = readdirSync(directory);
    } catch (e) {
      throw new Error(`flowFromDirectory: cannot read the folder ${directory} (${(e as Error).message}); expected a folder with one subfolder per class`);
    }
    const classNames = options.classes ?? entries.filter((e) => statSync(join(directory, e)).isDirectory()).sort();
    if (!classNames.length) throw new Error(`flowFromDirectory: ${directory} has no class subfolders; expected ${directory}/<class>/<image files>, e.g. ${directory}/cats/cat.1.jpg`);
    if (this.classMode === "binary" && classNames.length !== 2) {
      throw new Error(`flowFromDirectory: classMode "binary" needs exactly 2 class folders, ${directory} has ${classNames.length} (${classNames.join(", ")})`);
    }
    this.classIndices = Object.fromEntries(classNames.map((c, i) => [c, i]));
    this.filenames = [];
    this.classes = [];
    const split = generator.options.validationSplit;
    if (options.subset && !split) throw new Error(`flowFromDirectory: subset "${options.subset}" needs ImageDataGenerator({ validationSplit })`);
    const bar = progress(`Scanning ${directory}`, "items");
    let scanned = 0;
    for (const [label, cls] of classNames.entries()) {
      const folder = join(directory, cls);
      let files: string[];
      try {
        files = listFiles(folder).sort();
      } catch (e) {
        throw new Error(`flowFromDirectory: cannot read the class folder ${folder}: ${(e as Error).message}`);
      }
      const images: string[] = [];
      for (const f of files) {
        if (!IMAGE_EXTENSIONS.has(extname(f).toLowerCase())) continue;
        if (!looksLikeImage(f)) {
          console.warn(`flowFromDirectory: skipping ${f}: not an image file (its first bytes are not JPEG, PNG, BMP, PPM or TIFF)`);
          continue;
        }
        images.push(f);
        bar.update(++scanned);
      }
      // Keras splits each class: the first `split` of the sorted files are validation.
      const cut = Math.floor(images.length * split);
      const chosen = options.subset === "validation" ? images.slice(0, cut) : options.subset === "training" ? images.slice(cut) : images;
      for (const f of chosen) {
        this.filenames.push(relative(directory, f));
        this.classes.push(label);
      }
    }
    bar.finish(`Scanned ${directory}: ${scanned} images`);
    console.log(`Found ${this.filenames.length} images belonging to ${classNames.length} classes.`);
  }

  private readonly interpolation: NonNullable<FlowFromDirectoryOptions["interpolation"]>;

  get samples(): number {
    return this.filenames.length;
  }

  get numClasses(): number {
    return Object.keys(this.classIndices).length;
  }

  /** Batch arrays the backend has copied, for the next batches (a fresh 6 MB array costs its page faults every time). */
  private freeBuffers: Float32Array[] = [];

  private pixelBuffer(floats: number): Float32Array {
    const k = this.freeBuffers.findIndex((b) => b.length === floats);
    return k >= 0 ? this.freeBuffers.splice(k, 1)[0] : new Float32Array(floats);
  }

  /** Decodes image i into `out`, each value times `scale`; false (and a warning, once) if it cannot be decoded. */
  private async decode(i: number, out: Float32Array, scale: number): Promise<boolean> {
    const [h, w] = this.targetSize;
    const file = join(this.directory, this.filenames[i]);
    try {
      const kernel = this.interpolation === "bilinear" ? "linear" : this.interpolation === "bicubic" ? "cubic" : this.interpolation === "lanczos" ? "lanczos3" : "nearest";
      await decodeInto(file, { height: h, width: w, colorMode: this.colorMode, kernel }, out, scale);
      return true;
    } catch (e) {
      if (!this.skipped.has(i)) {
        this.skipped.add(i);
        console.warn(`flowFromDirectory: skipping ${file}: cannot decode it as an image (${(e as Error).message.split("\n")[0]})`);
      }
      return false;
    }
  }

  /**
   * One batch: every image decoded at once (on libuv's threads) straight into the batch's float array,
   * rescaled as it is written when rescaling is the generator's only transformation.
   */
  protected async makeBatch(indices: number[]): Promise<[tf.Tensor, tf.Tensor]> {
    const [h, w] = this.targetSize;
    const c = channelsOf(this.colorMode);
    const size = h * w * c;
    const scale = this.generator.rescaleOnly();
    let pixels = this.pixelBuffer(indices.length * size);
    const ok = await Promise.all(indices.map((i, k) => (this.skipped.has(i) ? false : this.decode(i, pixels.subarray(k * size, (k + 1) * size), scale ?? 1))));
    const kept = indices.filter((_, k) => ok[k]);
    if (!kept.length) throw new Error(`flowFromDirectory: no image of a batch could be decoded (${indices.map((i) => this.filenames[i]).join(", ")})`);
    if (kept.length < indices.length) {
      const compact = new Float32Array(kept.length * size);
      let j = 0;
      ok.forEach((good, k) => good && compact.set(pixels.subarray(k * size, (k + 1) * size), size * j++));
      pixels = compact;
    }
    const raw = tf.tensor4d(pixels, [kept.length, h, w, c]); // copies the pixels into the backend
    if (this.freeBuffers.length < 4) this.freeBuffers.push(pixels);
    const x = scale === undefined ? this.generator.transform(raw, this.random) : raw;
    if (x !== raw) raw.dispose();
    const labels = kept.map((i) => this.classes[i]);
    let y: tf.Tensor;
    switch (this.classMode) {
      case "categorical":
        y = toCategorical(labels, this.numClasses);
        break;
      case "binary":
        y = tf.tensor1d(labels, "float32");
        break;
      case "sparse":
        y = tf.tensor1d(labels, "int32");
        break;
      case "input":
        y = x.clone();
        break;
      default:
        y = tf.zeros([kept.length]); // classMode null: no labels (predict)
    }
    return [x, y];
  }
}

function listFiles(folder: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(folder, { withFileTypes: true })) {
    const p = join(folder, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

export class ArrayIterator extends BatchIterator {
  private readonly first: number;
  private readonly count: number;

  constructor(readonly x: tf.Tensor, readonly y: tf.Tensor | undefined, readonly generator: ImageDataGenerator, options: FlowOptions = {}) {
    super(options.batchSize, options.shuffle, options.seed, "flow");
    if (!(x instanceof tf.Tensor) || x.rank !== 4) throw new Error(`flow: x must be images [n, height, width, channels], got ${x instanceof tf.Tensor ? `[${x.shape.join(", ")}]` : typeof x}`);
    if (y && y.shape[0] !== x.shape[0]) throw new Error(`flow: x has ${x.shape[0]} samples but y has ${y.shape[0]}`);
    const split = generator.options.validationSplit;
    const cut = Math.floor(x.shape[0] * split);
    [this.first, this.count] = options.subset === "validation" ? [0, cut] : options.subset === "training" ? [cut, x.shape[0] - cut] : [0, x.shape[0]];
  }

  get samples(): number {
    return this.count;
  }

  protected async makeBatch(indices: number[]): Promise<[tf.Tensor, tf.Tensor]> {
    const idx = tf.tensor1d(indices.map((i) => i + this.first), "int32");
    const raw = tf.gather(this.x, idx).toFloat() as tf.Tensor4D;
    const x = this.generator.transform(raw, this.random);
    const y = this.y ? tf.gather(this.y, idx) : tf.zeros([indices.length]);
    idx.dispose();
    if (x !== raw) raw.dispose();
    return [x, y];
  }
}
