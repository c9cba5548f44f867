// SeparableConv2D: a depthwise convolution (each channel with `depthMultiplier` filters of its own)
// followed by a pointwise 1x1 convolution mixing the channels into `filters`, then the bias and the
// activation. Weights in Keras 3's order: depthwise_kernel [kh, kw, channels, depthMultiplier],
// pointwise_kernel [1, 1, channels * depthMultiplier, filters], bias [filters].
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { layerClass, type ConstraintIdentifier, type InitializerIdentifier, type RegularizerIdentifier } from "../common.js";
import { convArgs, intTuple, positiveInteger, type ConvCommonOptions } from "./conv_args.js";
import { biasAndActivation, channelsLast, convOutputShape, inputChannels, oneShape, oneTensor, setInputSpec, type Shape } from "./conv_layer.js";
import { depthwiseConv2d } from "./conv_ops.js";
import { serializedConstraint, type DepthwiseOptions, type TfDepthwise } from "./depthwise_conv2d.js";

export interface SeparableConv2DOptions extends ConvCommonOptions, DepthwiseOptions {
  /** Number of output channels. Required (Keras' first positional argument). */
  filters?: number;
  /** Size of the depthwise window: `3` or `[3, 3]`. Required (Keras' second positional argument). */
  kernelSize?: number | number[];
  /** "valid" (no padding, the default) or "same". */
  padding?: "valid" | "same";
  /** Spacing of the depthwise window's taps. Default 1; with strides > 1 too, as Keras 3. */
  dilationRate?: number | number[];
  /** Default "glorot_uniform". */
  pointwiseInitializer?: InitializerIdentifier;
  /** Default none. */
  pointwiseRegularizer?: RegularizerIdentifier | null;
  /** Default none. */
  pointwiseConstraint?: ConstraintIdentifier | null;
}

interface TfSeparable extends TfDepthwise {
  filters: number;
  pointwiseKernel: tf.LayerVariable;
  pointwiseInitializer: unknown;
  pointwiseRegularizer: unknown;
  pointwiseConstraint: { getClassName(): string; getConfig(): tf.serialization.ConfigDict } | null | undefined;
}

type TfSeparableClass = new (args: Record<string, unknown>) => TfSeparable;

export const separableConv2dClass = layerClass((): TfSeparableClass => {
  const Base = tf.layers.separableConv2d({ filters: 1, kernelSize: 1 }).constructor as TfSeparableClass;
  class SeparableConv2D extends Base {
    static className = "SeparableConv2D";
    constructor(args: Record<string, unknown>) {
      super(args);
      // tfjs 4.22 reads the pointwise initializer from depthwiseInitializer: read it as tfjs reads initializers.
      if (args.pointwiseInitializer !== undefined) {
        this.pointwiseInitializer = new Base({ filters: 1, kernelSize: 1, depthwiseInitializer: args.pointwiseInitializer }).depthwiseInitializer;
      }
    }
    build(inputShape: Shape | Shape[]): void {
      const shape = oneShape(inputShape);
      const channels = inputChannels("SeparableConv2D", this, shape, 2);
      convOutputShape("SeparableConv2D", this, shape, 2, this.filters);
      const add = (this as unknown as { addWeight(...a: unknown[]): tf.LayerVariable }).addWeight.bind(this);
      const m = this.depthMultiplier;
      this.depthwiseKernel = add("depthwise_kernel", [...this.kernelSize, channels, m], "float32", this.depthwiseInitializer, this.depthwiseRegularizer, true, this.depthwiseConstraint);
      this.pointwiseKernel = add("pointwise_kernel", [1, 1, channels * m, this.filters], "float32", this.pointwiseInitializer, this.pointwiseRegularizer, true, this.pointwiseConstraint);
      this.bias = this.useBias ? add("bias", [this.filters], "float32", this.biasInitializer, this.biasRegularizer, true, this.biasConstraint) : null;
      setInputSpec(this, 2, channels);
      this.built = true;
    }
    computeOutputShape(inputShape: Shape | Shape[]): Shape {
      return convOutputShape("SeparableConv2D", this, oneShape(inputShape), 2, this.filters);
    }
    call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.tidy(() =>
        channelsLast(this, oneTensor(inputs), (x) => {
          const g = { kernelSize: this.kernelSize, strides: this.strides, padding: this.padding as "valid" | "same", dilation: this.dilationRate };
          const depthwise = depthwiseConv2d(x as tf.Tensor4D, this.depthwiseKernel.read() as tf.Tensor4D, g);
          return biasAndActivation(this, tf.conv2d(depthwise, this.pointwiseKernel.read() as tf.Tensor4D, 1, "valid"));
        }),
      );
    }
    getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), depthMultiplier: this.depthMultiplier, depthwiseConstraint: serializedConstraint(this.depthwiseConstraint), pointwiseConstraint: serializedConstraint(this.pointwiseConstraint) };
    }
  }
  return SeparableConv2D;
});

/**
 * `SeparableConv2D(32, 3, { depthMultiplier: 2 })`, `SeparableConv2D(32, [3, 3], options)`,
 * `SeparableConv2D(32, { kernelSize: 3 })` or `SeparableConv2D({ filters: 32, kernelSize: 3 })`.
 */
export function SeparableConv2D(
  filtersOrOptions: number | SeparableConv2DOptions,
  kernelSizeOrOptions?: number | number[] | SeparableConv2DOptions,
  maybeOptions?: SeparableConv2DOptions,
): Callable<TfSeparable> {
  let filters: number, kernel: number | number[] | undefined, options: SeparableConv2DOptions;
  if (typeof filtersOrOptions === "object") [filters, kernel, options] = [filtersOrOptions.filters as number, filtersOrOptions.kernelSize, filtersOrOptions];
  else if (typeof kernelSizeOrOptions === "object" && !Array.isArray(kernelSizeOrOptions)) [filters, kernel, options] = [filtersOrOptions, kernelSizeOrOptions.kernelSize, kernelSizeOrOptions];
  else [filters, kernel, options] = [filtersOrOptions, kernelSizeOrOptions ?? maybeOptions?.kernelSize, maybeOptions ?? {}];
  const where = `SeparableConv2D(${filters})`;
  positiveInteger(filters, "SeparableConv2D", "filters");
  const kernelSize = intTuple(kernel, 2, where, "kernelSize");
  if (!kernelSize) throw new Error(`${where}: kernelSize is required, e.g. SeparableConv2D(${filters}, [3, 3])`);
  const depthMultiplier = positiveInteger(options.depthMultiplier ?? 1, where, "depthMultiplier");
  const args = convArgs("SeparableConv2D", where, options, 2, kernelSize, { depthwise: "glorot_uniform", pointwise: "glorot_uniform" });
  const Cls = separableConv2dClass();
  return callable(new Cls({ ...args, filters, depthMultiplier }));
}
