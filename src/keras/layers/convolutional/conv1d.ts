// Conv1D: 1-D convolution over sequences, `activation(conv(input, kernel) + bias)`, with Keras 3's
// strides, padding ("valid", "same", "causal"), dilation and groups. It runs as a 2-D convolution of
// [batch, 1, steps, channels], so it gets Conv2D's kernels (and the fused one in training).
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { layerClass } from "../common.js";
import { buildConv, readGroups, runConv, type ConvOptions, type TfConv, type TfConvClass } from "./base_conv.js";
import { checkStridesWithDilation, convArgs, intTuple, positiveInteger } from "./conv_args.js";
import { channelsLast, convOutputShape, oneShape, oneTensor, type Shape } from "./conv_layer.js";
import { convPositional } from "./conv2d.js";
import { effectiveSize } from "./conv_ops.js";

export interface Conv1DOptions extends ConvOptions {
  /**
   * "valid" (no padding, the default), "same" (output length ceil(steps / strides)) or "causal"
   * (left padding of (kernelSize - 1) * dilationRate steps: output t sees inputs up to t only).
   */
  padding?: "valid" | "same" | "causal";
}

export const conv1dClass = layerClass((): TfConvClass => {
  const Base = tf.layers.conv1d({ filters: 1, kernelSize: 1 }).constructor as TfConvClass;
  class Conv1D extends Base {
    static className = "Conv1D";
    constructor(args: Record<string, unknown>) {
      super(args);
      this.groups = readGroups(args, "Conv1D", this.filters);
      this.inputSpec = null as unknown as tf.layers.Layer["inputSpec"]; // the rank is checked in build, with Keras' information
      // tfjs drops the data format of 1-D convolutions; Keras has one.
      (this as { dataFormat: string }).dataFormat = (args.dataFormat as string | undefined) ?? "channelsLast";
    }
    build(inputShape: Shape | Shape[]): void {
      buildConv(this, "Conv1D", 1, oneShape(inputShape));
    }
    computeOutputShape(inputShape: Shape | Shape[]): Shape {
      return convOutputShape("Conv1D", this, oneShape(inputShape), 1, this.filters);
    }
    call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
      return tf.tidy(() =>
        channelsLast(this, oneTensor(inputs), (x) => {
          const [k, s, d] = [this.kernelSize[0], this.strides[0], this.dilationRate[0]];
          let padded = x as tf.Tensor3D;
          if (this.padding === "causal") padded = tf.pad(padded, [[0, 0], [effectiveSize(k, d) - 1, 0], [0, 0]]);
          const [n, steps, c] = padded.shape;
          const g = { kernelSize: [1, k], strides: [1, s], dilation: [1, d], padding: this.padding === "same" ? ("same" as const) : ("valid" as const) };
          const [kw, cin, filters] = this.kernel.read().shape;
          const kernel4 = tf.reshape(this.kernel.read(), [1, kw, cin, filters]) as tf.Tensor4D;
          const y = runConv(this, tf.reshape(padded, [n, 1, steps, c]) as tf.Tensor4D, kernel4, g, kwargs.training === true);
          return tf.squeeze(y, [1]);
        }),
      );
    }
    getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), dataFormat: this.dataFormat, groups: this.groups };
    }
  }
  return Conv1D;
});

/**
 * `Conv1D(32, 3, { padding: "causal" })`, `Conv1D(32, [3], options)`, `Conv1D(32, { kernelSize: 3 })`
 * or `Conv1D({ filters: 32, kernelSize: 3 })`.
 */
export function Conv1D(filtersOrOptions: number | Conv1DOptions, kernelSizeOrOptions?: number | number[] | Conv1DOptions, maybeOptions?: Conv1DOptions): Callable<TfConv> {
  const { filters, kernel, options } = convPositional(filtersOrOptions, kernelSizeOrOptions, maybeOptions);
  const where = `Conv1D(${filters})`;
  positiveInteger(filters, "Conv1D", "filters");
  const kernelSize = intTuple(kernel, 1, where, "kernelSize");
  if (!kernelSize) throw new Error(`${where}: kernelSize is required, e.g. Conv1D(${filters}, 3)`);
  const args = convArgs("Conv1D", where, options, 1, kernelSize, { kernel: "glorot_uniform" }, true);
  checkStridesWithDilation(args.strides as number[], args.dilationRate as number[], where);
  readGroups(options as Record<string, unknown>, where, filters);
  const Cls = conv1dClass();
  return callable(new Cls({ ...args, filters, groups: options.groups ?? 1 }));
}
