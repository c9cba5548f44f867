// Activation: applies an activation function, `Activation("relu")`, `Activation("hard_swish")`,
// `Activation(keras.activations.gelu)` or `Activation((x) => ...)`. tfjs' Activation layer with the
// activation tsdl's activations.ts resolves (tfjs' own or one registered there).
import tf from "../../../tfjs.cjs";
import { tfjsActivation, type LayerActivation } from "../../activations.js";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";

export interface ActivationOptions extends BaseLayerOptions {
  /** The activation: a Keras name, a keras.activations function or any function of a tensor. Required. */
  activation?: LayerActivation;
}

/** `Activation("relu")`, `Activation(keras.activations.relu)` or `Activation({ activation: "relu" })`. */
export function Activation(activation: LayerActivation | ActivationOptions, options: BaseLayerOptions = {}): Callable<tf.layers.Layer> {
  const optionsForm = activation !== null && typeof activation === "object";
  const o = optionsForm ? (activation as ActivationOptions) : options;
  const a = optionsForm ? (activation as ActivationOptions).activation : (activation as LayerActivation);
  const name = tfjsActivation(a, "Activation");
  if (!name) throw new Error(`Activation: an activation is required, e.g. Activation("relu"), got ${JSON.stringify(a)}`);
  return callable(tf.layers.activation({ ...baseArgs("Activation", o), activation: name as "relu" }));
}
