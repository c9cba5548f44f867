// Conv2DTranspose: the transposed 2-D convolution ("deconvolution"), the input gradient of a Conv2D
// used as a layer: each input pixel adds `kernel` times itself into a `strides`-spaced window of the
// output. Kernel [kh, kw, filters, channels] and bias [filters], as Keras 3.
import tf from "../../../tfjs.cjs";
import { callable, shapeText, type Callable } from "../../callable.js";
import { layerClass } from "../common.js";
import { checkOutputPadding, checkStridesWithDilation, convArgs, intTuple, positiveInteger, type ConvCommonOptions, type KernelOptions } from "./conv_args.js";
import { biasAndActivation, channelsLast, oneShape, oneTensor, spatial, withChannels, type Shape } from "./conv_layer.js";
import { checkTransposeSizes, conv2dTranspose, transposeLength, type Conv2DGeometry } from "./conv_ops.js";
import { buildTransposeConv, type TfConv } from "./base_conv.js";
import { convPositional } from "./conv2d.js";

export interface Conv2DTransposeOptions extends ConvCommonOptions, KernelOptions {
  /** Number of output channels. Required (Keras' first positional argument). */
  filters?: number;
  /** Size of the window: `3` or `[3, 3]`. Required (Keras' second positional argument). */
  kernelSize?: number | number[];
  /** "valid" (the default: output (size - 1) * strides + max(kernel, strides)) or "same" (output size * strides). */
  padding?: "valid" | "same";
  /**
   * Extra rows/columns at the end of the output, each less than its stride: `1` or `[1, 0]`. Default
   * none (Keras' None: the sizes above); with it the output is (size - 1) * strides + kernel +
   * outputPadding ("valid") or (size - 1) * strides + kernel % 2 + outputPadding ("same").
   */
  outputPadding?: number | number[] | null;
  /**
   * Spacing of the kernel's taps, with strides 1 only. Default 1.
   * Porting note: Keras' TensorFlow backend refuses dilationRate > 1 on CPU ("Current CPU
   * implementations do not yet support dilation rates larger than 1"); tsdl computes it, as Keras'
   * JAX backend does, as the transposed convolution with the kernel spread out by the dilation.
   */
  dilationRate?: number | number[];
}

interface TfConv2DTranspose extends TfConv {
  outputPadding: number[] | undefined;
}

type TfConv2DTransposeClass = new (args: Record<string, unknown>) => TfConv2DTranspose;

export const conv2dTransposeClass = layerClass((): TfConv2DTransposeClass => {
  const Base = tf.layers.conv2dTranspose({ filters: 1, kernelSize: 1 }).constructor as TfConv2DTransposeClass;
  class Conv2DTranspose extends Base {
    static className = "Conv2DTranspose";
    constructor(args: Record<string, unknown>) {
      super(args);
      this.outputPadding = (args.outputPadding as number[] | null | undefined) ?? undefined;
      this.inputSpec = null as unknown as tf.layers.Layer["inputSpec"]; // the rank is checked in build, with Keras' information
    }
    build(inputShape: Shape | Shape[]): void {
      buildTransposeConv(this, "Conv2DTranspose", 2, oneShape(inputShape));
    }
    computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const shape = oneShape(inputShape);
      const space = spatial(this, shape, 2).map((n, i) => transposeLength(n, this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding as "valid" | "same", this.outputPadding?.[i]));
      if (space.some((n) => n !== null && n <= 0)) throw new Error(`Conv2DTranspose "${this.name}": the output size would be ${shapeText(space)} for input ${shapeText(shape)}`);
      checkTransposeSizes(spatial(this, shape, 2), space, this.geometry(), this.outputPadding, `Conv2DTranspose "${this.name}"`);
      return withChannels(this, shape[0] ?? null, space, this.filters);
    }
    call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.tidy(() =>
        channelsLast(this, oneTensor(inputs), (x) => {
          const y = conv2dTranspose(x as tf.Tensor4D, this.kernel.read() as tf.Tensor4D, this.geometry(), this.outputPadding, `Conv2DTranspose "${this.name}"`);
          return biasAndActivation(this, y);
        }),
      );
    }
    geometry(): Conv2DGeometry {
      return { kernelSize: this.kernelSize, strides: this.strides, padding: this.padding as "valid" | "same", dilation: this.dilationRate };
    }
    getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), dilationRate: this.dilationRate, outputPadding: this.outputPadding ?? null };
    }
  }
  return Conv2DTranspose;
});

/**
 * `Conv2DTranspose(16, 3, { strides: 2, padding: "same" })`, `Conv2DTranspose(16, [3, 3], options)`,
 * `Conv2DTranspose(16, { kernelSize: 3 })` or `Conv2DTranspose({ filters: 16, kernelSize: 3 })`.
 */
export function Conv2DTranspose(
  filtersOrOptions: number | Conv2DTransposeOptions,
  kernelSizeOrOptions?: number | number[] | Conv2DTransposeOptions,
  maybeOptions?: Conv2DTransposeOptions,
): Callable<TfConv> {
  const { filters, kernel, options } = convPositional(filtersOrOptions, kernelSizeOrOptions, maybeOptions) as { filters: number; kernel: number | number[] | undefined; options: Conv2DTransposeOptions };
  const where = `Conv2DTranspose(${filters})`;
  positiveInteger(filters, "Conv2DTranspose", "filters");
  const kernelSize = intTuple(kernel, 2, where, "kernelSize");
  if (!kernelSize) throw new Error(`${where}: kernelSize is required, e.g. Conv2DTranspose(${filters}, [3, 3])`);
  const args = convArgs("Conv2DTranspose", where, options, 2, kernelSize, { kernel: "glorot_uniform" });
  const strides = args.strides as number[];
  checkStridesWithDilation(strides, args.dilationRate as number[], where);
  const outputPadding = intTuple(options.outputPadding ?? undefined, 2, where, "outputPadding", true);
  checkOutputPadding(outputPadding, strides, where);
  const Cls = conv2dTransposeClass();
  return callable(new Cls({ ...args, filters, outputPadding }));
}
