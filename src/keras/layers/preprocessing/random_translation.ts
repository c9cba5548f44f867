// RandomTranslation: in training, each image is shifted by fractions of its height and width drawn
// from heightFactor and widthFactor (positive: down and right), points outside filled by fillMode,
// as Keras 3's random_translation.py. In inference the images pass through.
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { affineOptions, affineTransform, translationMatrix, type AffineOptions, type FillMode, type Interpolation } from "./affine.js";
import { asBatchNHWC, imageDataFormat, symmetricFactor } from "./image_common.js";
import { RandomImageLayer, type RandomLayerArgs } from "./random_layer.js";

export interface RandomTranslationOptions extends BaseLayerOptions, AffineOptions {
  /** A fraction of the height: f for [-f, f] or [low, high], in [-1, 1]. Required. */
  heightFactor?: number | [number, number];
  /** A fraction of the width, likewise. Required. */
  widthFactor?: number | [number, number];
  /** Makes the shifts repeatable. Default: random. */
  seed?: number;
  /** "channels_last" (default) or "channels_first". */
  dataFormat?: string;
}

/** The shift of each image in pixels (down, right). */
export interface TranslationParams {
  dy: number[];
  dx: number[];
}

interface TranslationArgs extends RandomLayerArgs {
  heightFactor: [number, number];
  widthFactor: [number, number];
  fillMode: FillMode;
  interpolation: Interpolation;
  fillValue: number;
}

export class RandomTranslationLayer extends RandomImageLayer<TranslationParams> {
  static className = "RandomTranslation";
  readonly heightFactor: [number, number];
  readonly widthFactor: [number, number];
  readonly fillMode: FillMode;
  readonly interpolation: Interpolation;
  readonly fillValue: number;
  constructor(args: TranslationArgs) {
    super(args, "RandomTranslation");
    this.heightFactor = args.heightFactor;
    this.widthFactor = args.widthFactor;
    this.fillMode = args.fillMode;
    this.interpolation = args.interpolation;
    this.fillValue = args.fillValue;
  }
  protected draw(batch: number, height: number, width: number): TranslationParams {
    const dy = Array.from({ length: batch }, () => this.random.uniform(this.heightFactor[0], this.heightFactor[1]) * height);
    const dx = Array.from({ length: batch }, () => this.random.uniform(this.widthFactor[0], this.widthFactor[1]) * width);
    return { dy, dx };
  }
  transformWith(images: tf.Tensor, { dy, dx }: TranslationParams): tf.Tensor {
    return asBatchNHWC(images, this.dataFormat, (x) => affineTransform(x, dy.map((d, i) => translationMatrix(d, dx[i])), this.interpolation, this.fillMode, this.fillValue));
  }
  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heightFactor: this.heightFactor, widthFactor: this.widthFactor, fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue };
  }
}
tf.serialization.registerClass(RandomTranslationLayer);

/** `RandomTranslation(0.1, 0.2)`, `RandomTranslation(0.1, 0.1, { fillMode })` or `RandomTranslation({ heightFactor, widthFactor, ... })`. */
export function RandomTranslation(
  heightFactor: number | [number, number] | RandomTranslationOptions,
  widthFactor?: number | [number, number],
  options: RandomTranslationOptions = {},
): Callable<tf.layers.Layer> {
  const o = typeof heightFactor === "object" && !Array.isArray(heightFactor) ? heightFactor : { ...options, heightFactor, widthFactor };
  if (o.heightFactor === undefined || o.widthFactor === undefined) throw new Error("RandomTranslation: heightFactor and widthFactor are required, e.g. RandomTranslation(0.1, 0.1)");
  return callable(
    new RandomTranslationLayer({
      ...baseArgs("RandomTranslation", o),
      heightFactor: symmetricFactor(o.heightFactor, "RandomTranslation", "heightFactor", false),
      widthFactor: symmetricFactor(o.widthFactor, "RandomTranslation", "widthFactor", false),
      ...affineOptions(o, "RandomTranslation"),
      seed: o.seed,
      dataFormat: imageDataFormat(o.dataFormat, "RandomTranslation"),
    }),
  );
}
