// Normalization: (x - mean) / max(sqrt(variance), 1e-7), or its inverse mean + x * max(sqrt(var),
// 1e-7), with one mean and variance per index of the kept `axis` (default -1, the features), as
// Keras 3's keras/src/layers/preprocessing/normalization.py. The statistics are given (`mean`,
// `variance`) or learnt by `await layer.adapt(data)`: the mean and the biased variance over every
// other axis; over several batches combined as Keras does (weighted by their sizes, the variance by
// the lack-of-fit formula). Adapted statistics are Keras' weights mean, variance and count (int).
//
// Porting note: setWeights takes effect at once; Keras' Normalization keeps using the statistics of
// its last adapt() or load until finalize_state() (so set_weights alone changes nothing there).
import tf from "../../../tfjs.cjs";
import { callable, shapeText, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";

type Nested = number | Nested[];

export interface NormalizationOptions extends BaseLayerOptions {
  /** The axis (or axes) with their own mean and variance; null: one for everything. Default -1. */
  axis?: number | number[] | null;
  /** The mean(s), broadcast to the kept axes (with `variance`). Default: learnt by adapt(). */
  mean?: Nested;
  /** The variance(s), with `mean`. */
  variance?: Nested;
  /** Undo a normalization instead: mean + x * sqrt(variance). Default false. */
  invert?: boolean;
}

/** What adapt() takes: a tensor or nested array, an array of batches, or an (async) iterable of batches (a batch may be [x, y]). */
export type AdaptData =
  | tf.Tensor
  | Nested[]
  | tf.Tensor[]
  | Iterable<tf.Tensor | [tf.Tensor, ...unknown[]]>
  | AsyncIterable<tf.Tensor | [tf.Tensor, ...unknown[]]>;

interface NormalizationArgs extends BaseLayerOptions {
  axis: number[];
  mean?: Nested;
  variance?: Nested;
  invert: boolean;
}

const EPSILON = 1e-7; // Keras' backend.epsilon()

const shapeOf = (v: Nested): number[] => (Array.isArray(v) ? [v.length, ...(v.length ? shapeOf(v[0]) : [])] : []);

export class NormalizationLayer extends tf.layers.Layer {
  static className = "Normalization";
  readonly axis: number[];
  readonly inputMean: Nested | undefined;
  readonly inputVariance: Nested | undefined;
  readonly invert: boolean;
  private keepAxis: number[] = [];
  private reduceAxis: number[] = [];
  private broadcastShape: number[] = [];
  private statShape: number[] = [];
  private builtShape: (number | null)[] | undefined;
  private adaptMean: tf.LayerVariable | undefined;
  private adaptVariance: tf.LayerVariable | undefined;
  private buildingForAdapt = false;

  constructor(args: NormalizationArgs) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.axis = args.axis;
    this.inputMean = args.mean ?? undefined; // a loaded config has null
    this.inputVariance = args.variance ?? undefined;
    this.invert = args.invert;
    this.supportsMasking = true;
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const ndim = shape.length;
    if (this.axis.some((a) => a < -ndim || a >= ndim)) {
      throw new Error(`Normalization: every axis must be in [-${ndim}, ${ndim}) for inputs of rank ${ndim} (shape ${shapeText(shape)}), got axis ${JSON.stringify(this.axis)}`);
    }
    this.keepAxis = [...new Set(this.axis.map((a) => (a < 0 ? a + ndim : a)))].sort((a, b) => a - b);
    for (const d of this.keepAxis) {
      if (shape[d] == null) throw new Error(`Normalization: every kept axis must have a known size; axis ${d} of input shape ${shapeText(shape)} is unknown`);
    }
    this.reduceAxis = shape.map((_, d) => d).filter((d) => !this.keepAxis.includes(d));
    this.broadcastShape = shape.map((s, d) => (this.keepAxis.includes(d) ? (s as number) : 1));
    this.statShape = this.keepAxis.map((d) => shape[d] as number);
    this.builtShape = shape.slice();
    if (this.inputMean === undefined) {
      // Built by adapt(), outside the name scope tfjs opens when it builds a layer: the same names by hand.
      const name = (w: string) => (this.buildingForAdapt ? `${this.name}/${w}` : w);
      this.adaptMean = this.addWeight(name("mean"), this.statShape, "float32", tf.initializers.zeros(), undefined, false);
      this.adaptVariance = this.addWeight(name("variance"), this.statShape, "float32", tf.initializers.ones(), undefined, false);
      this.addWeight(name("count"), [], "int32", tf.initializers.zeros(), undefined, false); // Keras keeps it for old saved models
    } else {
      tf.dispose(this.givenStatistics()); // checks that the given values broadcast
    }
    this.built = true;
  }

  /** The given mean and variance as tensors of the broadcast shape (Keras: right-aligned to the kept axes). */
  private givenStatistics(): [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => {
      const ndim = this.broadcastShape.length;
      const place = (v: Nested): tf.Tensor => {
        const t = tf.tensor(v as number[]);
        if (t.rank === 0) return tf.broadcastTo(t, this.broadcastShape);
        const expanded = new Array<number>(ndim).fill(1);
        for (let i = 1; i <= t.rank; i++) expanded[this.keepAxis[this.keepAxis.length - i]] = t.shape[t.rank - i];
        try {
          return tf.broadcastTo(tf.reshape(t, expanded), this.broadcastShape);
        } catch {
          throw new Error(`Normalization: mean and variance of shape [${t.shape}] do not broadcast to the kept axes' shape [${this.statShape}]`);
        }
      };
      return [place(this.inputMean!), place(this.inputVariance!)];
    });
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = tf.cast(Array.isArray(inputs) ? inputs[0] : inputs, "float32");
      const [mean, variance] = this.inputMean !== undefined
        ? this.givenStatistics()
        : [tf.reshape(this.adaptMean!.read(), this.broadcastShape), tf.reshape(this.adaptVariance!.read(), this.broadcastShape)];
      const scale = tf.maximum(tf.sqrt(variance), EPSILON);
      return this.invert ? tf.add(mean, tf.mul(x, scale)) : tf.div(tf.sub(x, mean), scale);
    });
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  /**
   * Learns the mean and variance from `data`: a tensor (or nested array) of samples, an array of
   * batches, or an (async) iterable of batches, each a tensor or [x, y]. Builds the layer if needed.
   */
  async adapt(data: AdaptData): Promise<void> {
    if (this.inputMean !== undefined) throw new Error(`Normalization "${this.name}": adapt() learns the mean and variance, but this layer was given them`);
    let mean: tf.Tensor | undefined;
    let variance: tf.Tensor | undefined;
    let count = 0;
    try {
      for await (const { tensor, owned } of batches(data)) {
        try {
          this.checkAdaptShape(tensor.shape);
          const [m, v, c] = this.merge(mean, variance, count, tensor);
          tf.dispose([mean, variance]);
          [mean, variance, count] = [m, v, c];
        } finally {
          if (owned) tensor.dispose();
        }
      }
      if (!mean) throw new Error(`Normalization "${this.name}": adapt() got no data (an empty array or iterable); pass a tensor or batches of samples`);
      tf.tidy(() => {
        this.adaptMean!.write(tf.reshape(mean!, this.statShape));
        this.adaptVariance!.write(tf.reshape(variance!, this.statShape));
      });
    } finally {
      tf.dispose([mean, variance]);
    }
  }

  private checkAdaptShape(shape: number[]): void {
    if (!this.built) {
      this.buildingForAdapt = true;
      try {
        this.build(shape);
      } finally {
        this.buildingForAdapt = false;
      }
      // As tfjs' first eager call: the layer is in use once, so layer.dispose() frees its weights.
      const self = this as unknown as { _refCount: number | null };
      if (self._refCount === null) self._refCount = 1;
      return;
    }
    if (shape.length !== this.builtShape!.length || this.keepAxis.some((d) => shape[d] !== this.builtShape![d])) {
      throw new Error(`Normalization "${this.name}": the layer was built for input shape ${shapeText(this.builtShape!)}, but adapt() got data of shape ${shapeText(shape)}`);
    }
  }

  /** Keras' running combination of a batch's mean and variance with the totals so far. */
  private merge(mean: tf.Tensor | undefined, variance: tf.Tensor | undefined, count: number, batch: tf.Tensor): [tf.Tensor, tf.Tensor, number] {
    const batchCount = this.reduceAxis.reduce((p, d) => p * batch.shape[d], 1); // 1 with nothing to reduce, as Keras
    const total = count + batchCount;
    const w = batchCount / total;
    return tf.tidy(() => {
      const x = tf.cast(batch, "float32");
      const { mean: bm, variance: bv } = this.reduceAxis.length ? tf.moments(x, this.reduceAxis) : { mean: x, variance: tf.zerosLike(x) };
      const m0 = mean ?? tf.zeros(this.statShape);
      const v0 = variance ?? tf.zeros(this.statShape);
      const newMean = tf.add(tf.mul(m0, 1 - w), tf.mul(bm, w));
      const newVar = tf.add(
        tf.mul(tf.add(v0, tf.square(tf.sub(m0, newMean))), 1 - w),
        tf.mul(tf.add(bv, tf.square(tf.sub(bm, newMean))), w),
      );
      return [newMean, newVar, total] as [tf.Tensor, tf.Tensor, number];
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      axis: this.axis,
      invert: this.invert,
      mean: (this.inputMean ?? null) as tf.serialization.ConfigDictValue,
      variance: (this.inputVariance ?? null) as tf.serialization.ConfigDictValue,
    };
  }
}
tf.serialization.registerClass(NormalizationLayer);

/** The batches of adapt()'s data; `owned` ones (made here from arrays) are freed after use. */
async function* batches(data: AdaptData): AsyncGenerator<{ tensor: tf.Tensor; owned: boolean }> {
  const one = (b: unknown): { tensor: tf.Tensor; owned: boolean } => {
    const x = Array.isArray(b) && b[0] instanceof tf.Tensor ? b[0] : b;
    if (x instanceof tf.Tensor) return { tensor: x, owned: false };
    if (Array.isArray(x)) return { tensor: tf.tensor(x as number[]), owned: true };
    throw new Error(`Normalization: adapt() batches must be tensors (or [x, y] pairs), got ${x === null ? "null" : typeof x}`);
  };
  if (data instanceof tf.Tensor) {
    yield { tensor: data, owned: false };
  } else if (Array.isArray(data)) {
    if (data.length && data[0] instanceof tf.Tensor) for (const b of data) yield one(b);
    else if (data.length) yield { tensor: tf.tensor(data as number[]), owned: true };
  } else if (data != null && typeof (data as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    for await (const b of data as AsyncIterable<unknown>) yield one(b);
  } else if (data != null && typeof (data as Iterable<unknown>)[Symbol.iterator] === "function") {
    for (const b of data as Iterable<unknown>) yield one(b);
  } else {
    throw new Error(`Normalization: adapt() takes a tensor, an array, or an iterable of batches, got ${data === null ? "null" : typeof data}`);
  }
}

function axisOption(v: unknown): number[] {
  if (v === null) return [];
  if (v === undefined) return [-1];
  if (Number.isInteger(v)) return [v as number];
  if (Array.isArray(v) && v.every((a) => Number.isInteger(a))) return v.slice();
  throw new Error(`Normalization: axis must be an integer, an array of integers or null, got ${JSON.stringify(v)}`);
}

/** `Normalization()`, `Normalization({ axis: -1 })`, `Normalization({ mean: 3, variance: 2 })`; then `await layer.adapt(data)`. */
export function Normalization(options: NormalizationOptions = {}): Callable<NormalizationLayer> {
  const axis = axisOption(options.axis);
  const { mean, variance } = options;
  if ((mean === undefined) !== (variance === undefined)) {
    throw new Error(`Normalization: give both mean and variance, or neither (and adapt()); got mean ${JSON.stringify(mean)} and variance ${JSON.stringify(variance)}`);
  }
  if (mean !== undefined) {
    const [ms, vs] = [shapeOf(mean), shapeOf(variance!)];
    if (JSON.stringify(ms) !== JSON.stringify(vs)) throw new Error(`Normalization: mean and variance must have the same shape, got [${ms}] and [${vs}]`);
    if (ms.length > axis.length) throw new Error(`Normalization: the rank of mean (${ms.length}) must be at most the number of axes (${axis.length}), axis ${JSON.stringify(options.axis ?? -1)}`);
  }
  return callable(new NormalizationLayer({ ...baseArgs("Normalization", options), axis, mean, variance: variance, invert: options.invert ?? false }));
}
