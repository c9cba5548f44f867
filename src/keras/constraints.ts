// keras.constraints: projections applied to a weight after each optimizer step (keras/src/constraints),
// as tfjs Constraint objects. With norms n = sqrt(sum(w^2, axis, keepdims)) and eps = 1e-7:
//
//   MaxNorm(maxValue = 2, axis = 0):    w * clip(n, 0, maxValue) / (eps + n)
//   NonNeg():                           max(w, 0)
//   UnitNorm(axis = 0):                 w / (eps + n)
//   MinMaxNorm(minValue = 0, maxValue = 1, rate = 1, axis = 0):
//                                       w * (rate * clip(n, minValue, maxValue) + (1 - rate) * n) / (eps + n)
//
// As Keras 3's optimizer.apply, fit projects every trainable weight that has a constraint right after
// the optimizer has updated it (penalties.ts); the gradient step itself does not see it.
//
// Porting note: tfjs' `layer.setWeights` (LayerVariable.write) projects the values it sets with the
// weight's constraint; Keras' set_weights and assign do not.
import tf from "../tfjs.cjs";

type TfConstraint = ReturnType<typeof tf.constraints.nonNeg>;
/** tfjs' Constraint base class (not exported by name; tfjs layers check `instanceof` it). */
const Base = Object.getPrototypeOf(tf.constraints.nonNeg().constructor) as abstract new () => TfConstraint;

/** Keras' backend.epsilon(). */
const EPSILON = 1e-7;

export type Axis = number | number[];

function axisOption(v: unknown, where: string): Axis {
  const ok = (a: unknown) => Number.isInteger(a);
  if (v === undefined) return 0;
  if (ok(v) || (Array.isArray(v) && v.length > 0 && v.every(ok))) return Array.isArray(v) ? v.slice() : (v as number);
  throw new Error(`${where}: axis must be an integer or an array of integers, got ${JSON.stringify(v)}`);
}

function numberOption(v: unknown, fallback: number, name: string, where: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${where}: ${name} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

function norms(w: tf.Tensor, axis: Axis): tf.Tensor {
  return tf.sqrt(tf.sum(tf.square(w), axis, true));
}

export interface MaxNormOptions {
  /** The largest norm allowed. Default 2. */
  maxValue?: number;
  /** The axis (or axes) the norms are taken over: 0 for each output unit of a Dense kernel. Default 0. */
  axis?: Axis;
}

export class MaxNormConstraint extends Base {
  static className = "MaxNorm";
  readonly maxValue: number;
  readonly axis: Axis;
  constructor(args: MaxNormOptions = {}) {
    super();
    this.maxValue = numberOption(args.maxValue, 2, "maxValue", "MaxNorm");
    this.axis = axisOption(args.axis, "MaxNorm");
  }
  apply(w: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const n = norms(w, this.axis);
      return tf.mul(w, tf.div(tf.clipByValue(n, 0, this.maxValue), tf.add(n, EPSILON)));
    });
  }
  getConfig(): tf.serialization.ConfigDict {
    return { maxValue: this.maxValue, axis: this.axis };
  }
}

export class NonNegConstraint extends Base {
  static className = "NonNeg";
  apply(w: tf.Tensor): tf.Tensor {
    return tf.maximum(w, 0);
  }
  getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

export interface UnitNormOptions {
  /** The axis (or axes) the norms are taken over. Default 0. */
  axis?: Axis;
}

export class UnitNormConstraint extends Base {
  static className = "UnitNorm";
  readonly axis: Axis;
  constructor(args: UnitNormOptions = {}) {
    super();
    this.axis = axisOption(args.axis, "UnitNorm");
  }
  apply(w: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.div(w, tf.add(norms(w, this.axis), EPSILON)));
  }
  getConfig(): tf.serialization.ConfigDict {
    return { axis: this.axis };
  }
}

export interface MinMaxNormOptions {
  /** The smallest norm. Default 0. */
  minValue?: number;
  /** The largest norm. Default 1. */
  maxValue?: number;
  /** 1 projects fully; less moves each norm only that fraction of the way into [min, max]. Default 1. */
  rate?: number;
  /** The axis (or axes) the norms are taken over. Default 0. */
  axis?: Axis;
}

export class MinMaxNormConstraint extends Base {
  static className = "MinMaxNorm";
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: Axis;
  constructor(args: MinMaxNormOptions = {}) {
    super();
    this.minValue = numberOption(args.minValue, 0, "minValue", "MinMaxNorm");
    this.maxValue = numberOption(args.maxValue, 1, "maxValue", "MinMaxNorm");
    this.rate = numberOption(args.rate, 1, "rate", "MinMaxNorm");
    this.axis = axisOption(args.axis, "MinMaxNorm");
    if (this.minValue > this.maxValue) throw new Error(`MinMaxNorm: minValue (${this.minValue}) must be <= maxValue (${this.maxValue})`);
  }
  apply(w: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const n = norms(w, this.axis);
      const desired = tf.add(tf.mul(this.rate, tf.clipByValue(n, this.minValue, this.maxValue)), tf.mul(1 - this.rate, n));
      return tf.mul(w, tf.div(desired, tf.add(n, EPSILON)));
    });
  }
  getConfig(): tf.serialization.ConfigDict {
    return { minValue: this.minValue, maxValue: this.maxValue, rate: this.rate, axis: this.axis };
  }
}

/** A plain function `(w) => projected w` as a constraint (Keras accepts any callable). Not serializable. */
export class FunctionConstraint extends Base {
  static className = "FunctionConstraint";
  constructor(readonly fn: (w: tf.Tensor) => tf.Tensor) {
    super();
  }
  apply(w: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.fn(w));
  }
  getConfig(): tf.serialization.ConfigDict {
    throw new Error("FunctionConstraint: a constraint given as a TypeScript function cannot be saved; use keras.constraints.MaxNorm/NonNeg/UnitNorm/MinMaxNorm");
  }
}

for (const cls of [MaxNormConstraint, NonNegConstraint, UnitNormConstraint, MinMaxNormConstraint]) {
  tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
}

/** `MaxNorm(2, 0)` or `MaxNorm({ maxValue: 2, axis: 0 })`. */
export function MaxNorm(maxValue?: number | MaxNormOptions, axis?: Axis): MaxNormConstraint {
  return new MaxNormConstraint(typeof maxValue === "object" && maxValue !== null ? maxValue : { maxValue, axis });
}
/** `NonNeg()`: negative weights become 0. */
export function NonNeg(): NonNegConstraint {
  return new NonNegConstraint();
}
/** `UnitNorm(0)` or `UnitNorm({ axis: 0 })`. */
export function UnitNorm(axis?: Axis | UnitNormOptions): UnitNormConstraint {
  return new UnitNormConstraint(typeof axis === "object" && axis !== null && !Array.isArray(axis) ? axis : { axis: axis as Axis | undefined });
}
/** `MinMaxNorm(0, 1, 1, 0)` or `MinMaxNorm({ minValue, maxValue, rate, axis })`. */
export function MinMaxNorm(minValue?: number | MinMaxNormOptions, maxValue?: number, rate?: number, axis?: Axis): MinMaxNormConstraint {
  return new MinMaxNormConstraint(typeof minValue === "object" && minValue !== null ? minValue : { minValue, maxValue, rate, axis });
}

/** Keras' lower-case aliases (keras.constraints.max_norm, ...), in camelCase. */
export const maxNorm = MaxNorm;
export const nonNeg = NonNeg;
export const unitNorm = UnitNorm;
export const minMaxNorm = MinMaxNorm;

const BY_NAME: Record<string, () => TfConstraint> = {
  max_norm: () => MaxNorm(),
  non_neg: () => NonNeg(),
  unit_norm: () => UnitNorm(),
  min_max_norm: () => MinMaxNorm(),
};
export const constraintNames = Object.keys(BY_NAME);

export type ConstraintLike = string | TfConstraint | ((w: tf.Tensor) => tf.Tensor);

/** `keras.constraints.get`: "max_norm" (or "MaxNorm", "maxNorm"), a constraint object or a function. */
export function get(identifier: ConstraintLike, where = "constraints.get", option = "constraint"): TfConstraint {
  if (typeof identifier === "function") return new FunctionConstraint(identifier);
  if (typeof identifier !== "string") {
    if (identifier instanceof Base) return identifier;
    throw new Error(`${where}: ${option} must be one of ${constraintNames.join(", ")}, a keras.constraints object or a function, got ${identifier === null ? "null" : typeof identifier}`);
  }
  const make = BY_NAME[identifier.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()];
  if (!make) throw new Error(`${where}: unknown ${option} ${JSON.stringify(identifier)}; expected one of ${constraintNames.join(", ")} or a keras.constraints object`);
  return make();
}

export const Constraint = Base;
export type { TfConstraint };
