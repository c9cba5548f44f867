// keras.optimizers, and the strings `compile` accepts.
import * as tf from "@tensorflow/tfjs";
import { Adam } from "./adam.js";
import { RMSprop } from "./rmsprop.js";
import { SGD } from "./sgd.js";

export { Adam, type AdamOptions } from "./adam.js";
export { RMSprop, type RMSpropOptions } from "./rmsprop.js";
export { SGD, SGDOptimizer, type SGDOptions } from "./sgd.js";

const BY_NAME: Record<string, () => tf.Optimizer> = {
  sgd: () => SGD(),
  adam: () => Adam(),
  rmsprop: () => RMSprop(),
};

/** An optimizer from Keras' string (default settings) or an optimizer object. */
export function getOptimizer(o: string | tf.Optimizer): tf.Optimizer {
  const accepted = Object.keys(BY_NAME).map((k) => JSON.stringify(k)).join(", ");
  if (typeof o !== "string") {
    if (o instanceof tf.Optimizer) return o;
    throw new Error(`compile: optimizer must be one of ${accepted} or an optimizer object (optimizers.Adam(...)), got ${typeof o}`);
  }
  const make = BY_NAME[o.toLowerCase()];
  if (!make) throw new Error(`compile: unknown optimizer ${JSON.stringify(o)}; expected one of ${accepted} or an optimizer object`);
  return make();
}
