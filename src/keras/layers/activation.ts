// Activation layers: Activation("relu"), ReLU(), Softmax().
import * as tf from "@tensorflow/tfjs";
import { tfjsActivation, type ActivationIdentifier } from "../activations.js";
import { callable, type Callable } from "../callable.js";
import { baseArgs, type BaseLayerOptions } from "./common.js";

/** `Activation("relu")` or `Activation(keras.activations.relu)`. */
export function Activation(activation: ActivationIdentifier, options: BaseLayerOptions = {}): Callable<tf.layers.Layer> {
  const name = tfjsActivation(activation, "Activation");
  if (!name) throw new Error(`Activation: an activation is required, e.g. Activation("relu"), got ${JSON.stringify(activation)}`);
  return callable(tf.layers.activation({ ...baseArgs("Activation", options), activation: name as "relu" }));
}

export interface ReLUOptions extends BaseLayerOptions {
  /** Upper bound of the output. Default none. */
  maxValue?: number;
}

/** `ReLU()`: max(x, 0), optionally capped at `maxValue`. */
export function ReLU(options: ReLUOptions = {}): Callable<tf.layers.Layer> {
  return callable(tf.layers.reLU({ ...baseArgs("ReLU", options), maxValue: options.maxValue }));
}

export interface SoftmaxOptions extends BaseLayerOptions {
  /** Axis to normalise over. Default -1. */
  axis?: number;
}

/** `Softmax()`: exp(x) / sum(exp(x)) over `axis`. */
export function Softmax(options: SoftmaxOptions = {}): Callable<tf.layers.Layer> {
  return callable(tf.layers.softmax({ ...baseArgs("Softmax", options), axis: options.axis ?? -1 }));
}
