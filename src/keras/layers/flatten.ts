// Flatten: [batch, d1, d2, ...] -> [batch, d1*d2*...].
import * as tf from "@tensorflow/tfjs";
import { callable, type Callable } from "../callable.js";
import { baseArgs, type BaseLayerOptions } from "./common.js";

export type FlattenOptions = BaseLayerOptions;

export function Flatten(options: FlattenOptions = {}): Callable<tf.layers.Layer> {
  return callable(tf.layers.flatten(baseArgs("Flatten", options)));
}
