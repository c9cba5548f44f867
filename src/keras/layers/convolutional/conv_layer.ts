// What the convolution layer classes share: the input checks, Keras' output shapes, the bias and the
// activation, channels-first data. Each class extends the tfjs class of its name (so that tfjs'
// constructor reads saved configs: initializers, regularizers, constraints, activation), and these
// functions give it Keras 3's weights, shapes and arithmetic.
import tf from "../../../tfjs.cjs";
import { shapeText } from "../../callable.js";
import { channelsToEnd, channelsToFront, convLength } from "./conv_ops.js";
import type { ConvPadding, DataFormat } from "./conv_args.js";

export type Shape = (number | null)[];

/** The fields of tfjs' convolution layers that tsdl's classes read. */
export interface TfConvFields {
  kernelSize: number[];
  strides: number[];
  padding: ConvPadding;
  dataFormat: DataFormat;
  dilationRate: number[];
  useBias: boolean;
  activation: { apply(x: tf.Tensor): tf.Tensor; getClassName(): string };
  bias: tf.LayerVariable | null;
}

/** One shape from tfjs' `Shape | Shape[]`. */
export function oneShape(s: Shape | Shape[]): Shape {
  return (Array.isArray(s[0]) ? s[0] : s) as Shape;
}

/**
 * The input's channel count, after checking its rank (Keras' information: layer, expected rank, shape).
 * Porting note: the rank must be exactly rank + 2 when the layer is built; Keras' InputSpec asks for
 * at least that many axes and its TensorFlow convolution then fails on more.
 */
export function inputChannels(className: string, layer: tf.layers.Layer & TfConvFields, shape: Shape, rank: number): number {
  const layout = rank === 1 ? "batch, steps, channels" : "batch, height, width, channels";
  if (shape.length !== rank + 2) {
    throw new Error(`${className} "${layer.name}": expected an input of rank ${rank + 2} ([${layout}]${layer.dataFormat === "channelsFirst" ? ", channels first" : ""}), got shape ${shapeText(shape)} (rank ${shape.length})`);
  }
  const c = shape[channelAxis(layer, rank)];
  if (c === null || c === undefined) throw new Error(`${className} "${layer.name}": the channel axis of the input must be known, got shape ${shapeText(shape)}`);
  return c;
}

export function channelAxis(layer: TfConvFields, rank: number): number {
  return layer.dataFormat === "channelsFirst" ? 1 : rank + 1;
}

/** What later calls are checked against (rank and channels), as Keras' InputSpec after build. */
export function setInputSpec(layer: tf.layers.Layer & TfConvFields, rank: number, channels: number): void {
  layer.inputSpec = [{ ndim: rank + 2, axes: { [channelAxis(layer, rank)]: channels } } as unknown as tf.layers.Layer["inputSpec"][number]];
}

/** The spatial sizes of a shape, channels last or first. */
export function spatial(layer: TfConvFields, shape: Shape, rank: number): Shape {
  return layer.dataFormat === "channelsFirst" ? shape.slice(2, 2 + rank) : shape.slice(1, 1 + rank);
}

/** [batch, ...spatial, channels] in the layer's data format. */
export function withChannels(layer: TfConvFields, batch: number | null, space: Shape, channels: number): Shape {
  return layer.dataFormat === "channelsFirst" ? [batch, channels, ...space] : [batch, ...space, channels];
}

/**
 * Keras' output shape of a convolution (compute_conv_output_shape), and its error where a "valid"
 * window does not fit: the layer, the input shape and the window.
 */
export function convOutputShape(className: string, layer: tf.layers.Layer & TfConvFields, input: Shape, rank: number, outChannels: number): Shape {
  const space = spatial(layer, input, rank).map((n, i) => convLength(n, layer.kernelSize[i], layer.strides[i], layer.dilationRate[i], layer.padding));
  if (space.some((n) => n !== null && n <= 0)) {
    throw new Error(
      `${className} "${layer.name}": the input ${shapeText(input)} is too small for kernelSize ${shapeText(layer.kernelSize)} ` +
        `(dilationRate ${shapeText(layer.dilationRate)}, strides ${shapeText(layer.strides)}, padding "${layer.padding}"): the output size would be ${shapeText(space)}`,
    );
  }
  return withChannels(layer, input[0] ?? null, space, outChannels);
}

/** Runs `f` on channels-last data whatever the layer's format. */
export function channelsLast(layer: TfConvFields, x: tf.Tensor, f: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (layer.dataFormat !== "channelsFirst") return f(x);
  return channelsToFront(f(channelsToEnd(x)));
}

/** `activation(y + bias)` (channels last). */
export function biasAndActivation(layer: TfConvFields, y: tf.Tensor): tf.Tensor {
  const withBias = layer.useBias && layer.bias ? tf.add(y, layer.bias.read()) : y;
  return layer.activation.apply(withBias);
}

/** The activation's name when a fused kernel (one pass with the bias) can run it. */
export function fusedActivation(layer: TfConvFields): "relu" | "linear" | undefined {
  const act = layer.activation.getClassName().toLowerCase();
  return act === "relu" || act === "linear" ? act : undefined;
}

export function oneTensor(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}
