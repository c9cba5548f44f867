// Masking: skips the time steps whose features all equal maskValue. Output: the input with those
// steps zeroed (Keras 3: where(mask, inputs, 0)); mask: any(inputs != maskValue, axis=-1), which the
// recurrent layers after it honour.
//
// Porting note: tsdl's own layer rather than tfjs' Masking, whose gradient fails ("gradient function
// not found for Any"): the mask is computed apart from the gradient tape (it has no gradient).
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { withoutGradient } from "./options.js";

export interface MaskingOptions extends BaseLayerOptions {
  /** The value that marks a masked step. Default 0. */
  maskValue?: number;
}

export class MaskingLayer extends tf.layers.Layer {
  static className = "Masking";
  readonly maskValue: number;

  constructor(config: MaskingOptions) {
    super(baseArgs("Masking", config));
    const value = config.maskValue ?? 0;
    if (typeof value !== "number" || Number.isNaN(value)) throw new Error(`Masking: maskValue must be a number, got ${JSON.stringify(config.maskValue)}`);
    this.maskValue = value;
    this.supportsMasking = true;
  }

  /** any(x != maskValue) over the last axis, as booleans, outside the gradient tape. */
  private stepMask(x: tf.Tensor, keepDims: boolean): tf.Tensor {
    return withoutGradient(x, (v) => tf.any(tf.notEqual(v, this.maskValue), -1, keepDims));
  }

  computeOutputShape(inputShape: (number | null)[]): (number | null)[] {
    return inputShape;
  }

  computeMask(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return this.stepMask(Array.isArray(inputs) ? inputs[0] : inputs, false);
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.mul(x, tf.cast(this.stepMask(x, true), x.dtype));
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maskValue: this.maskValue };
  }
}
tf.serialization.registerClass(MaskingLayer);

/** `layers.Masking(maskValue)` or `layers.Masking({ maskValue })`. */
export function Masking(maskValue: number | MaskingOptions = {}, options: MaskingOptions = {}): Callable<tf.layers.Layer> {
  const o = typeof maskValue === "number" ? { ...options, maskValue } : maskValue;
  return callable(new MaskingLayer(o));
}
