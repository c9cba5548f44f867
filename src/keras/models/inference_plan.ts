// A model's inference as few tfjs ops as it can be: what predict runs for every batch, for a Sequential
// model or a functional one whose layers form a chain (each takes the one before it).
//
// Layer by layer, tfjs-layers' apply costs about 15 µs a call before any arithmetic, and an MLP's batch
// of 32 is only 150 µs of it. So predict makes a plan, from the layers as they are then:
//   - a Dense takes the BatchNormalization (inference: an affine map per feature) right after it into
//     its product, W' = W * s and b' = (b - movingMean) * s + beta where s = gamma / sqrt(movingVariance
//     + epsilon), and one right before it (through a Flatten), W' = diag(s) W and b' = b + (beta -
//     movingMean * s) W, with s repeated over the flattened positions, when the call has enough samples
//     to pay for that fold (FOLD_SAMPLES_PER_UNIT);
//   - a ReLU (plain: no maxValue, slope or threshold) or Activation("relu") after a Dense goes inside
//     its fused kernel, as does a Dense's own relu; a softmax ends the native product (else one op after it);
//   - a Conv2D (relu or linear, ungrouped, undilated, channels last) is one inference convolution, the
//     native kernel where it is there, with the BatchNormalization after it (through Dropout, or through
//     a MaxPooling2D when every scale is positive) as its last step (convStep);
//   - Dropout and the noise layers are what they are at inference: nothing;
//   - Flatten (channels last) is one reshape;
//   - any other layer runs as itself (layer.apply with training false).
// The products call tfjs' fused matmul kernel themselves, on the [1, batch, features] operands it takes
// (tf.fused.matMul reshapes both operands and its result on every call), and hand their result on in
// that shape to the next product; any other step gets it back as a matrix.
// A fused step whose input is not float32, or not of the shape its folding assumed, runs its layers as
// themselves. The folded weights are made with the plan and freed with it; a model keeps its plan
// across predict calls for as long as its layers and weights stay as they were (plan_cache.ts).
import tf from "../../tfjs.cjs";
import type { TfBatchNorm } from "../layers/batch_normalization.js";
import type { TfDense } from "../layers/dense.js";
import type { TfConv } from "../layers/convolutional/base_conv.js";
import { fusedActivation } from "../layers/convolutional/conv_layer.js";
import { CONV_INFERENCE, MATMUL_INFERENCE } from "../../backend/native_kernels.js";

type Layer = tf.layers.Layer;
type Activation = { getClassName(): string; apply(x: tf.Tensor): tf.Tensor };
type Step = (h: tf.Tensor) => tf.Tensor;

export interface InferencePlan {
  run(x: tf.Tensor): tf.Tensor;
  /** Frees what the plan made (the folded weights). */
  dispose(): void;
  /** What the plan made (the folded weights), in sight of walks over the objects (the kernel's leak hint). */
  readonly tensors: readonly tf.Tensor[];
  /** The sample counts for which inferencePlan would choose the same folds: [least, first above). */
  readonly samples: readonly [number, number];
}

/**
 * The largest kernel folded (weights): a fold copies the kernel, once a predict call where the weights
 * change between calls (training), which for a kernel of 16 MB or less costs less than the batches
 * save; a larger Dense keeps its normalization apart.
 */
const MAX_FOLDED_WEIGHTS = 4 * 2 ** 20;

/** Layers that compute nothing at inference. */
const IDENTITY_AT_INFERENCE = new Set(["Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout"]);

const className = (l: Layer | undefined) => l?.getClassName();
const activationName = (a: Activation | undefined) => a?.getClassName?.().toLowerCase();

function isDense(l: Layer | undefined): l is TfDense {
  const d = l as Partial<TfDense> | undefined;
  return className(l) === "Dense" && d?.kernel !== undefined && d.activation !== undefined;
}

/** A BatchNormalization over the last axis (of the rank it was built for). */
function isLastAxisBatchNorm(l: Layer | undefined): l is TfBatchNorm {
  if (className(l) !== "BatchNormalization") return false;
  const b = l as Partial<TfBatchNorm>;
  const rank = (l as unknown as { inputSpec?: { ndim?: number }[] | null }).inputSpec?.[0]?.ndim;
  return (b.axis === -1 || (rank !== undefined && b.axis === rank - 1)) && b.movingMean !== undefined && b.movingVariance !== undefined;
}

function isChannelsLastFlatten(l: Layer | undefined): boolean {
  return className(l) === "Flatten" && (l as Layer & { dataFormat?: string }).dataFormat !== "channelsFirst";
}

/** A layer that is exactly relu: ReLU() with its defaults, or Activation("relu"). */
function isPlainRelu(l: Layer | undefined): boolean {
  if (className(l) === "ReLU") {
    const r = l as Layer & { maxValue?: number | null; negativeSlope?: number; threshold?: number };
    return r.maxValue == null && (r.negativeSlope ?? 0) === 0 && (r.threshold ?? 0) === 0;
  }
  return className(l) === "Activation" && activationName((l as Layer & { activation?: Activation }).activation) === "relu";
}

function isSoftmaxActivation(l: Layer | undefined): boolean {
  return className(l) === "Activation" && activationName((l as Layer & { activation?: Activation }).activation) === "softmax";
}

/** Products' outputs, [1, batch, features]: what the matrix [batch, features] is between two products. */
const rows = new WeakSet<tf.Tensor>();

/** A step's input as the layers see it: a product's output back as [batch, features]. */
function matrix(h: tf.Tensor): tf.Tensor {
  return rows.has(h) ? tf.reshape(h, h.shape.slice(1)) : h;
}

/** The steps that take a product's output as it is (the products); the plan gives every other a matrix. */
const takesRows = new WeakSet<Step>();

const asItself = (layers: Layer[]): Step => (h) => layers.reduce((a, l) => l.apply(a, { training: false }) as tf.Tensor, h);

/** BatchNormalization at inference as y = x * scale + shift (per feature). */
function affineOf(bn: TfBatchNorm): [tf.Tensor1D, tf.Tensor1D] {
  let s = tf.rsqrt(tf.add(bn.movingVariance.read(), bn.epsilon));
  if (bn.scale && bn.gamma) s = tf.mul(s, bn.gamma.read());
  let t = tf.neg(tf.mul(bn.movingMean.read(), s));
  if (bn.center && bn.beta) t = tf.add(t, bn.beta.read());
  return [s as tf.Tensor1D, t as tf.Tensor1D];
}

/**
 * The layers of a Sequential model, or of a functional model of one input and one output whose layers
 * each take the one before (InputLayer excluded); undefined for any other graph, and where a layer
 * makes a mask.
 */
export function chainOf(model: tf.LayersModel): Layer[] | undefined {
  const layers = model.layers.filter((l) => className(l) !== "InputLayer");
  // A mask (from Masking, or an Embedding with maskZero) travels with the graph, not with the plan.
  if (layers.some((l) => className(l) === "Masking" || (l as Layer & { maskZero?: boolean }).maskZero === true)) return undefined;
  if (model instanceof tf.Sequential) return layers;
  if (model.inputs.length !== 1 || model.outputs.length !== 1 || layers.length === 0) return undefined;
  const all = model.layers;
  for (let i = 1; i < all.length; i++) {
    const nodes = (all[i] as unknown as { inboundNodes: { inboundLayers: Layer[] }[] }).inboundNodes;
    if (nodes.length !== 1 || nodes[0].inboundLayers.length !== 1 || nodes[0].inboundLayers[0] !== all[i - 1]) return undefined;
  }
  return className(all[0]) === "InputLayer" && model.outputs[0].sourceLayer === all[all.length - 1] ? layers : undefined;
}

/**
 * A BatchNormalization folds into the Dense after it when the predict call has at least this many
 * samples per unit of that Dense: the fold is a pass over the kernel in JavaScript (some 15 ns a weight),
 * the normalization on its own one native pass over each sample's features (about 1 ns a feature). (Seed
 * 000's logistic model, 2 units, folds for any predict over 32 images or more; seed 002's Dense(512)
 * folds from 8,192 images on.)
 */
const FOLD_SAMPLES_PER_UNIT = 16;

/**
 * The plan for these layers (chainOf's), for a predict call over `samples` samples (Infinity when not
 * known), or undefined if a layer is not built yet.
 */
export async function inferencePlan(layers: Layer[], samples = Infinity): Promise<InferencePlan | undefined> {
  if (!layers.every((l) => l.built)) return undefined;
  const made: tf.Tensor[] = [];
  const steps: Step[] = [];
  let [least, above] = [0, Infinity];
  try {
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i];
      if (IDENTITY_AT_INFERENCE.has(className(l)!)) continue;
      // BatchNormalization [+ Flatten] + Dense: the normalization folds into the product's input side.
      const flat = isChannelsLastFlatten(layers[i + 1]) ? 1 : 0;
      const dense = layers[i + 1 + flat];
      if (isLastAxisBatchNorm(l) && isDense(dense)) {
        const features = dense.kernel.shape[0]!;
        const channels = l.movingMean.shape[0]!;
        const units = dense.kernel.shape[1]!;
        const fits = features % channels === 0 && (flat || features === channels) && features * units <= MAX_FOLDED_WEIGHTS;
        const enough = FOLD_SAMPLES_PER_UNIT * units;
        if (fits && samples < enough) above = Math.min(above, enough);
        if (fits && samples >= enough) {
          least = Math.max(least, enough);
          const [w, b] = await foldInputSide(l, dense, features, channels);
          made.push(w, b);
          const consumed = denseStep(layers, i + 1 + flat, w, b, made);
          const group = layers.slice(i, consumed.next);
          const slow = asItself(group);
          const fast = consumed.step;
          steps.push((h) => {
            if (h.dtype !== "float32" || h.shape[h.rank - 1] !== channels || h.size / h.shape[0] !== features || (!flat && h.rank !== 2)) return slow(h);
            return fast(h.rank === 2 ? h : tf.reshape(h, [h.shape[0], features]));
          });
          i = consumed.next - 1;
          continue;
        }
      }
      const conv = await convStep(layers, i, made);
      if (conv) {
        steps.push(conv.step);
        i = conv.next - 1;
        continue;
      }
      if (isChannelsLastFlatten(l)) {
        steps.push((h) => (h.rank === 2 ? h : tf.reshape(h, [h.shape[0], -1])));
        continue;
      }
      if (isDense(l)) {
        const consumed = denseStep(layers, i, l.kernel.read() as tf.Tensor2D, l.useBias && l.bias ? (l.bias.read() as tf.Tensor1D) : undefined, made);
        const slow = asItself(layers.slice(i, consumed.next));
        const step: Step = (h) => (rows.has(h) || (h.rank === 2 && h.dtype === "float32") ? consumed.step(h) : slow(h));
        takesRows.add(step);
        steps.push(step);
        i = consumed.next - 1;
        continue;
      }
      steps.push(asItself([l]));
    }
  } catch (e) {
    tf.dispose(made);
    throw e;
  }
  return {
    run: (x) => matrix(steps.reduce((h, step) => step(takesRows.has(step) ? h : matrix(h)), x)),
    dispose: () => tf.dispose(made),
    tensors: made,
    samples: [least, above],
  };
}

/** An ungrouped, undilated, channels-last Conv2D with a relu or linear activation. */
function isPlainConv2D(l: Layer | undefined): l is TfConv {
  const c = l as (TfConv & { dataFormat?: string; dilationRate?: number[]; padding?: string; strides?: number[] }) | undefined;
  return className(l) === "Conv2D" && c!.kernel !== undefined && c!.groups === 1 && c!.dataFormat !== "channelsFirst" && (c!.dilationRate ?? [1, 1]).every((d) => d === 1) && fusedActivation(c!) !== undefined;
}

function isChannelsLastMaxPool(l: Layer | undefined): boolean {
  return className(l) === "MaxPooling2D" && (l as Layer & { dataFormat?: string }).dataFormat !== "channelsFirst";
}

/**
 * A Conv2D (relu or linear) as one inference convolution (CONV_INFERENCE, the native kernel), taking in
 * a BatchNormalization after it: Conv2D [+ Dropout...] + BatchNormalization, or Conv2D + MaxPooling2D +
 * BatchNormalization where every scale is positive (then max(s*y + t) = s*max(y) + t per channel), the
 * normalization y * s + t as the convolution's last step, with no pass of its own. undefined where that
 * kernel is not there or the layer does not fit.
 */
async function convStep(layers: Layer[], at: number, made: tf.Tensor[]): Promise<{ step: Step; next: number } | undefined> {
  const conv = layers[at];
  if (!isPlainConv2D(conv) || !tf.getKernel(CONV_INFERENCE, tf.getBackend())) return undefined;
  let j = at + 1;
  while (IDENTITY_AT_INFERENCE.has(className(layers[j])!)) j++;
  const pool = isChannelsLastMaxPool(layers[j]) ? layers[j] : undefined;
  const bn = layers[pool ? j + 1 : j];
  let affine: [tf.Tensor, tf.Tensor] | undefined;
  if (isLastAxisBatchNorm(bn) && bn.movingMean.shape[0] === conv.filters) {
    affine = tf.tidy(() => affineOf(bn));
    if (pool && (await affine[0].data()).some((v) => !(v > 0))) {
      tf.dispose(affine);
      affine = undefined;
    }
  }
  if (affine) made.push(...affine);
  const next = affine ? (pool ? j + 1 : j) + 1 : at + 1;
  const c = conv as TfConv & { strides: number[]; padding: string };
  const kernel = conv.kernel.read();
  const bias = conv.useBias && conv.bias ? conv.bias.read() : undefined;
  const attrs = { strides: c.strides, pad: c.padding, dataFormat: "NHWC", dilations: [1, 1], activation: fusedActivation(conv)! };
  const inputs: Record<string, tf.Tensor> = { filter: kernel };
  if (bias) inputs.bias = bias;
  if (affine) [inputs.scale, inputs.shift] = affine;
  const channels = kernel.shape[2];
  const slow = asItself(layers.slice(at, next));
  return {
    next,
    step: (h) => {
      if (h.dtype !== "float32" || h.rank !== 4 || h.shape[3] !== channels) return slow(h);
      const y = tf.engine().runKernel(CONV_INFERENCE, { ...inputs, x: h }, attrs) as tf.Tensor;
      return affine && pool ? (pool.apply(y, { training: false }) as tf.Tensor) : y;
    },
  };
}

/**
 * A BatchNormalization (scale s, shift t per channel) before a Dense of `features` inputs, the channels
 * repeating along them (a Flatten between): W' = diag(s) W, b' = b + t W. Worked out here in JavaScript
 * (one pass over the kernel): tfjs' broadcasting and tiling take tens of milliseconds on a 150,528 x 2
 * kernel, more than the product they would save.
 */
async function foldInputSide(bn: TfBatchNorm, dense: TfDense, features: number, channels: number): Promise<[tf.Tensor2D, tf.Tensor1D]> {
  const [s, t] = tf.tidy(() => affineOf(bn));
  const units = dense.kernel.shape[1]!;
  const kernel = dense.kernel.read();
  const [k, sv, tv, bv] = await Promise.all([kernel.data(), s.data(), t.data(), dense.useBias && dense.bias ? dense.bias.read().data() : Promise.resolve(new Float32Array(units))]);
  tf.dispose([s, t]);
  const w = new Float32Array(features * units);
  const b = Float32Array.from(bv as Float32Array);
  for (let f = 0, c = 0; f < features; f++, c = c + 1 === channels ? 0 : c + 1) {
    const sc = sv[c];
    const tc = tv[c];
    for (let u = 0, o = f * units; u < units; u++, o++) {
      w[o] = k[o] * sc;
      b[u] += tc * k[o];
    }
  }
  return [tf.tensor2d(w, [features, units]), tf.tensor1d(b)];
}

/**
 * The Dense at `layers[at]` with this kernel and bias, taking in a BatchNormalization after it (when its
 * own activation is linear), then a plain relu or a softmax: its step on a float32 matrix (or a product's
 * [1, batch, features] output), and the index of the first layer it did not take.
 */
function denseStep(layers: Layer[], at: number, kernel: tf.Tensor2D, bias: tf.Tensor1D | undefined, made: tf.Tensor[]): { step: Step; next: number } {
  const dense = layers[at] as TfDense;
  const own = activationName(dense.activation);
  let next = at + 1;
  let act: "linear" | "relu" | "other" = own === "linear" || own === "relu" ? own : "other";
  let k = kernel;
  let b = bias;
  const bn = layers[next];
  if (act === "linear" && isLastAxisBatchNorm(bn) && bn.movingMean.shape[0] === k.shape[1] && k.size <= MAX_FOLDED_WEIGHTS) {
    next++;
    [k, b] = tf.tidy(() => {
      const [s, t] = affineOf(bn);
      return [tf.mul(k, s) as tf.Tensor2D, (b ? tf.add(tf.mul(b, s), t) : t) as tf.Tensor1D];
    });
    made.push(k, b);
  }
  if (act === "linear" && isPlainRelu(layers[next])) {
    next++;
    act = "relu";
  }
  let softmax = act === "other" && own === "softmax";
  if (act === "linear" && isSoftmaxActivation(layers[next])) {
    next++;
    softmax = true;
  }
  const other = act === "other" && !softmax ? dense.activation : undefined;
  const k3 = tf.reshape(k, [1, ...k.shape]);
  made.push(k3);
  const kernelName = tf.getKernel(MATMUL_INFERENCE, tf.getBackend()) ? MATMUL_INFERENCE : "_FusedMatMul";
  // The native inference product ends in the softmax itself; _FusedMatMul has none.
  const ownSoftmax = softmax && kernelName === MATMUL_INFERENCE;
  const activation = act === "relu" ? "relu" : ownSoftmax ? "softmax" : "linear";
  const attrs = { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0 };
  return {
    next,
    step: (h) => {
      const a = rows.has(h) ? h : tf.reshape(h, [1, ...h.shape]);
      let y = tf.engine().runKernel(kernelName, b ? { a, b: k3, bias: b } : { a, b: k3 }, attrs) as tf.Tensor;
      if (softmax && !ownSoftmax) y = tf.softmax(y);
      else if (other) y = other.apply(y);
      rows.add(y);
      return y;
    },
  };
}
