// RandomFlip: in training, each image is flipped with probability 1/2: left-right ("horizontal"),
// upside down ("vertical"), or both at once ("horizontal_and_vertical", the default: one draw per
// image flips both axes), as Keras 3's random_flip.py. In inference the images pass through.
//
// Porting note: an unknown mode is an error (Keras flips nothing).
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { asBatchNHWC, imageDataFormat, oneOf } from "./image_common.js";
import { RandomImageLayer, type RandomLayerArgs } from "./random_layer.js";

const MODES = ["horizontal", "vertical", "horizontal_and_vertical"] as const;
export type FlipMode = (typeof MODES)[number];

export interface RandomFlipOptions extends BaseLayerOptions {
  /** "horizontal", "vertical" or "horizontal_and_vertical" (default). */
  mode?: string;
  /** Makes the flips repeatable. Default: random. */
  seed?: number;
  /** "channels_last" (default) or "channels_first". */
  dataFormat?: string;
}

/** Which images to flip. */
export interface FlipParams {
  flips: boolean[];
}

export class RandomFlipLayer extends RandomImageLayer<FlipParams> {
  static className = "RandomFlip";
  readonly mode: FlipMode;
  constructor(args: RandomLayerArgs & { mode: FlipMode }) {
    super(args, "RandomFlip");
    this.mode = oneOf(args.mode, MODES, "horizontal_and_vertical", "RandomFlip", "mode"); // a loaded config has "horizontalAndVertical"
  }
  protected draw(batch: number): FlipParams {
    return { flips: Array.from({ length: batch }, () => this.random.next() <= 0.5) }; // Keras: u <= 0.5
  }
  transformWith(images: tf.Tensor, { flips }: FlipParams): tf.Tensor {
    return asBatchNHWC(images, this.dataFormat, (x) => {
      const mask = tf.tensor4d(flips.map((f) => (f ? 1 : 0)), [flips.length, 1, 1, 1], "bool");
      let y: tf.Tensor4D = x;
      if (this.mode !== "vertical") y = tf.where(mask, tf.reverse(y, 2), y);
      if (this.mode !== "horizontal") y = tf.where(mask, tf.reverse(y, 1), y);
      return y;
    });
  }
  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.mode };
  }
}
tf.serialization.registerClass(RandomFlipLayer);

/** `RandomFlip()`, `RandomFlip("horizontal", { seed })` or `RandomFlip({ mode, seed })`. */
export function RandomFlip(mode?: string | RandomFlipOptions, options: RandomFlipOptions = {}): Callable<tf.layers.Layer> {
  const o = typeof mode === "object" && mode !== null ? mode : { ...options, mode: mode ?? options.mode };
  return callable(
    new RandomFlipLayer({
      ...baseArgs("RandomFlip", o),
      mode: oneOf(o.mode, MODES, "horizontal_and_vertical", "RandomFlip", "mode"),
      seed: o.seed,
      dataFormat: imageDataFormat(o.dataFormat, "RandomFlip"),
    }),
  );
}
