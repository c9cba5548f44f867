// UnitNormalization: each sample scaled to unit L2 norm over `axis` (default the last), as Keras 3's
// ops.normalize with epsilon 1e-12: x * min(1 / sqrt(sum(x^2)), 1e12).
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { axisArg, resolveAxes } from "./axes.js";

export interface UnitNormalizationOptions extends BaseLayerOptions {
  /** The axis or axes of the norm. Default -1. */
  axis?: number | number[];
}

export class UnitNormalizationLayer extends tf.layers.Layer {
  static className = "UnitNormalization";
  readonly axis: number | number[];

  constructor(args: BaseLayerOptions & { axis: number | number[] }) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.supportsMasking = true;
    this.axis = args.axis;
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    resolveAxes(this.axis, shape, `UnitNormalization ${JSON.stringify(this.name)}`);
    this.built = true;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const axes = (Array.isArray(this.axis) ? this.axis : [this.axis]).map((a) => (a < 0 ? a + x.rank : a));
      return tf.mul(x, tf.minimum(tf.rsqrt(tf.sum(tf.square(x), axes, true)), 1e12));
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis };
  }
}
tf.serialization.registerClass(UnitNormalizationLayer);

/** `UnitNormalization()` or `UnitNormalization({ axis: [1, 2] })`. */
export function UnitNormalization(options: UnitNormalizationOptions = {}): Callable<tf.layers.Layer> {
  return callable(new UnitNormalizationLayer({ ...baseArgs("UnitNormalization", options), axis: axisArg(options.axis, -1, "UnitNormalization") }));
}
