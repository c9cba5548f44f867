// Cropping1D and Cropping2D: steps (1-D) or rows and columns (2-D) cut off before and after.
//
// tsdl's own layers rather than tfjs': tfjs has no Cropping1D, and its Cropping2D accepts crops that
// leave nothing, where Keras raises an error; the two share one form of the argument and the errors.
import tf from "../../../tfjs.cjs";
import { callable, shapeText, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { dataFormat, spatialAxes, type DataFormat, type DataFormatOption } from "../pooling/data_format.js";
import { dropMask } from "./drop_mask.js";
import { intTuple, pairs2D, type Pairs2D } from "./int_tuple.js";

export interface Cropping1DOptions extends BaseLayerOptions {
  /** Steps cut at the start and the end: `c` (both) or `[start, end]`. Default [1, 1]. */
  cropping?: number | number[];
}

export interface Cropping2DOptions extends BaseLayerOptions {
  /** `c` (every side), `[rows, columns]` (symmetric) or `[[top, bottom], [left, right]]`. Default [[0, 0], [0, 0]]. */
  cropping?: number | number[] | number[][];
  /** "channels_last" (the default) or "channels_first". */
  dataFormat?: DataFormatOption;
}

type CroppingArgs = BaseLayerOptions & { cropping?: unknown; dataFormat?: string };

abstract class Cropping extends tf.layers.Layer {
  readonly dataFormat: DataFormat;
  abstract readonly cropping: number[] | Pairs2D;

  constructor(
    readonly kind: string,
    dims: number,
    args: CroppingArgs,
  ) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.dataFormat = dataFormat(args.dataFormat, kind);
    this.inputSpec = [new tf.InputSpec({ ndim: dims + 2 })];
    this.supportsMasking = true; // tfjs then hands masks to computeMask, which drops them as Keras
  }

  protected abstract pairs(): [number, number][];

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const s = shape.slice();
    const pairs = this.pairs();
    spatialAxes(s.length, this.dataFormat).forEach((a, i) => {
      const n = s[a];
      if (n == null) return;
      if (pairs[i][0] + pairs[i][1] >= n) {
        throw new Error(`${this.kind} "${this.name}": cropping ${JSON.stringify(this.cropping)} leaves nothing of input shape ${shapeText(shape)}: each axis must be longer than its two crops together`);
      }
      s[a] = n - pairs[i][0] - pairs[i][1];
    });
    return s;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const size = this.computeOutputShape(x.shape) as number[];
    const begin = x.shape.map(() => 0);
    const pairs = this.pairs();
    spatialAxes(x.rank, this.dataFormat).forEach((a, i) => (begin[a] = pairs[i][0]));
    return tf.slice(x, begin, size);
  }

  computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return dropMask(this, mask); // no mask support in Keras either: warned and dropped
  }

  getConfig(): tf.serialization.ConfigDict {
    const c: tf.serialization.ConfigDict = { ...super.getConfig(), cropping: this.cropping as unknown as tf.serialization.ConfigDictValue };
    if (this.kind === "Cropping2D") c.dataFormat = this.dataFormat;
    return c;
  }
}

export class Cropping1DLayer extends Cropping {
  static className = "Cropping1D";
  readonly cropping: number[];
  constructor(args: CroppingArgs = {}) {
    super("Cropping1D", 1, { ...args, dataFormat: undefined });
    this.cropping = intTuple(args.cropping ?? 1, 2, "Cropping1D", "cropping", true);
  }
  protected pairs(): [number, number][] {
    return [this.cropping as [number, number]];
  }
}

export class Cropping2DLayer extends Cropping {
  static className = "Cropping2D";
  readonly cropping: Pairs2D;
  constructor(args: CroppingArgs = {}) {
    super("Cropping2D", 2, args);
    this.cropping = pairs2D(args.cropping ?? 0, "Cropping2D", "cropping");
  }
  protected pairs(): [number, number][] {
    return this.cropping;
  }
}

tf.serialization.registerClass(Cropping1DLayer);
tf.serialization.registerClass(Cropping2DLayer);

function isOptions(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `Cropping1D(1)`, `Cropping1D([2, 0])` or `Cropping1D({ cropping: [2, 0] })`. */
export function Cropping1D(cropping?: number | number[] | Cropping1DOptions, options: Cropping1DOptions = {}): Callable<tf.layers.Layer> {
  const o = isOptions(cropping) ? (cropping as Cropping1DOptions) : options;
  return callable(new Cropping1DLayer({ ...baseArgs("Cropping1D", o), cropping: isOptions(cropping) ? o.cropping : cropping }));
}

/** `Cropping2D(2)`, `Cropping2D([1, 2])`, `Cropping2D([[2, 2], [4, 4]])` or `Cropping2D({ cropping: 2 })`. */
export function Cropping2D(cropping?: number | number[] | number[][] | Cropping2DOptions, options: Cropping2DOptions = {}): Callable<tf.layers.Layer> {
  const o = isOptions(cropping) ? (cropping as Cropping2DOptions) : options;
  return callable(new Cropping2DLayer({ ...baseArgs("Cropping2D", o), cropping: isOptions(cropping) ? o.cropping : cropping, dataFormat: o.dataFormat }));
}
