// Window pooling of 1-D and 2-D data: MaxPooling1D, AveragePooling1D, MaxPooling2D, AveragePooling2D.
// The maximum (or the mean) of each window of `poolSize`, the window moving by `strides`. With
// padding "same" the windows overhanging the edge see only the real values: the maximum ignores
// the padding and the mean divides by the number of real values (as TensorFlow's pools, which Keras
// uses). 1-D pooling runs as 2-D pooling of [batch, steps, 1, channels].
//
// tsdl's own layers rather than tfjs': tfjs' 1-D pools have no dataFormat, and tfjs accepts windows
// larger than the input (an empty output) where Keras raises an error.
import tf from "../../../tfjs.cjs";
import { callable, shapeText, type Callable } from "../../callable.js";
import { baseArgs, padding as paddingOption, type BaseLayerOptions } from "../common.js";
import { dropMask } from "../reshaping/drop_mask.js";
import { intTuple } from "../reshaping/int_tuple.js";
import { dataFormat, fromChannelsLast, toChannelsLast, type DataFormat, type DataFormatOption } from "./data_format.js";

export interface Pooling1DOptions extends BaseLayerOptions {
  /** Window size: `2` or `[2]`. Default 2 for MaxPooling1D; required for AveragePooling1D (as in Keras). */
  poolSize?: number | number[];
  /** Step of the window. Default: the pool size. */
  strides?: number | number[];
  /** "valid" (no padding, the default) or "same" (output length ceil(steps / strides)). */
  padding?: "valid" | "same";
  /** "channels_last" ([batch, steps, features], the default) or "channels_first" ([batch, features, steps]). */
  dataFormat?: DataFormatOption;
}

export interface Pooling2DOptions extends BaseLayerOptions {
  /** Window size: `2` or `[2, 2]`. Default [2, 2] for MaxPooling2D; required for AveragePooling2D (as in Keras). */
  poolSize?: number | number[];
  /** Step of the window. Default: the pool size. */
  strides?: number | number[];
  /** "valid" (no padding, the default) or "same" (output size ceil(size / strides) per axis). */
  padding?: "valid" | "same";
  /** "channels_last" ([batch, height, width, channels], the default) or "channels_first". */
  dataFormat?: DataFormatOption;
}

type PoolingKind = "MaxPooling1D" | "AveragePooling1D" | "MaxPooling2D" | "AveragePooling2D";

interface PoolingArgs extends BaseLayerOptions {
  poolSize?: number | number[];
  strides?: number | number[] | null;
  padding?: string;
  dataFormat?: string;
}

/** The layer behind the four pooling classes: `dims` spatial axes, max or mean. */
abstract class Pooling extends tf.layers.Layer {
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: "valid" | "same";
  readonly dataFormat: DataFormat;
  protected abstract readonly mode: "max" | "avg";

  constructor(
    readonly kind: PoolingKind,
    readonly dims: 1 | 2,
    args: PoolingArgs,
  ) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.poolSize = intTuple(args.poolSize ?? 2, dims, kind, "poolSize");
    this.strides = intTuple(args.strides ?? this.poolSize, dims, kind, "strides");
    this.padding = paddingOption(args.padding ?? "valid", kind)!;
    this.dataFormat = dataFormat(args.dataFormat, kind);
    this.inputSpec = [new tf.InputSpec({ ndim: dims + 2 })];
    this.supportsMasking = true; // tfjs then hands masks to computeMask, which drops them as Keras
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const first = this.dataFormat === "channelsLast" ? 1 : 2;
    const out = shape.slice();
    for (let i = 0; i < this.dims; i++) {
      const n = shape[first + i];
      if (n == null) continue;
      const size = this.padding === "same" ? Math.floor((n - 1) / this.strides[i]) + 1 : Math.floor((n - this.poolSize[i]) / this.strides[i]) + 1;
      if (size <= 0) {
        throw new Error(
          `${this.kind} "${this.name}": computed output size would be zero or negative: input shape ${shapeText(shape)}, ` +
            `poolSize ${shapeText(this.poolSize)}, strides ${shapeText(this.strides)}, padding "${this.padding}"`,
        );
      }
      out[first + i] = size;
    }
    return out;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x0 = Array.isArray(inputs) ? inputs[0] : inputs;
      this.computeOutputShape(x0.shape);
      let x = toChannelsLast(x0, this.dataFormat) as tf.Tensor4D;
      const window = this.dims === 1 ? ([this.poolSize[0], 1] as [number, number]) : (this.poolSize as [number, number]);
      const step = this.dims === 1 ? ([this.strides[0], 1] as [number, number]) : (this.strides as [number, number]);
      if (this.dims === 1) x = tf.expandDims(x, 2) as tf.Tensor4D; // [batch, steps, 1, channels]
      let y: tf.Tensor = this.mode === "max" ? tf.maxPool(x, window, step, this.padding) : tf.avgPool(x, window, step, this.padding);
      if (this.dims === 1) y = tf.squeeze(y, [2]);
      return fromChannelsLast(y, this.dataFormat);
    });
  }

  computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return dropMask(this, mask); // no mask support in Keras either: warned and dropped
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), poolSize: this.poolSize, padding: this.padding, strides: this.strides, dataFormat: this.dataFormat };
  }
}

export class MaxPooling1DLayer extends Pooling {
  static className = "MaxPooling1D";
  protected readonly mode = "max";
  constructor(args: PoolingArgs = {}) {
    super("MaxPooling1D", 1, args);
  }
}

export class AveragePooling1DLayer extends Pooling {
  static className = "AveragePooling1D";
  protected readonly mode = "avg";
  constructor(args: PoolingArgs = {}) {
    super("AveragePooling1D", 1, args);
  }
}

export class MaxPooling2DLayer extends Pooling {
  static className = "MaxPooling2D";
  protected readonly mode = "max";
  constructor(args: PoolingArgs = {}) {
    super("MaxPooling2D", 2, args);
  }
}

export class AveragePooling2DLayer extends Pooling {
  static className = "AveragePooling2D";
  protected readonly mode = "avg";
  constructor(args: PoolingArgs = {}) {
    super("AveragePooling2D", 2, args);
  }
}

for (const cls of [MaxPooling1DLayer, AveragePooling1DLayer, MaxPooling2DLayer, AveragePooling2DLayer]) tf.serialization.registerClass(cls);

type PoolingClass = new (args: PoolingArgs) => Pooling;

function make(kind: PoolingKind, cls: PoolingClass, poolOrOptions: number | number[] | PoolingArgs | undefined, maybeOptions: PoolingArgs): Callable<tf.layers.Layer> {
  const optionsForm = typeof poolOrOptions === "object" && !Array.isArray(poolOrOptions);
  const options = optionsForm ? (poolOrOptions as PoolingArgs) : maybeOptions;
  const poolSize = optionsForm ? options.poolSize : (poolOrOptions as number | number[] | undefined);
  if (poolSize === undefined && kind.startsWith("Average")) {
    throw new Error(`${kind}: poolSize is required (Keras' AveragePooling has no default), e.g. ${kind}(${kind.endsWith("1D") ? "2" : "[2, 2]"})`);
  }
  const base = baseArgs(kind, options);
  return callable(new cls({ ...base, poolSize, strides: options.strides, padding: options.padding, dataFormat: options.dataFormat } as PoolingArgs));
}

/** `MaxPooling1D(2)`, `MaxPooling1D(3, { strides: 2, padding: "same" })` or `MaxPooling1D({ poolSize: 3 })`. */
export function MaxPooling1D(poolSize?: number | number[] | Pooling1DOptions, options: Pooling1DOptions = {}): Callable<tf.layers.Layer> {
  return make("MaxPooling1D", MaxPooling1DLayer, poolSize, options);
}

/** `AveragePooling1D(2)` or `AveragePooling1D({ poolSize: 2 })`; with padding "same" the edge windows average their real values only. */
export function AveragePooling1D(poolSize?: number | number[] | Pooling1DOptions, options: Pooling1DOptions = {}): Callable<tf.layers.Layer> {
  return make("AveragePooling1D", AveragePooling1DLayer, poolSize, options);
}

/** `MaxPooling2D([2, 2])` or `MaxPooling2D({ poolSize: [2, 2] })`. */
export function MaxPooling2D(poolSize?: number | number[] | Pooling2DOptions, options: Pooling2DOptions = {}): Callable<tf.layers.Layer> {
  return make("MaxPooling2D", MaxPooling2DLayer, poolSize, options);
}

/** `AveragePooling2D([2, 2])` or `AveragePooling2D({ poolSize: [2, 2] })`; with padding "same" the edge windows average their real values only. */
export function AveragePooling2D(poolSize?: number | number[] | Pooling2DOptions, options: Pooling2DOptions = {}): Callable<tf.layers.Layer> {
  return make("AveragePooling2D", AveragePooling2DLayer, poolSize, options);
}

/** Keras' aliases: `MaxPool1D` is `MaxPooling1D` (same class, same automatic names), ... */
export const MaxPool1D = MaxPooling1D;
export const AvgPool1D = AveragePooling1D;
export const MaxPool2D = MaxPooling2D;
export const AvgPool2D = AveragePooling2D;
