// Dense: `output = activation(input · kernel + bias)`.
import tf from "../../tfjs.cjs";
import { tfjsActivation, withItsLogits, type ActivationIdentifier } from "../activations.js";
import { callable, type Callable } from "../callable.js";
import { denseTraining } from "../../backend/dense_training.js";
import { baseArgs, type BaseLayerOptions, layerClass, weightArgs, type WeightOptions } from "./common.js";

/**
 * Dense's options. kernelInitializer default "glorot_uniform", biasInitializer "zeros";
 * kernel/bias regularizers and constraints default none (Keras' strings or keras.regularizers objects).
 */
export interface DenseOptions extends BaseLayerOptions, WeightOptions<"kernel" | "bias"> {
  /** Activation applied to the output. Default none (linear). */
  activation?: ActivationIdentifier;
  /** Whether the layer adds a bias vector. Default true. */
  useBias?: boolean;
}

/** What tsdl reads of tfjs' Dense layer (also predict's inference plan). */
export interface TfDense extends tf.layers.Layer {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  useBias: boolean;
  activation: { apply(x: tf.Tensor): tf.Tensor; getClassName(): string };
}

type DenseClass = new (args: Record<string, unknown>) => TfDense;

/**
 * tsdl's Dense class, registered under tfjs' name for loading saved models (idempotent). In training it
 * computes `x · kernel + bias` (and a relu) as TsdlDense (dense_training.ts), whose gradient computes
 * only what is asked for: tfjs' fused product computes the gradient of all its inputs, and the first
 * layer's input gradient (a [batch, 784] x [784, 300] product for an MNIST MLP, a sixth of the step)
 * is never needed; off the wasm backend, as separate ops. Inference keeps tfjs' fused kernel, with
 * the bias inside it whatever the activation.
 */
export const denseClass = layerClass((): DenseClass => {
  const Base = tf.layers.dense({ units: 1 }).constructor as DenseClass;
  class Dense extends Base {
    static className = "Dense";
    call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x.rank !== 2) return super.call(inputs, kwargs);
      const bias = this.useBias && this.bias ? this.bias.read() : undefined;
      if (kwargs.training !== true) {
        // Inference: the bias always inside the product (tfjs-layers adds it apart unless the
        // activation is one its fused kernel knows, e.g. before a softmax).
        const act = this.activation.getClassName().toLowerCase();
        if (act === "relu" || act === "linear") return super.call(inputs, kwargs);
        return tf.tidy(() => this.activation.apply(tf.fused.matMul({ a: x as tf.Tensor2D, b: this.kernel.read() as tf.Tensor2D, bias })));
      }
      return tf.tidy(() => {
        const act = this.activation.getClassName().toLowerCase();
        const fused = denseTraining(x, this.kernel.read(), bias, act === "relu" ? "relu" : "linear");
        if (fused) {
          if (act === "relu" || act === "linear") return fused;
          // The classifier's softmax (or sigmoid) holds the product itself as its logits (logits.ts).
          if (act === "softmax" || act === "sigmoid") return withItsLogits(act, fused, true);
          return this.activation.apply(fused);
        }
        let y = tf.matMul(x, this.kernel.read());
        if (bias) y = tf.add(y, bias);
        return this.activation.apply(y);
      });
    }
  }
  return Dense;
});

export function Dense(units: number, options: DenseOptions = {}): Callable<tf.layers.Layer> {
  const where = `Dense(${units})`;
  if (!Number.isInteger(units) || units <= 0) throw new Error(`Dense: units must be a positive integer, got ${JSON.stringify(units)}`);
  const Cls = denseClass();
  return callable(
    new Cls({
      ...baseArgs("Dense", options),
      units,
      activation: tfjsActivation(options.activation, where) as "relu" | undefined,
      useBias: options.useBias ?? true,
      ...weightArgs(options, where, { kernel: "glorot_uniform", bias: "zeros" }),
    }),
  );
}
