// SimpleRNN: a fully connected recurrent layer, `h_t = activation(x_t · kernel + h_{t-1} · recurrent_kernel + bias)`.
// Weights as Keras 3: kernel [features, units], recurrent_kernel [units, units], bias [units].
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { RecurrentLayer, type RNNCallOptions, type RNNConfig, type RNNOptions, type StepContext } from "./rnn.js";

export type SimpleRNNOptions = RNNOptions;

export class SimpleRNNLayer extends RecurrentLayer {
  static className = "SimpleRNN";
  readonly gates = 1;
  readonly stateCount = 1;

  constructor(config: RNNConfig) {
    super(config, "SimpleRNN");
  }

  protected step(xt: tf.Tensor, states: tf.Tensor[], ctx: StepContext): { output: tf.Tensor; states: tf.Tensor[] } {
    const h = ctx.recurrentMasks ? tf.mul(states[0], ctx.recurrentMasks[0]) : states[0];
    const out = this.activation(tf.add(xt, tf.matMul(h, this.recurrentKernel.read())));
    return { output: out, states: [out] };
  }
}
tf.serialization.registerClass(SimpleRNNLayer);

/**
 * A recurrent layer as Keras calls it: `layer(x)` or `layer(x, { initialState })`. The result is one
 * tensor, or with returnState the list `[output, ...states]` (typed as both, so either use reads well).
 */
export type RecurrentCallable = Callable<RecurrentLayer> & {
  (x: tf.SymbolicTensor, options?: RNNCallOptions): tf.SymbolicTensor & tf.SymbolicTensor[];
  (x: tf.Tensor, options?: RNNCallOptions): tf.Tensor & tf.Tensor[];
};

/** `layers.SimpleRNN(units, { activation: "tanh", returnSequences, ... })`, or `layers.SimpleRNN({ units, ... })`. */
export function SimpleRNN(units: number | (SimpleRNNOptions & { units: number }), options: SimpleRNNOptions = {}): RecurrentCallable {
  const o = typeof units === "object" ? units : { ...options, units };
  return callable(new SimpleRNNLayer(o as unknown as unknown as RNNConfig)) as unknown as RecurrentCallable;
}
