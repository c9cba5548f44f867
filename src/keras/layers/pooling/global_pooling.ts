// Global pooling: the mean or the maximum over every step (1-D) or every pixel (2-D) of each channel,
// GlobalAveragePooling1D/2D and GlobalMaxPooling1D/2D. [batch, ...spatial, channels] -> [batch,
// channels], or [batch, 1, ..., 1, channels] with keepdims. GlobalAveragePooling1D takes a mask
// ([batch, steps], from Masking or Embedding's maskZero) and averages the unmasked steps only.
//
// tsdl's own layers rather than tfjs': tfjs' global pools have no keepdims and no mask.
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { dropMask } from "../reshaping/drop_mask.js";
import { dataFormat, spatialAxes, type DataFormat, type DataFormatOption } from "./data_format.js";

export interface GlobalPoolingOptions extends BaseLayerOptions {
  /** "channels_last" ([batch, ...spatial, channels], the default) or "channels_first" ([batch, channels, ...spatial]). */
  dataFormat?: DataFormatOption;
  /** Keep the pooled axes with size 1. Default false. */
  keepdims?: boolean;
}

type GlobalKind = "GlobalAveragePooling1D" | "GlobalAveragePooling2D" | "GlobalMaxPooling1D" | "GlobalMaxPooling2D";

interface GlobalArgs extends BaseLayerOptions {
  dataFormat?: string;
  keepdims?: boolean;
}

abstract class GlobalPooling extends tf.layers.Layer {
  readonly dataFormat: DataFormat;
  readonly keepdims: boolean;
  protected abstract readonly mode: "max" | "avg";

  constructor(
    readonly kind: GlobalKind,
    readonly dims: 1 | 2,
    args: GlobalArgs,
  ) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.dataFormat = dataFormat(args.dataFormat, kind);
    if (args.keepdims !== undefined && typeof args.keepdims !== "boolean") throw new Error(`${kind}: keepdims must be true or false, got ${JSON.stringify(args.keepdims)}`);
    this.keepdims = args.keepdims ?? false;
    this.inputSpec = [new tf.InputSpec({ ndim: dims + 2 })];
    this.supportsMasking = true; // tfjs then hands masks to computeMask, which drops them as Keras
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = this.dataFormat === "channelsLast" ? shape[shape.length - 1] : shape[1];
    if (!this.keepdims) return [shape[0], channels];
    const ones = new Array<number>(shape.length - 2).fill(1);
    return this.dataFormat === "channelsLast" ? [shape[0], ...ones, channels] : [shape[0], channels, ...ones];
  }

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const axes = spatialAxes(x.rank, this.dataFormat);
      const mask = kwargs.mask as tf.Tensor | undefined;
      if (this.mode === "max") return maxSharingTies(x, axes, this.keepdims);
      if (mask == null || this.dims !== 1) return tf.mean(x, axes, this.keepdims);
      // Masked mean over steps, as Keras: the sum of the kept steps (masked ones read as 0) / their number.
      const keep = tf.expandDims(tf.cast(mask, "bool"), this.dataFormat === "channelsLast" ? 2 : 1);
      const kept = tf.where(keep, x, tf.zerosLike(x));
      return tf.div(tf.sum(kept, axes, this.keepdims), tf.sum(tf.cast(keep, x.dtype), axes, this.keepdims));
    });
  }

  computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    // No mask after the layer: the steps are gone. Only GlobalAveragePooling1D uses one (Keras too).
    return this.kind === "GlobalAveragePooling1D" ? (null as unknown as tf.Tensor) : dropMask(this, mask);
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dataFormat: this.dataFormat, keepdims: this.keepdims };
  }
}

/**
 * The maximum over `axes` with TensorFlow's gradient (Keras' reference): equal maxima share the
 * gradient equally. tfjs' Max gradient gives each of them the whole of it, which counts a tie twice
 * (ties are common after overlapping max pools, whose windows pick the same value).
 */
function maxSharingTies(x: tf.Tensor, axes: number[], keepdims: boolean): tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const y = tf.max(t, axes, true);
    save([t, y]);
    return {
      value: keepdims ? y : tf.squeeze(y, axes),
      gradFunc: (dy, saved) => {
        const [xs, ys] = saved;
        const hits = tf.cast(tf.equal(xs, ys), xs.dtype);
        return tf.div(tf.mul(hits, tf.reshape(dy as tf.Tensor, ys.shape)), tf.sum(hits, axes, true));
      },
    };
  });
  return f(x);
}

export class GlobalAveragePooling1DLayer extends GlobalPooling {
  static className = "GlobalAveragePooling1D";
  protected readonly mode = "avg";
  constructor(args: GlobalArgs = {}) {
    super("GlobalAveragePooling1D", 1, args);
  }
}

export class GlobalAveragePooling2DLayer extends GlobalPooling {
  static className = "GlobalAveragePooling2D";
  protected readonly mode = "avg";
  constructor(args: GlobalArgs = {}) {
    super("GlobalAveragePooling2D", 2, args);
  }
}

export class GlobalMaxPooling1DLayer extends GlobalPooling {
  static className = "GlobalMaxPooling1D";
  protected readonly mode = "max";
  constructor(args: GlobalArgs = {}) {
    super("GlobalMaxPooling1D", 1, args);
  }
}

export class GlobalMaxPooling2DLayer extends GlobalPooling {
  static className = "GlobalMaxPooling2D";
  protected readonly mode = "max";
  constructor(args: GlobalArgs = {}) {
    super("GlobalMaxPooling2D", 2, args);
  }
}

for (const cls of [GlobalAveragePooling1DLayer, GlobalAveragePooling2DLayer, GlobalMaxPooling1DLayer, GlobalMaxPooling2DLayer]) tf.serialization.registerClass(cls);

function make(kind: GlobalKind, cls: new (args: GlobalArgs) => GlobalPooling, options: GlobalPoolingOptions): Callable<tf.layers.Layer> {
  return callable(new cls({ ...baseArgs(kind, options), dataFormat: options.dataFormat, keepdims: options.keepdims } as GlobalArgs));
}

/** `GlobalAveragePooling1D()`: [batch, steps, features] -> [batch, features], the mean over the (unmasked) steps. */
export function GlobalAveragePooling1D(options: GlobalPoolingOptions = {}): Callable<tf.layers.Layer> {
  return make("GlobalAveragePooling1D", GlobalAveragePooling1DLayer, options);
}

/** `GlobalAveragePooling2D()`: [batch, height, width, channels] -> [batch, channels], the mean over the pixels. */
export function GlobalAveragePooling2D(options: GlobalPoolingOptions = {}): Callable<tf.layers.Layer> {
  return make("GlobalAveragePooling2D", GlobalAveragePooling2DLayer, options);
}

/** `GlobalMaxPooling1D()`: [batch, steps, features] -> [batch, features], the maximum over the steps. */
export function GlobalMaxPooling1D(options: GlobalPoolingOptions = {}): Callable<tf.layers.Layer> {
  return make("GlobalMaxPooling1D", GlobalMaxPooling1DLayer, options);
}

/** `GlobalMaxPooling2D()`: [batch, height, width, channels] -> [batch, channels], the maximum over the pixels. */
export function GlobalMaxPooling2D(options: GlobalPoolingOptions = {}): Callable<tf.layers.Layer> {
  return make("GlobalMaxPooling2D", GlobalMaxPooling2DLayer, options);
}

/** Keras' aliases (same classes, same automatic names). */
export const GlobalAvgPool1D = GlobalAveragePooling1D;
export const GlobalAvgPool2D = GlobalAveragePooling2D;
export const GlobalMaxPool1D = GlobalMaxPooling1D;
export const GlobalMaxPool2D = GlobalMaxPooling2D;
