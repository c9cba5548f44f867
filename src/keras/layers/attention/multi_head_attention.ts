// MultiHeadAttention (Vaswani et al., 2017), as Keras 3's keras/src/layers/attention/multi_head_attention.py:
//   q = query · Wq + bq, k = key · Wk + bk, v = value · Wv + bv     (Wq [dq, heads, keyDim], bq [heads, keyDim], ...)
//   scores = softmax(q · k^T / sqrt(keyDim), over the attention axes, masked)   [batch, heads, T, S]
//   output = (dropout(scores) · v) · Wo + bo                          (Wo [heads, valueDim, ...outputShape])
// Weights in Keras' order: query, key, value, attention_output (kernel, bias each). `key` defaults to
// `value`. Masks: `attentionMask` [batch, T, S] (true attends), `useCausalMask`, and the Keras mask of
// the query (Embedding({ maskZero }) before it) as Keras' query_mask, and as its value_mask when value is
// the query itself (self-attention); the output keeps the query's mask.
//
// As Keras 3 on TensorFlow: without dropout or returned scores on [batch, T, dim] inputs, a query step
// whose every key is masked attends to all keys uniformly; otherwise (Keras' Softmax layer) it gets
// zero weights.
//
// Porting notes: tfjs' model executor hands a layer only its first input's mask, so the Keras mask of
// a value or key that is not the query does not reach this layer: pass `valueMask` / `keyMask` or an
// `attentionMask`. A layer's call options (key, masks, returnAttentionScores, useCausalMask) are fixed
// by its first call in a model (tfjs replays a model's layers without them); a later call in a model
// with other options is an error (eager calls may differ). With returnAttentionScores the scores'
// symbolic shape is the true [batch, heads, T, S] (Keras 3 reports [batch, heads, T, T]).
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { autoName } from "../../naming.js";
import { baseArgs, type BaseLayerOptions, type WeightOptions } from "../common.js";
import { boolMask, makeConstraint, makeInitializer, makeRegularizer, positiveInteger, rate, serialize } from "../rnn/options.js";
import { dropoutMask, takeMask } from "../rnn/rnn.js";

type Shape = (number | null)[];
type AnyTensor = tf.SymbolicTensor | tf.Tensor;

export interface MultiHeadAttentionOptions extends BaseLayerOptions, WeightOptions<"kernel" | "bias"> {
  /** Size of each head for the value. Default keyDim. */
  valueDim?: number;
  /** Dropout rate on the attention scores (training only). Default 0. */
  dropout?: number;
  /** Whether the projections have biases. Default true. */
  useBias?: boolean;
  /** Last dimension(s) of the output. Default: the query's last dimension. */
  outputShape?: number | number[];
  /** The axes attention runs over (not the batch or the last one). Default: every axis between them. */
  attentionAxes?: number | number[];
  /** Seed of the dropout masks. Default: random. */
  seed?: number;
  /** Default "glorot_uniform". */
  kernelInitializer?: WeightOptions<"kernel">["kernelInitializer"];
  /** Default "zeros". */
  biasInitializer?: WeightOptions<"bias">["biasInitializer"];
}

/** Keras' call arguments after (query, value[, key]). */
export interface MultiHeadAttentionCallOptions {
  /** The key (default: value), as Keras' third argument. */
  key?: AnyTensor;
  /** Boolean or 0/1 mask [batch, T, S]: which key steps each query step may attend to. */
  attentionMask?: AnyTensor;
  /** Mask [batch, S] of the value's steps (Keras' value_mask). */
  valueMask?: AnyTensor;
  /** Mask [batch, S] of the key's steps (Keras' key_mask). */
  keyMask?: AnyTensor;
  /** Also return the attention scores [batch, heads, T, S]: `[output, scores]`. Default false. */
  returnAttentionScores?: boolean;
  /** Each query step attends only to key steps up to its own (a decoder). Default false. */
  useCausalMask?: boolean;
  training?: boolean;
}

type Role = "query" | "value" | "key" | "attentionMask" | "valueMask" | "keyMask";

/** Which tfjs input is which, and the flags of a call. */
interface CallSpec {
  roles: Role[];
  returnAttentionScores: boolean;
  useCausalMask: boolean;
  /** The value (and key) is the query tensor itself: the query's Keras mask is theirs too. */
  valueIsQuery: boolean;
  keyIsQuery: boolean;
}

const sameSpec = (a: CallSpec, b: CallSpec) => JSON.stringify(a) === JSON.stringify(b);
const prod = (v: number[]) => v.reduce((p, d) => p * d, 1);

export class MultiHeadAttentionLayer extends tf.layers.Layer {
  static className = "MultiHeadAttention";
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropout: number;
  readonly useBias: boolean;
  readonly outputShapeOption: number[] | null;
  readonly attentionAxesOption: number[] | null;
  readonly seed: number | undefined;
  readonly kernelInitializer;
  readonly biasInitializer;
  readonly kernelRegularizer;
  readonly biasRegularizer;
  readonly kernelConstraint;
  readonly biasConstraint;
  /** The spec of the call in a model (see the porting note). */
  callSpec: CallSpec | null;
  private current: CallSpec | null = null;
  private weightsByName: Record<string, tf.LayerVariable> = {};
  /** Axes attention runs over, in the projected [batch, ..., heads, dim] tensors. */
  private attentionAxes: number[] = [];

  constructor(config: Record<string, unknown>) {
    const o = config as unknown as MultiHeadAttentionOptions & { numHeads: number; keyDim: number; callSpec?: CallSpec };
    const where = "MultiHeadAttention";
    super(baseArgs(where, o));
    this.numHeads = positiveInteger(o.numHeads, where, "numHeads");
    this.keyDim = positiveInteger(o.keyDim, where, "keyDim");
    this.valueDim = o.valueDim == null ? this.keyDim : positiveInteger(o.valueDim, where, "valueDim");
    this.dropout = rate(o.dropout, where, "dropout");
    this.useBias = o.useBias ?? true;
    const os = o.outputShape == null ? null : typeof o.outputShape === "number" ? [o.outputShape] : o.outputShape;
    if (os && !(Array.isArray(os) && os.length > 0 && os.every((d) => Number.isInteger(d) && d > 0))) {
      throw new Error(`${where}: outputShape must be a positive integer or a list of them, got ${JSON.stringify(o.outputShape)}`);
    }
    this.outputShapeOption = os;
    const ax = o.attentionAxes == null ? null : typeof o.attentionAxes === "number" ? [o.attentionAxes] : o.attentionAxes;
    if (ax && !(Array.isArray(ax) && ax.length > 0 && ax.every((a) => Number.isInteger(a)))) {
      throw new Error(`${where}: attentionAxes must be an integer or a list of them, got ${JSON.stringify(o.attentionAxes)}`);
    }
    this.attentionAxesOption = ax;
    this.seed = o.seed ?? undefined;
    this.kernelInitializer = makeInitializer(o.kernelInitializer as never, "glorot_uniform", where, "kernelInitializer");
    this.biasInitializer = makeInitializer(o.biasInitializer as never, "zeros", where, "biasInitializer");
    this.kernelRegularizer = makeRegularizer(o.kernelRegularizer as never, where, "kernelRegularizer");
    this.biasRegularizer = makeRegularizer(o.biasRegularizer as never, where, "biasRegularizer");
    this.kernelConstraint = makeConstraint(o.kernelConstraint as never, where, "kernelConstraint");
    this.biasConstraint = makeConstraint(o.biasConstraint as never, where, "biasConstraint");
    this.callSpec = o.callSpec ?? null;
    this.supportsMasking = true;
  }

  /** Keras' call (used by callable.ts): `mha(query, value[, key], { attentionMask, returnAttentionScores, useCausalMask, ... })`. */
  kerasCallArguments(args: unknown[]): { inputs: AnyTensor[]; options: { training?: boolean }; kwargs: Record<string, unknown> } {
    const isTensor = (v: unknown): v is AnyTensor => v instanceof tf.SymbolicTensor || v instanceof tf.Tensor;
    const [query, value] = args as AnyTensor[];
    if (!isTensor(query) || !isTensor(value)) {
      throw new Error(`MultiHeadAttention "${this.name}": call it as mha(query, value) or mha(query, value, key), with tensors; got ${args.length} argument(s)`);
    }
    const third = args[2];
    const o = ((isTensor(third) ? args[3] : third) ?? {}) as MultiHeadAttentionCallOptions;
    const key = isTensor(third) ? third : o.key;
    const inputs: AnyTensor[] = [query, value];
    const roles: Role[] = ["query", "value"];
    for (const [role, t] of [["key", key], ["attentionMask", o.attentionMask], ["valueMask", o.valueMask], ["keyMask", o.keyMask]] as const) {
      if (t == null) continue;
      if (!isTensor(t)) throw new Error(`MultiHeadAttention "${this.name}": ${role} must be a tensor, got ${typeof t}`);
      inputs.push(t);
      roles.push(role);
    }
    const spec: CallSpec = {
      roles,
      returnAttentionScores: o.returnAttentionScores ?? false,
      useCausalMask: o.useCausalMask ?? false,
      valueIsQuery: value === query,
      keyIsQuery: (key ?? value) === query,
    };
    if (query instanceof tf.SymbolicTensor) {
      if (this.callSpec && !sameSpec(this.callSpec, spec)) {
        throw new Error(`MultiHeadAttention "${this.name}": called in a model with other inputs or options than before (${describe(this.callSpec)}, now ${describe(spec)}); tsdl replays one call form per layer, use another layer`);
      }
      this.callSpec = spec;
    }
    this.current = spec;
    return { inputs, options: { training: o.training }, kwargs: { mhaCall: spec } };
  }

  /** The call's spec: an eager call's own, else the model's; `building` for build and shapes during a call. */
  private spec(kwargs?: Record<string, unknown>, building = false): CallSpec {
    const s = (kwargs?.mhaCall as CallSpec | undefined) ?? (building ? this.current ?? this.callSpec : this.callSpec ?? this.current);
    if (!s) throw new Error(`MultiHeadAttention "${this.name}": call it as mha(query, value[, key], options)`);
    return s;
  }

  private shapes(inputShape: Shape | Shape[], spec: CallSpec): Record<Role, Shape | undefined> {
    const list = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as Shape[];
    const out = {} as Record<Role, Shape | undefined>;
    spec.roles.forEach((r, i) => (out[r] = list[i]));
    return out;
  }

  build(inputShape: Shape | Shape[]): void {
    const spec = this.spec(undefined, true);
    const s = this.shapes(inputShape, spec);
    const query = s.query!;
    const value = s.value!;
    const key = s.key ?? value;
    if (JSON.stringify(value.slice(1, -1)) !== JSON.stringify(key.slice(1, -1))) {
      throw new Error(`MultiHeadAttention "${this.name}": all dimensions of value and key but the last must be equal, got value shape ${shapeText(value)} and key shape ${shapeText(key)}`);
    }
    if (query.length < 3) throw new Error(`MultiHeadAttention "${this.name}": the query must be at least 3D [batch, T, dim], got shape ${shapeText(query)}`);
    const last = (v: Shape, what: string) => {
      const d = v[v.length - 1];
      if (d == null) throw new Error(`MultiHeadAttention "${this.name}": the last axis of the ${what} must be known, got shape ${shapeText(v)}`);
      return d;
    };
    const rank = query.length + 1; // the projected [batch, ..., heads, dim]
    const axes = this.attentionAxesOption ?? Array.from({ length: rank - 3 }, (_, i) => i + 1);
    this.attentionAxes = axes.map((a) => (a >= 0 ? a : rank - 1 + a));
    if (!this.attentionAxes.every((a) => a >= 1 && a <= rank - 3) || new Set(this.attentionAxes).size !== axes.length) {
      throw new Error(`MultiHeadAttention "${this.name}": attentionAxes ${JSON.stringify(this.attentionAxesOption)} must be axes between the batch and the last axis of a query of shape ${shapeText(query)}`);
    }
    const [n, k, v] = [this.numHeads, this.keyDim, this.valueDim];
    const out = this.outputShapeOption ?? [last(query, "query")];
    const add = (name: string, shape: number[], isKernel: boolean) => {
      this.weightsByName[name] = this.addWeight(name, shape, "float32", isKernel ? this.kernelInitializer : this.biasInitializer, isKernel ? this.kernelRegularizer : this.biasRegularizer, true, isKernel ? this.kernelConstraint : this.biasConstraint);
    };
    for (const [name, d, size] of [["query", last(query, "query"), k], ["key", last(key, "key"), k], ["value", last(value, "value"), v]] as const) {
      add(`${name}/kernel`, [d, n, size], true);
      if (this.useBias) add(`${name}/bias`, [n, size], false);
    }
    add("attention_output/kernel", [n, v, ...out], true);
    if (this.useBias) add("attention_output/bias", out, false);
    // Keras builds a Softmax and a Dropout layer here, which take the next automatic names.
    autoName("Softmax");
    autoName("Dropout");
    this.built = true;
  }

  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const spec = this.spec(undefined, true);
    const s = this.shapes(inputShape, spec);
    const query = s.query!;
    const value = s.value!;
    const out = [...query.slice(0, -1), ...(this.outputShapeOption ?? [query[query.length - 1]])];
    if (!spec.returnAttentionScores) return out;
    const rank = query.length + 1;
    const axes = this.attentionAxes.length ? this.attentionAxes : Array.from({ length: rank - 3 }, (_, i) => i + 1);
    const batchAxes = [...Array(rank - 1).keys()].filter((a) => !axes.includes(a));
    const projected = (v: Shape) => [...v.slice(0, -1), this.numHeads];
    return [out, [...batchAxes.map((a) => projected(query)[a]), ...axes.map((a) => query[a]), ...axes.map((a) => value[a])]];
  }

  computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    const m = (Array.isArray(mask) ? mask[0] : mask) ?? null;
    return (this.spec().returnAttentionScores ? [m, null] : m) as unknown as tf.Tensor; // null: no mask
  }

  /** x [..., d] · kernel [d, ...out] (+ bias [...out]) -> [..., ...out]. */
  private project(x: tf.Tensor, name: string, inDims: number): tf.Tensor {
    const kernel = this.weightsByName[`${name}/kernel`].read();
    const lead = x.shape.slice(0, x.rank - inDims);
    const outShape = kernel.shape.slice(inDims);
    let y = tf.matMul(tf.reshape(x, [prod(lead), prod(x.shape.slice(x.rank - inDims))]), tf.reshape(kernel, [prod(kernel.shape.slice(0, inDims)), prod(outShape)]));
    const bias = this.weightsByName[`${name}/bias`];
    if (bias) y = tf.add(y, tf.reshape(bias.read(), [prod(outShape)]));
    return tf.reshape(y, [...lead, ...outShape]);
  }

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const spec = this.spec(kwargs);
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const t = {} as Record<Role, tf.Tensor | undefined>;
      spec.roles.forEach((r, i) => (t[r] = list[i]));
      const queryMask = takeMask(kwargs);
      const training = kwargs.training === true;
      const query = t.query!;
      const value = t.value!;
      const key = t.key ?? value;
      const q = tf.mul(this.project(query, "query", 1), 1 / Math.sqrt(this.keyDim));
      const k = this.project(key, "key", 1);
      const v = this.project(value, "value", 1);
      const rank = q.rank;
      const axes = this.attentionAxes;
      const batchAxes = [...Array(rank - 1).keys()].filter((a) => !axes.includes(a));
      const perm = [...batchAxes, ...axes, rank - 1];
      const batchShape = batchAxes.map((a) => q.shape[a]);
      const tShape = axes.map((a) => q.shape[a]);
      const sShape = axes.map((a) => k.shape[a]);
      const flat = (x: tf.Tensor, steps: number[]) => tf.reshape(tf.transpose(x, perm), [prod(batchShape), prod(steps), x.shape[rank - 1]]);
      let logits = tf.matMul(flat(q, tShape), flat(k, sShape), false, true); // [batch..., T, S] flattened
      const mask = this.attentionMask(spec, t, queryMask, [...batchShape, ...tShape, ...sShape], tShape, sShape);
      // Keras' Softmax layer (dropout, returned scores, or not [batch, T, dim]) zeroes fully masked rows;
      // TensorFlow's dot_product_attention does not.
      const softmaxLayer = this.dropout > 0 || spec.returnAttentionScores || rank !== 4;
      let scores: tf.Tensor;
      if (mask) {
        const m = tf.reshape(mask, logits.shape);
        logits = tf.where(m, logits, tf.fill(logits.shape, softmaxLayer ? -1e9 : -0.7 * 3.38953e38));
        scores = tf.softmax(logits);
        if (softmaxLayer) scores = tf.where(m, scores, tf.zerosLike(scores));
      } else {
        scores = tf.softmax(logits);
      }
      let weights = scores;
      if (training && this.dropout > 0) weights = tf.mul(scores, dropoutMask(scores.shape, this.dropout, this.seed));
      const flatV = flat(v, sShape);
      const attended = tf.reshape(tf.matMul(weights, flatV), [...batchShape, ...tShape, this.valueDim]);
      const inverse = perm.map((_, i) => perm.indexOf(i));
      const combined = tf.transpose(attended, inverse); // [batch, ..., heads, valueDim]
      const output = this.project(combined, "attention_output", 2);
      if (!spec.returnAttentionScores) return output;
      return [output, tf.reshape(scores, [...batchShape, ...tShape, ...sShape])];
    });
  }

  /** Keras' _compute_attention_mask, broadcast to the scores' shape [batch dims..., T..., S...], or null. */
  private attentionMask(spec: CallSpec, t: Record<Role, tf.Tensor | undefined>, queryMask: tf.Tensor | undefined, scoresShape: number[], tShape: number[], sShape: number[]): tf.Tensor | null {
    const n = this.attentionAxes.length;
    const parts: tf.Tensor[] = [];
    const scoresRank = scoresShape.length;
    // A mask over query steps [batch, T...] -> [batch, 1..., T..., 1...]; over key steps -> [batch, 1..., 1..., S...].
    const expandTo = (m: tf.Tensor) => {
      let x = boolMask(m);
      while (x.rank < scoresRank) x = tf.expandDims(x, -2 * n - 1);
      return x;
    };
    const stepsMask = (m: tf.Tensor, of: "query" | "key") => {
      let x = boolMask(m);
      const trailing = Array(n).fill(1);
      x = tf.reshape(x, of === "query" ? [...x.shape, ...trailing] : [...x.shape.slice(0, x.rank - n), ...trailing, ...x.shape.slice(x.rank - n)]);
      return expandTo(x);
    };
    if (queryMask) parts.push(stepsMask(queryMask, "query"));
    const valueMask = t.valueMask ?? (spec.valueIsQuery ? queryMask : undefined);
    if (valueMask) parts.push(stepsMask(valueMask, "key"));
    const keyMask = t.keyMask ?? (t.key && spec.keyIsQuery ? queryMask : undefined);
    if (keyMask) parts.push(stepsMask(keyMask, "key"));
    if (spec.useCausalMask) {
      const T = prod(tShape);
      const S = prod(sShape);
      const causal = tf.greaterEqual(tf.reshape(tf.range(0, T), [T, 1]), tf.reshape(tf.range(0, S), [1, S]));
      parts.push(expandTo(tf.reshape(causal, [...tShape, ...sShape])));
    }
    if (t.attentionMask) parts.push(expandTo(t.attentionMask));
    if (!parts.length) return null;
    let all = parts[0];
    for (const p of parts.slice(1)) all = tf.logicalAnd(all, p);
    return tf.broadcastTo(all, scoresShape);
  }

  getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      dropout: this.dropout,
      useBias: this.useBias,
      outputShape: this.outputShapeOption,
      attentionAxes: this.attentionAxesOption,
      seed: this.seed ?? null,
      kernelInitializer: serialize(this.kernelInitializer),
      biasInitializer: serialize(this.biasInitializer),
      kernelRegularizer: serialize(this.kernelRegularizer),
      biasRegularizer: serialize(this.biasRegularizer),
      kernelConstraint: serialize(this.kernelConstraint),
      biasConstraint: serialize(this.biasConstraint),
      callSpec: this.callSpec as unknown as tf.serialization.ConfigDictValue,
    } as tf.serialization.ConfigDict;
  }
}
tf.serialization.registerClass(MultiHeadAttentionLayer);

function shapeText(s: Shape): string {
  return `[${s.map((d) => (d == null ? "null" : d)).join(", ")}]`;
}

function describe(s: CallSpec): string {
  const flags = [s.valueIsQuery && "value is the query", s.returnAttentionScores && "returnAttentionScores", s.useCausalMask && "useCausalMask"].filter(Boolean);
  return `inputs ${s.roles.join(", ")}${flags.length ? `; ${flags.join(", ")}` : ""}`;
}

/** MultiHeadAttention as Keras calls it: `mha(query, value)`, `mha(query, value, key)`, with call options. */
export type MultiHeadAttentionCallable = Callable<MultiHeadAttentionLayer> & {
  (query: tf.SymbolicTensor, value: tf.SymbolicTensor, options?: MultiHeadAttentionCallOptions): tf.SymbolicTensor & tf.SymbolicTensor[];
  (query: tf.SymbolicTensor, value: tf.SymbolicTensor, key: tf.SymbolicTensor, options?: MultiHeadAttentionCallOptions): tf.SymbolicTensor & tf.SymbolicTensor[];
  (query: tf.Tensor, value: tf.Tensor, options?: MultiHeadAttentionCallOptions): tf.Tensor & tf.Tensor[];
  (query: tf.Tensor, value: tf.Tensor, key: tf.Tensor, options?: MultiHeadAttentionCallOptions): tf.Tensor & tf.Tensor[];
};

/** `layers.MultiHeadAttention(numHeads, keyDim, { valueDim, dropout, useBias, outputShape, attentionAxes })`, or the options-only form. */
export function MultiHeadAttention(numHeads: number | (MultiHeadAttentionOptions & { numHeads: number; keyDim: number }), keyDim?: number, options: MultiHeadAttentionOptions = {}): MultiHeadAttentionCallable {
  const o = typeof numHeads === "object" ? numHeads : { ...options, numHeads, keyDim };
  return callable(new MultiHeadAttentionLayer(o as Record<string, unknown>)) as unknown as MultiHeadAttentionCallable;
}
