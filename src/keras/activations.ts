// keras.activations: Keras 3's activation functions (keras/src/activations), usable as functions
// (`keras.activations.gelu(x, { approximate: true })`) and, in every layer's `activation` option, as
// Keras' strings ("relu", "leaky_relu", "hard_swish") or as functions.
//
// How a layer gets an activation: tfjs-layers looks an activation string up in tfjs' serialization
// map (getActivation). Where tfjs' own activation computes what Keras 3 does, tsdl passes tfjs' name
// (so Dense and Conv2D keep their fused relu/linear paths); every other activation is a small tfjs
// activation class registered here under Keras' name ("hard_sigmoid", "leaky_relu", ...), and a
// function without a Keras name gets a class of its own. `tfjsActivation` makes that choice for any
// layer.
//
// Porting note: Keras' functions take their parameters as keyword arguments; here they are an options
// object in camelCase: `relu(x, { negativeSlope, maxValue, threshold })`.
// Porting note: hard_sigmoid is Keras 3's relu6(x + 3) / 6, not tfjs' (and Keras 2's) 0.2 x + 0.5.
import tf from "../tfjs.cjs";
import { withLogits } from "./logits.js";

export type ActivationName =
  | "linear" | "relu" | "relu6" | "leaky_relu" | "elu" | "selu" | "celu" | "gelu" | "glu"
  | "sigmoid" | "hard_sigmoid" | "sparse_sigmoid" | "log_sigmoid" | "softmax" | "log_softmax" | "sparsemax"
  | "softplus" | "sparse_plus" | "squareplus" | "softsign" | "tanh" | "hard_tanh" | "tanh_shrink"
  | "soft_shrink" | "hard_shrink" | "silu" | "swish" | "hard_silu" | "hard_swish" | "mish" | "exponential";

/** An activation function that also knows its Keras name. */
export interface ActivationFunction {
  (x: tf.Tensor): tf.Tensor;
  readonly activationName: ActivationName;
}

export type ActivationIdentifier = ActivationName | ActivationFunction | null | undefined;

/** What a layer's `activation` option takes: a Keras name, a keras.activations function, or any function of a tensor. */
export type LayerActivation = ActivationIdentifier | ((x: tf.Tensor) => tf.Tensor);

function make<F extends (x: tf.Tensor, ...rest: never[]) => tf.Tensor, N extends ActivationName>(name: N, f: F): F & { readonly activationName: N } {
  const g = ((x: tf.Tensor, ...rest: never[]) => tf.tidy(() => f(x, ...rest))) as unknown as F;
  Object.defineProperty(g, "name", { value: name });
  return Object.assign(g, { activationName: name });
}

/** A parameter given as a number or inside an options object (`softmax(x, 1)` or `softmax(x, { axis: 1 })`). */
function param<T>(v: unknown, key: string, fallback: T): T {
  if (v === undefined || v === null) return fallback;
  if (typeof v === "object" && !Array.isArray(v)) return ((v as Record<string, unknown>)[key] as T | undefined) ?? fallback;
  return v as T;
}

/** 1 where x > t, else 0 (as float; its gradient is 0, so `mask * a + (1 - mask) * b` differentiates as Keras' where). */
function above(x: tf.Tensor, t: number): tf.Tensor {
  return tf.step(t === 0 ? x : tf.sub(x, t));
}

/** exp(x - logsumexp(x, axes)): softmax over one or several axes (tfjs' softmax takes the last axis only). */
function softmaxOver(x: tf.Tensor, axis: number | number[]): tf.Tensor {
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + x.rank : a));
  if (axes.length === 1 && axes[0] === x.rank - 1) return tf.softmax(x);
  return tf.exp(tf.sub(x, tf.logSumExp(x, axes, true)));
}

/**
 * softmax(x) along `axis` or sigmoid(x), the output holding x as its logits (logits.ts), as Keras' do.
 * `owned`: x is the caller's own, made for this output (Dense's product), and is held without a clone.
 */
export function withItsLogits(kind: "softmax" | "sigmoid", x: tf.Tensor, owned = false, axis: number | number[] = -1): tf.Tensor {
  return withLogits(kind === "softmax" ? softmaxOver(x, axis) : tf.sigmoid(x), x, kind, owned);
}

function logSoftmaxOver(x: tf.Tensor, axis: number | number[]): tf.Tensor {
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + x.rank : a));
  if (axes.length === 1 && axes[0] === x.rank - 1) return tf.logSoftmax(x);
  return tf.sub(x, tf.logSumExp(x, axes, true));
}

export interface ReluOptions {
  /** Slope below the threshold. Default 0. */
  negativeSlope?: number;
  /** Upper bound of the output. Default none. */
  maxValue?: number | null;
  /** Inputs at or below it give 0 (before the negative slope). Default 0. */
  threshold?: number;
}

/** Keras 3's relu: the ReLU op (keras/src/activations/activations.py), every option combination included. */
function reluOp(x: tf.Tensor, o: ReluOptions = {}): tf.Tensor {
  const slope = o.negativeSlope ?? 0;
  const maxValue = o.maxValue ?? null;
  const threshold = o.threshold ?? 0;
  if (slope !== 0 && maxValue === null && threshold === 0) return tf.leakyRelu(x, slope);
  const negativePart = slope !== 0 ? tf.relu(threshold !== 0 ? tf.add(tf.neg(x), threshold) : tf.neg(x)) : undefined;
  let clipMax = maxValue !== null;
  let y: tf.Tensor;
  if (threshold !== 0) y = tf.mul(x, above(x, threshold));
  else if (maxValue === 6) {
    y = tf.relu6(x);
    clipMax = false;
  } else y = tf.relu(x);
  if (clipMax) y = tf.clipByValue(y, 0, maxValue!);
  if (negativePart) y = tf.sub(y, tf.mul(slope, negativePart));
  return y;
}

/** Keras' elu: x if x > 0, else alpha * (exp(x) - 1). */
function eluOp(x: tf.Tensor, alpha: number): tf.Tensor {
  const y = tf.elu(x);
  if (alpha === 1) return y;
  const pos = above(x, 0);
  return tf.mul(y, tf.add(pos, tf.mul(alpha, tf.sub(1, pos))));
}

function hardSigmoidOp(x: tf.Tensor): tf.Tensor {
  return tf.div(tf.relu6(tf.add(x, 3)), 6);
}

function geluOp(x: tf.Tensor, approximate: boolean): tf.Tensor {
  if (approximate) {
    const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
    return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
  }
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
}

/**
 * Sparsemax (Martins & Astudillo, 2016): the Euclidean projection of x onto the simplex along `axis`,
 * max(x - tau, 0) with tau = (sum of the k largest - 1) / k over the support of size k. Its gradient is
 * written out (the sort has none in tfjs): dx = s * (dy - sum(s * dy) / k), s the support.
 *
 * Porting note: Keras 3.15's sparsemax (every backend) takes tau = (sum over the support of the
 * cumulative sums - 1) / k, which is the paper's only when k = 1: its outputs do not sum to 1
 * (sparsemax([0.5, -1, 2, 1.8, 0.1]) is all zeros there; here [0, 0, 0.6, 0.4, 0]). tsdl computes the paper's.
 */
function sparsemaxOp(x: tf.Tensor, axis: number): tf.Tensor {
  const a = axis < 0 ? axis + x.rank : axis;
  const perm = Array.from({ length: x.rank }, (_, i) => i);
  perm[a] = x.rank - 1;
  perm[x.rank - 1] = a;
  const moved = a === x.rank - 1 ? x : tf.transpose(x, perm);
  const f = tf.customGrad(((z: tf.Tensor, save: tf.GradSaveFunc) => {
    const n = z.shape[z.rank - 1];
    const sorted = tf.topk(z, n).values;
    const cumsum = tf.cumsum(sorted, z.rank - 1);
    const r = tf.range(1, n + 1);
    const support = tf.cast(tf.greater(tf.sub(sorted, tf.div(tf.sub(cumsum, 1), r)), 0), "float32");
    const k = tf.sum(support, -1, true);
    // The support is a prefix of the sorted values: tau = (sum of the k largest - 1) / k.
    const tau = tf.div(tf.sub(tf.sum(tf.mul(sorted, support), -1, true), 1), k);
    const value = tf.maximum(tf.sub(z, tau), 0);
    save([value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const s = tf.cast(tf.greater(saved[0], 0), "float32");
        const mean = tf.div(tf.sum(tf.mul(dy, s), -1, true), tf.maximum(tf.sum(s, -1, true), 1));
        return tf.mul(s, tf.sub(dy, mean));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const y = f(moved);
  return a === x.rank - 1 ? y : tf.transpose(y, perm);
}

export const activations = {
  linear: make("linear", (x: tf.Tensor) => x),
  /** max(x, 0); with options Keras' general relu: `relu(x, { negativeSlope, maxValue, threshold })`. */
  relu: make("relu", (x: tf.Tensor, options?: ReluOptions) => reluOp(x, options)),
  /** min(max(x, 0), 6). */
  relu6: make("relu6", (x: tf.Tensor) => tf.relu6(x)),
  /** x if x >= 0, else negativeSlope * x (default 0.2, as Keras' function; the LeakyReLU layer's is 0.3). */
  leaky_relu: make("leaky_relu", (x: tf.Tensor, options?: number | { negativeSlope?: number }) => tf.leakyRelu(x, param(options, "negativeSlope", 0.2))),
  /** x if x > 0, else alpha * (exp(x) - 1) (alpha default 1). */
  elu: make("elu", (x: tf.Tensor, options?: number | { alpha?: number }) => eluOp(x, param(options, "alpha", 1))),
  /** scale * elu(x, alpha) with Klambauer et al.'s constants. */
  selu: make("selu", (x: tf.Tensor) => tf.selu(x)),
  /** max(x, 0) + alpha * (exp(min(x, 0) / alpha) - 1) (alpha default 1). */
  celu: make("celu", (x: tf.Tensor, options?: number | { alpha?: number }) => {
    const alpha = param(options, "alpha", 1);
    return tf.add(tf.maximum(x, 0), tf.mul(alpha, tf.expm1(tf.div(tf.minimum(x, 0), alpha))));
  }),
  /** x * Φ(x) (exact, the default), or with `{ approximate: true }` the tanh approximation. */
  gelu: make("gelu", (x: tf.Tensor, options?: boolean | { approximate?: boolean }) => geluOp(x, param(options, "approximate", false))),
  /** a * sigmoid(b), a and b the two halves of x along `axis` (default -1). */
  glu: make("glu", (x: tf.Tensor, options?: number | { axis?: number }) => {
    const axis = param(options, "axis", -1);
    const n = x.shape[axis < 0 ? axis + x.rank : axis];
    if (n % 2 !== 0) throw new Error(`glu: the size of axis ${axis} must be even, got shape [${x.shape.join(", ")}]`);
    const [a, b] = tf.split(x, 2, axis);
    return tf.mul(a, tf.sigmoid(b));
  }),
  /** 1 / (1 + exp(-x)); the output keeps x for the cross-entropies (logits.ts), as Keras'. */
  sigmoid: make("sigmoid", (x: tf.Tensor) => withItsLogits("sigmoid", x)),
  /** relu6(x + 3) / 6 (Keras 3's formula). */
  hard_sigmoid: make("hard_sigmoid", hardSigmoidOp),
  /** 0 for x <= -1, 1 for x >= 1, (x + 1) / 2 between. */
  sparse_sigmoid: make("sparse_sigmoid", (x: tf.Tensor) => {
    const inside = above(x, -1);
    const atLeastOne = tf.sub(1, above(tf.neg(x), -1)); // x >= 1
    return tf.mul(inside, tf.add(atLeastOne, tf.mul(tf.sub(1, atLeastOne), tf.mul(0.5, tf.add(x, 1)))));
  }),
  /** log(sigmoid(x)). */
  log_sigmoid: make("log_sigmoid", (x: tf.Tensor) => tf.logSigmoid(x)),
  /** exp(x) / sum(exp(x)) along `axis` (default -1; several axes allowed). */
  softmax: make("softmax", (x: tf.Tensor, options?: number | number[] | { axis?: number | number[] }) => withItsLogits("softmax", x, false, param(options, "axis", -1 as number | number[]))),
  /** x - log(sum(exp(x))) along `axis` (default -1). */
  log_softmax: make("log_softmax", (x: tf.Tensor, options?: number | number[] | { axis?: number | number[] }) => logSoftmaxOver(x, param(options, "axis", -1 as number | number[]))),
  /** The projection of x onto the probability simplex along `axis` (default -1): sparse probabilities. */
  sparsemax: make("sparsemax", (x: tf.Tensor, options?: number | { axis?: number }) => sparsemaxOp(x, param(options, "axis", -1))),
  /** log(exp(x) + 1). */
  softplus: make("softplus", (x: tf.Tensor) => tf.softplus(x)),
  /** 0 for x <= -1, x for x >= 1, (x + 1)^2 / 4 between. */
  sparse_plus: make("sparse_plus", (x: tf.Tensor) => {
    const inside = above(x, -1);
    const belowOne = above(tf.neg(x), -1); // x < 1
    return tf.mul(inside, tf.add(tf.mul(belowOne, tf.mul(0.25, tf.square(tf.add(x, 1)))), tf.mul(tf.sub(1, belowOne), x)));
  }),
  /** (x + sqrt(x^2 + b)) / 2 (b default 4). */
  squareplus: make("squareplus", (x: tf.Tensor, options?: number | { b?: number }) => tf.div(tf.add(x, tf.sqrt(tf.add(tf.square(x), param(options, "b", 4)))), 2)),
  /** x / (|x| + 1). */
  softsign: make("softsign", (x: tf.Tensor) => tf.div(x, tf.add(tf.abs(x), 1))),
  tanh: make("tanh", (x: tf.Tensor) => tf.tanh(x)),
  /** x clipped to [-1, 1]. */
  hard_tanh: make("hard_tanh", (x: tf.Tensor) => tf.clipByValue(x, -1, 1)),
  /** x - tanh(x). */
  tanh_shrink: make("tanh_shrink", (x: tf.Tensor) => tf.sub(x, tf.tanh(x))),
  /** x - threshold above threshold, x + threshold below -threshold, else 0 (threshold default 0.5). */
  soft_shrink: make("soft_shrink", (x: tf.Tensor, options?: number | { threshold?: number }) => {
    const t = param(options, "threshold", 0.5);
    return tf.add(tf.mul(tf.sub(x, t), above(x, t)), tf.mul(tf.add(x, t), above(tf.neg(x), t)));
  }),
  /** x where |x| > threshold, else 0 (threshold default 0.5). */
  hard_shrink: make("hard_shrink", (x: tf.Tensor, options?: number | { threshold?: number }) => tf.mul(x, above(tf.abs(x), param(options, "threshold", 0.5)))),
  /** x * sigmoid(x). */
  silu: make("silu", (x: tf.Tensor) => tf.mul(x, tf.sigmoid(x))),
  /** Keras' alias of silu. */
  swish: make("swish", (x: tf.Tensor) => tf.mul(x, tf.sigmoid(x))),
  /** x * relu6(x + 3) / 6. */
  hard_silu: make("hard_silu", (x: tf.Tensor) => tf.mul(x, hardSigmoidOp(x))),
  /** Keras' alias of hard_silu. */
  hard_swish: make("hard_swish", (x: tf.Tensor) => tf.mul(x, hardSigmoidOp(x))),
  /** x * tanh(softplus(x)). */
  mish: make("mish", (x: tf.Tensor) => tf.mul(x, tf.tanh(tf.softplus(x)))),
  exponential: make("exponential", (x: tf.Tensor) => tf.exp(x)),
  /**
   * x where x > threshold, else defaultValue (both required, as in Keras). Not usable by name as a
   * layer's activation (it has no defaults): pass `(x) => activations.threshold(x, 0.5, 0)`.
   */
  threshold: Object.assign(
    (x: tf.Tensor, threshold: number, defaultValue: number) => {
      if (typeof threshold !== "number" || typeof defaultValue !== "number") {
        throw new Error(`threshold: threshold and defaultValue are required numbers, got ${JSON.stringify(threshold)} and ${JSON.stringify(defaultValue)}`);
      }
      return tf.tidy(() => tf.add(defaultValue, tf.mul(above(x, threshold), tf.sub(x, defaultValue))));
    },
    { activationName: "threshold" as const },
  ),
};

/** Keras names whose tfjs-layers activation computes exactly Keras 3's function (with its defaults). */
const TFJS_NAME: Partial<Record<ActivationName, string>> = {
  linear: "linear", relu: "relu", relu6: "relu6", elu: "elu", selu: "selu", sigmoid: "sigmoid",
  softmax: "softmax", log_softmax: "logSoftmax", softplus: "softplus", softsign: "softsign", tanh: "tanh",
  silu: "swish", swish: "swish", mish: "mish", gelu: "gelu",
};

/**
 * Activations a layer cannot take by name. Porting note: glu halves its axis, which a layer's output
 * shape does not follow (Keras' Dense then reports a wrong shape); apply it after the layer instead.
 */
const NOT_FOR_LAYERS: Record<string, string> = {
  glu: "it halves the last axis, which the layer's output shape would not show; apply keras.activations.glu to the layer's output",
  threshold: "it has no default threshold and defaultValue; pass (x) => keras.activations.threshold(x, 0.5, 0)",
};

/**
 * A tfjs activation class for one function, registered in tfjs' serialization map under `className`
 * (replacing tfjs' own class of that name, if any). `axis` is passed on only where the caller gives one
 * (tfjs' softmax takes it).
 */
function registerActivation(className: string, f: (x: tf.Tensor, axis?: number) => tf.Tensor): void {
  class KerasActivation extends tf.serialization.Serializable {
    static className = className;
    apply(x: tf.Tensor, axis?: number): tf.Tensor {
      return axis === undefined ? f(x) : f(x, axis);
    }
    getConfig(): tf.serialization.ConfigDict {
      return {};
    }
  }
  tf.serialization.registerClass(KerasActivation);
}

/**
 * The tfjs class name of one of tsdl's activations: camelCase, as tfjs-layers turns names when it
 * loads a saved model ("hard_swish" is saved, "hardSwish" looked up). Porting note: hard_sigmoid is
 * "hardSigmoidKeras3" (saved as "hard_sigmoid_keras3"), since tfjs' "hardSigmoid" is Keras 2's
 * 0.2 x + 0.5, which tfjs-layers' own layers keep using.
 */
function className(snake: string): string {
  if (snake === "hard_sigmoid") return "hardSigmoidKeras3";
  return snake.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

// tfjs' "softmax" and "sigmoid" activation classes replaced by ones whose outputs keep their logits
// (logits.ts), so that Dense(10, { activation: "softmax" }) and Activation("sigmoid") feed the
// cross-entropies as Keras' do. Same names, so configs and saved models are unchanged.
registerActivation("softmax", (x, axis = -1) => activations.softmax(x, axis));
registerActivation("sigmoid", (x) => activations.sigmoid(x));

// Registered now, not on first use, so that a saved model naming one loads in a fresh session.
for (const [name, f] of Object.entries(activations)) {
  if (!(name in TFJS_NAME) && !(name in NOT_FOR_LAYERS)) registerActivation(className(name), f as (x: tf.Tensor) => tf.Tensor);
}

const customNames = new WeakMap<(x: tf.Tensor) => tf.Tensor, string>();
let customCount = 0;

function camelToSnake(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** Keras' names a layer accepts as `activation`, for error messages. */
export const layerActivationNames = (Object.keys(activations) as ActivationName[]).filter((n) => !(n in NOT_FOR_LAYERS));

/**
 * The name under which tfjs-layers finds a Keras activation (tfjs' own where it computes the same,
 * else a class registered here); undefined for none. Throws naming the layer and the accepted values.
 */
export function tfjsActivation(a: LayerActivation, where: string): string | undefined {
  if (a == null) return undefined;
  if (typeof a === "function") {
    const named = (a as Partial<ActivationFunction>).activationName;
    if (named && (activations as Record<string, unknown>)[named] === a) return tfjsActivation(named, where);
    let name = customNames.get(a);
    if (!name) {
      name = `tsdlCustomActivation${++customCount}`;
      customNames.set(a, name);
      registerActivation(name, (x) => tf.tidy(() => a(x)));
    }
    return name;
  }
  const snake = typeof a === "string" ? camelToSnake(a) : a;
  if (typeof snake === "string" && snake in NOT_FOR_LAYERS) {
    throw new Error(`${where}: activation ${JSON.stringify(a)} cannot be given to a layer by name: ${NOT_FOR_LAYERS[snake]}`);
  }
  const f = typeof snake === "string" && Object.prototype.hasOwnProperty.call(activations, snake) ? (activations as unknown as Record<string, (x: tf.Tensor) => tf.Tensor>)[snake] : undefined;
  if (!f) {
    throw new Error(`${where}: unknown activation ${JSON.stringify(a)}; expected one of ${layerActivationNames.join(", ")} or a function`);
  }
  return TFJS_NAME[snake as ActivationName] ?? className(snake);
}
