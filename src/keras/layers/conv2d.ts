// Conv2D: 2-D convolution over channels-last images, `activation(conv(input, kernel) + bias)`.
import * as tf from "@tensorflow/tfjs";
import { tfjsActivation, type ActivationIdentifier } from "../activations.js";
import { conv2dBiasRelu } from "../../backend/fused_kernels.js";
import { callable, type Callable } from "../callable.js";
import { baseArgs, type BaseLayerOptions, initializer, type InitializerIdentifier, layerClass, padding, pair } from "./common.js";

export interface Conv2DOptions extends BaseLayerOptions {
  /** Size of the convolution window: `3` or `[3, 3]`. Required (Keras' second positional argument). */
  kernelSize?: number | number[];
  /** Step of the window. Default 1. */
  strides?: number | number[];
  /** "valid" (no padding, the default) or "same" (output as large as the input at stride 1). */
  padding?: "valid" | "same";
  /** Activation applied to the output. Default none (linear). */
  activation?: ActivationIdentifier;
  /** Whether the layer adds a bias per filter. Default true. */
  useBias?: boolean;
  /** Default "glorot_uniform". */
  kernelInitializer?: InitializerIdentifier;
  /** Default "zeros". */
  biasInitializer?: InitializerIdentifier;
}

interface TfConv2D extends tf.layers.Layer {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  strides: [number, number];
  padding: "same" | "valid";
  dilationRate: number | [number, number];
  activation: { getClassName(): string };
}

type Conv2DClass = new (args: Record<string, unknown>) => TfConv2D;

/**
 * tsdl's Conv2D class, registered under tfjs' name for loading saved models (idempotent). In training
 * on wasm a relu/linear convolution with bias runs as one fused convolution (oneDNN with the native
 * kernels, XNNPACK without) and a one-pass relu gradient; tfjs does not fuse under a gradient (conv,
 * add, relu, then three passes back).
 */
export const conv2dClass = layerClass((): Conv2DClass => {
  const Base = tf.layers.conv2d({ filters: 1, kernelSize: 1 }).constructor as Conv2DClass;
  class Conv2D extends Base {
    static className = "Conv2D";
    call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const act = this.activation.getClassName().toLowerCase();
      const dilation = typeof this.dilationRate === "number" ? [this.dilationRate, this.dilationRate] : this.dilationRate;
      if (kwargs.training === true && x.rank === 4 && this.bias && (act === "relu" || act === "linear") && dilation.every((d) => d === 1)) {
        const y = tf.tidy(() => conv2dBiasRelu(x as tf.Tensor4D, this.kernel.read() as tf.Tensor4D, this.bias!.read(), this.strides, this.padding, act as "relu"));
        if (y) return y;
      }
      return super.call(inputs, kwargs);
    }
  }
  return Conv2D;
});

/**
 * `Conv2D(32, [3, 3], { activation: "relu" })` or `Conv2D(32, { kernelSize: [3, 3] })`.
 * Porting note: only channels-last data (Keras' default) is supported.
 */
export function Conv2D(filters: number, kernelSizeOrOptions?: number | number[] | Conv2DOptions, maybeOptions: Conv2DOptions = {}): Callable<tf.layers.Layer> {
  const options = typeof kernelSizeOrOptions === "object" && !Array.isArray(kernelSizeOrOptions) ? kernelSizeOrOptions : maybeOptions;
  const kernelArg = typeof kernelSizeOrOptions === "object" && !Array.isArray(kernelSizeOrOptions) ? options.kernelSize : kernelSizeOrOptions;
  const where = `Conv2D(${filters})`;
  if (!Number.isInteger(filters) || filters <= 0) throw new Error(`Conv2D: filters must be a positive integer, got ${JSON.stringify(filters)}`);
  const kernelSize = pair(kernelArg, where, "kernelSize");
  if (!kernelSize) throw new Error(`${where}: kernelSize is required, e.g. Conv2D(${filters}, [3, 3])`);
  const Cls = conv2dClass();
  return callable(
    new Cls({
      ...baseArgs("Conv2D", options),
      filters,
      kernelSize,
      strides: pair(options.strides, where, "strides") ?? [1, 1],
      padding: padding(options.padding, where) ?? "valid",
      dataFormat: "channelsLast",
      activation: tfjsActivation(options.activation, where) as "relu" | undefined,
      useBias: options.useBias ?? true,
      kernelInitializer: (initializer(options.kernelInitializer, where, "kernelInitializer") ?? "glorotUniform") as "glorotUniform",
      biasInitializer: (initializer(options.biasInitializer, where, "biasInitializer") ?? "zeros") as "zeros",
    }),
  );
}
