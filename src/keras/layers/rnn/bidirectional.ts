// Bidirectional: runs a recurrent layer forwards and a copy of it backwards over the sequence and
// merges the two outputs (Keras 3's keras/src/layers/rnn/bidirectional.py):
//   y = forward(x), y_rev = backward(x) (reversed back into time order with returnSequences)
//   concat: [y, y_rev] on the last axis | sum: y + y_rev | mul: y * y_rev | ave: (y + y_rev) / 2
//   null: both, as two outputs
// The copies are made from the layer's config, named forward_<name> and backward_<name>; the weights
// are the forward layer's then the backward layer's. With returnState the outputs are
// [output(s), ...forward states, ...backward states]. As in Keras, both copies output zeros at masked
// steps when they return sequences.
import tf from "../../../tfjs.cjs";
import { callable, unwrapLayer, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { type SerializedObject } from "./options.js";
import { RecurrentLayer, type RNNCallOptions, takeMask } from "./rnn.js";

type Shape = (number | null)[];
export type MergeMode = "concat" | "sum" | "mul" | "ave" | null;
const MERGE_MODES = ["concat", "sum", "mul", "ave", null];

export interface BidirectionalOptions extends BaseLayerOptions {
  /** How the two directions are combined: "concat", "sum", "mul", "ave" or null (two outputs). Default "concat". */
  mergeMode?: MergeMode;
  /** The backward layer (a recurrent layer with goBackwards true). Default: a copy of `layer`. */
  backwardLayer?: tf.layers.Layer;
}

interface BidirectionalConfig extends Omit<BidirectionalOptions, "backwardLayer"> {
  layer: tf.layers.Layer | SerializedObject;
  backwardLayer?: tf.layers.Layer | SerializedObject;
}

function deserializeLayer(v: tf.layers.Layer | SerializedObject): tf.layers.Layer {
  if (v instanceof tf.layers.Layer) return v;
  const map = (tf.serialization.SerializationMap.getMap() as unknown as { classNameMap: Record<string, [unknown, (cls: unknown, c: unknown) => tf.layers.Layer]> }).classNameMap;
  const entry = map[v.className];
  if (!entry) throw new Error(`Bidirectional: unknown layer class ${JSON.stringify(v.className)}`);
  return entry[1](entry[0], v.config);
}

/** A copy of a recurrent layer from its config, with another name (and direction). */
function copyOf(layer: RecurrentLayer, name: string, overrides: Record<string, unknown> = {}): RecurrentLayer {
  const { batchInputShape: _b, ...config } = layer.getConfig() as Record<string, unknown>;
  const Cls = layer.constructor as new (c: Record<string, unknown>) => RecurrentLayer;
  return new Cls({ ...config, ...overrides, name });
}

export class BidirectionalLayer extends tf.layers.Layer {
  static className = "Bidirectional";
  readonly forwardLayer: RecurrentLayer;
  readonly backwardLayer: RecurrentLayer;
  readonly mergeMode: MergeMode;
  readonly returnSequences: boolean;
  readonly returnState: boolean;

  constructor(config: BidirectionalConfig) {
    const inner = deserializeLayer(config.layer);
    const raw = unwrapLayer(inner);
    if (!(raw instanceof RecurrentLayer)) {
      throw new Error(`Bidirectional: layer must be a recurrent layer (SimpleRNN, LSTM, GRU), got ${raw?.getClassName?.() ?? typeof raw}`);
    }
    const mergeMode = config.mergeMode === undefined ? "concat" : config.mergeMode;
    if (!MERGE_MODES.includes(mergeMode)) {
      throw new Error(`Bidirectional: unknown mergeMode ${JSON.stringify(mergeMode)}; expected one of "concat", "sum", "mul", "ave" or null`);
    }
    // An input shape given to the wrapped layer (for a Sequential model) is the wrapper's.
    const innerShape = (raw as unknown as { batchInputShape?: Shape }).batchInputShape;
    const shapeArgs = config.inputShape || config.batchInputShape ? {} : { batchInputShape: innerShape };
    super(baseArgs("Bidirectional", { ...config, ...shapeArgs }));
    this.mergeMode = mergeMode;
    const base = raw.name.replace(/^forward_/, "");
    this.forwardLayer = copyOf(raw, `forward_${base}`);
    if (config.backwardLayer !== undefined) {
      const back = unwrapLayer(deserializeLayer(config.backwardLayer));
      if (!(back instanceof RecurrentLayer)) throw new Error(`Bidirectional: backwardLayer must be a recurrent layer (SimpleRNN, LSTM, GRU), got ${back?.getClassName?.() ?? typeof back}`);
      this.backwardLayer = back;
    } else {
      this.backwardLayer = copyOf(raw, `backward_${raw.name.replace(/^backward_/, "")}`, { goBackwards: true });
    }
    const [f, b] = [this.forwardLayer, this.backwardLayer];
    if (f.goBackwards === b.goBackwards) {
      throw new Error(`Bidirectional: the forward and backward layers must differ in goBackwards, got ${f.goBackwards} for both`);
    }
    for (const a of ["returnSequences", "returnState"] as const) {
      if (f[a] !== b[a]) throw new Error(`Bidirectional: the forward and backward layers must have the same ${a}, got ${f[a]} and ${b[a]}`);
    }
    f.nestedWeightNames = b.nestedWeightNames = true; // bidirectional/forward_lstm/kernel, as Keras' paths
    f.zeroOutputForMask = f.returnSequences;
    b.zeroOutputForMask = b.returnSequences;
    this.returnSequences = f.returnSequences;
    this.returnState = f.returnState;
    this.supportsMasking = true;
    this.inputSpec = [{ ndim: 3 }];
  }

  get trainable(): boolean {
    return super.trainable;
  }

  set trainable(v: boolean) {
    super.trainable = v;
    if (this.forwardLayer) this.forwardLayer.trainable = v;
    if (this.backwardLayer) this.backwardLayer.trainable = v;
  }

  get trainableWeights(): tf.LayerVariable[] {
    return this.forwardLayer.trainableWeights.concat(this.backwardLayer.trainableWeights);
  }

  set trainableWeights(_w: tf.LayerVariable[]) {
    throw new Error("Bidirectional: trainableWeights cannot be set");
  }

  get nonTrainableWeights(): tf.LayerVariable[] {
    return this.forwardLayer.nonTrainableWeights.concat(this.backwardLayer.nonTrainableWeights);
  }

  set nonTrainableWeights(_w: tf.LayerVariable[]) {
    throw new Error("Bidirectional: nonTrainableWeights cannot be set");
  }

  get losses(): tf.layers.Layer["losses"] {
    return [...this.forwardLayer.losses, ...this.backwardLayer.losses];
  }

  build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    for (const l of [this.forwardLayer, this.backwardLayer]) {
      if (!l.built) {
        l.build(shape);
        l.built = true;
      }
    }
    this.built = true;
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const inner = this.forwardLayer.computeOutputShape(shape);
    const [out, ...states] = (this.returnState ? inner : [inner]) as Shape[];
    const outs = this.mergeMode === "concat" ? [[...out.slice(0, -1), (out[out.length - 1] as number) * 2]] : this.mergeMode === null ? [out, out.slice()] : [out];
    const all = [...outs, ...states, ...states.map((s) => s.slice())];
    return all.length === 1 ? all[0] : all;
  }

  computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    const m = (Array.isArray(mask) ? mask[0] : mask) ?? null;
    const out = this.returnSequences ? m : null;
    const outs = this.mergeMode === null ? [out, out] : [out];
    const states = this.returnState ? new Array(2 * this.forwardLayer.stateCount).fill(null) : [];
    const all = [...outs, ...states];
    return (all.length === 1 ? all[0] : all) as unknown as tf.Tensor | tf.Tensor[]; // null: no mask
  }

  /** Keras' call arguments (used by callable.ts): `layer(x, { initialState: [...forward, ...backward] })`. */
  kerasCallArguments(args: unknown[]): { inputs: tf.SymbolicTensor | tf.Tensor | (tf.SymbolicTensor | tf.Tensor)[]; options?: { training?: boolean } } {
    const x = args[0] as tf.SymbolicTensor | tf.Tensor;
    const o = (args[1] ?? {}) as RNNCallOptions;
    if (!o.initialState) return { inputs: x, options: o };
    const states = o.initialState as (tf.SymbolicTensor | tf.Tensor)[];
    const n = this.forwardLayer.stateCount + this.backwardLayer.stateCount;
    if (states.length !== n) throw new Error(`Bidirectional "${this.name}": initialState must be ${n} tensors (the forward layer's states, then the backward layer's), got ${states.length}`);
    this.inputSpec = [{ ndim: 3 }, ...states.map(() => ({ ndim: 2 }))];
    return { inputs: [x, ...states], options: o };
  }

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const x = list[0];
      const states = list.slice(1);
      const nf = this.forwardLayer.stateCount;
      const mask = takeMask(kwargs);
      const fw = this.forwardLayer.call(states.length ? [x, ...states.slice(0, nf)] : x, { training: kwargs.training, mask });
      const bw = this.backwardLayer.call(states.length ? [x, ...states.slice(nf)] : x, { training: kwargs.training, mask });
      const [y, ...fStates] = Array.isArray(fw) ? fw : [fw];
      let [yRev, ...bStates] = Array.isArray(bw) ? bw : [bw];
      if (this.returnSequences) yRev = tf.reverse(yRev, 1);
      let out: tf.Tensor[];
      switch (this.mergeMode) {
        case "concat": out = [tf.concat([y, yRev], -1)]; break;
        case "sum": out = [tf.add(y, yRev)]; break;
        case "ave": out = [tf.div(tf.add(y, yRev), 2)]; break;
        case "mul": out = [tf.mul(y, yRev)]; break;
        default: out = [y, yRev];
      }
      const all = this.returnState ? [...out, ...fStates, ...bStates] : out;
      return all.length === 1 ? all[0] : all;
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    const layer = (l: tf.layers.Layer) => ({ className: l.getClassName(), config: l.getConfig() });
    return { ...super.getConfig(), mergeMode: this.mergeMode, layer: layer(this.forwardLayer), backwardLayer: layer(this.backwardLayer) } as tf.serialization.ConfigDict;
  }
}
tf.serialization.registerClass(BidirectionalLayer);

/** A Bidirectional layer as Keras calls it: `layer(x)` or `layer(x, { initialState })` (one tensor, or a list with mergeMode null or returnState). */
export type BidirectionalCallable = Callable<BidirectionalLayer> & {
  (x: tf.SymbolicTensor, options?: RNNCallOptions): tf.SymbolicTensor & tf.SymbolicTensor[];
  (x: tf.Tensor, options?: RNNCallOptions): tf.Tensor & tf.Tensor[];
};

/** `layers.Bidirectional(layers.LSTM(64), { mergeMode: "concat" })`. */
export function Bidirectional(layer: tf.layers.Layer, options: BidirectionalOptions = {}): BidirectionalCallable {
  if (!layer || !(unwrapLayer(layer) instanceof tf.layers.Layer)) throw new Error(`Bidirectional: layer must be a recurrent layer (e.g. layers.LSTM(64)), got ${layer === null ? "null" : typeof layer}`);
  return callable(new BidirectionalLayer({ ...options, layer: unwrapLayer(layer) })) as BidirectionalCallable;
}
