// Adam with Keras' defaults (tfjs' implementation, Keras' option names).
import * as tf from "@tensorflow/tfjs";
import { adamInPlace } from "../../backend/fused_kernels.js";
import { learningRateOption } from "./sgd.js";

export interface AdamOptions {
  /** Default 0.001. */
  learningRate?: number;
  /** Keras 2 spelling of learningRate. */
  lr?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7 (Keras' default, not the paper's 1e-8). */
  epsilon?: number;
}

type Slot = { originalName: string; variable: tf.Variable };
interface AdamState {
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

/**
 * tfjs' Adam (same state, same saved weights, same arithmetic) whose step runs as one fused in-place
 * update per variable on the wasm backend; elsewhere, and for a variable another tensor shares, as
 * tfjs ops.
 */
class AdamOptimizer extends tf.AdamOptimizer {
  applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const pairs = Array.isArray(variableGradients) ? variableGradients.map((g) => [g.name, g.tensor] as const) : Object.entries(variableGradients);
    const state = this as unknown as AdamState;
    const variables = pairs.map(([name]) => tf.engine().registeredVariables[name]);
    pairs.forEach(([name], i) => {
      state.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(variables[i]).variable(false)) };
      state.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(variables[i]).variable(false)) };
    });
    const t = this.iterations + 1;
    const o = { lr: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, c1: 1 - this.beta1 ** t, c2: 1 - this.beta2 ** t };
    pairs.forEach(([, grad], i) => {
      const [m, v] = [state.accumulatedFirstMoment[i].variable, state.accumulatedSecondMoment[i].variable];
      if (grad == null || adamInPlace(variables[i], m, v, grad, o)) return;
      tf.tidy(() => {
        const newM = tf.add(tf.mul(m, o.beta1), tf.mul(grad, 1 - o.beta1));
        const newV = tf.add(tf.mul(v, o.beta2), tf.mul(tf.square(grad), 1 - o.beta2));
        m.assign(newM);
        v.assign(newV);
        const step = tf.div(tf.div(newM, o.c1), tf.add(tf.sqrt(tf.div(newV, o.c2)), o.epsilon));
        variables[i].assign(tf.sub(variables[i], tf.mul(step, o.lr)));
      });
    });
    tf.tidy(() => {
      state.accBeta1.assign(tf.scalar(this.beta1 ** (t + 1)));
      state.accBeta2.assign(tf.scalar(this.beta2 ** (t + 1)));
    });
    this.incrementIterations();
  }
}

/** Porting note: Keras 2's `decay` and `amsgrad` are not supported for Adam. */
/** `optimizers.Adam({ learningRate: 1e-3 })`, or `optimizers.Adam(1e-3)` as Keras' positional form. */
export function Adam(optionsOrLr: AdamOptions | number = {}): tf.AdamOptimizer {
  const options = typeof optionsOrLr === "number" ? { learningRate: optionsOrLr } : optionsOrLr;
  rejectUnknown("Adam", options, ["learningRate", "lr", "beta1", "beta2", "epsilon", "beta_1", "beta_2"]);
  const o = options as AdamOptions & { beta_1?: number; beta_2?: number };
  return new AdamOptimizer(learningRateOption("Adam", options, 0.001), o.beta1 ?? o.beta_1 ?? 0.9, o.beta2 ?? o.beta_2 ?? 0.999, o.epsilon ?? 1e-7);
}

/** An option the optimizer does not know is an error, not a silent no-op. */
export function rejectUnknown(where: string, options: object, known: string[]): void {
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw new Error(`${where}: unknown option ${JSON.stringify(k)}; accepted: ${known.join(", ")}`);
  }
}
