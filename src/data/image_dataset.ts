// keras.utils.imageDatasetFromDirectory: batches of images (and labels) from a folder of class
// subfolders, as Keras 3's image_dataset_from_directory. The files are indexed as Keras does (class
// folders sorted by name, os.walk order inside each, numpy's RandomState(seed) shuffle of the whole
// list), so the same seed puts the same files in training and validation as Keras; images are decoded
// and resized by sharp ahead of the model (src/data/image_files.ts).
import { readdirSync, realpathSync, statSync, type Dirent } from "node:fs";
import tf from "../tfjs.cjs";
import { BatchDataset, type Element } from "./batch_dataset.js";
import { channelsOf, COLOR_MODES, decodeImage, looksLikeImage, pixelsToTensor, PrefetchQueue, type ColorMode, type SharpKernel } from "./image_files.js";
import { MT19937 } from "./numpy_random.js";
import { progress, type Progress } from "./progress.js";
import { seededRandom } from "./random.js";

const WHERE = "imageDatasetFromDirectory";

/** Keras' ALLOWLIST_FORMATS. */
export const IMAGE_DATASET_FORMATS = [".bmp", ".gif", ".jpeg", ".jpg", ".png"] as const;

export type LabelMode = "int" | "categorical" | "binary";
export type Interpolation = "bilinear" | "nearest" | "bicubic" | "area" | "lanczos3" | "lanczos5" | "gaussian" | "mitchellcubic";

const LABEL_MODES: readonly (LabelMode | null)[] = ["int", "categorical", "binary", null];

/**
 * Porting note: sharp (libvips) resamples, not tf.image.resize: "bilinear", "nearest", "bicubic" and
 * "lanczos3" use sharp's linear, nearest, cubic and lanczos3 kernels, "mitchellcubic" its mitchell;
 * "area" uses linear, "lanczos5" lanczos3 and "gaussian" cubic (sharp has none of those three). sharp
 * also antialiases when it shrinks, where tf.image.resize (antialias=false) samples; pixel values
 * therefore differ a little from Keras' (shapes, dtype and the range 0..255 do not).
 */
const KERNELS: Record<Interpolation, SharpKernel> = {
  bilinear: "linear",
  nearest: "nearest",
  bicubic: "cubic",
  area: "linear",
  lanczos3: "lanczos3",
  lanczos5: "lanczos3",
  gaussian: "cubic",
  mitchellcubic: "mitchell",
};

export interface ImageDatasetOptions {
  /**
   * "inferred" (default): labels from the class subfolders; null: no labels; or an array of integer
   * labels, one per image file in the order of the sorted file paths (os.walk order).
   */
  labels?: "inferred" | readonly number[] | null;
  /** "int" (default, int32 [batch]), "categorical" (one-hot float32 [batch, classes]), "binary" (float32 [batch, 1]) or null (no labels). */
  labelMode?: LabelMode | null;
  /** With labels "inferred": the class folders to use, in label order. Default: every subfolder, sorted. */
  classNames?: readonly string[];
  /** "rgb" (default, 3 channels), "grayscale" (1) or "rgba" (4). */
  colorMode?: ColorMode;
  /** Default 32; null yields single images [height, width, channels] (no batch axis). */
  batchSize?: number | null;
  /** [height, width] every image is resized to (a number n: [n, n]). Default [256, 256]. */
  imageSize?: readonly [number, number] | number;
  /** Shuffle the files (and each pass over them). Default true; false keeps the sorted order. */
  shuffle?: boolean;
  /** Seed of the shuffles; needed with validationSplit and shuffle. Default random. */
  seed?: number;
  /** Fraction of the files held out for validation (the last ones of the shuffled list), in (0, 1). */
  validationSplit?: number;
  /** "training", "validation" or "both" ([training, validation]); only with validationSplit. */
  subset?: "training" | "validation" | "both";
  /** Resize method. Default "bilinear". */
  interpolation?: Interpolation;
  /** Visit subfolders that are symbolic links. Default false. */
  followLinks?: boolean;
  /** Resize without distortion: crop the largest centred window of the target aspect ratio. Default false. */
  cropToAspectRatio?: boolean;
  /** Resize without distortion: fit the image inside and pad with zeros. Default false. */
  padToAspectRatio?: boolean;
  /** Print "Found N files belonging to K classes." Default true. */
  verbose?: boolean;
  /** Batches decoded ahead while the model trains (tsdl). Default 2. */
  prefetch?: number;
}

type ElementOf<O> = O extends { labelMode: null } | { labels: null } ? [tf.Tensor] : [tf.Tensor, tf.Tensor];
/** What imageDatasetFromDirectory returns for options O: one dataset, or [training, validation] for subset "both". */
export type ImageDatasetResult<O> = O extends { subset: "both" } ? [BatchDataset<ElementOf<O>>, BatchDataset<ElementOf<O>>] : BatchDataset<ElementOf<O>>;

/** Batches of images read from `directory/<class>/...`, as Keras' image_dataset_from_directory. */
export function imageDatasetFromDirectory<O extends ImageDatasetOptions>(directory: string, options?: O): ImageDatasetResult<O>;
export function imageDatasetFromDirectory(directory: string, options: ImageDatasetOptions = {}): BatchDataset<Element> | [BatchDataset<Element>, BatchDataset<Element>] {
  if (typeof directory !== "string" || !directory) throw new TypeError(`${WHERE}: directory must be a folder path, got ${JSON.stringify(directory)}`);
  let labels = options.labels === undefined ? "inferred" : options.labels;
  let labelMode = options.labelMode === undefined ? "int" : options.labelMode;
  if (labels !== "inferred" && labels !== null) {
    if (!Array.isArray(labels)) {
      throw new Error(
        `${WHERE}: labels must be "inferred" (labels from the class subfolders), null (no labels) or an array of integer labels, ` +
          `one per image file in the folder; got ${JSON.stringify(labels)}`,
      );
    }
    if (!labels.every((l) => Number.isInteger(l))) throw new Error(`${WHERE}: labels must be integers, got ${JSON.stringify(labels.find((l) => !Number.isInteger(l)))}`);
    if (options.classNames) throw new Error(`${WHERE}: classNames can only be given with labels "inferred" (with explicit labels the class names are the sorted labels); got classNames ${JSON.stringify(options.classNames)}`);
  }
  if (!LABEL_MODES.includes(labelMode as LabelMode)) {
    throw new Error(`${WHERE}: labelMode must be one of "int", "categorical", "binary" or null, got ${JSON.stringify(labelMode)}`);
  }
  if (labels === null || labelMode === null) {
    if (labels === null && options.classNames) throw new Error(`${WHERE}: with labels null (no labels) classNames cannot be given`);
    labels = null;
    labelMode = null;
  }
  const colorMode = options.colorMode ?? "rgb";
  if (!COLOR_MODES.includes(colorMode)) throw new Error(`${WHERE}: colorMode must be one of "rgb", "rgba", "grayscale", got ${JSON.stringify(options.colorMode)}`);
  const size = typeof options.imageSize === "number" ? [options.imageSize, options.imageSize] : (options.imageSize ?? [256, 256]);
  if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`${WHERE}: imageSize must be [height, width] in pixels (positive integers), got ${JSON.stringify(options.imageSize)}`);
  }
  const interpolation = (options.interpolation ?? "bilinear").toLowerCase() as Interpolation;
  if (!(interpolation in KERNELS)) throw new Error(`${WHERE}: interpolation must be one of ${Object.keys(KERNELS).map((k) => `"${k}"`).join(", ")}, got ${JSON.stringify(options.interpolation)}`);
  if (options.cropToAspectRatio && options.padToAspectRatio) throw new Error(`${WHERE}: only one of cropToAspectRatio and padToAspectRatio can be true`);
  const batchSize = options.batchSize === undefined ? 32 : options.batchSize;
  if (batchSize !== null && !(Number.isInteger(batchSize) && batchSize > 0)) throw new Error(`${WHERE}: batchSize must be a positive integer or null, got ${JSON.stringify(options.batchSize)}`);
  if (options.prefetch !== undefined && !(Number.isInteger(options.prefetch) && options.prefetch > 0)) throw new Error(`${WHERE}: prefetch must be a positive integer (batches decoded ahead), got ${JSON.stringify(options.prefetch)}`);
  const shuffle = options.shuffle ?? true;
  const { validationSplit: split, subset } = options;
  checkValidationSplit(split, subset, shuffle, options.seed);
  const seed = options.seed ?? Math.floor(Math.random() * 1e6);
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) throw new Error(`${WHERE}: seed must be an integer in [0, 2**32 - 1], got ${JSON.stringify(options.seed)}`);

  const index = indexDirectory(directory, labels, options.classNames, shuffle, seed, options.followLinks ?? false, options.verbose ?? true);
  const classNames = index.classNames;
  if (labelMode === "binary" && classNames!.length !== 2) {
    throw new Error(`${WHERE}: labelMode "binary" needs exactly 2 classes, got ${classNames!.length} (${classNames!.join(", ")})`);
  }
  const source = {
    decode: { height: size[0], width: size[1], colorMode, kernel: KERNELS[interpolation], fit: options.cropToAspectRatio ? "crop" : options.padToAspectRatio ? "pad" : "fill" } as const,
    labelMode: labelMode as LabelMode | null,
    numClasses: classNames?.length ?? 0,
    batchSize,
    prefetch: options.prefetch ?? 2,
    cache: { on: false, pixels: new Map<string, Buffer>() },
  };
  const make = (paths: string[], y: number[] | null, shuffled: boolean) =>
    imageDataset({ ...source, paths, labels: y, shuffleBuffer: shuffled ? (batchSize === null ? 1024 : batchSize * 8) : 0, random: seededRandom(seed), classNames });
  if (subset === "both") {
    const train = splitFiles(index.paths, index.labels, split!, "training");
    const val = splitFiles(index.paths, index.labels, split!, "validation");
    if (!train.paths.length) throw new Error(`${WHERE}: no training images found in ${directory}. Allowed formats: ${IMAGE_DATASET_FORMATS.join(", ")}`);
    if (!val.paths.length) throw new Error(`${WHERE}: no validation images found in ${directory}. Allowed formats: ${IMAGE_DATASET_FORMATS.join(", ")}`);
    return [make(train.paths, train.labels, shuffle), make(val.paths, val.labels, false)];
  }
  const chosen = splitFiles(index.paths, index.labels, split, subset);
  if (!chosen.paths.length) throw new Error(`${WHERE}: no images found in ${directory}. Allowed formats: ${IMAGE_DATASET_FORMATS.join(", ")}`);
  return make(chosen.paths, chosen.labels, shuffle);
}

/** Keras' check_validation_split_arg. */
function checkValidationSplit(split: number | undefined, subset: string | undefined, shuffle: boolean, seed: number | undefined): void {
  if (split !== undefined && split !== 0 && !(split > 0 && split < 1)) throw new Error(`${WHERE}: validationSplit must be between 0 and 1, got ${JSON.stringify(split)}`);
  if (!!split !== !!subset) throw new Error(`${WHERE}: subset and validationSplit go together: if one is set, the other must be (got validationSplit ${JSON.stringify(split)}, subset ${JSON.stringify(subset)})`);
  if (subset !== undefined && !["training", "validation", "both"].includes(subset)) throw new Error(`${WHERE}: subset must be "training", "validation" or "both", got ${JSON.stringify(subset)}`);
  if (split && shuffle && seed === undefined) {
    throw new Error(`${WHERE}: with validationSplit and shuffle a seed must be given, so that the training and validation subsets do not overlap`);
  }
}

/** Python's os.path.join of two parts (no normalisation), as Keras' file paths are made. */
function pyJoin(a: string, b: string): string {
  if (b.startsWith("/") || a === "") return b;
  return a.endsWith("/") ? a + b : `${a}/${b}`;
}

/** Compares strings by code points, as Python sorts them. */
function byCodePoint(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The files under `top` in Keras' order: os.walk's folders sorted by path, each folder's files sorted by
 * name; a symbolic link to a folder is entered only with followLinks. Paths are relative to `top`.
 *
 * Porting note: with followLinks a folder already visited (a link cycle) is not entered again; os.walk
 * would loop.
 */
function walk(top: string, followLinks: boolean, onFile: () => void): string[] {
  const folders: { rel: string; files: string[] }[] = [];
  const seen = new Set<string>();
  const visit = (rel: string) => {
    const path = rel ? pyJoin(top, rel) : top;
    if (followLinks) {
      let real: string;
      try {
        real = realpathSync(path);
      } catch {
        return;
      }
      if (seen.has(real)) return;
      seen.add(real);
    }
    let entries: Dirent[];
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch {
      return; // os.walk skips folders it cannot read
    }
    const files: string[] = [];
    const dirs: string[] = [];
    for (const e of entries) {
      if (e.isDirectory()) dirs.push(e.name);
      else if (e.isSymbolicLink() && isDir(pyJoin(path, e.name))) {
        if (followLinks) dirs.push(e.name);
      } else {
        files.push(e.name);
        onFile();
      }
    }
    folders.push({ rel, files });
    for (const d of dirs) visit(rel ? `${rel}/${d}` : d);
  };
  visit("");
  folders.sort((a, b) => byCodePoint(a.rel, b.rel));
  const out: string[] = [];
  for (const f of folders) {
    for (const name of f.files.sort(byCodePoint)) {
      const lower = name.toLowerCase();
      if (IMAGE_DATASET_FORMATS.some((ext) => lower.endsWith(ext))) out.push(f.rel ? `${f.rel}/${name}` : name);
    }
  }
  return out;
}

interface Index {
  paths: string[];
  labels: number[] | null;
  classNames: string[] | null;
}

/** Keras' index_directory: the files, their labels and the class names, shuffled by numpy's RandomState(seed). */
function indexDirectory(directory: string, labels: "inferred" | readonly number[] | null, classNames: readonly string[] | undefined, shuffle: boolean, seed: number, followLinks: boolean, verbose: boolean): Index {
  if (!isDir(directory)) throw new Error(`${WHERE}: cannot read the folder ${directory} (${statError(directory)}); expected a folder with one subfolder of images per class`);
  let subdirs: string[];
  if (labels === "inferred") {
    subdirs = readdirSync(directory)
      .sort(byCodePoint)
      .filter((d) => !d.startsWith(".") && isDir(pyJoin(directory, d)));
    if (!subdirs.length) {
      throw new Error(
        `${WHERE}: ${directory} has no class subfolders; with labels "inferred" it must hold one folder of images per class ` +
          `(e.g. ${pyJoin(directory, "cats/cat.1.jpg")}); pass labels: null to read the images under it without labels`,
      );
    }
    if (classNames) {
      const unknown = classNames.filter((c) => !subdirs.includes(c));
      if (unknown.length) throw new Error(`${WHERE}: classNames ${JSON.stringify(unknown)} are not subfolders of ${directory}; expected some of ${JSON.stringify(subdirs)}`);
      subdirs = [...classNames];
    }
  } else {
    subdirs = [""];
  }
  // The scan shows a progress line only when it takes a while (Keras prints none).
  let bar: Progress | undefined;
  let scanned = 0;
  const started = performance.now();
  const onFile = () => {
    scanned++;
    if (!bar && scanned % 256 === 0 && performance.now() - started > 500) bar = progress(`Scanning ${directory}`, "items");
    bar?.update(scanned);
  };
  const paths: string[] = [];
  let found: number[] = [];
  subdirs.forEach((sub, label) => {
    const folder = pyJoin(directory, sub);
    for (const rel of walk(folder, followLinks, onFile)) {
      paths.push(pyJoin(directory, pyJoin(sub, rel)));
      found.push(label);
    }
  });
  bar?.finish(`Scanned ${directory}: ${scanned} files`);
  let names: string[] | null;
  if (labels === "inferred") names = subdirs;
  else if (labels === null) names = null;
  else {
    if (labels.length !== paths.length) {
      throw new Error(`${WHERE}: labels has ${labels.length} entries but ${directory} has ${paths.length} image files; expected one label per file (in the order of the sorted file paths)`);
    }
    found = [...labels];
    names = [...new Set(labels)].sort((a, b) => a - b).map(String);
  }
  if (verbose) console.log(names === null ? `Found ${paths.length} files.` : `Found ${paths.length} files belonging to ${names.length} classes.`);
  warnNonImages(paths);
  if (shuffle) {
    new MT19937(seed).shuffle(paths);
    new MT19937(seed).shuffle(found);
  }
  return { paths, labels: names === null ? null : found, classNames: names };
}

function statError(path: string): string {
  try {
    statSync(path);
    return "not a folder";
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such folder" : (e as Error).message;
  }
}

/** Files with an image extension whose first bytes are no image: Keras finds out only when it reads them. */
function warnNonImages(paths: string[]): void {
  const bad = paths.filter((p) => {
    try {
      return !looksLikeImage(p);
    } catch {
      return true;
    }
  });
  if (bad.length) {
    console.warn(
      `${WHERE}: ${bad.length} file(s) with an image extension are not images (${bad.slice(0, 5).join(", ")}${bad.length > 5 ? ", ..." : ""}); ` +
        `they are counted, as Keras counts them, and the batch that reads one will fail: remove them first`,
    );
  }
}

/** Keras' get_training_or_validation_split: the last int(split * n) files are validation. */
function splitFiles(paths: string[], labels: number[] | null, split: number | undefined, subset: "training" | "validation" | undefined): { paths: string[]; labels: number[] | null } {
  if (!split) return { paths, labels };
  const numVal = Math.trunc(split * paths.length);
  // As Python's samples[:-0] and samples[-0:]: with no validation file, training is empty and validation is everything.
  const cut = numVal === 0 ? 0 : paths.length - numVal;
  if (subset === "training") {
    console.log(`Using ${paths.length - numVal} files for training.`);
    return { paths: paths.slice(0, cut), labels: labels && labels.slice(0, cut) };
  }
  console.log(`Using ${numVal} files for validation.`);
  return { paths: paths.slice(cut), labels: labels && labels.slice(cut) };
}

interface SourceSpec {
  paths: string[];
  labels: number[] | null;
  classNames: string[] | null;
  decode: Parameters<typeof decodeImage>[1];
  labelMode: LabelMode | null;
  numClasses: number;
  batchSize: number | null;
  prefetch: number;
  /** tf.data's shuffle buffer of Keras' pipeline (8 batches), 0 for none. */
  shuffleBuffer: number;
  random: () => number;
  cache: { on: boolean; pixels: Map<string, Buffer> };
}

/** The order of one pass: tf.data's buffered shuffle of the file order (a buffer of shuffleBuffer files). */
function passOrder(n: number, buffer: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  if (!buffer) return order;
  const out: number[] = [];
  const held: number[] = [];
  const pick = () => {
    const j = Math.floor(random() * held.length);
    out.push(held[j]);
    held[j] = held[held.length - 1];
    held.pop();
  };
  for (const i of order) {
    held.push(i);
    if (held.length >= buffer) pick();
  }
  while (held.length) pick();
  return out;
}

/**
 * One dataset over `spec.paths`. Each pass decodes its batches `prefetch` ahead on sharp's threads.
 *
 * Porting note: Keras reshuffles each pass with tf.data's shuffle (a buffer of 8 batches, TensorFlow's
 * random numbers); tsdl does the same buffered shuffle with its own seeded numbers, so the files of
 * training and validation are Keras' but the make-up of each batch is not.
 */
function imageDataset(spec: SourceSpec): BatchDataset<Element> {
  const { paths, labels, batchSize } = spec;
  const { height, width, colorMode } = spec.decode;
  const channels = channelsOf(colorMode);
  const load = async (i: number): Promise<Buffer> => {
    const file = paths[i];
    const cached = spec.cache.pixels.get(file);
    if (cached) return cached;
    let data: Buffer;
    try {
      data = await decodeImage(file, spec.decode);
    } catch (e) {
      throw new Error(`${WHERE}: cannot decode ${file} as an image (${(e as Error).message.split("\n")[0]})`);
    }
    if (spec.cache.on) spec.cache.pixels.set(file, data);
    return data;
  };
  const makeBatch = async (indices: number[]): Promise<Element> => {
    const images = await Promise.all(indices.map(load));
    const x = pixelsToTensor(images, height, width, channels);
    if (!spec.labelMode || !labels) return batchSize === null ? [squeeze(x)] : [x];
    const y = tf.tidy(() => {
      const l = indices.map((i) => labels[i]);
      if (spec.labelMode === "int") return tf.tensor1d(l, "int32");
      if (spec.labelMode === "binary") return tf.tensor2d(l, [l.length, 1], "float32");
      return tf.oneHot(tf.tensor1d(l, "int32"), spec.numClasses).toFloat();
    });
    return batchSize === null ? [squeeze(x), squeeze(y)] : [x, y];
  };
  const per = batchSize ?? 1;
  const length = Math.ceil(paths.length / per);
  const pass = async function* (): AsyncGenerator<Element, void, undefined> {
    const order = passOrder(paths.length, spec.shuffleBuffer, spec.random);
    let next = 0;
    const queue = new PrefetchQueue<Element>(spec.prefetch, () => {
      if (next >= order.length) return undefined;
      const indices = order.slice(next, next + per);
      next += per;
      return makeBatch(indices);
    }, (e) => tf.dispose(e));
    try {
      for (;;) {
        const e = await queue.take();
        if (!e) return;
        yield e;
      }
    } finally {
      await queue.close();
    }
  };
  return new BatchDataset<Element>(pass, length, {
    classNames: spec.classNames,
    filePaths: paths,
    enableCache: () => void (spec.cache.on = true),
  });
}

function squeeze(t: tf.Tensor): tf.Tensor {
  const r = t.squeeze([0]);
  t.dispose();
  return r;
}
