// DepthwiseConv2D: each input channel convolved on its own with `depthMultiplier` filters of its own:
// output channel c * depthMultiplier + q = conv(input channel c, kernel[:, :, c, q]), then the bias
// and the activation. Kernel [kh, kw, channels, depthMultiplier], bias [channels * depthMultiplier].
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { layerClass } from "../common.js";
import { convArgs, intTuple, positiveInteger, type ConvCommonOptions } from "./conv_args.js";
import { biasAndActivation, channelsLast, convOutputShape, inputChannels, oneShape, oneTensor, setInputSpec, type Shape, type TfConvFields } from "./conv_layer.js";
import { depthwiseConv2d } from "./conv_ops.js";
import type { ConstraintIdentifier, InitializerIdentifier, RegularizerIdentifier } from "../common.js";

/** The depthwise kernel's options (DepthwiseConv2D, SeparableConv2D). */
export interface DepthwiseOptions {
  /** Filters per input channel. Default 1. */
  depthMultiplier?: number;
  /** Default "glorot_uniform". */
  depthwiseInitializer?: InitializerIdentifier;
  /** Default none. */
  depthwiseRegularizer?: RegularizerIdentifier | null;
  /** Default none. */
  depthwiseConstraint?: ConstraintIdentifier | null;
}

export interface DepthwiseConv2DOptions extends ConvCommonOptions, DepthwiseOptions {
  /** Size of the window: `3` or `[3, 3]`. Required (Keras' first positional argument). */
  kernelSize?: number | number[];
  /** "valid" (no padding, the default) or "same". */
  padding?: "valid" | "same";
  /** Spacing of the window's taps. Default 1; with strides > 1 too, as Keras 3 (every s-th output of the dilated convolution). */
  dilationRate?: number | number[];
}

export interface TfDepthwise extends tf.layers.Layer, TfConvFields {
  depthMultiplier: number;
  depthwiseKernel: tf.LayerVariable;
  depthwiseInitializer: unknown;
  depthwiseRegularizer: unknown;
  depthwiseConstraint: { getClassName(): string; getConfig(): tf.serialization.ConfigDict } | null | undefined;
  biasInitializer: unknown;
  biasRegularizer: unknown;
  biasConstraint: unknown;
}

type TfDepthwiseClass = new (args: Record<string, unknown>) => TfDepthwise;

/** A constraint as tfjs saves it. */
export function serializedConstraint(c: { getClassName(): string; getConfig(): tf.serialization.ConfigDict } | null | undefined): tf.serialization.ConfigDict | null {
  return c ? { className: c.getClassName(), config: c.getConfig() } : null;
}

export const depthwiseConv2dClass = layerClass((): TfDepthwiseClass => {
  const Base = tf.layers.depthwiseConv2d({ kernelSize: 1 }).constructor as TfDepthwiseClass;
  class DepthwiseConv2D extends Base {
    static className = "DepthwiseConv2D";
    build(inputShape: Shape | Shape[]): void {
      const shape = oneShape(inputShape);
      const channels = inputChannels("DepthwiseConv2D", this, shape, 2);
      convOutputShape("DepthwiseConv2D", this, shape, 2, channels * this.depthMultiplier);
      const add = (this as unknown as { addWeight(...a: unknown[]): tf.LayerVariable }).addWeight.bind(this);
      // Keras 3 names it "kernel". Porting note: tfjs names it "depthwise_kernel", so a DepthwiseConv2D
      // saved by stock tfjs does not load its weights here (one saved by tsdl does).
      this.depthwiseKernel = add("kernel", [...this.kernelSize, channels, this.depthMultiplier], "float32", this.depthwiseInitializer, this.depthwiseRegularizer, true, this.depthwiseConstraint);
      this.bias = this.useBias ? add("bias", [channels * this.depthMultiplier], "float32", this.biasInitializer, this.biasRegularizer, true, this.biasConstraint) : null;
      setInputSpec(this, 2, channels);
      this.built = true;
    }
    computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const shape = oneShape(inputShape);
      const c = shape[this.dataFormat === "channelsFirst" ? 1 : 3];
      return convOutputShape("DepthwiseConv2D", this, shape, 2, c === null ? (null as unknown as number) : c * this.depthMultiplier);
    }
    call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.tidy(() =>
        channelsLast(this, oneTensor(inputs), (x) => {
          const g = { kernelSize: this.kernelSize, strides: this.strides, padding: this.padding as "valid" | "same", dilation: this.dilationRate };
          return biasAndActivation(this, depthwiseConv2d(x as tf.Tensor4D, this.depthwiseKernel.read() as tf.Tensor4D, g));
        }),
      );
    }
    getConfig(): tf.serialization.ConfigDict {
      // tfjs 4.22 saves the regularizer as the constraint.
      return { ...super.getConfig(), depthwiseConstraint: serializedConstraint(this.depthwiseConstraint) };
    }
  }
  return DepthwiseConv2D;
});

/** `DepthwiseConv2D(3, { depthMultiplier: 2 })`, `DepthwiseConv2D([3, 3], options)` or `DepthwiseConv2D({ kernelSize: 3 })`. */
export function DepthwiseConv2D(kernelSizeOrOptions: number | number[] | DepthwiseConv2DOptions, maybeOptions: DepthwiseConv2DOptions = {}): Callable<TfDepthwise> {
  const named = typeof kernelSizeOrOptions === "object" && !Array.isArray(kernelSizeOrOptions);
  const options = named ? kernelSizeOrOptions : maybeOptions;
  const where = "DepthwiseConv2D";
  const kernelSize = intTuple(named ? options.kernelSize : kernelSizeOrOptions, 2, where, "kernelSize");
  if (!kernelSize) throw new Error(`${where}: kernelSize is required, e.g. DepthwiseConv2D([3, 3])`);
  const depthMultiplier = positiveInteger(options.depthMultiplier ?? 1, where, "depthMultiplier");
  const Cls = depthwiseConv2dClass();
  return callable(new Cls({ ...convArgs("DepthwiseConv2D", where, options, 2, kernelSize, { depthwise: "glorot_uniform" }), depthMultiplier }));
}
