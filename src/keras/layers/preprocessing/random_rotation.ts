// RandomRotation: in training, each image is rotated about its centre by an angle drawn uniformly from
// factor * 360 degrees (factor 0.1: up to +-36 degrees), points outside filled by fillMode, as Keras
// 3's random_rotation.py (TensorFlow's projective transform). In inference the images pass through.
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { affineOptions, affineTransform, rotationMatrix, type AffineOptions, type FillMode, type Interpolation } from "./affine.js";
import { asBatchNHWC, baseFactor, imageDataFormat } from "./image_common.js";
import { RandomImageLayer, type RandomLayerArgs } from "./random_layer.js";

export interface RandomRotationOptions extends BaseLayerOptions, AffineOptions {
  /** A fraction of a full turn: f for [-f, f], or [low, high]; within [-1, 1]. Required. */
  factor?: number | [number, number];
  /** Makes the angles repeatable. Default: random. */
  seed?: number;
  /** "channels_last" (default) or "channels_first". */
  dataFormat?: string;
}

/** The angle of each image, in degrees (counter-clockwise). */
export interface RotationParams {
  angles: number[];
}

interface RotationArgs extends RandomLayerArgs {
  factor: [number, number];
  fillMode: FillMode;
  interpolation: Interpolation;
  fillValue: number;
}

export class RandomRotationLayer extends RandomImageLayer<RotationParams> {
  static className = "RandomRotation";
  readonly factor: [number, number];
  readonly fillMode: FillMode;
  readonly interpolation: Interpolation;
  readonly fillValue: number;
  constructor(args: RotationArgs) {
    super(args, "RandomRotation");
    this.factor = args.factor;
    this.fillMode = args.fillMode;
    this.interpolation = args.interpolation;
    this.fillValue = args.fillValue;
  }
  protected draw(batch: number): RotationParams {
    return { angles: Array.from({ length: batch }, () => this.random.uniform(this.factor[0] * 360, this.factor[1] * 360)) };
  }
  transformWith(images: tf.Tensor, { angles }: RotationParams): tf.Tensor {
    return asBatchNHWC(images, this.dataFormat, (x) => {
      const [, h, w] = x.shape;
      return affineTransform(x, angles.map((a) => rotationMatrix(a, h, w)), this.interpolation, this.fillMode, this.fillValue);
    });
  }
  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), factor: this.factor, fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue };
  }
}
tf.serialization.registerClass(RandomRotationLayer);

/** `RandomRotation(0.1)`, `RandomRotation([-0.2, 0.3], { fillMode: "constant" })` or `RandomRotation({ factor, ... })`. */
export function RandomRotation(factor: number | [number, number] | RandomRotationOptions, options: RandomRotationOptions = {}): Callable<tf.layers.Layer> {
  const o = typeof factor === "object" && !Array.isArray(factor) ? factor : { ...options, factor };
  if (o.factor === undefined) throw new Error("RandomRotation: factor is required, e.g. RandomRotation(0.1) for up to +-36 degrees");
  return callable(
    new RandomRotationLayer({
      ...baseArgs("RandomRotation", o),
      factor: baseFactor(o.factor, [-1, 1], "RandomRotation"),
      ...affineOptions(o, "RandomRotation"),
      seed: o.seed,
      dataFormat: imageDataFormat(o.dataFormat, "RandomRotation"),
    }),
  );
}
