// Conv2D: 2-D convolution over images, `activation(conv(input, kernel) + bias)`, with Keras 3's
// strides, padding, dilation and groups.
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { layerClass } from "../common.js";
import { buildConv, readGroups, runConv, type ConvOptions, type TfConv, type TfConvClass } from "./base_conv.js";
import { checkStridesWithDilation, convArgs, intTuple, positiveInteger } from "./conv_args.js";
import { channelsLast, convOutputShape, oneShape, oneTensor, type Shape } from "./conv_layer.js";

export type Conv2DOptions = ConvOptions;

/**
 * tsdl's Conv2D class, registered under tfjs' name for loading saved models (idempotent): tfjs'
 * Conv2D with Keras' groups and dilation (with gradients) and Keras' output-size checks. In training
 * on wasm a relu/linear convolution with bias runs as one fused convolution (oneDNN with the native
 * kernels, XNNPACK without) and a one-pass relu gradient; tfjs does not fuse under a gradient (conv,
 * add, relu, then three passes back).
 */
export const conv2dClass = layerClass((): TfConvClass => {
  const Base = tf.layers.conv2d({ filters: 1, kernelSize: 1 }).constructor as TfConvClass;
  class Conv2D extends Base {
    static className = "Conv2D";
    constructor(args: Record<string, unknown>) {
      super(args);
      this.groups = readGroups(args, "Conv2D", this.filters);
    }
    build(inputShape: Shape | Shape[]): void {
      buildConv(this, "Conv2D", 2, oneShape(inputShape));
    }
    computeOutputShape(inputShape: Shape | Shape[]): Shape {
      return convOutputShape("Conv2D", this, oneShape(inputShape), 2, this.filters);
    }
    call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
      return tf.tidy(() =>
        channelsLast(this, oneTensor(inputs), (x) => {
          const g = { kernelSize: this.kernelSize, strides: this.strides, padding: this.padding as "valid" | "same", dilation: this.dilationRate };
          return runConv(this, x as tf.Tensor4D, this.kernel.read() as tf.Tensor4D, g, kwargs.training === true);
        }),
      );
    }
    getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), groups: this.groups };
    }
  }
  return Conv2D;
});

/**
 * `Conv2D(32, 3, { activation: "relu" })`, `Conv2D(32, [3, 3], options)`, `Conv2D(32, { kernelSize: 3 })`
 * or `Conv2D({ filters: 32, kernelSize: 3 })`.
 */
export function Conv2D(filtersOrOptions: number | Conv2DOptions, kernelSizeOrOptions?: number | number[] | Conv2DOptions, maybeOptions?: Conv2DOptions): Callable<TfConv> {
  const { filters, kernel, options } = convPositional(filtersOrOptions, kernelSizeOrOptions, maybeOptions);
  const where = `Conv2D(${filters})`;
  positiveInteger(filters, "Conv2D", "filters");
  const kernelSize = intTuple(kernel, 2, where, "kernelSize");
  if (!kernelSize) throw new Error(`${where}: kernelSize is required, e.g. Conv2D(${filters}, [3, 3])`);
  const args = convArgs("Conv2D", where, options, 2, kernelSize, { kernel: "glorot_uniform" });
  checkStridesWithDilation(args.strides as number[], args.dilationRate as number[], where);
  readGroups(options as Record<string, unknown>, where, filters);
  const Cls = conv2dClass();
  return callable(new Cls({ ...args, filters, groups: options.groups ?? 1 }));
}

/** Keras' positional arguments (filters, kernel_size) or the same by name in the options. */
export function convPositional(
  filtersOrOptions: number | ConvOptions,
  kernelSizeOrOptions: number | number[] | ConvOptions | undefined,
  maybeOptions: ConvOptions | undefined,
): { filters: number; kernel: number | number[] | undefined; options: ConvOptions } {
  if (typeof filtersOrOptions === "object" && filtersOrOptions !== null) {
    return { filters: filtersOrOptions.filters as number, kernel: filtersOrOptions.kernelSize, options: filtersOrOptions };
  }
  if (typeof kernelSizeOrOptions === "object" && !Array.isArray(kernelSizeOrOptions)) {
    return { filters: filtersOrOptions, kernel: kernelSizeOrOptions.kernelSize, options: kernelSizeOrOptions };
  }
  return { filters: filtersOrOptions, kernel: kernelSizeOrOptions ?? maybeOptions?.kernelSize, options: maybeOptions ?? {} };
}
