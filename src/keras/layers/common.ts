// What every Keras layer factory shares: Keras' names, input shapes, initializer spellings.
import tf from "../../tfjs.cjs";
import { assertReady } from "../../backend/backend.js";
import { autoName } from "../naming.js";
import { get as getInitializer, Initializer as InitializerBase, initializerNames } from "../initializers.js";
import { get as getRegularizer } from "../regularizers.js";
import { setPendingActivityRegularizer } from "../penalties.js";
import { get as getConstraint } from "../constraints.js";

export interface BaseLayerOptions {
  /** The layer's name. Default: Keras' automatic name (`dense`, `dense_1`, ...). */
  name?: string;
  /** Shape of one sample (without the batch axis), for the first layer of a Sequential model. */
  inputShape?: (number | null)[];
  /** Full input shape with the batch axis (`null` for any batch size). */
  batchInputShape?: (number | null)[];
  /** Whether the layer's weights are updated by training. Default true. */
  trainable?: boolean;
  /** The layer's float type. Default "float32". */
  dtype?: tf.DataType;
  /**
   * Penalty on the layer's output, added to the training loss: reg(output) / batch size per call, as
   * Keras 3 ("l1", "l2", "l1l2" or a keras.regularizers object). Default none.
   */
  activityRegularizer?: RegularizerIdentifier | null;
}

/** Keras spellings of initializers (`"glorot_uniform"`) and tfjs initializer objects alike. */
export type InitializerIdentifier = string | ReturnType<typeof tf.initializers.zeros>;

/** Options passed to every tfjs layer: Keras' name, shape options, trainable. */
export function baseArgs(className: string, o: BaseLayerOptions | undefined): Record<string, unknown> {
  assertReady(); // layers make weights on their first call: the backend must be chosen before
  if (o?.name !== undefined && !/^[A-Za-z0-9][-A-Za-z0-9._]*$/.test(o.name)) {
    throw new Error(`${className}: name ${JSON.stringify(o.name)} is not a valid layer name; use letters, digits, ".", "_" and "-", starting with a letter or digit`);
  }
  const args: Record<string, unknown> = { name: o?.name ?? autoName(className) };
  if (o?.inputShape) args.inputShape = o.inputShape;
  if (o?.batchInputShape) args.batchInputShape = o.batchInputShape;
  if (o?.trainable !== undefined) args.trainable = o.trainable;
  if (o?.dtype) args.dtype = o.dtype;
  // tfjs layers refuse an activity regularizer when called: callable() attaches it (penalties.ts).
  setPendingActivityRegularizer(args.name as string, regularizer(o?.activityRegularizer, className, "activityRegularizer"));
  return args;
}

/**
 * A tsdl subclass of a tfjs layer, made on first use (its base class comes from a tfjs layer instance,
 * so only after the backend is up) and registered under tfjs' class name so that saved models load
 * with it.
 */
export function layerClass<C>(make: () => C): () => C {
  let cls: C | undefined;
  return () => {
    if (!cls) {
      cls = make();
      tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
    }
    return cls;
  };
}

/** Keras' initializer names (snake case; class names and camelCase are accepted too). */
export const INITIALIZERS = initializerNames;

/**
 * `"he_normal"` -> keras.initializers.HeNormal() (Keras 3's formulas, keras/src/initializers); objects
 * pass through; unknown names are an error naming the layer and option and listing the accepted ones.
 */
export function initializer(v: InitializerIdentifier | undefined, where: string, option: string): string | ReturnType<typeof tf.initializers.zeros> | undefined {
  if (v == null) return v;
  if (typeof v !== "string" && !(v instanceof InitializerBase)) {
    throw new Error(`${where}: ${option} must be a Keras initializer name (${INITIALIZERS.join(", ")}) or a keras.initializers object, got ${typeof v}`);
  }
  return getInitializer(v, where, option);
}

/** Keras accepts `3` or `[3, 3]` or `(3, 3)` for kernel and pool sizes. */
export function pair(v: number | number[] | undefined, where: string, option: string): [number, number] | undefined {
  if (v === undefined) return undefined;
  const p = typeof v === "number" ? [v, v] : v;
  if (p.length !== 2 || !p.every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error(`${where}: ${option} must be a positive integer or two of them, got ${JSON.stringify(v)}`);
  }
  return [p[0], p[1]];
}

export function padding(v: string | undefined, where: string): "valid" | "same" | undefined {
  if (v === undefined) return undefined;
  const p = v.toLowerCase();
  if (p !== "valid" && p !== "same") throw new Error(`${where}: padding must be "valid" or "same", got ${JSON.stringify(v)}`);
  return p;
}

/** Keras' regularizer spellings ("l1", "l2", "l1l2"), a `keras.regularizers` / tfjs regularizer object, or a function `(x) => scalar`. */
export type RegularizerIdentifier = string | ReturnType<typeof tf.regularizers.l2> | ((x: tf.Tensor) => tf.Scalar | tf.Tensor);
/** Keras' constraint spellings ("max_norm", "non_neg", "unit_norm", "min_max_norm"), a constraint object, or a function `(w) => w`. */
export type ConstraintIdentifier = string | ReturnType<typeof tf.constraints.nonNeg> | ((w: tf.Tensor) => tf.Tensor);

/** Options of a layer's weight: `kernelInitializer`, `kernelRegularizer`, `kernelConstraint` (and bias, ...). */
export type WeightOptions<W extends string> = {
  [K in `${W}Initializer`]?: InitializerIdentifier;
} & {
  [K in `${W}Regularizer`]?: RegularizerIdentifier | null;
} & {
  [K in `${W}Constraint`]?: ConstraintIdentifier | null;
};

/** `"l2"` -> keras.regularizers.L2(); objects pass through; unknown names are an error naming the layer and option. */
export function regularizer(v: RegularizerIdentifier | null | undefined, where: string, option: string): ReturnType<typeof tf.regularizers.l2> | undefined {
  if (v == null) return undefined;
  return getRegularizer(v, where, option);
}

/** `"non_neg"` -> keras.constraints.NonNeg(); objects pass through; unknown names are an error naming the layer and option. */
export function constraint(v: ConstraintIdentifier | null | undefined, where: string, option: string): ReturnType<typeof tf.constraints.nonNeg> | undefined {
  if (v == null) return undefined;
  return getConstraint(v, where, option);
}

/**
 * The tfjs arguments of the named weights' options, with Keras' defaults: `weightArgs(o, where,
 * { kernel: "glorot_uniform", bias: "zeros" })` gives kernelInitializer/Regularizer/Constraint and the
 * bias ones, each checked and named in errors.
 */
export function weightArgs(options: object, where: string, defaults: Record<string, string>): Record<string, unknown> {
  const o = options as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [w, init] of Object.entries(defaults)) {
    args[`${w}Initializer`] = initializer((o[`${w}Initializer`] as InitializerIdentifier | undefined) ?? init, where, `${w}Initializer`);
    const r = regularizer(o[`${w}Regularizer`] as RegularizerIdentifier | undefined, where, `${w}Regularizer`);
    if (r) args[`${w}Regularizer`] = r;
    const c = constraint(o[`${w}Constraint`] as ConstraintIdentifier | undefined, where, `${w}Constraint`);
    if (c) args[`${w}Constraint`] = c;
  }
  return args;
}
