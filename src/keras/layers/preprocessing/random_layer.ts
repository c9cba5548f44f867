// The random augmentation layers' common part: in training, draw one transformation per image and
// apply it; in inference, pass the images through (as float), as Keras 3's image preprocessing layers.
// Subclasses say how to draw (`draw`) and how to apply (`transformWith`, also used by the tests with
// chosen transformations).
import tf from "../../../tfjs.cjs";
import type { BaseLayerOptions } from "../common.js";
import { checkImageShape, firstShape, hwAxes, imageDataFormat, isTraining, passThrough, RandomStream, type ImageDataFormat } from "./image_common.js";

export interface RandomLayerArgs extends BaseLayerOptions {
  seed?: number;
  dataFormat: ImageDataFormat;
}

export abstract class RandomImageLayer<P> extends tf.layers.Layer {
  readonly seed: number | undefined;
  readonly dataFormat: ImageDataFormat;
  protected readonly random: RandomStream;

  constructor(args: RandomLayerArgs, where: string) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.seed = args.seed;
    this.dataFormat = imageDataFormat(args.dataFormat, where); // a loaded config has "channelsLast"
    this.random = new RandomStream(args.seed, where);
  }

  /** The transformation of each of `batch` images of size [height, width]. */
  protected abstract draw(batch: number, height: number, width: number): P;

  /** The images (rank 3 or 4, the layer's data format) transformed by `params` (one entry per image). */
  abstract transformWith(images: tf.Tensor, params: P): tf.Tensor;

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    checkImageShape(x.shape, `${this.getClassName()} "${this.name}"`);
    if (!isTraining(kwargs)) return passThrough(x);
    const [ha, wa] = hwAxes(x.rank, this.dataFormat);
    return this.transformWith(x, this.draw(x.rank === 4 ? x.shape[0] : 1, x.shape[ha], x.shape[wa]));
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = firstShape(inputShape);
    checkImageShape(shape, `${this.getClassName()} "${this.name}"`);
    return shape;
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed ?? null, dataFormat: this.dataFormat };
  }
}
