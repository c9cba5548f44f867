// keras.optimizers, the strings `compile` accepts, and (de)serialization of optimizers.
import tf from "../../tfjs.cjs";
import { describe } from "./checks.js";
import { Adadelta, AdadeltaOptimizer } from "./adadelta.js";
import { Adagrad, AdagradOptimizer } from "./adagrad.js";
import { Adam, AdamOptimizer } from "./adam.js";
import { Adamax, AdamaxOptimizer } from "./adamax.js";
import { AdamW, AdamWOptimizer } from "./adamw.js";
import { Lion, LionOptimizer } from "./lion.js";
import { Nadam, NadamOptimizer } from "./nadam.js";
import { Optimizer, type OptimizerConfig } from "./optimizer.js";
import { RMSprop, RMSpropOptimizer } from "./rmsprop.js";
import { SGD, SGDOptimizer } from "./sgd.js";
import * as schedules from "./schedules/index.js";

export { Optimizer, type OptimizerOptions, type OptimizerConfig, type NamedTensor } from "./optimizer.js";
export { SGD, SGDOptimizer, type SGDOptions } from "./sgd.js";
export { Adam, AdamOptimizer, type AdamOptions } from "./adam.js";
export { AdamW, AdamWOptimizer, type AdamWOptions } from "./adamw.js";
export { RMSprop, RMSpropOptimizer, type RMSpropOptions } from "./rmsprop.js";
export { Adagrad, AdagradOptimizer, type AdagradOptions } from "./adagrad.js";
export { Adadelta, AdadeltaOptimizer, type AdadeltaOptions } from "./adadelta.js";
export { Adamax, AdamaxOptimizer, type AdamaxOptions } from "./adamax.js";
export { Nadam, NadamOptimizer, type NadamOptions } from "./nadam.js";
export { Lion, LionOptimizer, type LionOptions } from "./lion.js";
export { schedules };

/** Keras' optimizer strings, each with its default settings. */
const BY_NAME: Record<string, () => Optimizer> = {
  sgd: () => SGD(),
  adam: () => Adam(),
  adamw: () => AdamW(),
  rmsprop: () => RMSprop(),
  adagrad: () => Adagrad(),
  adadelta: () => Adadelta(),
  adamax: () => Adamax(),
  nadam: () => Nadam(),
  lion: () => Lion(),
};

/** The optimizer classes by Keras' class name (what getConfig/serialize write). */
const CLASSES: Record<string, new (o: never) => Optimizer> = {
  SGD: SGDOptimizer,
  Adam: AdamOptimizer,
  AdamW: AdamWOptimizer,
  RMSprop: RMSpropOptimizer,
  Adagrad: AdagradOptimizer,
  Adadelta: AdadeltaOptimizer,
  Adamax: AdamaxOptimizer,
  Nadam: NadamOptimizer,
  Lion: LionOptimizer,
};

/** Keras' `optimizers.serialize`: `{ className, config }`. */
export function serialize(o: Optimizer): OptimizerConfig {
  return { className: o.getClassName(), config: o.getConfig() as Record<string, unknown> };
}

/** Keras' `optimizers.deserialize`: the optimizer that `serialize` described (a new one, without state). */
export function deserialize(c: OptimizerConfig): Optimizer {
  const cls = c && typeof c === "object" ? CLASSES[c.className] : undefined;
  if (!cls) throw new Error(`optimizers.deserialize: unknown optimizer class ${JSON.stringify(c?.className)}; known: ${Object.keys(CLASSES).join(", ")}`);
  return new cls((c.config ?? {}) as never);
}

/**
 * The optimizer of a saved model's compile settings: tsdl's (format "keras3"), or what tsdl saved
 * before it (its SGD as "KerasSGD", Adam and RMSprop under tfjs' class names and configs), or one of
 * tfjs' own by its registered class. undefined when none fits.
 */
export function restoreOptimizer(saved: { className: string; config: Record<string, unknown>; format?: string }): tf.Optimizer | undefined {
  if (saved.format === "keras3") return deserialize(saved);
  const c = (saved.config ?? {}) as Record<string, never>;
  if (saved.className === "KerasSGD") return SGD({ learningRate: c.learningRate, momentum: c.momentum, nesterov: c.nesterov, decay: c.decay });
  if (saved.className === "Adam") return Adam({ learningRate: c.learningRate, beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon });
  if (saved.className === "RMSProp") return RMSprop({ learningRate: c.learningRate, rho: c.decay, momentum: c.momentum, epsilon: c.epsilon, centered: c.centered });
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[saved.className];
  return entry ? (entry[1](entry[0], saved.config as tf.serialization.ConfigDict) as unknown as tf.Optimizer) : undefined;
}

/**
 * Keras' `optimizers.get`: an optimizer from Keras' string (default settings), a serialized
 * `{ className, config }`, or an optimizer object (returned as it is).
 */
export function getOptimizer(o: string | tf.Optimizer | OptimizerConfig): tf.Optimizer {
  const accepted = Object.keys(BY_NAME).map((k) => JSON.stringify(k)).join(", ");
  if (typeof o === "string") {
    const make = BY_NAME[o.toLowerCase()];
    if (!make) throw new Error(`compile: unknown optimizer ${JSON.stringify(o)}; expected one of ${accepted} or an optimizer object`);
    return make();
  }
  if (o instanceof tf.Optimizer) return o;
  if (o && typeof o === "object" && typeof (o as OptimizerConfig).className === "string") return deserialize(o as OptimizerConfig);
  throw new Error(`compile: optimizer must be one of ${accepted} or an optimizer object (optimizers.Adam(...)), got ${describe(o)}`);
}
