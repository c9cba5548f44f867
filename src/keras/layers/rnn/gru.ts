// GRU (Cho et al., 2014), as Keras 3's GRUCell, gates in Keras' order z (update), r (reset), h:
//   x_z, x_r, x_h = x_t · kernel + input_bias                        (3 blocks of `units` columns)
//   resetAfter (Keras 3's default, cuDNN's convention; bias [2, 3 units]: input bias, recurrent bias):
//     m_z, m_r, m_h = h_{t-1} · recurrent_kernel + recurrent_bias
//     z = σ(x_z + m_z), r = σ(x_r + m_r), hh = activation(x_h + r * m_h)
//   resetAfter false (the original GRU, bias [3 units]):
//     z = σ(x_z + h_{t-1} · rk_z), r = σ(x_r + h_{t-1} · rk_r), hh = activation(x_h + (r * h_{t-1}) · rk_h)
//   h_t = z * h_{t-1} + (1 - z) * hh
//
// Porting note: tfjs' own GRU has only the resetAfter=false convention; this layer is tsdl's (and
// loads tfjs' saved GRUs, whose configs have no resetAfter, as resetAfter false).
import tf from "../../../tfjs.cjs";
import type { ActivationFunction, ActivationIdentifier } from "../../activations.js";
import { callable } from "../../callable.js";
import { makeActivation } from "./options.js";
import { RecurrentLayer, type RNNConfig, type RNNOptions, type StepContext } from "./rnn.js";
import type { RecurrentCallable } from "./simple_rnn.js";

export interface GRUOptions extends RNNOptions {
  /** Activation of the gates z and r. Default "sigmoid". */
  recurrentActivation?: ActivationIdentifier;
  /** Apply the reset gate after the recurrent product (bias [2, 3 units]). Default true. */
  resetAfter?: boolean;
}

export class GRULayer extends RecurrentLayer {
  static className = "GRU";
  readonly gates = 3;
  readonly stateCount = 1;
  readonly recurrentActivation: ActivationFunction;
  readonly resetAfter: boolean;

  constructor(config: RNNConfig) {
    super(config, "GRU");
    const o = config as GRUOptions;
    this.recurrentActivation = makeActivation(o.recurrentActivation, "sigmoid", "GRU", "recurrentActivation");
    // The factory passes Keras' default (true); a saved config without resetAfter is tfjs' own GRU's,
    // which resets before.
    this.resetAfter = o.resetAfter ?? false;
  }

  protected biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  protected inputBias(): tf.Tensor | null {
    if (!this.bias) return null;
    return this.resetAfter ? tf.squeeze(tf.slice(this.bias.read(), [0, 0], [1, -1]), [0]) : this.bias.read();
  }

  protected step(xt: tf.Tensor, states: tf.Tensor[], ctx: StepContext): { output: tf.Tensor; states: tf.Tensor[] } {
    const h = states[0];
    const u = this.units;
    const rk = this.recurrentKernel.read();
    const [xz, xr, xh] = tf.split(xt, 3, 1);
    const masks = ctx.recurrentMasks;
    const hz = masks ? tf.mul(h, masks[0]) : h;
    const hr = masks ? tf.mul(h, masks[masks.length > 1 ? 1 : 0]) : h;
    const hh0 = masks ? tf.mul(h, masks[masks.length > 1 ? 2 : 0]) : h;
    let z: tf.Tensor;
    let r: tf.Tensor;
    let hh: tf.Tensor;
    if (this.resetAfter) {
      const rb = this.bias ? tf.squeeze(tf.slice(this.bias.read(), [1, 0], [1, -1]), [0]) : null;
      const rks = tf.split(rk, 3, 1);
      const rbs = rb ? tf.split(rb, 3, 0) : [null, null, null];
      const inner = (v: tf.Tensor, g: number) => (rbs[g] ? tf.add(tf.matMul(v, rks[g]), rbs[g]!) : tf.matMul(v, rks[g]));
      let mz: tf.Tensor;
      let mr: tf.Tensor;
      let mh: tf.Tensor;
      if (masks) {
        [mz, mr, mh] = [inner(hz, 0), inner(hr, 1), inner(hh0, 2)];
      } else {
        const m = rb ? tf.add(tf.matMul(h, rk), rb) : tf.matMul(h, rk);
        [mz, mr, mh] = tf.split(m, 3, 1);
      }
      z = this.recurrentActivation(tf.add(xz, mz));
      r = this.recurrentActivation(tf.add(xr, mr));
      hh = this.activation(tf.add(xh, tf.mul(r, mh)));
    } else {
      const rzr = tf.slice(rk, [0, 0], [u, 2 * u]);
      const rkh = tf.slice(rk, [0, 2 * u], [u, u]);
      let mz: tf.Tensor;
      let mr: tf.Tensor;
      if (masks) {
        const [rkz, rkr] = tf.split(rzr, 2, 1);
        [mz, mr] = [tf.matMul(hz, rkz), tf.matMul(hr, rkr)];
      } else {
        [mz, mr] = tf.split(tf.matMul(h, rzr), 2, 1);
      }
      z = this.recurrentActivation(tf.add(xz, mz));
      r = this.recurrentActivation(tf.add(xr, mr));
      hh = this.activation(tf.add(xh, tf.matMul(tf.mul(r, hh0), rkh)));
    }
    const hNew = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
    return { output: hNew, states: [hNew] };
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), recurrentActivation: this.recurrentActivation.activationName, resetAfter: this.resetAfter };
  }
}
tf.serialization.registerClass(GRULayer);

/** `layers.GRU(units, { resetAfter: true, returnSequences, ... })`, or `layers.GRU({ units, ... })`. */
export function GRU(units: number | (GRUOptions & { units: number }), options: GRUOptions = {}): RecurrentCallable {
  const o = typeof units === "object" ? units : { ...options, units };
  return callable(new GRULayer({ ...o, resetAfter: o.resetAfter ?? true } as unknown as RNNConfig)) as unknown as RecurrentCallable;
}
