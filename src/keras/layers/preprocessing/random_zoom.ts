// RandomZoom: in training, each image is zoomed about its centre by 1 + a factor drawn from
// heightFactor (and widthFactor, else the same zoom on both axes): a positive factor zooms out, a
// negative one in; points outside filled by fillMode, as Keras 3's random_zoom.py. In inference the
// images pass through.
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { affineOptions, affineTransform, zoomMatrix, type AffineOptions, type FillMode, type Interpolation } from "./affine.js";
import { asBatchNHWC, imageDataFormat, symmetricFactor } from "./image_common.js";
import { RandomImageLayer, type RandomLayerArgs } from "./random_layer.js";

export interface RandomZoomOptions extends BaseLayerOptions, AffineOptions {
  /** f for [-f, f] or [low, high], each in (-1, 1]; the zoom is 1 + the draw. Required. */
  heightFactor?: number | [number, number];
  /** The same for the width. Default: the height's zoom, keeping the aspect ratio. */
  widthFactor?: number | [number, number] | null;
  /** Makes the zooms repeatable. Default: random. */
  seed?: number;
  /** "channels_last" (default) or "channels_first". */
  dataFormat?: string;
}

/** The zoom of each image per axis (1: none, above 1: out, below 1: in). */
export interface ZoomParams {
  heightZoom: number[];
  widthZoom: number[];
}

interface ZoomArgs extends RandomLayerArgs {
  heightFactor: [number, number];
  widthFactor: [number, number] | null;
  fillMode: FillMode;
  interpolation: Interpolation;
  fillValue: number;
}

export class RandomZoomLayer extends RandomImageLayer<ZoomParams> {
  static className = "RandomZoom";
  readonly heightFactor: [number, number];
  readonly widthFactor: [number, number] | null;
  readonly fillMode: FillMode;
  readonly interpolation: Interpolation;
  readonly fillValue: number;
  constructor(args: ZoomArgs) {
    super(args, "RandomZoom");
    this.heightFactor = args.heightFactor;
    this.widthFactor = args.widthFactor;
    this.fillMode = args.fillMode;
    this.interpolation = args.interpolation;
    this.fillValue = args.fillValue;
  }
  protected draw(batch: number): ZoomParams {
    const heightZoom = Array.from({ length: batch }, () => this.random.uniform(1 + this.heightFactor[0], 1 + this.heightFactor[1]));
    const wf = this.widthFactor;
    const widthZoom = wf ? Array.from({ length: batch }, () => this.random.uniform(1 + wf[0], 1 + wf[1])) : heightZoom.slice();
    return { heightZoom, widthZoom };
  }
  transformWith(images: tf.Tensor, { heightZoom, widthZoom }: ZoomParams): tf.Tensor {
    return asBatchNHWC(images, this.dataFormat, (x) => {
      const [, h, w] = x.shape;
      return affineTransform(x, heightZoom.map((hz, i) => zoomMatrix(hz, widthZoom[i], h, w)), this.interpolation, this.fillMode, this.fillValue);
    });
  }
  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heightFactor: this.heightFactor, widthFactor: this.widthFactor, fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue };
  }
}
tf.serialization.registerClass(RandomZoomLayer);

/** `RandomZoom(0.2)`, `RandomZoom([-0.3, 0.1], [-0.2, 0.2], { fillMode })` or `RandomZoom({ heightFactor, widthFactor, ... })`. */
export function RandomZoom(
  heightFactor: number | [number, number] | RandomZoomOptions,
  widthFactor?: number | [number, number] | null | RandomZoomOptions,
  options: RandomZoomOptions = {},
): Callable<tf.layers.Layer> {
  let o: RandomZoomOptions;
  if (typeof heightFactor === "object" && !Array.isArray(heightFactor)) o = heightFactor;
  else if (typeof widthFactor === "object" && widthFactor !== null && !Array.isArray(widthFactor)) o = { ...widthFactor, heightFactor };
  else o = { ...options, heightFactor, widthFactor: widthFactor as number | [number, number] | null | undefined };
  if (o.heightFactor === undefined) throw new Error("RandomZoom: heightFactor is required, e.g. RandomZoom(0.2)");
  return callable(
    new RandomZoomLayer({
      ...baseArgs("RandomZoom", o),
      heightFactor: symmetricFactor(o.heightFactor, "RandomZoom", "heightFactor", true),
      widthFactor: o.widthFactor == null ? null : symmetricFactor(o.widthFactor, "RandomZoom", "widthFactor", true),
      ...affineOptions(o, "RandomZoom"),
      seed: o.seed,
      dataFormat: imageDataFormat(o.dataFormat, "RandomZoom"),
    }),
  );
}
