// RandomContrast: in training, each image's channels are moved away from (or towards) their means:
// (x - mean) * f + mean, mean per image and channel over the pixels, one f per image drawn from
// [1 - lower, 1 + upper], then clipped to valueRange, as Keras 3's random_contrast.py. Keras 3's
// factor: a number f gives (lower, upper) = (0, f), so f in [1, 1 + f]; a pair [a, b] gives [1 - a,
// 1 + b]. In inference the images pass through.
//
// Porting note: inference returns float images (Keras returns an integer input unchanged).
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { asBatchNHWC, baseFactor, imageDataFormat } from "./image_common.js";
import { RandomImageLayer, type RandomLayerArgs } from "./random_layer.js";

export interface RandomContrastOptions extends BaseLayerOptions {
  /** In [0, 1]: f or [lower, upper] (see above). Required. */
  factor?: number | [number, number];
  /** The images' range, to which the output is clipped. Default [0, 255]. */
  valueRange?: [number, number];
  /** Makes the factors repeatable. Default: random. */
  seed?: number;
  /** "channels_last" (default) or "channels_first". */
  dataFormat?: string;
}

/** The contrast factor of each image. */
export interface ContrastParams {
  factors: number[];
}

interface ContrastArgs extends RandomLayerArgs {
  factor: [number, number];
  valueRange: [number, number];
}

export class RandomContrastLayer extends RandomImageLayer<ContrastParams> {
  static className = "RandomContrast";
  readonly factor: [number, number];
  readonly valueRange: [number, number];
  constructor(args: ContrastArgs) {
    super(args, "RandomContrast");
    this.factor = args.factor;
    this.valueRange = args.valueRange;
  }
  protected draw(batch: number): ContrastParams {
    return { factors: Array.from({ length: batch }, () => this.random.uniform(1 - this.factor[0], 1 + this.factor[1])) };
  }
  transformWith(images: tf.Tensor, { factors }: ContrastParams): tf.Tensor {
    return asBatchNHWC(images, this.dataFormat, (x) => {
      const mean = tf.mean(x, [1, 2], true);
      const f = tf.tensor4d(factors, [factors.length, 1, 1, 1]);
      return tf.clipByValue(tf.add(tf.mul(tf.sub(x, mean), f), mean), this.valueRange[0], this.valueRange[1]) as tf.Tensor4D;
    });
  }
  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), factor: this.factor, valueRange: this.valueRange };
  }
}
tf.serialization.registerClass(RandomContrastLayer);

/** `RandomContrast(0.2)`, `RandomContrast([0.1, 0.3], { valueRange: [0, 1] })` or `RandomContrast({ factor, ... })`. */
export function RandomContrast(factor: number | [number, number] | RandomContrastOptions, options: RandomContrastOptions = {}): Callable<tf.layers.Layer> {
  const o = typeof factor === "object" && !Array.isArray(factor) ? factor : { ...options, factor };
  if (o.factor === undefined) throw new Error("RandomContrast: factor is required, e.g. RandomContrast(0.2)");
  const vr = o.valueRange ?? [0, 255];
  if (!Array.isArray(vr) || vr.length !== 2 || !vr.every((v) => typeof v === "number") || !(vr[0] <= vr[1])) {
    throw new Error(`RandomContrast: valueRange must be [low, high] with low <= high, got ${JSON.stringify(o.valueRange)}`);
  }
  return callable(
    new RandomContrastLayer({
      ...baseArgs("RandomContrast", o),
      factor: baseFactor(o.factor, [0, 1], "RandomContrast"),
      valueRange: [vr[0], vr[1]],
      seed: o.seed,
      dataFormat: imageDataFormat(o.dataFormat, "RandomContrast"),
    }),
  );
}
