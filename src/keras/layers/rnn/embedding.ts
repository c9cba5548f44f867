// Embedding: turns integer ids into dense vectors, `output[..., :] = embeddings[id, :]`, weights
// embeddings [inputDim, outputDim]. With maskZero, id 0 is padding: the layer's mask (inputs != 0)
// makes the recurrent layers after it skip those steps.
//
// Porting note: wraps tfjs' Embedding (same formula, weight and mask). Keras 3 ignores the deprecated
// `inputLength` with a warning; so does tsdl.
import * as tf from "@tensorflow/tfjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions, type WeightOptions } from "../common.js";
import { makeConstraint, makeInitializer, makeRegularizer, positiveInteger } from "./options.js";

export interface EmbeddingOptions extends BaseLayerOptions, WeightOptions<"embeddings"> {
  /** Default "uniform" (Keras 3's RandomUniform(-0.05, 0.05)). */
  embeddingsInitializer?: WeightOptions<"embeddings">["embeddingsInitializer"];
  /** Treat id 0 as padding: the output mask is `inputs != 0` (ids then start at 1). Default false. */
  maskZero?: boolean;
  /** Deprecated in Keras 3 and ignored (with Keras' warning). */
  inputLength?: number;
}

/** `layers.Embedding(inputDim, outputDim, { maskZero })`, or `layers.Embedding({ inputDim, outputDim, ... })`. */
export function Embedding(inputDim: number | (EmbeddingOptions & { inputDim: number; outputDim: number }), outputDim?: number, options: EmbeddingOptions = {}): Callable<tf.layers.Layer> {
  const o = typeof inputDim === "object" ? inputDim : { ...options, inputDim, outputDim: outputDim as number };
  const where = "Embedding";
  positiveInteger(o.inputDim, where, "inputDim");
  positiveInteger(o.outputDim, where, "outputDim");
  if (o.inputLength !== undefined) console.warn("Argument `input_length` is deprecated. Just remove it.");
  const layer = tf.layers.embedding({
    ...(baseArgs("Embedding", o) as object),
    inputDim: o.inputDim,
    outputDim: o.outputDim,
    embeddingsInitializer: makeInitializer(o.embeddingsInitializer, "uniform", where, "embeddingsInitializer"),
    embeddingsRegularizer: makeRegularizer(o.embeddingsRegularizer, where, "embeddingsRegularizer"),
    embeddingsConstraint: makeConstraint(o.embeddingsConstraint, where, "embeddingsConstraint"),
    maskZero: o.maskZero ?? false,
  });
  // tfjs gives an Embedding without an input shape the input [null, null]; Keras 3 waits for data.
  if (!o.inputShape && !o.batchInputShape) (layer as unknown as { batchInputShape?: unknown }).batchInputShape = undefined;
  return callable(layer);
}
