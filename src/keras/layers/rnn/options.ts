// Keras options of the layers written in tsdl itself (recurrent layers, Embedding, MultiHeadAttention):
// initializers, regularizers, constraints and activations from Keras' spellings to tfjs objects, and
// back to a config that `new Layer(config)` takes again (so saved models load).
import tf from "../../../tfjs.cjs";
import { activations, type ActivationFunction, type ActivationIdentifier, type ActivationName } from "../../activations.js";
import { constraint, type ConstraintIdentifier, initializer, type InitializerIdentifier, regularizer, type RegularizerIdentifier } from "../common.js";

type Initializer = ReturnType<typeof tf.initializers.zeros>;
type Regularizer = ReturnType<typeof tf.regularizers.l2>;
type Constraint = ReturnType<typeof tf.constraints.nonNeg>;

/** What getConfig writes for an object: tfjs' `{ className, config }`. */
export interface SerializedObject {
  className: string;
  config: tf.serialization.ConfigDict;
}

function isSerialized(v: unknown): v is SerializedObject {
  return typeof v === "object" && v !== null && typeof (v as SerializedObject).className === "string" && !(v instanceof tf.serialization.Serializable);
}

function fromSerialized<T>(v: SerializedObject, where: string, option: string): T {
  const entry = (tf.serialization.SerializationMap.getMap() as unknown as { classNameMap: Record<string, [tf.serialization.SerializableConstructor<tf.serialization.Serializable>, (cls: unknown, config: tf.serialization.ConfigDict) => T]> }).classNameMap[v.className];
  if (!entry) throw new Error(`${where}: unknown ${option} class ${JSON.stringify(v.className)}`);
  return entry[1](entry[0], v.config ?? {});
}

/** tfjs' `{ className, config }` of an initializer, regularizer or constraint (null for none). */
export function serialize(v: tf.serialization.Serializable | null | undefined): SerializedObject | null {
  return v ? { className: v.getClassName(), config: v.getConfig() } : null;
}

/**
 * An initializer from Keras' spelling ("glorot_uniform", "orthogonal", "uniform": keras.initializers,
 * Keras 3's formulas), a keras.initializers / tfjs object, or a config getConfig wrote.
 */
export function makeInitializer(v: InitializerIdentifier | SerializedObject | null | undefined, fallback: string, where: string, option: string): Initializer {
  const id = v ?? fallback;
  if (isSerialized(id)) return fromSerialized<Initializer>(id, where, option);
  return initializer(id, where, option) as Initializer;
}

export function makeRegularizer(v: RegularizerIdentifier | SerializedObject | null | undefined, where: string, option: string): Regularizer | undefined {
  if (isSerialized(v)) return fromSerialized<Regularizer>(v, where, option);
  return regularizer(v, where, option);
}

export function makeConstraint(v: ConstraintIdentifier | SerializedObject | null | undefined, where: string, option: string): Constraint | undefined {
  if (isSerialized(v)) return fromSerialized<Constraint>(v, where, option);
  return constraint(v, where, option);
}

/** An activation function from Keras' spelling ("tanh", "hard_sigmoid"), a keras.activations function, or null (linear). */
export function makeActivation(a: ActivationIdentifier, fallback: ActivationName, where: string, option: string): ActivationFunction {
  if (a === null) return activations.linear;
  const id = a ?? fallback;
  if (typeof id === "function") {
    const known = activations[id.activationName as ActivationName];
    if (!known) throw new Error(`${where}: ${option} must be a keras.activations function or one of ${Object.keys(activations).join(", ")}, got a function without an activation name`);
    return id;
  }
  const snake = String(id).replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
  const f = activations[snake as ActivationName];
  if (!f) throw new Error(`${where}: unknown ${option} ${JSON.stringify(id)}; expected one of ${Object.keys(activations).join(", ")} or a keras.activations function`);
  return f;
}

/** A rate in [0, 1] (Keras clips dropout rates to it); errors name the layer and option. */
export function rate(v: number | undefined, where: string, option: string): number {
  if (v === undefined) return 0;
  if (typeof v !== "number" || !(v >= 0 && v <= 1)) throw new Error(`${where}: ${option} must be a number in [0, 1], got ${JSON.stringify(v)}`);
  return v;
}

export function positiveInteger(v: unknown, where: string, option: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) throw new Error(`${where}: ${option} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

/** A Keras mask as booleans (true keeps a step; a numeric mask keeps where it is non-zero). */
export function boolMask(mask: tf.Tensor): tf.Tensor {
  return mask.dtype === "bool" ? mask : tf.cast(mask, "bool");
}

/**
 * `f(x)` for a value with no gradient (a mask from the data): computed off the gradient tape, so a
 * gradient through the layers after it does not stop at ops without one (tfjs' Any, NotEqual).
 */
export function withoutGradient(x: tf.Tensor, f: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  const g = tf.customGrad(((v: tf.Tensor) => ({ value: f(v), gradFunc: () => tf.zerosLike(v) })) as never);
  return g(x) as tf.Tensor;
}
