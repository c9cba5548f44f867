// Conv1D and Conv2D (Keras 3's BaseConv): `activation(conv(input, kernel) + bias)` with a kernel
// [...kernelSize, channels / groups, filters] and a bias [filters]. Both run as 2-D convolutions
// (1-D data as [batch, 1, steps, channels]).
import tf from "../../../tfjs.cjs";
import { conv2dBiasRelu } from "../../../backend/fused_kernels.js";
import { conv2d, type Conv2DGeometry } from "./conv_ops.js";
import { biasAndActivation, convOutputShape, fusedActivation, inputChannels, setInputSpec, type Shape, type TfConvFields } from "./conv_layer.js";
import { positiveInteger, type ConvCommonOptions, type KernelOptions } from "./conv_args.js";

/** Conv1D's and Conv2D's own options. */
export interface ConvOptions extends ConvCommonOptions, KernelOptions {
  /** Number of output channels. Required (Keras' first positional argument). */
  filters?: number;
  /** Size of the window: `3` or one per spatial axis. Required (Keras' second positional argument). */
  kernelSize?: number | number[];
  /**
   * Grouped convolution: the input channels split into `groups` groups, each convolved with its own
   * `filters / groups` filters (kernel [...kernelSize, channels / groups, filters]). Default 1.
   */
  groups?: number;
}

/** A tfjs Conv1D / Conv2D with the fields tsdl reads and sets. */
export interface TfConv extends tf.layers.Layer, TfConvFields {
  filters: number;
  kernel: tf.LayerVariable;
  groups: number;
  kernelInitializer: unknown;
  kernelRegularizer: unknown;
  kernelConstraint: unknown;
  biasInitializer: unknown;
  biasRegularizer: unknown;
  biasConstraint: unknown;
}

export type TfConvClass = new (args: Record<string, unknown>) => TfConv;

/** Keras' checks of `groups` (positive, divides filters) when the layer is made. */
export function readGroups(args: Record<string, unknown>, where: string, filters: number): number {
  const groups = args.groups === undefined || args.groups === null ? 1 : positiveInteger(args.groups, where, "groups");
  if (filters % groups !== 0) throw new Error(`${where}: filters (${filters}) must be divisible by groups (${groups})`);
  return groups;
}

/** Keras' weights: kernel [...kernelSize, channels / groups, filters], then bias [filters]. */
export function buildConv(layer: TfConv, className: string, rank: number, shape: Shape): void {
  const channels = inputChannels(className, layer, shape, rank);
  if (channels % layer.groups !== 0) {
    throw new Error(`${className} "${layer.name}": the input's ${channels} channels must be divisible by groups (${layer.groups}); input shape ${JSON.stringify(shape)}`);
  }
  convOutputShape(className, layer, shape, rank, layer.filters); // a window too large is an error now, as Keras
  const add = (layer as unknown as { addWeight(...a: unknown[]): tf.LayerVariable }).addWeight.bind(layer);
  layer.kernel = add("kernel", [...layer.kernelSize, channels / layer.groups, layer.filters], "float32", layer.kernelInitializer, layer.kernelRegularizer, true, layer.kernelConstraint);
  layer.bias = layer.useBias ? add("bias", [layer.filters], "float32", layer.biasInitializer, layer.biasRegularizer, true, layer.biasConstraint) : null;
  setInputSpec(layer, rank, channels);
  layer.built = true;
}

/** Keras' weights of a transposed convolution: kernel [...kernelSize, filters, channels], then bias [filters]. */
export function buildTransposeConv(layer: TfConv, className: string, rank: number, shape: Shape): void {
  const channels = inputChannels(className, layer, shape, rank);
  const add = (layer as unknown as { addWeight(...a: unknown[]): tf.LayerVariable }).addWeight.bind(layer);
  layer.kernel = add("kernel", [...layer.kernelSize, layer.filters, channels], "float32", layer.kernelInitializer, layer.kernelRegularizer, true, layer.kernelConstraint);
  layer.bias = layer.useBias ? add("bias", [layer.filters], "float32", layer.biasInitializer, layer.biasRegularizer, true, layer.biasConstraint) : null;
  setInputSpec(layer, rank, channels);
  layer.built = true;
}

/**
 * The convolution of channels-last 4-D `x` with the 4-D kernel, the bias and the activation. An
 * ungrouped, undilated relu/linear convolution with a bias is one fused kernel: in training tsdl's
 * (oneDNN with the native kernels, XNNPACK without, and a one-pass relu gradient), in inference tfjs'
 * FusedConv2D. Everything else: conv_ops' convolution, then the bias and the activation.
 */
export function runConv(layer: TfConv, x: tf.Tensor4D, kernel: tf.Tensor4D, g: Conv2DGeometry, training: boolean): tf.Tensor4D {
  const act = fusedActivation(layer);
  const plain = layer.groups === 1 && g.dilation.every((d) => d === 1);
  if (plain && act && layer.useBias && layer.bias) {
    const bias = layer.bias.read();
    const strides = g.strides as [number, number];
    if (training) {
      const y = conv2dBiasRelu(x, kernel, bias, strides, g.padding, act);
      if (y) return y;
    }
    return tf.fused.conv2d({ x, filter: kernel, strides, pad: g.padding, bias, activation: act });
  }
  return biasAndActivation(layer, conv2d(x, kernel, g, layer.groups)) as tf.Tensor4D;
}
