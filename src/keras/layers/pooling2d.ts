// MaxPooling2D and AveragePooling2D: the two halves of one concept, Keras' 2-D pooling.
import * as tf from "@tensorflow/tfjs";
import { callable, type Callable } from "../callable.js";
import { baseArgs, padding, pair, type BaseLayerOptions } from "./common.js";

export interface Pooling2DOptions extends BaseLayerOptions {
  /** Window size: `2` or `[2, 2]`. Default [2, 2]. */
  poolSize?: number | number[];
  /** Step of the window. Default: the pool size. */
  strides?: number | number[];
  /** "valid" (the default) or "same". */
  padding?: "valid" | "same";
}

function pooling(kind: "MaxPooling2D" | "AveragePooling2D", poolOrOptions: number | number[] | Pooling2DOptions | undefined, maybeOptions: Pooling2DOptions) {
  const options = typeof poolOrOptions === "object" && !Array.isArray(poolOrOptions) ? poolOrOptions : maybeOptions;
  const poolArg = typeof poolOrOptions === "object" && !Array.isArray(poolOrOptions) ? options.poolSize : poolOrOptions;
  const poolSize = pair(poolArg, kind, "poolSize") ?? [2, 2];
  const args = {
    ...baseArgs(kind, options),
    poolSize,
    strides: pair(options.strides, kind, "strides") ?? poolSize,
    padding: padding(options.padding, kind) ?? "valid",
    dataFormat: "channelsLast" as const,
  };
  return callable(kind === "MaxPooling2D" ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args));
}

/** `MaxPooling2D([2, 2])` or `MaxPooling2D({ poolSize: [2, 2] })`. */
export function MaxPooling2D(poolSize?: number | number[] | Pooling2DOptions, options: Pooling2DOptions = {}): Callable<tf.layers.Layer> {
  return pooling("MaxPooling2D", poolSize, options);
}

/** `AveragePooling2D([2, 2])` or `AveragePooling2D({ poolSize: [2, 2] })`. */
export function AveragePooling2D(poolSize?: number | number[] | Pooling2DOptions, options: Pooling2DOptions = {}): Callable<tf.layers.Layer> {
  return pooling("AveragePooling2D", poolSize, options);
}
