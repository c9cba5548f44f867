// SpatialDropout1D/2D/3D: Dropout that drops whole channels (feature maps): one draw per sample and
// channel, the same at every step or pixel, for inputs whose neighbouring entries are correlated.
// 1D: [batch, steps, channels]; 2D/3D: channels last (default) or first.
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { dataFormat, type DataFormat, type DataFormatOption } from "../pooling/data_format.js";
import { SeedSequence } from "../dropout.js";
import { rateArg } from "./noise.js";

export interface SpatialDropout1DOptions extends BaseLayerOptions {
  /** Seed of the sequence of random masks. Default: random. */
  seed?: number | null;
}

export interface SpatialDropout2DOptions extends SpatialDropout1DOptions {
  /** "channels_last" (the default) or "channels_first". */
  dataFormat?: DataFormatOption;
}
export type SpatialDropout3DOptions = SpatialDropout2DOptions;

type Args = BaseLayerOptions & { rate: number; seed?: number | null; dataFormat?: DataFormat };

abstract class SpatialDropoutLayer extends tf.layers.Layer {
  readonly rate: number;
  readonly seed: number | null;
  readonly dataFormat: DataFormat;
  private readonly seeds: SeedSequence;
  protected abstract readonly rank: number;

  constructor(args: Args) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.supportsMasking = true;
    this.rate = args.rate;
    this.seed = args.seed ?? null;
    this.dataFormat = args.dataFormat ?? "channelsLast";
    this.seeds = new SeedSequence(this.seed);
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    this.inputSpec = [new tf.InputSpec({ ndim: this.rank })];
    void inputShape;
    this.built = true;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  /** One entry per sample and channel, 1 elsewhere. */
  noiseShape(shape: number[]): number[] {
    const channels = this.dataFormat === "channelsLast" ? shape.length - 1 : 1;
    return shape.map((d, i) => (i === 0 || i === channels ? d : 1));
  }

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training !== true || this.rate === 0) return x;
    const seed = this.seeds.next();
    return tf.tidy(() => tf.dropout(x, this.rate, this.noiseShape(x.shape), seed));
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed, dataFormat: this.dataFormat };
  }
}

export class SpatialDropout1DLayer extends SpatialDropoutLayer {
  static className = "SpatialDropout1D";
  protected readonly rank = 3;
}
export class SpatialDropout2DLayer extends SpatialDropoutLayer {
  static className = "SpatialDropout2D";
  protected readonly rank = 4;
}
export class SpatialDropout3DLayer extends SpatialDropoutLayer {
  static className = "SpatialDropout3D";
  protected readonly rank = 5;
}
for (const cls of [SpatialDropout1DLayer, SpatialDropout2DLayer, SpatialDropout3DLayer]) tf.serialization.registerClass(cls);

function parse<O extends SpatialDropout1DOptions>(rate: number | (O & { rate?: number }), options: O | undefined, where: string): [number, O] {
  const o = (typeof rate === "object" && rate !== null ? rate : options ?? {}) as O;
  return [rateArg(typeof rate === "object" && rate !== null ? rate.rate : rate, where, "rate"), o];
}

/** `SpatialDropout1D(0.2)`: drops whole channels of [batch, steps, channels] inputs in training. */
export function SpatialDropout1D(rate: number | (SpatialDropout1DOptions & { rate?: number }), options?: SpatialDropout1DOptions): Callable<tf.layers.Layer> {
  const [r, o] = parse(rate, options, "SpatialDropout1D");
  return callable(new SpatialDropout1DLayer({ ...baseArgs("SpatialDropout1D", o), rate: r, seed: o.seed }));
}

/** `SpatialDropout2D(0.2)`: drops whole feature maps of images in training. */
export function SpatialDropout2D(rate: number | (SpatialDropout2DOptions & { rate?: number }), options?: SpatialDropout2DOptions): Callable<tf.layers.Layer> {
  const [r, o] = parse(rate, options, "SpatialDropout2D");
  return callable(new SpatialDropout2DLayer({ ...baseArgs("SpatialDropout2D", o), rate: r, seed: o.seed, dataFormat: dataFormat(o.dataFormat, "SpatialDropout2D") }));
}

/** `SpatialDropout3D(0.2)`: drops whole feature volumes of 3-D inputs in training. */
export function SpatialDropout3D(rate: number | (SpatialDropout3DOptions & { rate?: number }), options?: SpatialDropout3DOptions): Callable<tf.layers.Layer> {
  const [r, o] = parse(rate, options, "SpatialDropout3D");
  return callable(new SpatialDropout3DLayer({ ...baseArgs("SpatialDropout3D", o), rate: r, seed: o.seed, dataFormat: dataFormat(o.dataFormat, "SpatialDropout3D") }));
}
