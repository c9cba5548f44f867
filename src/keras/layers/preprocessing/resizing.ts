// Resizing: images to [height, width] by bilinear or nearest interpolation (TensorFlow's resize with
// half-pixel centres, as keras.ops.image.resize), optionally first cropping the largest centred window
// of the target's aspect ratio (cropToAspectRatio) or padding to it with fillValue
// (padToAspectRatio), as Keras 3's keras/src/layers/preprocessing/image_preprocessing/resizing.py.
// Integer images come back as integers (rounded), float ones as float.
//
// Porting note: "bicubic", "lanczos3", "lanczos5", "area" and antialias are not supported.
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { checkImageShape, firstShape, hwAxes, imageDataFormat, oneOf, type ImageDataFormat } from "./image_common.js";
import { emptyTaps, putTap, sampleTaps, type Taps } from "./sampling.js";

const INTERPOLATIONS = ["bilinear", "nearest"] as const;
const KERAS_ONLY = ["bicubic", "lanczos3", "lanczos5", "area"];
export type ResizeInterpolation = (typeof INTERPOLATIONS)[number];

export interface ResizingOptions extends BaseLayerOptions {
  /** Output height (when not given first). */
  height?: number;
  /** Output width. */
  width?: number;
  /** "bilinear" (default) or "nearest". */
  interpolation?: string;
  /** Crop the centred window of the target aspect ratio first. Default false. */
  cropToAspectRatio?: boolean;
  /** Pad evenly to the target aspect ratio first (with fillValue). Default false. */
  padToAspectRatio?: boolean;
  /** Only "constant" (Keras' only mode). */
  fillMode?: string;
  /** The padding's value. Default 0. */
  fillValue?: number;
  /** Not supported (Porting note); false. */
  antialias?: boolean;
  /** "channels_last" (default) or "channels_first". */
  dataFormat?: string;
}

/**
 * Keras' crop box of the target aspect ratio: Resizing divides in float32 (its TensorFlow backend),
 * CenterCrop's smart_resize in float64 (Python), before truncating.
 */
export function aspectCrop(h: number, w: number, th: number, tw: number, float32 = true): { top: number; left: number; height: number; width: number } {
  const div = (a: number, b: number) => (float32 ? Math.fround(Math.fround(a) / b) : a / b);
  const height = Math.max(Math.min(h, Math.trunc(div(w * th, tw))), 1);
  const width = Math.max(Math.min(w, Math.trunc(div(h * tw, th))), 1);
  return { top: Math.trunc((h - height) / 2), left: Math.trunc((w - width) / 2), height, width };
}

/**
 * [batch, h, w, c] float images resized to [th, tw] by TensorFlow's half-pixel-centre resize (tfjs'
 * kernels), with the exact gradient (tfjs' resize gradients ignore half-pixel centres).
 */
export function resizeNHWC(x: tf.Tensor4D, th: number, tw: number, interpolation: ResizeInterpolation): tf.Tensor4D {
  const [batch, h, w] = x.shape;
  const forward = (t: tf.Tensor4D) =>
    interpolation === "bilinear" ? tf.image.resizeBilinear(t, [th, tw], false, true) : tf.image.resizeNearestNeighbor(t, [th, tw], false, true);
  return sampleTaps(x, () => resizeTaps(batch, h, w, th, tw, interpolation), 0, forward);
}

/** One axis of TensorFlow's half-pixel resize, in float32 as its kernels: source index(es) and weight per output index. */
function axisTaps(inSize: number, outSize: number, interpolation: ResizeInterpolation): { lo: Int32Array; hi: Int32Array; frac: Float32Array } {
  const scale = Math.fround(inSize / outSize);
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    if (interpolation === "nearest") {
      lo[i] = hi[i] = Math.max(0, Math.min(Math.floor(Math.fround((i + 0.5) * scale)), inSize - 1));
    } else {
      const v = Math.fround(Math.fround((i + 0.5) * scale) - 0.5);
      const f = Math.floor(v);
      lo[i] = Math.max(f, 0);
      hi[i] = Math.min(Math.ceil(v), inSize - 1);
      frac[i] = v - f;
    }
  }
  return { lo, hi, frac };
}

function resizeTaps(batch: number, h: number, w: number, th: number, tw: number, interpolation: ResizeInterpolation): Taps {
  const ys = axisTaps(h, th, interpolation);
  const xs = axisTaps(w, tw, interpolation);
  const t = emptyTaps(batch * th * tw, 4, th, tw);
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        const p = (b * th + y) * tw + x;
        const [fy, fx] = [ys.frac[y], xs.frac[x]];
        // Taps on the same pixel add up (the scatter sums them).
        putTap(t, p, 0, b, ys.lo[y], xs.lo[x], (1 - fy) * (1 - fx), h, w);
        putTap(t, p, 1, b, ys.lo[y], xs.hi[x], (1 - fy) * fx, h, w);
        putTap(t, p, 2, b, ys.hi[y], xs.lo[x], fy * (1 - fx), h, w);
        putTap(t, p, 3, b, ys.hi[y], xs.hi[x], fy * fx, h, w);
      }
    }
  }
  return t;
}

interface ResizingArgs extends BaseLayerOptions {
  height: number;
  width: number;
  interpolation: ResizeInterpolation;
  cropToAspectRatio: boolean;
  padToAspectRatio: boolean;
  fillValue: number;
  dataFormat: ImageDataFormat;
}

export class ResizingLayer extends tf.layers.Layer {
  static className = "Resizing";
  readonly height: number;
  readonly width: number;
  readonly interpolation: ResizeInterpolation;
  readonly cropToAspectRatio: boolean;
  readonly padToAspectRatio: boolean;
  readonly fillValue: number;
  readonly dataFormat: ImageDataFormat;

  constructor(args: ResizingArgs) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.height = args.height;
    this.width = args.width;
    this.interpolation = args.interpolation;
    this.cropToAspectRatio = args.cropToAspectRatio;
    this.padToAspectRatio = args.padToAspectRatio;
    this.fillValue = args.fillValue;
    this.dataFormat = imageDataFormat(args.dataFormat, "Resizing"); // a loaded config has "channelsLast"
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    checkImageShape(x.shape, `Resizing "${this.name}"`);
    return tf.tidy(() => {
      let t: tf.Tensor = tf.cast(x, "float32");
      const single = t.rank === 3;
      if (single) t = tf.expandDims(t, 0);
      if (this.dataFormat === "channels_first") t = tf.transpose(t, [0, 2, 3, 1]);
      let img = t as tf.Tensor4D;
      const [, h, w] = img.shape;
      if (this.cropToAspectRatio) {
        const c = aspectCrop(h, w, this.height, this.width);
        img = tf.slice(img, [0, c.top, c.left, 0], [-1, c.height, c.width, -1]);
      } else if (this.padToAspectRatio) {
        img = this.pad(img);
      }
      let y: tf.Tensor = resizeNHWC(img, this.height, this.width, this.interpolation);
      if (this.dataFormat === "channels_first") y = tf.transpose(y, [0, 3, 1, 2]);
      if (single) y = tf.squeeze(y, [0]);
      // Keras: integer images are rounded back to their type.
      return x.dtype === "int32" ? tf.cast(tf.round(y), "int32") : y;
    });
  }

  /** Keras' pad_to_aspect_ratio: the same number of fill rows (columns) above and below (left and right). */
  private pad(img: tf.Tensor4D): tf.Tensor4D {
    const [, h, w] = img.shape;
    const padH = Math.max(h, Math.trunc(Math.fround(Math.fround(w * this.height) / this.width)));
    const padW = Math.max(w, Math.trunc(Math.fround(Math.fround(h * this.width) / this.height)));
    const top = Math.trunc((padH - h) / 2);
    const left = Math.trunc((padW - w) / 2);
    return tf.pad(img, [[0, 0], [top, top], [left, left], [0, 0]], this.fillValue);
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = firstShape(inputShape).slice();
    checkImageShape(shape, `Resizing "${this.name}"`);
    const [ha, wa] = hwAxes(shape.length, this.dataFormat);
    shape[ha] = this.height;
    shape[wa] = this.width;
    return shape;
  }

  getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      height: this.height, width: this.width, interpolation: this.interpolation, cropToAspectRatio: this.cropToAspectRatio,
      padToAspectRatio: this.padToAspectRatio, fillValue: this.fillValue, dataFormat: this.dataFormat,
    };
  }
}
tf.serialization.registerClass(ResizingLayer);

export function positiveSize(v: unknown, where: string, option: string): number {
  if (!Number.isInteger(v) || (v as number) <= 0) throw new Error(`${where}: ${option} must be a positive integer, got ${JSON.stringify(v)}`);
  return v as number;
}

/** `Resizing(height, width, { interpolation, cropToAspectRatio })` or `Resizing({ height, width, ... })`. */
export function Resizing(height: number | ResizingOptions, width?: number, options: ResizingOptions = {}): Callable<tf.layers.Layer> {
  const o = typeof height === "object" ? height : { ...options, height, width };
  const where = "Resizing";
  const interp = typeof o.interpolation === "string" ? o.interpolation.toLowerCase() : o.interpolation;
  if (KERAS_ONLY.includes(interp as string)) {
    throw new Error(`Resizing: interpolation ${JSON.stringify(o.interpolation)} is not supported in tsdl; expected one of "bilinear", "nearest"`);
  }
  if (o.antialias) throw new Error("Resizing: antialias is not supported in tsdl; use antialias: false");
  if (o.cropToAspectRatio && o.padToAspectRatio) throw new Error("Resizing: only one of cropToAspectRatio and padToAspectRatio can be true");
  oneOf(o.fillMode, ["constant"] as const, "constant", where, "fillMode");
  if (o.fillValue !== undefined && !(typeof o.fillValue === "number" && Number.isFinite(o.fillValue))) throw new Error(`Resizing: fillValue must be a number, got ${JSON.stringify(o.fillValue)}`);
  return callable(
    new ResizingLayer({
      ...baseArgs("Resizing", o),
      height: positiveSize(o.height, where, "height"),
      width: positiveSize(o.width, where, "width"),
      interpolation: oneOf(interp, INTERPOLATIONS, "bilinear", where, "interpolation"),
      cropToAspectRatio: o.cropToAspectRatio ?? false,
      padToAspectRatio: o.padToAspectRatio ?? false,
      fillValue: o.fillValue ?? 0,
      dataFormat: imageDataFormat(o.dataFormat, where),
    }),
  );
}
