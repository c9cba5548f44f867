// Keras activations, usable as strings ("relu") or as functions (`keras.activations.relu`), as in Keras.
import * as tf from "@tensorflow/tfjs";

export type ActivationName =
  | "linear" | "relu" | "relu6" | "elu" | "selu" | "sigmoid" | "hard_sigmoid" | "softmax"
  | "softplus" | "softsign" | "tanh" | "swish" | "mish" | "gelu";

/** An activation function that also knows its Keras name. */
export interface ActivationFunction {
  (x: tf.Tensor): tf.Tensor;
  readonly activationName: ActivationName;
}

export type ActivationIdentifier = ActivationName | ActivationFunction | null | undefined;

/** Keras spelling -> tfjs spelling (tfjs-layers 4.22 has no gelu). */
const TFJS_NAME: Record<ActivationName, string | undefined> = {
  linear: "linear", relu: "relu", relu6: "relu6", elu: "elu", selu: "selu", sigmoid: "sigmoid",
  hard_sigmoid: "hardSigmoid", softmax: "softmax", softplus: "softplus", softsign: "softsign",
  tanh: "tanh", swish: "swish", mish: "mish", gelu: undefined,
};

function make(name: ActivationName, f: (x: tf.Tensor) => tf.Tensor): ActivationFunction {
  return Object.assign((x: tf.Tensor) => f(x), { activationName: name });
}

export const activations = {
  linear: make("linear", (x) => x),
  relu: make("relu", (x) => tf.relu(x)),
  relu6: make("relu6", (x) => tf.relu6(x)),
  elu: make("elu", (x) => tf.elu(x)),
  selu: make("selu", (x) => tf.selu(x)),
  sigmoid: make("sigmoid", (x) => tf.sigmoid(x)),
  hard_sigmoid: make("hard_sigmoid", (x) => tf.tidy(() => tf.div(tf.relu6(tf.add(x, 3)), 6))), // Keras 3: relu6(x + 3) / 6
  softmax: make("softmax", (x) => tf.softmax(x)),
  softplus: make("softplus", (x) => tf.softplus(x)),
  softsign: make("softsign", (x) => tf.tidy(() => tf.div(x, tf.add(tf.abs(x), 1)))),
  tanh: make("tanh", (x) => tf.tanh(x)),
  swish: make("swish", (x) => tf.tidy(() => tf.mul(x, tf.sigmoid(x)))),
  mish: make("mish", (x) => tf.tidy(() => tf.mul(x, tf.tanh(tf.softplus(x))))),
  gelu: make("gelu", (x) => tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))))),
};

/** Resolves a Keras activation identifier to tfjs' name; throws naming the layer and the accepted values. */
export function tfjsActivation(a: ActivationIdentifier, where: string): string | undefined {
  if (a == null) return undefined;
  const name = typeof a === "function" ? a.activationName : a;
  const camelToSnake = typeof name === "string" ? name.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase() : name;
  const tfName = TFJS_NAME[camelToSnake as ActivationName];
  if (!tfName) {
    const known = Object.keys(TFJS_NAME).filter((k) => TFJS_NAME[k as ActivationName]);
    const what = typeof a === "function" ? `a function without an activation name` : JSON.stringify(a);
    throw new Error(`${where}: unknown activation ${what}; expected one of ${known.join(", ")} or a keras.activations function`);
  }
  return tfName;
}
