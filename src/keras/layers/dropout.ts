// Dropout: in training, zeroes a fraction `rate` of the inputs and scales the rest by 1/(1-rate).
//
// Porting note: as in Keras, a seeded Dropout draws a new mask at every step, from a sequence its seed
// fixes (tfjs-layers 4.22 reuses one mask for every step when given a seed). On wasm the mask comes
// from one tsdl kernel (native or JavaScript); elsewhere from tfjs' dropout.
import * as tf from "@tensorflow/tfjs";
import { dropoutTraining } from "../../backend/fused_kernels.js";
import { callable, type Callable } from "../callable.js";
import { baseArgs, type BaseLayerOptions, layerClass } from "./common.js";

export interface DropoutOptions extends BaseLayerOptions {
  /** Seed of the sequence of random masks. Default: random. */
  seed?: number;
}

interface TfDropout extends tf.layers.Layer {
  rate: number;
  seed?: number;
  noiseShape?: number[];
  getNoiseShape(x: tf.Tensor): number[] | undefined;
}

type DropoutClass = new (args: Record<string, unknown>) => TfDropout;

/** tsdl's Dropout class, registered under tfjs' name for loading saved models (idempotent). */
export const dropoutClass = layerClass((): DropoutClass => {
  const Base = tf.layers.dropout({ rate: 0.5 }).constructor as DropoutClass;
  class Dropout extends Base {
    static className = "Dropout";
    private steps = 0;
    call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (kwargs.training !== true || !(this.rate > 0 && this.rate < 1)) return super.call(inputs, kwargs);
      const seed = this.seed === undefined ? Math.floor(Math.random() * 2 ** 52) : (Math.abs(Math.floor(this.seed)) % 2 ** 31) * 2 ** 20 + (this.steps++ % 2 ** 20);
      return tf.tidy(() => (this.noiseShape == null ? dropoutTraining(x, this.rate, seed) : undefined) ?? tf.dropout(x, this.rate, this.getNoiseShape(x), seed));
    }
  }
  return Dropout;
});

export function Dropout(rate: number, options: DropoutOptions = {}): Callable<tf.layers.Layer> {
  if (typeof rate !== "number" || !(rate >= 0 && rate < 1)) throw new Error(`Dropout: rate must be a number in [0, 1), got ${JSON.stringify(rate)}`);
  const Cls = dropoutClass();
  return callable(new Cls({ ...baseArgs("Dropout", options), rate, seed: options.seed }));
}
