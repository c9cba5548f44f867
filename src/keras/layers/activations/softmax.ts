// Softmax: exp(x) / sum(exp(x)) along `axis` (one axis or several), with Keras 3's mask: masked
// entries take -1e9 before the softmax and give 0 after.
//
// tsdl's own layer: tfjs' Softmax takes one axis and no mask.
import tf from "../../../tfjs.cjs";
import { activations } from "../../activations.js";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { ElementwiseLayer, positionalOrOptions } from "./elementwise.js";

export interface SoftmaxOptions extends BaseLayerOptions {
  /** Axis or axes to normalise over. Default -1. */
  axis?: number | number[];
}

export class SoftmaxLayer extends ElementwiseLayer {
  static className = "Softmax";
  readonly axis: number | number[];

  constructor(args: SoftmaxOptions = {}) {
    super(args);
    const axis = args.axis ?? -1;
    const axes = Array.isArray(axis) ? axis : [axis];
    if (!axes.length || !axes.every((a) => Number.isInteger(a))) throw new Error(`Softmax: axis must be an integer or a list of them, got ${JSON.stringify(args.axis)}`);
    this.axis = Array.isArray(axis) ? axis.slice() : axis;
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const rank = ((Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape).length;
    for (const a of Array.isArray(this.axis) ? this.axis : [this.axis]) {
      if (a >= rank || a < -rank) throw new Error(`Softmax "${this.name}": axis ${a} is out of range for an input of rank ${rank}`);
    }
    this.built = true;
  }

  apply1(x: tf.Tensor, kwargs: Record<string, unknown>): tf.Tensor {
    const given = kwargs.mask as tf.Tensor | tf.Tensor[] | undefined;
    const mask = Array.isArray(given) ? given[0] : given;
    if (!mask) return activations.softmax(x, { axis: this.axis });
    if (mask.rank > x.rank) throw new Error(`Softmax "${this.name}": the mask (shape [${mask.shape}]) must be broadcastable to the input (shape [${x.shape}])`);
    const m = mask.dtype === "bool" ? mask : tf.greater(mask, 0.5);
    const y = activations.softmax(tf.where(m, x, tf.fill(x.shape, -1e9)), { axis: this.axis });
    return tf.where(m, y, tf.zerosLike(y));
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis };
  }
}
tf.serialization.registerClass(SoftmaxLayer);

/** `Softmax()`, `Softmax(1)` or `Softmax({ axis: [1, 2] })`. */
export function Softmax(axis?: number | number[] | SoftmaxOptions, options?: SoftmaxOptions): Callable<tf.layers.Layer> {
  const [a, o] = positionalOrOptions<number | number[], SoftmaxOptions>(axis, options, "axis");
  return callable(new SoftmaxLayer({ ...baseArgs("Softmax", o), axis: a }));
}
