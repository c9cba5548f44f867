// A Sequential model's inference as few tfjs ops as it can be: what predict runs for every batch.
//
// Layer by layer, tfjs-layers' apply costs about 15 µs a call before any arithmetic, and an MLP's batch
// of 32 is only 150 µs of it. So predict makes a plan once per call, from the layers as they are then:
//   - Dense, then BatchNormalization (inference: an affine map per unit) folds into one product:
//       W' = W * s, b' = (b - movingMean) * s + beta, where s = gamma / sqrt(movingVariance + epsilon);
//   - a ReLU (plain: no maxValue, slope or threshold) or Activation("relu") after a Dense goes inside
//     its fused kernel, as does a Dense's own relu; a softmax follows as one op;
//   - Dropout and the noise layers are what they are at inference: nothing;
//   - Flatten (channels last) is one reshape;
//   - any other layer runs as itself (layer.apply with training false).
// A fused step whose input is not a float32 matrix runs its layers as themselves too. The folded weights
// are made when the plan is and freed with it, so a plan sees the weights of its own predict call.
import tf from "../../tfjs.cjs";

type Layer = tf.layers.Layer;
type Activation = { getClassName(): string; apply(x: tf.Tensor): tf.Tensor };

interface DenseLike extends Layer {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  useBias: boolean;
  activation: Activation;
}
interface BatchNormLike extends Layer {
  axis: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable | null;
  beta: tf.LayerVariable | null;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

export interface InferencePlan {
  run(x: tf.Tensor): tf.Tensor;
  /** Frees what the plan made (the folded weights). */
  dispose(): void;
}

/** Layers that compute nothing at inference. */
const IDENTITY_AT_INFERENCE = new Set(["Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout"]);

const className = (l: Layer) => l.getClassName();
const activationName = (a: Activation | undefined) => a?.getClassName?.().toLowerCase();

function isDense(l: Layer): l is DenseLike {
  const d = l as Partial<DenseLike>;
  return className(l) === "Dense" && d.kernel !== undefined && d.activation !== undefined;
}

/** A BatchNormalization over the last axis of a matrix (axis -1 or 1). */
function isFoldableBatchNorm(l: Layer | undefined): l is BatchNormLike {
  if (!l || className(l) !== "BatchNormalization") return false;
  const b = l as Partial<BatchNormLike>;
  return (b.axis === -1 || b.axis === 1) && b.movingMean !== undefined && b.movingVariance !== undefined;
}

/** A layer that is exactly relu: ReLU() with its defaults, or Activation("relu"). */
function isPlainRelu(l: Layer | undefined): boolean {
  if (!l) return false;
  if (className(l) === "ReLU") {
    const r = l as Layer & { maxValue?: number | null; negativeSlope?: number; threshold?: number };
    return r.maxValue == null && (r.negativeSlope ?? 0) === 0 && (r.threshold ?? 0) === 0;
  }
  return className(l) === "Activation" && activationName((l as Layer & { activation?: Activation }).activation) === "relu";
}

function isSoftmaxActivation(l: Layer | undefined): boolean {
  return !!l && className(l) === "Activation" && activationName((l as Layer & { activation?: Activation }).activation) === "softmax";
}

const asItself = (layers: Layer[]) => (h: tf.Tensor) => layers.reduce((a, l) => l.apply(a, { training: false }) as tf.Tensor, h);

/** The plan for these layers (a Sequential model's, InputLayer excluded), or undefined if one is not built. */
export function inferencePlan(layers: Layer[]): InferencePlan | undefined {
  if (!layers.every((l) => l.built)) return undefined;
  const made: tf.Tensor[] = [];
  const steps: ((h: tf.Tensor) => tf.Tensor)[] = [];
  try {
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i];
      if (IDENTITY_AT_INFERENCE.has(className(l))) continue;
      if (className(l) === "Flatten" && (l as Layer & { dataFormat?: string }).dataFormat !== "channelsFirst") {
        steps.push((h) => (h.rank === 2 ? h : tf.reshape(h, [h.shape[0], -1])));
        continue;
      }
      if (!isDense(l)) {
        steps.push(asItself([l]));
        continue;
      }
      const group: Layer[] = [l];
      const own = activationName(l.activation);
      let kernel = l.kernel.read();
      let bias: tf.Tensor | undefined = l.useBias && l.bias ? l.bias.read() : undefined;
      let act: "linear" | "relu" | "other" = own === "linear" || own === "relu" ? own : "other";
      const bn = layers[i + 1];
      if (act === "linear" && isFoldableBatchNorm(bn)) {
        group.push(bn);
        i++;
        [kernel, bias] = tf.tidy(() => {
          let s = tf.rsqrt(tf.add(bn.movingVariance.read(), bn.epsilon));
          if (bn.scale && bn.gamma) s = tf.mul(s, bn.gamma.read());
          let b = tf.mul(bias ? tf.sub(bias, bn.movingMean.read()) : tf.neg(bn.movingMean.read()), s);
          if (bn.center && bn.beta) b = tf.add(b, bn.beta.read());
          return [tf.mul(kernel, s), b];
        });
        made.push(kernel, bias!);
      }
      if (act === "linear" && isPlainRelu(layers[i + 1])) {
        group.push(layers[++i]);
        act = "relu";
      }
      let softmax = act === "other" && own === "softmax";
      if (act === "linear" && isSoftmaxActivation(layers[i + 1])) {
        group.push(layers[++i]);
        softmax = true;
      }
      const slow = asItself(group);
      const activation = act === "relu" ? "relu" : "linear";
      const other = act === "other" && !softmax ? l.activation : undefined;
      const k = kernel as tf.Tensor2D;
      const b = bias;
      steps.push((h) => {
        if (h.rank !== 2 || h.dtype !== "float32") return slow(h);
        let y: tf.Tensor = tf.fused.matMul({ a: h as tf.Tensor2D, b: k, bias: b, activation });
        if (softmax) y = tf.softmax(y);
        else if (other) y = other.apply(y);
        return y;
      });
    }
  } catch (e) {
    tf.dispose(made);
    throw e;
  }
  return {
    run: (x) => steps.reduce((h, step) => step(h), x),
    dispose: () => tf.dispose(made),
  };
}
