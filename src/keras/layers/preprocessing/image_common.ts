// What the image preprocessing layers share (Keras 3's BaseImagePreprocessingLayer): images of rank 3
// ([height, width, channels]) or 4 (a batch), "channels_last" or "channels_first", a seeded random
// stream per layer, and the factor arguments of the random layers.
import tf from "../../../tfjs.cjs";
import { shapeText } from "../../callable.js";

export type ImageDataFormat = "channels_last" | "channels_first";

/** Keras' data_format option (camelCase accepted). Default "channels_last". */
export function imageDataFormat(v: unknown, where: string): ImageDataFormat {
  if (v === undefined || v === null) return "channels_last";
  const s = typeof v === "string" ? v.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase() : v;
  if (s !== "channels_last" && s !== "channels_first") {
    throw new Error(`${where}: dataFormat must be "channels_last" or "channels_first", got ${JSON.stringify(v)}`);
  }
  return s;
}

/** Images must be [height, width, channels] or [batch, height, width, channels] (or channels first). */
export function checkImageShape(shape: readonly (number | null)[], where: string): void {
  if (shape.length !== 3 && shape.length !== 4) {
    const err = new Error(`${where}: expected images of rank 3 ([height, width, channels]) or 4 ([batch, height, width, channels]), got shape ${shapeText(shape)}`);
    err.name = "ValueError";
    throw err;
  }
}

/** The height and width axes of a shape of rank 3 or 4. */
export function hwAxes(rank: number, format: ImageDataFormat): [number, number] {
  return format === "channels_last" ? [rank - 3, rank - 2] : [rank - 2, rank - 1];
}

/**
 * Runs `f` on the images as a float [batch, height, width, channels] tensor and returns its result in
 * the input's layout (rank 3 stays rank 3, channels first stays channels first).
 */
export function asBatchNHWC(x: tf.Tensor, format: ImageDataFormat, f: (nhwc: tf.Tensor4D) => tf.Tensor4D): tf.Tensor {
  return tf.tidy(() => {
    let t = x.dtype === "float32" ? x : tf.cast(x, "float32");
    const single = t.rank === 3;
    if (single) t = tf.expandDims(t, 0);
    if (format === "channels_first") t = tf.transpose(t, [0, 2, 3, 1]);
    let y: tf.Tensor = f(t as tf.Tensor4D);
    if (format === "channels_first") y = tf.transpose(y, [0, 3, 1, 2]);
    return single ? tf.squeeze(y, [0]) : y;
  });
}

/** A float copy of the input (what the random layers give in inference: Keras casts, changes nothing). */
export function passThrough(x: tf.Tensor): tf.Tensor {
  return x.dtype === "float32" ? tf.clone(x) : tf.cast(x, "float32");
}

/**
 * A layer's random numbers: seeded, the same sequence each run (Keras' SeedGenerator(seed)); unseeded,
 * a fresh one. Porting note: the same seed does not give Keras' numbers (the generators differ).
 */
export class RandomStream {
  private state: number;
  constructor(readonly seed: number | undefined, where: string) {
    if (seed !== undefined && seed !== null && !Number.isInteger(seed)) throw new Error(`${where}: seed must be an integer, got ${JSON.stringify(seed)}`);
    this.state = (seed ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
  }
  /** U[0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** U[low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }
}

/** Whether a layer call is in training mode (the random layers act only then). */
export function isTraining(kwargs: Record<string, unknown> | undefined): boolean {
  return kwargs?.training === true;
}

/**
 * Keras' BaseImagePreprocessingLayer._set_factor: a number f in [min, max] -> [max(-|f|, min), |f|];
 * a pair -> sorted (an error if the pair lies outside [min, max]).
 */
export function baseFactor(v: unknown, bounds: [number, number], where: string, option = "factor"): [number, number] {
  const error = () =>
    new Error(`${where}: ${option} must be a number (or a list of two numbers) in the range [${bounds[0]}, ${bounds[1]}], got ${JSON.stringify(v)}`);
  if (Array.isArray(v)) {
    if (v.length !== 2 || !v.every((n) => typeof n === "number" && Number.isFinite(n))) throw error();
    if (v[0] > bounds[1] || v[1] < bounds[0]) throw error();
    return [Math.min(v[0], v[1]), Math.max(v[0], v[1])];
  }
  if (typeof v !== "number" || !Number.isFinite(v) || v < bounds[0] || v > bounds[1]) throw error();
  const f = Math.abs(v);
  return [Math.max(-f, bounds[0]), f];
}

/**
 * RandomZoom's and RandomTranslation's factors: a number f -> [-|f|, |f|], a pair -> sorted, each
 * value in (-1, 1] (zoom: `openLow`) or [-1, 1] (translation).
 */
export function symmetricFactor(v: unknown, where: string, option: string, openLow: boolean): [number, number] {
  const range = openLow ? "(-1.0, 1.0]" : "[-1.0, 1.0]";
  const ok = (n: unknown) => typeof n === "number" && Number.isFinite(n) && n <= 1 && (openLow ? n > -1 : n >= -1);
  const error = () => new Error(`${where}: ${option} must be a number (or a list of two numbers) in the range ${range}, got ${JSON.stringify(v)}`);
  if (Array.isArray(v)) {
    if (v.length !== 2 || !v.every(ok)) throw error();
    return [Math.min(v[0], v[1]), Math.max(v[0], v[1])];
  }
  if (!ok(v)) throw error();
  const f = Math.abs(v as number);
  return [-f, f];
}

/** One of a fixed set of strings (camelCase accepted), else an error listing them. */
export function oneOf<T extends string>(v: unknown, accepted: readonly T[], fallback: T, where: string, option: string): T {
  if (v === undefined || v === null) return fallback;
  const s = typeof v === "string" ? v.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase() : v;
  if (!(accepted as readonly unknown[]).includes(s)) {
    throw new Error(`${where}: unknown ${option} ${JSON.stringify(v)}; expected one of ${accepted.map((a) => JSON.stringify(a)).join(", ")}`);
  }
  return s as T;
}

/** The first shape of a layer's input shape(s). */
export function firstShape(inputShape: tf.Shape | tf.Shape[]): (number | null)[] {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
}
