// Dense: `output = activation(input · kernel + bias)`.
import * as tf from "@tensorflow/tfjs";
import { tfjsActivation, type ActivationIdentifier } from "../activations.js";
import { callable, type Callable } from "../callable.js";
import { baseArgs, initializer, type BaseLayerOptions, type InitializerIdentifier } from "./common.js";

export interface DenseOptions extends BaseLayerOptions {
  /** Activation applied to the output. Default none (linear). */
  activation?: ActivationIdentifier;
  /** Whether the layer adds a bias vector. Default true. */
  useBias?: boolean;
  /** Initializer of the kernel. Default "glorot_uniform". */
  kernelInitializer?: InitializerIdentifier;
  /** Initializer of the bias. Default "zeros". */
  biasInitializer?: InitializerIdentifier;
}

export function Dense(units: number, options: DenseOptions = {}): Callable<tf.layers.Layer> {
  const where = `Dense(${units})`;
  if (!Number.isInteger(units) || units <= 0) throw new Error(`Dense: units must be a positive integer, got ${JSON.stringify(units)}`);
  return callable(
    tf.layers.dense({
      ...baseArgs("Dense", options),
      units,
      activation: tfjsActivation(options.activation, where) as "relu" | undefined,
      useBias: options.useBias ?? true,
      kernelInitializer: (initializer(options.kernelInitializer, where, "kernelInitializer") ?? "glorotUniform") as "glorotUniform",
      biasInitializer: (initializer(options.biasInitializer, where, "biasInitializer") ?? "zeros") as "zeros",
    }),
  );
}
