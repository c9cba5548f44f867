// Conv2D: 2-D convolution over channels-last images, `activation(conv(input, kernel) + bias)`.
import * as tf from "@tensorflow/tfjs";
import { tfjsActivation, type ActivationIdentifier } from "../activations.js";
import { callable, type Callable } from "../callable.js";
import { baseArgs, initializer, padding, pair, type BaseLayerOptions, type InitializerIdentifier } from "./common.js";

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
  return callable(
    tf.layers.conv2d({
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
