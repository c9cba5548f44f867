// What Keras 3's recurrent layers share (keras/src/layers/rnn/rnn.py and backend.rnn): the loop over
// time steps, masks, goBackwards, returnSequences / returnState, initial states, and the dropout masks
// of DropoutRNNCell. SimpleRNN, LSTM and GRU (simple_rnn.ts, lstm.ts, gru.ts) give the weights and
// one step of the cell.
//
// The loop, as Keras':
//   for each step t (the last first with goBackwards):  (output, states') = cell(x_t, states)
//   with a mask, a masked step keeps the previous states and outputs the previous output (zeros
//   before the first step; zeros always with zeroOutputForMask, which Bidirectional sets with
//   returnSequences); the outputs are in the order the steps ran (reversed with goBackwards).
// Dropout (training only): one mask per call over the inputs and one over the recurrent state, the
// same at every step, scaled by 1/(1-rate) (LSTM and GRU: one mask per gate when recurrentDropout is
// set, as Keras' implementation 1).
//
// Porting note: tsdl multiplies the inputs of every step by the kernel in one product before the loop
// (the same sums as Keras' per-step product). `stateful` is not supported (an error says so);
// `unroll` is accepted and changes nothing (tfjs runs eagerly). Masks come from tfjs' mask
// propagation (Embedding({ maskZero }), Masking) in models; tfjs does not attach masks to concrete
// tensors, so an eager call sees none.
import tf from "../../../tfjs.cjs";
import type { ActivationFunction, ActivationIdentifier } from "../../activations.js";
import { baseArgs, type BaseLayerOptions, type WeightOptions } from "../common.js";
import { boolMask, makeActivation, makeConstraint, makeInitializer, makeRegularizer, positiveInteger, rate, serialize } from "./options.js";

type Shape = (number | null)[];
type Initializer = ReturnType<typeof tf.initializers.zeros>;

/** Options every Keras recurrent layer takes (SimpleRNN, LSTM, GRU). */
export interface RNNOptions extends BaseLayerOptions, WeightOptions<"kernel" | "recurrent" | "bias"> {
  /** Activation of the output (and the candidate state). Default "tanh"; null for linear. */
  activation?: ActivationIdentifier;
  /** Whether the layer has a bias. Default true. */
  useBias?: boolean;
  /** Return the output of every step ([batch, timesteps, units]) instead of the last one. Default false. */
  returnSequences?: boolean;
  /** Also return the last states: `[output, ...states]`. Default false. */
  returnState?: boolean;
  /** Process the sequence backwards (and return the reversed sequence). Default false. */
  goBackwards?: boolean;
  /** Keras' stateful RNNs; only false is supported. Default false. */
  stateful?: boolean;
  /** Accepted for Keras compatibility; no effect. Default false. */
  unroll?: boolean;
  /** Output zeros (not the previous output) at masked steps. Default false. */
  zeroOutputForMask?: boolean;
  /** Fraction of the inputs dropped in training. Default 0. */
  dropout?: number;
  /** Fraction of the recurrent state dropped in training. Default 0. */
  recurrentDropout?: number;
  /** Seed of the dropout masks. Default: random. */
  seed?: number;
  /** Default "glorot_uniform". */
  kernelInitializer?: WeightOptions<"kernel">["kernelInitializer"];
  /** Default "orthogonal". */
  recurrentInitializer?: WeightOptions<"recurrent">["recurrentInitializer"];
  /** Default "zeros". */
  biasInitializer?: WeightOptions<"bias">["biasInitializer"];
}

/** How a layer is called in Keras' style (`lstm(x, { initialState: [h, c] })`): see callable.ts. */
export interface RNNCallOptions {
  training?: boolean;
  /** The states the first step starts from (Keras' `initial_state`). Default zeros. */
  initialState?: tf.SymbolicTensor[] | tf.Tensor[];
}

/** A layer's config, as getConfig writes it and the constructor reads it. */
export type RNNConfig = Record<string, unknown>;

/** The dropout masks of one call (null where there is none). */
export interface StepContext {
  /** One recurrent-state mask per gate (or one for all) in training, else null. */
  recurrentMasks: tf.Tensor[] | null;
}

let seedCounter = 0;

/** Keras' `backend.random.dropout(ones, rate)`: 0 or 1/(1-rate). */
export function dropoutMask(shape: number[], r: number, seed: number | undefined): tf.Tensor {
  const s = seed === undefined ? undefined : seed * 7919 + seedCounter++;
  return tf.tidy(() => tf.div(tf.cast(tf.greaterEqual(tf.randomUniform(shape, 0, 1, "float32", s), r), "float32"), 1 - r));
}

/**
 * The mask tfjs hands a layer (the first input's), removed from the call's keywords. tfjs' model
 * executor passes one keywords object to every layer and sets its mask only for layers whose input
 * has one, so a mask left there would reach a later layer whose input has none (e.g. an LSTM after
 * LSTM -> RepeatVector of masked steps); taking it out here keeps the layers after this one right.
 */
export function takeMask(kwargs: Record<string, unknown>): tf.Tensor | undefined {
  const m = kwargs.mask as tf.Tensor | tf.Tensor[] | null | undefined;
  delete kwargs.mask;
  return (Array.isArray(m) ? m[0] : m) ?? undefined;
}

export abstract class RecurrentLayer extends tf.layers.Layer {
  readonly units: number;
  readonly activation: ActivationFunction;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly unroll: boolean;
  zeroOutputForMask: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly seed: number | undefined;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer;
  readonly recurrentRegularizer;
  readonly biasRegularizer;
  readonly kernelConstraint;
  readonly recurrentConstraint;
  readonly biasConstraint;
  kernel!: tf.LayerVariable;
  recurrentKernel!: tf.LayerVariable;
  bias: tf.LayerVariable | null = null;

  /** Gates (blocks of `units` columns) of the kernels: 1 (SimpleRNN), 4 (LSTM), 3 (GRU). */
  abstract readonly gates: number;
  /** Number of states: 1, or 2 for LSTM (h, c). */
  abstract readonly stateCount: number;

  constructor(config: RNNConfig, className: string) {
    const o = config as RNNOptions & Record<string, unknown>;
    const where = className;
    super(baseArgs(className, o));
    this.units = positiveInteger(o.units, where, "units");
    if (o.stateful) throw new Error(`${where}: stateful RNNs are not supported by tsdl (stateful must be false)`);
    this.activation = makeActivation(o.activation, "tanh", where, "activation");
    this.useBias = o.useBias ?? true;
    this.returnSequences = o.returnSequences ?? false;
    this.returnState = o.returnState ?? false;
    this.goBackwards = o.goBackwards ?? false;
    this.unroll = o.unroll ?? false;
    this.zeroOutputForMask = o.zeroOutputForMask ?? false;
    this.dropout = rate(o.dropout, where, "dropout");
    this.recurrentDropout = rate(o.recurrentDropout, where, "recurrentDropout");
    this.seed = o.seed ?? undefined;
    this.kernelInitializer = makeInitializer(o.kernelInitializer as never, "glorot_uniform", where, "kernelInitializer");
    this.recurrentInitializer = makeInitializer(o.recurrentInitializer as never, "orthogonal", where, "recurrentInitializer");
    this.biasInitializer = makeInitializer(o.biasInitializer as never, "zeros", where, "biasInitializer");
    this.kernelRegularizer = makeRegularizer(o.kernelRegularizer as never, where, "kernelRegularizer");
    this.recurrentRegularizer = makeRegularizer(o.recurrentRegularizer as never, where, "recurrentRegularizer");
    this.biasRegularizer = makeRegularizer(o.biasRegularizer as never, where, "biasRegularizer");
    this.kernelConstraint = makeConstraint(o.kernelConstraint as never, where, "kernelConstraint");
    this.recurrentConstraint = makeConstraint(o.recurrentConstraint as never, where, "recurrentConstraint");
    this.biasConstraint = makeConstraint(o.biasConstraint as never, where, "biasConstraint");
    this.supportsMasking = true;
    this.inputSpec = [{ ndim: 3 }];
  }

  /** Shape of the bias: [gates * units] (GRU with resetAfter: [2, 3 * units]). */
  protected biasShape(): number[] {
    return [this.gates * this.units];
  }

  /** The bias' initial value (LSTM's unitForgetBias puts ones on the forget gate). */
  protected biasInit(): Initializer {
    return this.biasInitializer;
  }

  /** Whether each gate gets its own dropout masks (Keras' implementation 1: when recurrentDropout is set). */
  protected perGateMasks(): boolean {
    return this.gates > 1 && this.recurrentDropout > 0;
  }

  /** Set by a wrapper (Bidirectional) that builds this layer inside its own name: weights are then `wrapper/<this name>/kernel`. */
  nestedWeightNames = false;

  build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const d = shape[shape.length - 1];
    if (d == null) throw new Error(`${this.getClassName()} "${this.name}": the last axis of the input (features) must be known, got input shape ${JSON.stringify(shape)}`);
    const w = this.gates * this.units;
    const name = (n: string) => (this.nestedWeightNames ? `${this.name}/${n}` : n);
    this.kernel = this.addWeight(name("kernel"), [d, w], "float32", this.kernelInitializer, this.kernelRegularizer, true, this.kernelConstraint);
    this.recurrentKernel = this.addWeight(name("recurrent_kernel"), [this.units, w], "float32", this.recurrentInitializer, this.recurrentRegularizer, true, this.recurrentConstraint);
    if (this.useBias) this.bias = this.addWeight(name("bias"), this.biasShape(), "float32", this.biasInit(), this.biasRegularizer, true, this.biasConstraint);
    this.built = true;
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const out = this.returnSequences ? [shape[0], shape[1], this.units] : [shape[0], this.units];
    if (!this.returnState) return out;
    return [out, ...Array.from({ length: this.stateCount }, () => [shape[0], this.units])];
  }

  computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    const m = Array.isArray(mask) ? mask[0] : mask;
    const out = this.returnSequences && m ? m : null;
    // tfjs' type says a tensor, but null (no mask) is what it expects for "none".
    if (!this.returnState) return out as unknown as tf.Tensor;
    return [out, ...Array.from({ length: this.stateCount }, () => null)] as unknown as tf.Tensor[];
  }

  /** Keras' call arguments (used by callable.ts): `layer(x, { initialState, training })`. */
  kerasCallArguments(args: unknown[]): { inputs: tf.SymbolicTensor | tf.Tensor | (tf.SymbolicTensor | tf.Tensor)[]; options?: { training?: boolean } } {
    const x = args[0] as tf.SymbolicTensor | tf.Tensor;
    const o = (args[1] ?? {}) as RNNCallOptions;
    const init = o.initialState;
    if (init === undefined || init === null) return { inputs: x, options: o };
    const states = (Array.isArray(init) ? init : [init]) as (tf.SymbolicTensor | tf.Tensor)[];
    if (states.length !== this.stateCount) {
      throw new Error(`${this.getClassName()} "${this.name}": initialState must be ${this.stateCount} tensor(s) of shape [batch, ${this.units}], got ${states.length}`);
    }
    this.inputSpec = [{ ndim: 3 }, ...states.map(() => ({ ndim: 2 }))];
    return { inputs: [x, ...states], options: o };
  }

  /** The inputs of every step times the kernel, plus the input bias: [batch, timesteps, gates * units]. */
  protected projectInputs(x: tf.Tensor, training: boolean): tf.Tensor {
    const [b, t, d] = x.shape;
    const kernel = this.kernel.read();
    const flat = (v: tf.Tensor) => tf.reshape(v, [b * t, d]);
    let proj: tf.Tensor;
    if (training && this.dropout > 0 && this.dropout < 1) {
      if (this.perGateMasks()) {
        const kernels = tf.split(kernel, this.gates, 1);
        proj = tf.concat(kernels.map((k) => tf.matMul(flat(tf.mul(x, tf.expandDims(dropoutMask([b, d], this.dropout, this.seed), 1))), k)), 1);
      } else {
        proj = tf.matMul(flat(tf.mul(x, tf.expandDims(dropoutMask([b, d], this.dropout, this.seed), 1))), kernel);
      }
    } else {
      proj = tf.matMul(flat(x), kernel);
    }
    const inputBias = this.inputBias();
    if (inputBias) proj = tf.add(proj, inputBias);
    return tf.reshape(proj, [b, t, this.gates * this.units]);
  }

  /** The part of the bias added to the projected inputs (all of it but GRU's recurrent bias). */
  protected inputBias(): tf.Tensor | null {
    return this.bias ? this.bias.read() : null;
  }

  /** One step: the projected input of the step (bias included) and the states -> output and new states. */
  protected abstract step(xt: tf.Tensor, states: tf.Tensor[], ctx: StepContext): { output: tf.Tensor; states: tf.Tensor[] };

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const x = list[0];
      if (x.rank !== 3) throw new Error(`Input 0 of layer "${this.name}" is incompatible: expected a 3D input [batch, timesteps, features], got shape [${x.shape.join(", ")}]`);
      const [batch, steps] = x.shape;
      const training = kwargs.training === true;
      const given = list.length > 1 ? list.slice(1) : ((kwargs.initialState as tf.Tensor[] | undefined) ?? []);
      let states = given.length ? given : Array.from({ length: this.stateCount }, () => tf.zeros([batch, this.units]));
      const rawMask = takeMask(kwargs);
      const xs = tf.unstack(tf.transpose(this.projectInputs(x, training), [1, 0, 2]));
      // One [batch, units] mask per step (a broadcasting select per step costs ~15x a same-shape one on wasm).
      const masks = rawMask ? tf.unstack(tf.transpose(tf.broadcastTo(tf.expandDims(boolMask(rawMask), -1), [batch, steps, this.units]), [1, 0, 2])) : null;
      const ctx: StepContext = { recurrentMasks: null };
      if (training && this.recurrentDropout > 0 && this.recurrentDropout < 1) {
        const n = this.perGateMasks() ? this.gates : 1;
        ctx.recurrentMasks = Array.from({ length: n }, () => dropoutMask([batch, this.units], this.recurrentDropout, this.seed));
      }
      const zeros = tf.zeros([batch, this.units]);
      let previous = zeros;
      const outputs: tf.Tensor[] = [];
      for (let i = 0; i < steps; i++) {
        const t = this.goBackwards ? steps - 1 - i : i;
        const r = this.step(xs[t], states, ctx);
        if (masks) {
          const m = masks[t];
          const old = states;
          previous = tf.where(m, r.output, this.zeroOutputForMask ? zeros : previous);
          states = r.states.map((s, k) => tf.where(m, s, old[k]));
        } else {
          previous = r.output;
          states = r.states;
        }
        if (this.returnSequences) outputs.push(previous);
      }
      const y = this.returnSequences ? tf.stack(outputs, 1) : previous;
      return this.returnState ? [y, ...states] : y;
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    const config: Record<string, unknown> = {
      units: this.units,
      activation: this.activation.activationName,
      useBias: this.useBias,
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      unroll: this.unroll,
      zeroOutputForMask: this.zeroOutputForMask,
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      seed: this.seed ?? null,
      kernelInitializer: serialize(this.kernelInitializer),
      recurrentInitializer: serialize(this.recurrentInitializer),
      biasInitializer: serialize(this.biasInitializer),
      kernelRegularizer: serialize(this.kernelRegularizer),
      recurrentRegularizer: serialize(this.recurrentRegularizer),
      biasRegularizer: serialize(this.biasRegularizer),
      kernelConstraint: serialize(this.kernelConstraint),
      recurrentConstraint: serialize(this.recurrentConstraint),
      biasConstraint: serialize(this.biasConstraint),
    };
    return { ...super.getConfig(), ...config } as tf.serialization.ConfigDict;
  }
}
