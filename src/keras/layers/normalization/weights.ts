// The weight options of tsdl's own layers with weights (LayerNormalization, GroupNormalization,
// PReLU): Keras' spellings or objects when made, tfjs' `{ className, config }` when a saved model
// is loaded (getConfig writes that form, and tfjs makes the layer again with `new Layer(config)`).
import tf from "../../../tfjs.cjs";
import { constraint, type ConstraintIdentifier, initializer, type InitializerIdentifier, regularizer, type RegularizerIdentifier } from "../common.js";

type TfInitializer = ReturnType<typeof tf.initializers.zeros>;
type TfRegularizer = ReturnType<typeof tf.regularizers.l2>;
type TfConstraint = ReturnType<typeof tf.constraints.nonNeg>;

/** An initializer, regularizer and constraint (the last two optional) of one weight. */
export interface WeightParts {
  initializer: TfInitializer;
  regularizer?: TfRegularizer;
  constraint?: TfConstraint;
}

interface Serialized {
  className: string;
  config: tf.serialization.ConfigDict;
}

function isSerialized(v: unknown): v is Serialized {
  return typeof v === "object" && v !== null && typeof (v as Serialized).className === "string" && !(v instanceof tf.serialization.Serializable);
}

function revive<T>(v: Serialized, where: string, option: string): T {
  const map = (tf.serialization.SerializationMap.getMap() as unknown as { classNameMap: Record<string, [unknown, (cls: unknown, config: tf.serialization.ConfigDict) => T]> }).classNameMap;
  const entry = map[v.className];
  if (!entry) throw new Error(`${where}: unknown ${option} class ${JSON.stringify(v.className)}`);
  return entry[1](entry[0], v.config ?? {});
}

/** The parts of weight `w` (e.g. "gamma": gammaInitializer, gammaRegularizer, gammaConstraint) from a layer's args. */
export function weightParts(args: object, w: string, fallback: string, where: string): WeightParts {
  const o = args as Record<string, unknown>;
  const init = o[`${w}Initializer`] ?? fallback;
  const reg = o[`${w}Regularizer`];
  const con = o[`${w}Constraint`];
  return {
    initializer: isSerialized(init) ? revive<TfInitializer>(init, where, `${w}Initializer`) : (initializer(init as InitializerIdentifier, where, `${w}Initializer`) as TfInitializer),
    regularizer: isSerialized(reg) ? revive<TfRegularizer>(reg, where, `${w}Regularizer`) : regularizer(reg as RegularizerIdentifier | null | undefined, where, `${w}Regularizer`),
    constraint: isSerialized(con) ? revive<TfConstraint>(con, where, `${w}Constraint`) : constraint(con as ConstraintIdentifier | null | undefined, where, `${w}Constraint`),
  };
}

function serialize(v: tf.serialization.Serializable | undefined): Serialized | null {
  return v ? { className: v.getClassName(), config: v.getConfig() } : null;
}

/** The config entries of weight `w` (`gammaInitializer`, ...), in the form weightParts reads back. */
export function weightConfig(w: string, parts: WeightParts): tf.serialization.ConfigDict {
  return {
    [`${w}Initializer`]: serialize(parts.initializer),
    [`${w}Regularizer`]: serialize(parts.regularizer),
    [`${w}Constraint`]: serialize(parts.constraint),
  } as unknown as tf.serialization.ConfigDict;
}
