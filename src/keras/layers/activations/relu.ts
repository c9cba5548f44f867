// ReLU: Keras 3's rectifier layer, `relu(x, { maxValue, negativeSlope, threshold })`:
//   f(x) = maxValue           for x >= maxValue
//        = x                  for threshold < x < maxValue
//        = negativeSlope * (x - threshold) otherwise.
//
// tsdl's own layer: tfjs' ReLU has maxValue only.
import tf from "../../../tfjs.cjs";
import { activations } from "../../activations.js";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { ElementwiseLayer, nonNegative, positionalOrOptions } from "./elementwise.js";

export interface ReLUOptions extends BaseLayerOptions {
  /** Upper bound of the output (>= 0). Default none. */
  maxValue?: number | null;
  /** Slope below the threshold (>= 0). Default 0. */
  negativeSlope?: number;
  /** Inputs at or below it are "negative" (>= 0). Default 0. */
  threshold?: number;
}

export class ReLULayer extends ElementwiseLayer {
  static className = "ReLU";
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;

  constructor(args: ReLUOptions = {}) {
    super(args);
    this.maxValue = args.maxValue == null ? null : nonNegative(args.maxValue, "ReLU", "maxValue");
    this.negativeSlope = nonNegative(args.negativeSlope ?? 0, "ReLU", "negativeSlope");
    this.threshold = nonNegative(args.threshold ?? 0, "ReLU", "threshold");
  }

  apply1(x: tf.Tensor): tf.Tensor {
    return activations.relu(x, { maxValue: this.maxValue, negativeSlope: this.negativeSlope, threshold: this.threshold });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maxValue: this.maxValue, negativeSlope: this.negativeSlope, threshold: this.threshold };
  }
}
tf.serialization.registerClass(ReLULayer);

/** `ReLU()`, `ReLU(6)` (maxValue, Keras' first argument) or `ReLU({ maxValue, negativeSlope, threshold })`. */
export function ReLU(maxValue?: number | null | ReLUOptions, options?: ReLUOptions): Callable<tf.layers.Layer> {
  const [m, o] = positionalOrOptions<number | null, ReLUOptions>(maxValue ?? undefined, options, "maxValue");
  return callable(new ReLULayer({ ...baseArgs("ReLU", o), maxValue: m, negativeSlope: o.negativeSlope, threshold: o.threshold }));
}
