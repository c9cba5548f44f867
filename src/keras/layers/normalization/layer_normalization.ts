// LayerNormalization (Ba et al., 2016): each sample normalised over `axis` (default the last) by its
// own mean and variance, then scaled by gamma and shifted by beta (weights of the normalised axes'
// shape), as Keras 3's ops.layer_normalization:
//   inv = gamma / sqrt(var + epsilon);  y = x * inv + (beta - mean * inv)
//
// tsdl's own layer: tfjs' LayerNormalization has no constraints and tiles its statistics to the
// input's shape for each call.
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions, type WeightOptions } from "../common.js";
import { weightConfig, weightParts, type WeightParts } from "./weights.js";
import { axisArg, knownSizes, resolveAxes } from "./axes.js";

export interface LayerNormalizationOptions extends BaseLayerOptions, WeightOptions<"beta" | "gamma"> {
  /** The axis or axes to normalise over. Default -1. */
  axis?: number | number[];
  /** Added to the variance. Default 1e-3. */
  epsilon?: number;
  /** Learn an offset beta. Default true. */
  center?: boolean;
  /** Learn a scale gamma. Default true. */
  scale?: boolean;
}

/** A positive finite number (epsilon). */
export function positiveNumber(v: unknown, where: string, option: string): number {
  if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) throw new Error(`${where}: ${option} must be a positive number, got ${JSON.stringify(v)}`);
  return v;
}

export class LayerNormalizationLayer extends tf.layers.Layer {
  static className = "LayerNormalization";
  axis: number | number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly gammaParts: WeightParts;
  private readonly betaParts: WeightParts;
  gamma: tf.LayerVariable | null = null;
  beta: tf.LayerVariable | null = null;

  /** Takes the options (Keras' spellings) or the config getConfig wrote. */
  constructor(args: LayerNormalizationOptions = {}) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    const where = "LayerNormalization";
    this.supportsMasking = true;
    this.axis = axisArg(args.axis, -1, where);
    this.epsilon = positiveNumber(args.epsilon ?? 1e-3, where, "epsilon");
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.gammaParts = weightParts(args, "gamma", "ones", where);
    this.betaParts = weightParts(args, "beta", "zeros", where);
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const what = `LayerNormalization ${JSON.stringify(this.name)}`;
    resolveAxes(this.axis, shape, what);
    // Keras sorts the axes as given (negative ones first) for the weights' shape.
    const sorted = (Array.isArray(this.axis) ? this.axis.slice() : [this.axis]).sort((a, b) => a - b);
    this.axis = sorted;
    const paramShape = knownSizes(sorted.map((a) => (a < 0 ? a + shape.length : a)), shape, what);
    const g = this.gammaParts;
    const b = this.betaParts;
    if (this.scale) this.gamma = this.addWeight("gamma", paramShape, "float32", g.initializer, g.regularizer, true, g.constraint);
    if (this.center) this.beta = this.addWeight("beta", paramShape, "float32", b.initializer, b.regularizer, true, b.constraint);
    this.built = true;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const axes = (this.axis as number[]).map((a) => (a < 0 ? a + x.rank : a));
      const { mean, variance } = tf.moments(x, axes, true);
      const broadcastShape = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
      let inv = tf.rsqrt(tf.add(variance, this.epsilon));
      if (this.gamma) inv = tf.mul(inv, tf.reshape(this.gamma.read(), broadcastShape));
      let res = tf.neg(tf.mul(mean, inv));
      if (this.beta) res = tf.add(res, tf.reshape(this.beta.read(), broadcastShape));
      return tf.add(tf.mul(x, inv), res);
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(), axis: this.axis, epsilon: this.epsilon, center: this.center, scale: this.scale,
      ...weightConfig("beta", this.betaParts), ...weightConfig("gamma", this.gammaParts),
    };
  }
}
tf.serialization.registerClass(LayerNormalizationLayer);

/** `LayerNormalization()` or `LayerNormalization({ axis: [1, 2], epsilon: 1e-6 })`. */
export function LayerNormalization(options: LayerNormalizationOptions = {}): Callable<tf.layers.Layer> {
  return callable(new LayerNormalizationLayer({ ...options, ...baseArgs("LayerNormalization", options) } as LayerNormalizationOptions));
}
