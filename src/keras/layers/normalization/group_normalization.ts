// GroupNormalization (Wu & He, 2018): the channels (`axis`, default the last) split into `groups`
// groups; each sample normalised within each group over the group's channels and every other axis
// but the batch one, then scaled by gamma and shifted by beta (one per channel), as Keras 3:
//   inv = gamma / sqrt(var_group + epsilon);  y = x * inv + (beta - mean_group * inv)
// groups = 1 is layer normalization over all axes; groups = -1 (one channel per group) is instance
// normalization.
import tf from "../../../tfjs.cjs";
import { callable, shapeText, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions, type WeightOptions } from "../common.js";
import { positiveNumber } from "./layer_normalization.js";
import { weightConfig, weightParts, type WeightParts } from "./weights.js";
import { resolveAxes } from "./axes.js";

export interface GroupNormalizationOptions extends BaseLayerOptions, WeightOptions<"beta" | "gamma"> {
  /** Number of groups (a divisor of the channels), or -1 for one per channel. Default 32. */
  groups?: number;
  /** The channels axis. Default -1. */
  axis?: number;
  /** Added to the variance. Default 1e-3. */
  epsilon?: number;
  /** Learn an offset beta. Default true. */
  center?: boolean;
  /** Learn a scale gamma. Default true. */
  scale?: boolean;
}

export class GroupNormalizationLayer extends tf.layers.Layer {
  static className = "GroupNormalization";
  groups: number;
  readonly axis: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly gammaParts: WeightParts;
  private readonly betaParts: WeightParts;
  gamma: tf.LayerVariable | null = null;
  beta: tf.LayerVariable | null = null;

  /** Takes the options (Keras' spellings) or the config getConfig wrote. */
  constructor(args: GroupNormalizationOptions = {}) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    const where = "GroupNormalization";
    this.supportsMasking = true;
    const g = args.groups ?? 32;
    if (!Number.isInteger(g) || (g <= 0 && g !== -1)) throw new Error(`${where}: groups must be a positive integer (or -1 for instance normalization), got ${JSON.stringify(args.groups)}`);
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis)) throw new Error(`${where}: axis must be an integer, got ${JSON.stringify(args.axis)}`);
    this.groups = g;
    this.axis = axis;
    this.epsilon = positiveNumber(args.epsilon ?? 1e-3, where, "epsilon");
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.gammaParts = weightParts(args, "gamma", "ones", where);
    this.betaParts = weightParts(args, "beta", "zeros", where);
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const what = `GroupNormalization ${JSON.stringify(this.name)}`;
    const [axis] = resolveAxes(this.axis, shape, what);
    const dim = shape[axis];
    if (dim == null) throw new Error(`${what}: axis ${this.axis} of the input ${shapeText(shape)} must have a known size`);
    if (this.groups === -1) this.groups = dim;
    if (dim < this.groups) throw new Error(`${what}: groups (${this.groups}) cannot be more than the number of channels (${dim}) of the input ${shapeText(shape)}`);
    if (dim % this.groups !== 0) throw new Error(`${what}: the number of channels (${dim}) of the input ${shapeText(shape)} must be a multiple of groups (${this.groups})`);
    this.inputSpec = [new tf.InputSpec({ ndim: shape.length, axes: { [axis]: dim } })];
    const g = this.gammaParts;
    const b = this.betaParts;
    if (this.scale) this.gamma = this.addWeight("gamma", [dim], "float32", g.initializer, g.regularizer, true, g.constraint);
    if (this.center) this.beta = this.addWeight("beta", [dim], "float32", b.initializer, b.regularizer, true, b.constraint);
    this.built = true;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const p = this.axis < 0 ? this.axis + x.rank : this.axis;
      const per = x.shape[p] / this.groups;
      // [batch, ..., groups, channels per group, ...]: the groups axis at p.
      const grouped = tf.reshape(x, [...x.shape.slice(0, p), this.groups, per, ...x.shape.slice(p + 1)]);
      const axes = [...Array(grouped.rank).keys()].filter((a) => a !== 0 && a !== p);
      const { mean, variance } = tf.moments(grouped, axes, true);
      const broadcastShape = grouped.shape.map((_, i) => (i === p ? this.groups : i === p + 1 ? per : 1));
      let inv = tf.rsqrt(tf.add(variance, this.epsilon));
      if (this.gamma) inv = tf.mul(inv, tf.reshape(this.gamma.read(), broadcastShape));
      let res = tf.neg(tf.mul(mean, inv));
      if (this.beta) res = tf.add(res, tf.reshape(this.beta.read(), broadcastShape));
      return tf.reshape(tf.add(tf.mul(grouped, inv), res), x.shape);
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(), groups: this.groups, axis: this.axis, epsilon: this.epsilon, center: this.center, scale: this.scale,
      ...weightConfig("beta", this.betaParts), ...weightConfig("gamma", this.gammaParts),
    };
  }
}
tf.serialization.registerClass(GroupNormalizationLayer);

/** `GroupNormalization(8)`, `GroupNormalization({ groups: 8, axis: -1 })`. */
export function GroupNormalization(groups?: number | GroupNormalizationOptions, options: GroupNormalizationOptions = {}): Callable<tf.layers.Layer> {
  const o = typeof groups === "object" && groups !== null ? groups : { ...options, groups: groups ?? options.groups };
  return callable(new GroupNormalizationLayer({ ...o, ...baseArgs("GroupNormalization", o) } as GroupNormalizationOptions));
}
