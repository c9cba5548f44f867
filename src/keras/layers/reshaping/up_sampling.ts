// UpSampling1D and UpSampling2D: each step (each row and column) repeated `size` times, or for 2-D
// with interpolation "bilinear" the image resized to size times its height and width as Keras'
// ops.image.resize does (TensorFlow's bilinear resize with half-pixel centres).
//
// tsdl's own layers rather than tfjs': tfjs has no UpSampling1D, and its bilinear UpSampling2D samples
// at the corners, not at the pixel centres (different values). The bilinear resize is written here as
// two products with constant interpolation matrices, so that its gradient is exact on every backend
// (tfjs' ResizeBilinearGrad ignores half-pixel centres).
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { dataFormat, fromChannelsLast, toChannelsLast, type DataFormat, type DataFormatOption } from "../pooling/data_format.js";
import { dropMask } from "./drop_mask.js";
import { intTuple } from "./int_tuple.js";

export interface UpSampling1DOptions extends BaseLayerOptions {
  /** How many times each step is repeated. Default 2. */
  size?: number;
}

/**
 * Porting note: Keras also accepts "bicubic", "lanczos3", "lanczos5" and "area"; tsdl has "nearest"
 * and "bilinear".
 */
export type Interpolation = "nearest" | "bilinear";
const INTERPOLATIONS: Interpolation[] = ["nearest", "bilinear"];

export interface UpSampling2DOptions extends BaseLayerOptions {
  /** Factors for rows and columns: `2` or `[2, 3]`. Default [2, 2]. */
  size?: number | number[];
  /** "channels_last" (the default) or "channels_first". */
  dataFormat?: DataFormatOption;
  /** "nearest" (repeat each pixel, the default) or "bilinear". */
  interpolation?: Interpolation;
}

/** x with axis `axis` repeated r times per entry: [a, b] -> [a, a, b, b] (Keras' ops.repeat). */
function repeatAxis(x: tf.Tensor, axis: number, r: number): tf.Tensor {
  if (r === 1) return x;
  const s = x.shape;
  const outer = tf.util.sizeFromShape(s.slice(0, axis + 1));
  const inner = tf.util.sizeFromShape(s.slice(axis + 1));
  const tiled = tf.tile(tf.reshape(x, [outer, 1, inner]), [1, r, 1]);
  return tf.reshape(tiled, [...s.slice(0, axis), s[axis] * r, ...s.slice(axis + 1)]);
}

/**
 * The [n * factor, n] matrix of bilinear weights with half-pixel centres: output o samples input
 * position (o + 0.5) / factor - 0.5, between its two neighbours (clamped at the edges).
 */
export function bilinearWeights(n: number, factor: number): tf.Tensor2D {
  const out = n * factor;
  const w = new Float32Array(out * n);
  const scale = n / out;
  for (let o = 0; o < out; o++) {
    const p = (o + 0.5) * scale - 0.5;
    const f = Math.floor(p);
    const lower = Math.max(f, 0);
    const upper = Math.min(Math.ceil(p), n - 1);
    const lerp = p - f;
    w[o * n + lower] += 1 - lerp;
    w[o * n + upper] += lerp;
  }
  return tf.tensor2d(w, [out, n]);
}

/** Bilinear resize of channels-last images [N, H, W, C] by integer factors, as two matrix products. */
function bilinear(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  const [N, H, W, C] = x.shape;
  const ah = bilinearWeights(H, sh);
  const aw = bilinearWeights(W, sw);
  let y: tf.Tensor = tf.matMul(ah, tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [H, N * W * C])); // [Ho, N*W*C]
  y = tf.transpose(tf.reshape(y, [H * sh, N, W, C]), [2, 1, 0, 3]); // [W, N, Ho, C]
  y = tf.matMul(aw, tf.reshape(y, [W, N * H * sh * C])); // [Wo, N*Ho*C]
  return tf.transpose(tf.reshape(y, [W * sw, N, H * sh, C]), [1, 2, 0, 3]) as tf.Tensor4D;
}

export class UpSampling1DLayer extends tf.layers.Layer {
  static className = "UpSampling1D";
  readonly size: number;

  constructor(args: BaseLayerOptions & { size?: number | number[] } = {}) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.size = intTuple(args.size ?? 2, 1, "UpSampling1D", "size")[0];
    this.inputSpec = [new tf.InputSpec({ ndim: 3 })];
    this.supportsMasking = true; // tfjs then hands masks to computeMask, which drops them as Keras
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0], s[1] == null ? null : s[1] * this.size, s[2]];
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => repeatAxis(Array.isArray(inputs) ? inputs[0] : inputs, 1, this.size));
  }

  computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return dropMask(this, mask); // no mask support in Keras either: warned and dropped
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size };
  }
}

export class UpSampling2DLayer extends tf.layers.Layer {
  static className = "UpSampling2D";
  readonly size: number[];
  readonly dataFormat: DataFormat;
  readonly interpolation: Interpolation;

  constructor(args: BaseLayerOptions & { size?: number | number[]; dataFormat?: string; interpolation?: string } = {}) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.size = intTuple(args.size ?? 2, 2, "UpSampling2D", "size");
    this.dataFormat = dataFormat(args.dataFormat, "UpSampling2D");
    const interpolation = String(args.interpolation ?? "nearest").toLowerCase() as Interpolation;
    if (!INTERPOLATIONS.includes(interpolation)) {
      throw new Error(`UpSampling2D: interpolation must be one of ${INTERPOLATIONS.map((s) => JSON.stringify(s)).join(", ")}, got ${JSON.stringify(args.interpolation)}`);
    }
    this.interpolation = interpolation;
    this.inputSpec = [new tf.InputSpec({ ndim: 4 })];
    this.supportsMasking = true; // tfjs then hands masks to computeMask, which drops them as Keras
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = ((Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape).slice();
    const first = this.dataFormat === "channelsLast" ? 1 : 2;
    for (let i = 0; i < 2; i++) s[first + i] = s[first + i] == null ? null : (s[first + i] as number) * this.size[i];
    return s;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = toChannelsLast((Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D, this.dataFormat);
      const [sh, sw] = this.size;
      const y = this.interpolation === "nearest" ? repeatAxis(repeatAxis(x, 1, sh), 2, sw) : bilinear(x, sh, sw);
      return fromChannelsLast(y, this.dataFormat);
    });
  }

  computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return dropMask(this, mask); // no mask support in Keras either: warned and dropped
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size, dataFormat: this.dataFormat, interpolation: this.interpolation };
  }
}

tf.serialization.registerClass(UpSampling1DLayer);
tf.serialization.registerClass(UpSampling2DLayer);

/** `UpSampling1D(2)` or `UpSampling1D({ size: 2 })`: [batch, steps, features] -> [batch, steps * size, features]. */
export function UpSampling1D(size?: number | UpSampling1DOptions, options: UpSampling1DOptions = {}): Callable<tf.layers.Layer> {
  const optionsForm = typeof size === "object" && size !== null;
  const o = optionsForm ? (size as UpSampling1DOptions) : options;
  return callable(new UpSampling1DLayer({ ...baseArgs("UpSampling1D", o), size: optionsForm ? o.size : (size as number | undefined) }));
}

/** `UpSampling2D(2)`, `UpSampling2D([2, 3], { interpolation: "bilinear" })` or `UpSampling2D({ size: 2 })`. */
export function UpSampling2D(size?: number | number[] | UpSampling2DOptions, options: UpSampling2DOptions = {}): Callable<tf.layers.Layer> {
  const optionsForm = typeof size === "object" && size !== null && !Array.isArray(size);
  const o = optionsForm ? (size as UpSampling2DOptions) : options;
  return callable(
    new UpSampling2DLayer({ ...baseArgs("UpSampling2D", o), size: optionsForm ? o.size : (size as number | number[] | undefined), dataFormat: o.dataFormat, interpolation: o.interpolation }),
  );
}
