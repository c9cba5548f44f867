// ELU: x for x > 0, alpha * (exp(x) - 1) below (Keras 3's activations.elu).
//
// tsdl's own layer: tfjs' ELU computes alpha = 1 only.
import tf from "../../../tfjs.cjs";
import { activations } from "../../activations.js";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { ElementwiseLayer, positionalOrOptions } from "./elementwise.js";

export interface ELUOptions extends BaseLayerOptions {
  /** Scale of the negative part. Default 1. */
  alpha?: number;
}

export class ELULayer extends ElementwiseLayer {
  static className = "ELU";
  readonly alpha: number;

  constructor(args: ELUOptions = {}) {
    super(args);
    const alpha = args.alpha ?? 1;
    if (typeof alpha !== "number" || !Number.isFinite(alpha)) throw new Error(`ELU: alpha must be a number, got ${JSON.stringify(args.alpha)}`);
    this.alpha = alpha;
  }

  apply1(x: tf.Tensor): tf.Tensor {
    return activations.elu(x, { alpha: this.alpha });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}
tf.serialization.registerClass(ELULayer);

/** `ELU()`, `ELU(0.5)` or `ELU({ alpha: 0.5 })`. */
export function ELU(alpha?: number | ELUOptions, options?: ELUOptions): Callable<tf.layers.Layer> {
  const [a, o] = positionalOrOptions<number, ELUOptions>(alpha, options, "alpha");
  return callable(new ELULayer({ ...baseArgs("ELU", o), alpha: a }));
}
