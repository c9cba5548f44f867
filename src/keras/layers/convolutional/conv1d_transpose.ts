// Conv1DTranspose: the transposed 1-D convolution, Conv1D's input gradient used as a layer: each input
// step adds `kernel` times itself into a `strides`-spaced window of the output (upsampling sequences,
// as in keras.io's 1-D autoencoders). Kernel [kernelSize, filters, channels] and bias [filters], as
// Keras 3. It runs as Conv2DTranspose on [batch, 1, steps, channels].
import tf from "../../../tfjs.cjs";
import { callable, shapeText, type Callable } from "../../callable.js";
import { layerClass } from "../common.js";
import { checkOutputPadding, checkStridesWithDilation, convArgs, intTuple, positiveInteger, type ConvCommonOptions, type KernelOptions } from "./conv_args.js";
import { biasAndActivation, channelsLast, oneShape, oneTensor, spatial, withChannels, type Shape } from "./conv_layer.js";
import { checkTransposeSizes, conv2dTranspose, transposeLength, type Conv2DGeometry } from "./conv_ops.js";
import { buildTransposeConv, type TfConv } from "./base_conv.js";
import { convPositional } from "./conv2d.js";

export interface Conv1DTransposeOptions extends ConvCommonOptions, KernelOptions {
  /** Number of output channels. Required (Keras' first positional argument). */
  filters?: number;
  /** Length of the window: `3` or `[3]`. Required (Keras' second positional argument). */
  kernelSize?: number | number[];
  /** "valid" (the default: output (steps - 1) * strides + max(kernel, strides)) or "same" (output steps * strides). */
  padding?: "valid" | "same";
  /**
   * Extra steps at the end of the output, less than the stride: `1` or `[1]`. Default none (Keras'
   * None: the lengths above); with it the output is (steps - 1) * strides + kernel + outputPadding
   * ("valid") or (steps - 1) * strides + kernel % 2 + outputPadding ("same").
   */
  outputPadding?: number | number[] | null;
  /**
   * Spacing of the kernel's taps, with strides 1 only. Default 1.
   * Porting note: as for Conv2DTranspose, Keras' TensorFlow backend refuses dilationRate > 1 on CPU;
   * tsdl computes it as Keras' JAX backend does.
   */
  dilationRate?: number | number[];
}

interface TfConv1DTranspose extends TfConv {
  outputPadding: number[] | undefined;
}

type TfConv1DTransposeClass = new (args: Record<string, unknown>) => TfConv1DTranspose;

export const conv1dTransposeClass = layerClass((): TfConv1DTransposeClass => {
  // tfjs has no 1-D transposed convolution; its Conv1D class reads the same config (rank-1 kernel size,
  // initializers, regularizers, constraints, activation), and build, call and shapes are replaced here.
  const Base = tf.layers.conv1d({ filters: 1, kernelSize: 1 }).constructor as TfConv1DTransposeClass;
  class Conv1DTranspose extends Base {
    static className = "Conv1DTranspose";
    constructor(args: Record<string, unknown>) {
      super(args);
      this.outputPadding = (args.outputPadding as number[] | null | undefined) ?? undefined;
      this.inputSpec = null as unknown as tf.layers.Layer["inputSpec"]; // the rank is checked in build, with Keras' information
      (this as { dataFormat: string }).dataFormat = (args.dataFormat as string | undefined) ?? "channelsLast"; // tfjs drops it for 1-D
    }
    build(inputShape: Shape | Shape[]): void {
      buildTransposeConv(this, "Conv1DTranspose", 1, oneShape(inputShape));
    }
    computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const shape = oneShape(inputShape);
      const [steps] = spatial(this, shape, 1);
      const out = this.outputLength(steps);
      if (out !== null && out <= 0) throw new Error(`Conv1DTranspose "${this.name}": the output length would be ${out} for input ${shapeText(shape)}`);
      this.checkLength(steps, out);
      return withChannels(this, shape[0] ?? null, [out], this.filters);
    }
    call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tf.tidy(() =>
        channelsLast(this, oneTensor(inputs), (x) => {
          const [n, steps, c] = x.shape;
          this.checkLength(steps, this.outputLength(steps));
          const [k, filters, cin] = this.kernel.read().shape;
          const kernel4 = tf.reshape(this.kernel.read(), [1, k, filters, cin]) as tf.Tensor4D;
          const padding = this.outputPadding && [0, this.outputPadding[0]];
          const y = conv2dTranspose(tf.reshape(x, [n, 1, steps, c]) as tf.Tensor4D, kernel4, this.geometry(), padding, `Conv1DTranspose "${this.name}"`);
          return biasAndActivation(this, tf.squeeze(y, [1]));
        }),
      );
    }
    /** The output length for an input of `steps` (null: unknown). */
    outputLength(steps: number | null): number | null {
      return transposeLength(steps, this.kernelSize[0], this.strides[0], this.dilationRate[0], this.padding as "valid" | "same", this.outputPadding?.[0]);
    }
    /** TensorFlow's check that the output length convolves back to the input's, in 1-D terms. */
    checkLength(steps: number | null, out: number | null): void {
      const g = { kernelSize: this.kernelSize, strides: this.strides, padding: this.padding as "valid" | "same", dilation: this.dilationRate };
      checkTransposeSizes([steps], [out], g, this.outputPadding, `Conv1DTranspose "${this.name}"`);
    }
    /** The 2-D geometry of [batch, 1, steps, channels]. */
    geometry(): Conv2DGeometry {
      return { kernelSize: [1, this.kernelSize[0]], strides: [1, this.strides[0]], padding: this.padding as "valid" | "same", dilation: [1, this.dilationRate[0]] };
    }
    getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), dataFormat: this.dataFormat, outputPadding: this.outputPadding ?? null };
    }
  }
  return Conv1DTranspose;
});

/**
 * `Conv1DTranspose(16, 3, { strides: 2, padding: "same" })`, `Conv1DTranspose(16, [3], options)`,
 * `Conv1DTranspose(16, { kernelSize: 3 })` or `Conv1DTranspose({ filters: 16, kernelSize: 3 })`.
 */
export function Conv1DTranspose(
  filtersOrOptions: number | Conv1DTransposeOptions,
  kernelSizeOrOptions?: number | number[] | Conv1DTransposeOptions,
  maybeOptions?: Conv1DTransposeOptions,
): Callable<TfConv> {
  const { filters, kernel, options } = convPositional(filtersOrOptions, kernelSizeOrOptions, maybeOptions) as { filters: number; kernel: number | number[] | undefined; options: Conv1DTransposeOptions };
  const where = `Conv1DTranspose(${filters})`;
  positiveInteger(filters, "Conv1DTranspose", "filters");
  const kernelSize = intTuple(kernel, 1, where, "kernelSize");
  if (!kernelSize) throw new Error(`${where}: kernelSize is required, e.g. Conv1DTranspose(${filters}, 3)`);
  const args = convArgs("Conv1DTranspose", where, options, 1, kernelSize, { kernel: "glorot_uniform" });
  const strides = args.strides as number[];
  checkStridesWithDilation(strides, args.dilationRate as number[], where);
  const outputPadding = intTuple(options.outputPadding ?? undefined, 1, where, "outputPadding", true);
  checkOutputPadding(outputPadding, strides, where);
  const Cls = conv1dTransposeClass();
  return callable(new Cls({ ...args, filters, outputPadding }));
}
