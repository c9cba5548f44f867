// ZeroPadding1D and ZeroPadding2D: zeros added before and after the steps (1-D) or around the image
// (2-D, rows then columns).
//
// tsdl's own layers rather than tfjs': tfjs has no ZeroPadding1D; the 2-D one is kept beside it so
// the two share one form of the argument and of the errors.
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { dataFormat, spatialAxes, type DataFormat, type DataFormatOption } from "../pooling/data_format.js";
import { dropMask } from "./drop_mask.js";
import { intTuple, pairs2D, type Pairs2D } from "./int_tuple.js";

export interface ZeroPadding1DOptions extends BaseLayerOptions {
  /** Zeros before and after the steps: `p` (both) or `[before, after]`. Default 1. */
  padding?: number | number[];
  /** "channels_last" ([batch, steps, features], the default) or "channels_first" ([batch, features, steps]). */
  dataFormat?: DataFormatOption;
}

export interface ZeroPadding2DOptions extends BaseLayerOptions {
  /** `p` (every side), `[rows, columns]` (symmetric) or `[[top, bottom], [left, right]]`. Default [1, 1]. */
  padding?: number | number[] | number[][];
  /** "channels_last" (the default) or "channels_first". */
  dataFormat?: DataFormatOption;
}

type PaddingArgs = BaseLayerOptions & { padding?: unknown; dataFormat?: string };

/** Zero padding of `pads.length` spatial axes. */
abstract class ZeroPadding extends tf.layers.Layer {
  readonly dataFormat: DataFormat;
  abstract readonly padding: number[] | Pairs2D;

  constructor(kind: string, dims: number, args: PaddingArgs) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.dataFormat = dataFormat(args.dataFormat, kind);
    this.inputSpec = [new tf.InputSpec({ ndim: dims + 2 })];
    this.supportsMasking = true; // tfjs then hands masks to computeMask, which drops them as Keras
  }

  protected abstract pairs(): [number, number][];

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = ((Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape).slice();
    const pairs = this.pairs();
    spatialAxes(s.length, this.dataFormat).forEach((a, i) => {
      if (s[a] != null) s[a] = (s[a] as number) + pairs[i][0] + pairs[i][1];
    });
    return s;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const all: [number, number][] = x.shape.map(() => [0, 0]);
    const pairs = this.pairs();
    spatialAxes(x.rank, this.dataFormat).forEach((a, i) => (all[a] = pairs[i]));
    return tf.pad(x, all);
  }

  computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return dropMask(this, mask); // no mask support in Keras either: warned and dropped
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.padding as unknown as tf.serialization.ConfigDictValue, dataFormat: this.dataFormat };
  }
}

export class ZeroPadding1DLayer extends ZeroPadding {
  static className = "ZeroPadding1D";
  readonly padding: number[];
  constructor(args: PaddingArgs = {}) {
    super("ZeroPadding1D", 1, args);
    this.padding = intTuple(args.padding ?? 1, 2, "ZeroPadding1D", "padding", true);
  }
  protected pairs(): [number, number][] {
    return [this.padding as [number, number]];
  }
}

export class ZeroPadding2DLayer extends ZeroPadding {
  static className = "ZeroPadding2D";
  readonly padding: Pairs2D;
  constructor(args: PaddingArgs = {}) {
    super("ZeroPadding2D", 2, args);
    this.padding = pairs2D(args.padding ?? 1, "ZeroPadding2D", "padding");
  }
  protected pairs(): [number, number][] {
    return this.padding;
  }
}

tf.serialization.registerClass(ZeroPadding1DLayer);
tf.serialization.registerClass(ZeroPadding2DLayer);

function isOptions(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `ZeroPadding1D(2)`, `ZeroPadding1D([1, 3])` or `ZeroPadding1D({ padding: 2 })`. */
export function ZeroPadding1D(padding?: number | number[] | ZeroPadding1DOptions, options: ZeroPadding1DOptions = {}): Callable<tf.layers.Layer> {
  const o = isOptions(padding) ? (padding as ZeroPadding1DOptions) : options;
  return callable(new ZeroPadding1DLayer({ ...baseArgs("ZeroPadding1D", o), padding: isOptions(padding) ? o.padding : padding, dataFormat: o.dataFormat }));
}

/** `ZeroPadding2D(1)`, `ZeroPadding2D([1, 2])`, `ZeroPadding2D([[1, 0], [2, 2]])` or `ZeroPadding2D({ padding: 1 })`. */
export function ZeroPadding2D(padding?: number | number[] | number[][] | ZeroPadding2DOptions, options: ZeroPadding2DOptions = {}): Callable<tf.layers.Layer> {
  const o = isOptions(padding) ? (padding as ZeroPadding2DOptions) : options;
  return callable(new ZeroPadding2DLayer({ ...baseArgs("ZeroPadding2D", o), padding: isOptions(padding) ? o.padding : padding, dataFormat: o.dataFormat }));
}
