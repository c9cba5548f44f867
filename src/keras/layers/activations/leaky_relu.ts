// LeakyReLU: x for x >= 0, negativeSlope * x below (Keras 3's default slope 0.3).
//
// tsdl's own layer: tfjs' LeakyReLU calls the slope `alpha` (Keras 3 deprecated that name).
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { ElementwiseLayer, nonNegative, positionalOrOptions } from "./elementwise.js";

export interface LeakyReLUOptions extends BaseLayerOptions {
  /** Slope for x < 0 (>= 0). Default 0.3. */
  negativeSlope?: number;
}

export class LeakyReLULayer extends ElementwiseLayer {
  static className = "LeakyReLU";
  readonly negativeSlope: number;

  constructor(args: LeakyReLUOptions = {}) {
    super(args);
    this.negativeSlope = nonNegative(args.negativeSlope ?? 0.3, "LeakyReLU", "negativeSlope");
  }

  apply1(x: tf.Tensor): tf.Tensor {
    return tf.leakyRelu(x, this.negativeSlope);
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), negativeSlope: this.negativeSlope };
  }
}
tf.serialization.registerClass(LeakyReLULayer);

/** `LeakyReLU()`, `LeakyReLU(0.1)` or `LeakyReLU({ negativeSlope: 0.1 })`. */
export function LeakyReLU(negativeSlope?: number | LeakyReLUOptions, options?: LeakyReLUOptions): Callable<tf.layers.Layer> {
  const [s, o] = positionalOrOptions<number, LeakyReLUOptions>(negativeSlope, options, "negativeSlope");
  return callable(new LeakyReLULayer({ ...baseArgs("LeakyReLU", o), negativeSlope: s }));
}
