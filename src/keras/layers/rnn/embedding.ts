// Embedding: turns integer ids into dense vectors, `output[..., :] = embeddings[id, :]`, weights
// embeddings [inputDim, outputDim]. With maskZero, id 0 is padding: the layer's mask (inputs != 0)
// makes the recurrent layers after it skip those steps.
//
// Porting note: wraps tfjs' Embedding (same formula, weight and mask). Keras 3 ignores the deprecated
// `inputLength` with a warning; so does tsdl.
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions, layerClass, type WeightOptions } from "../common.js";
import { makeConstraint, makeInitializer, makeRegularizer, positiveInteger } from "./options.js";

export interface EmbeddingOptions extends BaseLayerOptions, WeightOptions<"embeddings"> {
  /** Default "uniform" (Keras 3's RandomUniform(-0.05, 0.05)). */
  embeddingsInitializer?: WeightOptions<"embeddings">["embeddingsInitializer"];
  /** Treat id 0 as padding: the output mask is `inputs != 0` (ids then start at 1). Default false. */
  maskZero?: boolean;
  /** Deprecated in Keras 3 and ignored (with Keras' warning). */
  inputLength?: number;
}

type EmbeddingClass = new (args: Record<string, unknown>) => tf.layers.Layer;

/** tsdl's Embedding class (tfjs' with Keras 3's input shape and config), registered under its name (idempotent). */
export const embeddingClass = layerClass((): EmbeddingClass => {
  const Base = tf.layers.embedding({ inputDim: 1, outputDim: 1 }).constructor as EmbeddingClass;
  class Embedding extends Base {
    static className = "Embedding";
    constructor(args: Record<string, unknown>) {
      super(args);
      // tfjs gives an Embedding without an input shape the input [null, null]; Keras 3 waits for data.
      if (!args.inputShape && !args.batchInputShape) (this as unknown as { batchInputShape?: unknown }).batchInputShape = undefined;
    }
    getConfig(): tf.serialization.ConfigDict {
      const { inputLength: _l, ...config } = super.getConfig();
      return config;
    }
  }
  return Embedding;
});

/** `layers.Embedding(inputDim, outputDim, { maskZero })`, or `layers.Embedding({ inputDim, outputDim, ... })`. */
export function Embedding(inputDim: number | (EmbeddingOptions & { inputDim: number; outputDim: number }), outputDim?: number, options: EmbeddingOptions = {}): Callable<tf.layers.Layer> {
  const o = typeof inputDim === "object" ? inputDim : { ...options, inputDim, outputDim: outputDim as number };
  const where = "Embedding";
  positiveInteger(o.inputDim, where, "inputDim");
  positiveInteger(o.outputDim, where, "outputDim");
  if (o.inputLength !== undefined) console.warn("Argument `input_length` is deprecated. Just remove it.");
  const Cls = embeddingClass();
  return callable(
    new Cls({
      ...baseArgs("Embedding", o),
      inputDim: o.inputDim,
      outputDim: o.outputDim,
      embeddingsInitializer: makeInitializer(o.embeddingsInitializer, "uniform", where, "embeddingsInitializer"),
      embeddingsRegularizer: makeRegularizer(o.embeddingsRegularizer, where, "embeddingsRegularizer"),
      embeddingsConstraint: makeConstraint(o.embeddingsConstraint, where, "embeddingsConstraint"),
      maskZero: o.maskZero ?? false,
    }),
  );
}
