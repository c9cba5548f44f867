// What every Keras layer factory shares: Keras' names, input shapes, initializer spellings.
import * as tf from "@tensorflow/tfjs";
import { assertReady } from "../../backend/backend.js";
import { snakeCase, uniqueName } from "../naming.js";

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
}

/** Keras spellings of initializers (`"glorot_uniform"`) and tfjs initializer objects alike. */
export type InitializerIdentifier = string | ReturnType<typeof tf.initializers.zeros>;

/** Options passed to every tfjs layer: Keras' name, shape options, trainable. */
export function baseArgs(className: string, o: BaseLayerOptions | undefined): Record<string, unknown> {
  assertReady(); // layers make weights on their first call: the backend must be chosen before
  if (o?.name !== undefined && !/^[A-Za-z0-9][-A-Za-z0-9._]*$/.test(o.name)) {
    throw new Error(`${className}: name ${JSON.stringify(o.name)} is not a valid layer name; use letters, digits, ".", "_" and "-", starting with a letter or digit`);
  }
  const args: Record<string, unknown> = { name: o?.name ?? uniqueName(snakeCase(className)) };
  if (o?.inputShape) args.inputShape = o.inputShape;
  if (o?.batchInputShape) args.batchInputShape = o.batchInputShape;
  if (o?.trainable !== undefined) args.trainable = o.trainable;
  if (o?.dtype) args.dtype = o.dtype;
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

const INITIALIZERS = [
  "zeros", "ones", "constant", "random_normal", "random_uniform", "truncated_normal", "identity",
  "variance_scaling", "glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal",
  "lecun_uniform", "orthogonal",
];

/** `"he_normal"` -> `"heNormal"`; objects pass through; unknown names are an error naming the layer. */
export function initializer(v: InitializerIdentifier | undefined, where: string, option: string): string | ReturnType<typeof tf.initializers.zeros> | undefined {
  if (v == null || typeof v !== "string") return v;
  const snake = v.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
  if (!INITIALIZERS.includes(snake)) {
    throw new Error(`${where}: unknown ${option} ${JSON.stringify(v)}; expected one of ${INITIALIZERS.join(", ")} or a tf.initializers object`);
  }
  return snake.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
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
