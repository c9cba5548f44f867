// LSTM (Hochreiter & Schmidhuber, 1997), as Keras 3's LSTMCell, gates in Keras' order i, f, c, o:
//   z = x_t · kernel + h_{t-1} · recurrent_kernel + bias            (4 blocks of `units` columns)
//   i = σ(z_i), f = σ(z_f), o = σ(z_o)                                (σ: recurrentActivation, sigmoid)
//   c_t = f * c_{t-1} + i * activation(z_c),  h_t = o * activation(c_t)   (activation: tanh)
// Weights: kernel [features, 4 units], recurrent_kernel [units, 4 units], bias [4 units] (ones on the
// forget block at initialization with unitForgetBias). States [h, c]; the output is h.
import tf from "../../../tfjs.cjs";
import type { ActivationFunction, ActivationIdentifier } from "../../activations.js";
import { callable } from "../../callable.js";
import { makeActivation } from "./options.js";
import { RecurrentLayer, type RNNConfig, type RNNOptions, type StepContext } from "./rnn.js";
import type { RecurrentCallable } from "./simple_rnn.js";

type Initializer = ReturnType<typeof tf.initializers.zeros>;

export interface LSTMOptions extends RNNOptions {
  /** Activation of the gates i, f, o. Default "sigmoid". */
  recurrentActivation?: ActivationIdentifier;
  /** Add 1 to the forget gate's bias at initialization (the rest from biasInitializer). Default true. */
  unitForgetBias?: boolean;
}

export class LSTMLayer extends RecurrentLayer {
  static className = "LSTM";
  readonly gates = 4;
  readonly stateCount = 2;
  readonly recurrentActivation: ActivationFunction;
  readonly unitForgetBias: boolean;

  constructor(config: RNNConfig) {
    super(config, "LSTM");
    const o = config as LSTMOptions;
    this.recurrentActivation = makeActivation(o.recurrentActivation, "sigmoid", "LSTM", "recurrentActivation");
    this.unitForgetBias = o.unitForgetBias ?? true;
  }

  protected biasInit(): Initializer {
    if (!this.unitForgetBias) return this.biasInitializer;
    const base = this.biasInitializer;
    const u = this.units;
    // Keras: concatenate(init([u]), ones([u]), init([2u])).
    return {
      apply: (_shape: number[], dtype?: tf.DataType) =>
        tf.tidy(() => tf.concat([base.apply([u], dtype), tf.ones([u], dtype), base.apply([2 * u], dtype)])),
    } as unknown as Initializer;
  }

  protected step(xt: tf.Tensor, states: tf.Tensor[], ctx: StepContext): { output: tf.Tensor; states: tf.Tensor[] } {
    const [h, c] = states;
    const rk = this.recurrentKernel.read();
    let z: tf.Tensor[];
    if (ctx.recurrentMasks) {
      const rks = tf.split(rk, 4, 1);
      const xs = tf.split(xt, 4, 1);
      z = xs.map((x, g) => tf.add(x, tf.matMul(tf.mul(h, ctx.recurrentMasks![ctx.recurrentMasks!.length > 1 ? g : 0]), rks[g])));
    } else {
      z = tf.split(tf.add(xt, tf.matMul(h, rk)), 4, 1);
    }
    const i = this.recurrentActivation(z[0]);
    const f = this.recurrentActivation(z[1]);
    const cNew = tf.add(tf.mul(f, c), tf.mul(i, this.activation(z[2])));
    const o = this.recurrentActivation(z[3]);
    const hNew = tf.mul(o, this.activation(cNew));
    return { output: hNew, states: [hNew, cNew] };
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), recurrentActivation: this.recurrentActivation.activationName, unitForgetBias: this.unitForgetBias };
  }
}
tf.serialization.registerClass(LSTMLayer);

/** `layers.LSTM(units, { returnSequences, returnState, goBackwards, dropout, ... })`, or `layers.LSTM({ units, ... })`. */
export function LSTM(units: number | (LSTMOptions & { units: number }), options: LSTMOptions = {}): RecurrentCallable {
  const o = typeof units === "object" ? units : { ...options, units };
  return callable(new LSTMLayer(o as unknown as unknown as RNNConfig)) as unknown as RecurrentCallable;
}
