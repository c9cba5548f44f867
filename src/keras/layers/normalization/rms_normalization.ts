// RMSNormalization (Zhang & Sennrich, 2019): each sample divided by its root mean square over `axis`
// (default the last), then scaled by a learned `scale` (initialised to ones), as Keras 3:
//   y = x / sqrt(mean(x^2) + epsilon) * scale          (epsilon default 1e-6)
// As in Keras, `scale` (of the normalised axes' shape) multiplies with broadcasting from the right.
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { positiveNumber } from "./layer_normalization.js";
import { axisArg, knownSizes, resolveAxes } from "./axes.js";

export interface RMSNormalizationOptions extends BaseLayerOptions {
  /** The axis or axes to normalise over. Default -1. */
  axis?: number | number[];
  /** Added to the mean square. Default 1e-6. */
  epsilon?: number;
}

export class RMSNormalizationLayer extends tf.layers.Layer {
  static className = "RMSNormalization";
  axis: number | number[];
  readonly epsilon: number;
  scaleWeight: tf.LayerVariable | null = null;

  constructor(args: BaseLayerOptions & { axis: number | number[]; epsilon: number }) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.axis = args.axis;
    this.epsilon = args.epsilon;
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const what = `RMSNormalization ${JSON.stringify(this.name)}`;
    resolveAxes(this.axis, shape, what);
    const sorted = (Array.isArray(this.axis) ? this.axis.slice() : [this.axis]).sort((a, b) => a - b);
    this.axis = sorted;
    const paramShape = knownSizes(sorted.map((a) => (a < 0 ? a + shape.length : a)), shape, what);
    this.scaleWeight = this.addWeight("scale", paramShape, "float32", tf.initializers.ones(), undefined, true);
    this.built = true;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const axes = (this.axis as number[]).map((a) => (a < 0 ? a + x.rank : a));
      const rrms = tf.rsqrt(tf.add(tf.mean(tf.square(x), axes, true), this.epsilon));
      return tf.mul(tf.mul(x, rrms), this.scaleWeight!.read());
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(RMSNormalizationLayer);

/** `RMSNormalization()` or `RMSNormalization({ axis: -1, epsilon: 1e-6 })`. */
export function RMSNormalization(options: RMSNormalizationOptions = {}): Callable<tf.layers.Layer> {
  const where = "RMSNormalization";
  return callable(
    new RMSNormalizationLayer({ ...baseArgs(where, options), axis: axisArg(options.axis, -1, where), epsilon: positiveNumber(options.epsilon ?? 1e-6, where, "epsilon") }),
  );
}
