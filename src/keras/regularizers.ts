// keras.regularizers: L1, L2 and L1L2 penalties (keras/src/regularizers), as tfjs Regularizer objects,
// and how their penalties reach the training loss as in Keras 3:
//
//   L1(l1):     l1 * sum(|x|)                 (default l1 = 0.01; "l1")
//   L2(l2):     l2 * sum(x^2)                 (default l2 = 0.01; "l2")
//   L1L2(l1, l2): both                        (defaults 0 and 0, as Keras 3's class; "l1l2")
//
// A weight's penalty (kernelRegularizer, biasRegularizer, ...) counts while its layer is trainable;
// a layer's activityRegularizer penalises each output of each call, divided by the output's batch
// size (Keras 3's Layer.__call__). fit adds both to the loss of every training step, and evaluate to
// the loss it reports, as Keras' compute_loss does.
//
// Porting note: a regularizer is applied with `.apply(x)` (tfjs' convention), not called as `reg(x)`.
// Porting note: activity regularizers are not saved with a model (tfjs layers cannot load them).
import tf from "../tfjs.cjs";

type TfRegularizer = ReturnType<typeof tf.regularizers.l2>;
/** tfjs' Regularizer base class (not exported by name; tfjs layers check `instanceof` it). */
const Base = Object.getPrototypeOf(tf.regularizers.l1l2().constructor) as abstract new () => TfRegularizer;

function factor(v: unknown, name: string, where: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new Error(`${where}: ${name} must be a non-negative number, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** l1 * sum(|x|) + l2 * sum(x^2), each term only when its factor is not 0 (Keras' L1L2). */
export class L1L2Regularizer extends Base {
  static className = "L1L2";
  readonly l1: number;
  readonly l2: number;
  constructor(args: { l1?: number | null; l2?: number | null } = {}, where = "L1L2") {
    super();
    this.l1 = factor(args.l1 ?? 0, "l1", where);
    this.l2 = factor(args.l2 ?? 0, "l2", where);
  }
  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => {
      let penalty: tf.Tensor = tf.scalar(0, x.dtype);
      if (this.l1 !== 0) penalty = tf.add(penalty, tf.mul(this.l1, tf.sum(tf.abs(x))));
      if (this.l2 !== 0) penalty = tf.add(penalty, tf.mul(this.l2, tf.sum(tf.square(x))));
      return penalty as tf.Scalar;
    });
  }
  getConfig(): tf.serialization.ConfigDict {
    return { l1: this.l1, l2: this.l2 };
  }
  static fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls(config as never);
  }
}

/** l1 * sum(|x|) (Keras' L1). */
export class L1Regularizer extends L1L2Regularizer {
  static className = "L1";
  constructor(args: { l1?: number | null } = {}) {
    super({ l1: args.l1 ?? 0.01 }, "L1");
  }
  getConfig(): tf.serialization.ConfigDict {
    return { l1: this.l1 };
  }
}

/** l2 * sum(x^2) (Keras' L2). */
export class L2Regularizer extends L1L2Regularizer {
  static className = "L2";
  constructor(args: { l2?: number | null } = {}) {
    super({ l2: args.l2 ?? 0.01 }, "L2");
  }
  getConfig(): tf.serialization.ConfigDict {
    return { l2: this.l2 };
  }
}

/** A plain function `(x) => scalar` as a regularizer (Keras accepts any callable). Not serializable. */
export class FunctionRegularizer extends Base {
  static className = "FunctionRegularizer";
  constructor(readonly fn: (x: tf.Tensor) => tf.Scalar | tf.Tensor) {
    super();
  }
  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.reshape(this.fn(x), []) as tf.Scalar);
  }
  getConfig(): tf.serialization.ConfigDict {
    throw new Error("FunctionRegularizer: a regularizer given as a TypeScript function cannot be saved; use keras.regularizers.L1/L2/L1L2");
  }
}

for (const cls of [L1L2Regularizer, L1Regularizer, L2Regularizer]) {
  tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
}

/** `L1(0.01)` or `L1({ l1: 0.01 })`. Default 0.01. */
export function L1(l1?: number | { l1?: number }): L1Regularizer {
  return new L1Regularizer(typeof l1 === "object" && l1 !== null ? l1 : { l1 });
}

/** `L2(0.01)` or `L2({ l2: 0.01 })`. Default 0.01. */
export function L2(l2?: number | { l2?: number }): L2Regularizer {
  return new L2Regularizer(typeof l2 === "object" && l2 !== null ? l2 : { l2 });
}

/** `L1L2(0.01, 0.02)` or `L1L2({ l1, l2 })`. Defaults 0 and 0 (Keras 3's class). */
export function L1L2(l1?: number | { l1?: number; l2?: number }, l2?: number): L1L2Regularizer {
  return new L1L2Regularizer(typeof l1 === "object" && l1 !== null ? l1 : { l1, l2 });
}

/** Keras' lower-case aliases: keras.regularizers.l1, l2, l1_l2 (camelCase l1L2). */
export const l1 = L1;
export const l2 = L2;
export const l1L2 = L1L2;

/**
 * Keras' string identifiers. Keras 3 knows "l1", "l2", "l1l2" and the class names; "l1_l2" is Keras 2's
 * spelling (still in Keras 3's docs).
 * Porting note: Keras 3 rejects "l1_l2"; tsdl accepts it, as Keras 2 did, with Keras 2's factors
 * 0.01 and 0.01 ("l1l2" is Keras 3's L1L2(), whose factors are 0).
 */
const BY_NAME: Record<string, () => TfRegularizer> = {
  l1: () => L1(),
  l2: () => L2(),
  l1l2: () => L1L2(),
  l1_l2: () => L1L2(0.01, 0.01),
};
export const regularizerNames = Object.keys(BY_NAME);

export type RegularizerLike = string | TfRegularizer | ((x: tf.Tensor) => tf.Scalar | tf.Tensor);

/** `keras.regularizers.get`: a name, a regularizer object or a function `(x) => scalar`. */
export function get(identifier: RegularizerLike, where = "regularizers.get", option = "regularizer"): TfRegularizer {
  if (typeof identifier === "function") return new FunctionRegularizer(identifier);
  if (typeof identifier !== "string") {
    if (identifier instanceof Base) return identifier;
    throw new Error(`${where}: ${option} must be one of ${regularizerNames.join(", ")}, a keras.regularizers object or a function, got ${describe(identifier)}`);
  }
  const key = identifier === "L1L2" ? "l1l2" : identifier.toLowerCase() === "l1_l2" || identifier === "l1L2" ? "l1_l2" : identifier.toLowerCase();
  const make = BY_NAME[key];
  if (!make) throw new Error(`${where}: unknown ${option} ${JSON.stringify(identifier)}; expected one of ${regularizerNames.join(", ")} or a keras.regularizers object`);
  return make();
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "object") return `an object (${(v as object).constructor?.name ?? "Object"})`;
  return `${typeof v} ${String(v)}`;
}

export const Regularizer = Base;
export type { TfRegularizer };
