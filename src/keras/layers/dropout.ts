// Dropout: in training, zeroes a fraction `rate` of the inputs and scales the rest by 1/(1-rate);
// with `noiseShape`, one draw per entry of that shape, broadcast over its size-1 axes (null: the
// input's size), e.g. [null, 1, null] drops the same features at every step.
//
// Porting note: as in Keras, a seeded Dropout draws a new mask at every step, from a sequence its seed
// fixes (tfjs-layers 4.22 reuses one mask for every step when given a seed). On wasm the mask comes
// from one tsdl kernel (native or JavaScript); elsewhere from tfjs' dropout.
// Porting note: rate must be below 1 when the layer is made (Keras refuses rate = 1 only when called).
import tf from "../../tfjs.cjs";
import { dropoutMask, fusedKernelsRegistered } from "../../backend/fused_kernels.js";
import { callable, type Callable } from "../callable.js";
import { baseArgs, type BaseLayerOptions, layerClass } from "./common.js";

export interface DropoutOptions extends BaseLayerOptions {
  /** Shape of the mask, broadcast over the input (null entries: the input's size). Default: the input's shape. */
  noiseShape?: (number | null)[] | null;
  /** Seed of the sequence of random masks. Default: random. */
  seed?: number | null;
}

/**
 * The seeds of a random layer's steps, as Keras' SeedGenerator: with a seed, a fixed sequence (a new
 * value at every step); without, a random value each time.
 */
export class SeedSequence {
  private steps = 0;
  constructor(readonly seed?: number | null) {}
  next(): number {
    if (this.seed == null) return Math.floor(Math.random() * 2 ** 52);
    return (Math.abs(Math.floor(this.seed)) % 2 ** 31) * 2 ** 20 + (this.steps++ % 2 ** 20);
  }
}

/** Keras' check of a noise shape: positive integers or null. */
export function noiseShapeArg(v: unknown, where: string): (number | null)[] | null {
  if (v == null) return null;
  if (!Array.isArray(v) || !v.every((d) => d === null || (Number.isInteger(d) && d > 0))) {
    throw new Error(`${where}: noiseShape must be a list of positive integers or null, got ${JSON.stringify(v)}`);
  }
  return v.slice();
}

export interface TfDropout extends tf.layers.Layer {
  rate: number;
  seed?: number;
  noiseShape?: number[];
  getNoiseShape(x: tf.Tensor): number[] | undefined;
  trainingMask(x: tf.Tensor): tf.Tensor | undefined;
}

type DropoutClass = new (args: Record<string, unknown>) => TfDropout;

/** tsdl's Dropout class, registered under tfjs' name for loading saved models (idempotent). */
export const dropoutClass = layerClass((): DropoutClass => {
  const Base = tf.layers.dropout({ rate: 0.5 }).constructor as DropoutClass;
  class Dropout extends Base {
    static className = "Dropout";
    private seeds?: SeedSequence;
    call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (kwargs.training !== true || !(this.rate > 0 && this.rate < 1)) return super.call(inputs, kwargs);
      return tf.tidy(() => {
        const mask = this.trainingMask(x);
        if (mask) return tf.mul(x, mask);
        this.seeds ??= new SeedSequence(this.seed);
        return tf.dropout(x, this.rate, this.getNoiseShape(x), this.seeds.next());
      });
    }

    /**
     * The mask of a training step's dropout of x from tsdl's kernel (the step's seed drawn), where the
     * kernel makes it (wasm, float32, no noise shape); undefined otherwise, drawing nothing. The training
     * plan's dropout too (training_plan.ts), which keeps the mask for its backward pass.
     */
    trainingMask(x: tf.Tensor): tf.Tensor | undefined {
      if (!(this.rate > 0 && this.rate < 1) || this.noiseShape != null || x.dtype !== "float32" || x.size === 0) return undefined;
      if (tf.getBackend() !== "wasm" || !fusedKernelsRegistered()) return undefined;
      this.seeds ??= new SeedSequence(this.seed);
      return dropoutMask(x.shape, this.rate, this.seeds.next());
    }
  }
  return Dropout;
});

/** `Dropout(0.5)`, `Dropout(0.2, { noiseShape: [null, 1, null], seed: 1 })` or `Dropout({ rate: 0.5 })`. */
export function Dropout(rate: number | (DropoutOptions & { rate?: number }), options: DropoutOptions = {}): Callable<tf.layers.Layer> {
  const o = typeof rate === "object" && rate !== null ? rate : options;
  const r = typeof rate === "object" && rate !== null ? rate.rate : rate;
  if (typeof r !== "number" || !(r >= 0 && r < 1)) throw new Error(`Dropout: rate must be a number in [0, 1), got ${JSON.stringify(r)}`);
  const Cls = dropoutClass();
  return callable(new Cls({ ...baseArgs("Dropout", o), rate: r, seed: o.seed ?? undefined, noiseShape: noiseShapeArg(o.noiseShape, "Dropout") ?? undefined }));
}
