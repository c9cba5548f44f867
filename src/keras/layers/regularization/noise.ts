// The noise layers, active in training only (identity in inference, as Keras 3):
//   GaussianNoise(stddev):  x + N(0, stddev^2)
//   GaussianDropout(rate):  x * N(1, rate / (1 - rate))          (the mean is kept)
//   AlphaDropout(rate):     dropped entries set to SELU's negative saturation, then an affine map
//                           that keeps the mean and variance of SELU activations (Klambauer et al., 2017)
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { noiseShapeArg, SeedSequence } from "../dropout.js";

export interface NoiseOptions extends BaseLayerOptions {
  /** Seed of the sequence of random draws. Default: random. */
  seed?: number | null;
}

export interface AlphaDropoutOptions extends NoiseOptions {
  /** Shape of the mask, broadcast over the input (null entries: the input's size). Default: the input's shape. */
  noiseShape?: (number | null)[] | null;
}

/**
 * A rate in [0, 1). Porting note: Keras accepts 1 when the layer is made (and then divides by zero
 * or fails when called); tsdl refuses it at once.
 */
export function rateArg(v: unknown, where: string, option: string): number {
  if (typeof v !== "number" || !(v >= 0 && v < 1)) throw new Error(`${where}: ${option} must be a number in [0, 1), got ${JSON.stringify(v)}`);
  return v;
}

/** The factory's `value` (stddev or rate), or a saved config's `stddev` / `rate`. */
type Args = BaseLayerOptions & { value?: number; stddev?: number; rate?: number; seed?: number | null; noiseShape?: (number | null)[] | null };

abstract class NoiseLayer extends tf.layers.Layer {
  readonly seed: number | null;
  protected readonly value: number;
  private readonly seeds: SeedSequence;

  constructor(args: Args) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.supportsMasking = true;
    this.value = args.value ?? args.stddev ?? args.rate ?? 0;
    this.seed = args.seed ?? null;
    this.seeds = new SeedSequence(this.seed);
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  protected abstract noisy(x: tf.Tensor, seed: number): tf.Tensor;

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training !== true || this.value === 0) return x;
    const seed = this.seeds.next();
    return tf.tidy(() => this.noisy(x, seed));
  }
}

export class GaussianNoiseLayer extends NoiseLayer {
  static className = "GaussianNoise";
  get stddev(): number {
    return this.value;
  }
  protected noisy(x: tf.Tensor, seed: number): tf.Tensor {
    return tf.add(x, tf.randomNormal(x.shape, 0, this.value, "float32", seed));
  }
  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), stddev: this.value, seed: this.seed };
  }
}

export class GaussianDropoutLayer extends NoiseLayer {
  static className = "GaussianDropout";
  get rate(): number {
    return this.value;
  }
  protected noisy(x: tf.Tensor, seed: number): tf.Tensor {
    return tf.mul(x, tf.randomNormal(x.shape, 1, Math.sqrt(this.value / (1 - this.value)), "float32", seed));
  }
  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.value, seed: this.seed };
  }
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

export class AlphaDropoutLayer extends NoiseLayer {
  static className = "AlphaDropout";
  readonly noiseShape: (number | null)[] | null;
  constructor(args: Args) {
    super(args);
    this.noiseShape = args.noiseShape ?? null;
  }
  get rate(): number {
    return this.value;
  }
  protected noisy(x: tf.Tensor, seed: number): tf.Tensor {
    const rate = this.value;
    const alphaP = -SELU_ALPHA * SELU_SCALE;
    const shape = this.noiseShape ? this.noiseShape.map((d, i) => d ?? x.shape[i]) : x.shape;
    const kept = tf.cast(tf.greaterEqual(tf.randomUniform(shape, 0, 1, "float32", seed), rate), "float32");
    const a = ((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * rate;
    const dropped = tf.add(tf.mul(x, kept), tf.mul(alphaP, tf.sub(1, kept)));
    return tf.add(tf.mul(a, dropped), b);
  }
  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.value, seed: this.seed, noiseShape: this.noiseShape };
  }
}
for (const cls of [GaussianNoiseLayer, GaussianDropoutLayer, AlphaDropoutLayer]) tf.serialization.registerClass(cls);

function parse<O extends object>(first: number | O, options: O | undefined, key: string): [unknown, O] {
  if (typeof first === "object" && first !== null) return [(first as Record<string, unknown>)[key], first];
  return [first, options ?? ({} as O)];
}

/** `GaussianNoise(0.1)`: adds zero-mean Gaussian noise of standard deviation `stddev` (in [0, 1]) in training. */
export function GaussianNoise(stddev: number | (NoiseOptions & { stddev?: number }), options?: NoiseOptions): Callable<tf.layers.Layer> {
  const [s, o] = parse(stddev, options, "stddev");
  if (typeof s !== "number" || !(s >= 0 && s <= 1)) throw new Error(`GaussianNoise: stddev must be a number in [0, 1], got ${JSON.stringify(s)}`);
  return callable(new GaussianNoiseLayer({ ...baseArgs("GaussianNoise", o), value: s, seed: o.seed }));
}

/** `GaussianDropout(0.2)`: multiplies by Gaussian noise of mean 1 and variance rate / (1 - rate) in training. */
export function GaussianDropout(rate: number | (NoiseOptions & { rate?: number }), options?: NoiseOptions): Callable<tf.layers.Layer> {
  const [r, o] = parse(rate, options, "rate");
  return callable(new GaussianDropoutLayer({ ...baseArgs("GaussianDropout", o), value: rateArg(r, "GaussianDropout", "rate"), seed: o.seed }));
}

/** `AlphaDropout(0.1)`: dropout for SELU networks, keeping the activations' mean and variance, in training. */
export function AlphaDropout(rate: number | (AlphaDropoutOptions & { rate?: number }), options?: AlphaDropoutOptions): Callable<tf.layers.Layer> {
  const [r, o] = parse(rate, options, "rate");
  return callable(
    new AlphaDropoutLayer({ ...baseArgs("AlphaDropout", o), value: rateArg(r, "AlphaDropout", "rate"), seed: o.seed, noiseShape: noiseShapeArg(o.noiseShape, "AlphaDropout") }),
  );
}
