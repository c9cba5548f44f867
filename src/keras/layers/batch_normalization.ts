// BatchNormalization (Ioffe & Szegedy, 2015): normalise each feature by the batch's mean and variance in
// training, by moving averages of them in inference, then scale by gamma and shift by beta.
//
//   training:  y = gamma * (x - mean_B) / sqrt(var_B + epsilon) + beta
//              moving_mean     <- moving_mean * momentum + mean_B * (1 - momentum)
//              moving_variance <- moving_variance * momentum + var_B * (1 - momentum)
//   inference: y = gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta
//
// Porting note: var_B is the biased batch variance (divided by the batch size, as Keras 3 uses for the
// moving average). tfjs-layers 4.22 crashes in training when `center` or `scale` is false (it reads a
// gamma or beta that does not exist); this subclass fixes that and is registered under tfjs' class name,
// so saved models load with it.
import tf from "../../tfjs.cjs";
import { batchNormTraining, lerpInPlace } from "../../backend/fused_kernels.js";
import { callable, type Callable } from "../callable.js";
import { baseArgs, type BaseLayerOptions, initializer, type InitializerIdentifier, layerClass } from "./common.js";

export interface BatchNormalizationOptions extends BaseLayerOptions {
  /** The features axis (channels). Default -1 (last). */
  axis?: number;
  /** Weight of the old value in the moving averages. Default 0.99. */
  momentum?: number;
  /** Added to the variance before the square root. Default 1e-3. */
  epsilon?: number;
  /** Learn an offset beta. Default true. */
  center?: boolean;
  /** Learn a scale gamma. Default true. */
  scale?: boolean;
  /** Default "zeros". */
  betaInitializer?: InitializerIdentifier;
  /** Default "ones". */
  gammaInitializer?: InitializerIdentifier;
  /** Default "zeros". */
  movingMeanInitializer?: InitializerIdentifier;
  /** Default "ones". */
  movingVarianceInitializer?: InitializerIdentifier;
}

/** What tsdl reads of tfjs' BatchNormalization layer (also predict's inference plan). */
export interface TfBatchNorm extends tf.layers.Layer {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable | null;
  beta: tf.LayerVariable | null;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
  /** Training on the fused kernel (tsdl's class only): see fixedClass. */
  fusedTraining?(x: tf.Tensor, relu: boolean): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor; gamma: tf.Tensor } | undefined;
}

type BatchNormClass = new (args: Record<string, unknown>) => TfBatchNorm;

/** tsdl's BatchNormalization class, registered for loading saved models (idempotent). */
export const fixedClass = layerClass((): BatchNormClass => {
  const Base = tf.layers.batchNormalization({}).constructor as BatchNormClass;
  class BatchNormalization extends Base {
    static className = "BatchNormalization";
    /**
     * kwargs.fuseRelu (training.ts' forward pass, where a plain relu follows this layer): returns
     * relu(batch norm(x)), in training through one fused kernel each way.
     */
    call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
      const relu = kwargs.fuseRelu === true;
      // Keras 3: a frozen BatchNormalization (trainable = false) runs in inference mode, also in fit,
      // so fine-tuning a model around it keeps its statistics.
      const training = kwargs.training === true && this.trainable;
      if (!training) {
        const { fuseRelu: _, ...rest } = kwargs;
        const y = super.call(inputs, { ...rest, training: false }) as tf.Tensor;
        return relu ? tf.tidy(() => tf.relu(y)) : y;
      }
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const axis = this.axis < 0 ? x.rank + this.axis : this.axis;
        if (axis === x.rank - 1) {
          const fused = this.fusedTraining(x, relu);
          if (fused) return fused.y;
        }
        const reductionAxes = [...Array(x.rank).keys()].filter((a) => a !== axis);
        const { mean, variance } = tf.moments(x, reductionAxes, true);
        const flatMean = tf.reshape(mean, [x.shape[axis]]);
        const flatVariance = tf.reshape(variance, [x.shape[axis]]);
        const inv = tf.rsqrt(tf.add(variance, this.epsilon));
        let y = tf.mul(tf.sub(x, mean), this.scale && this.gamma ? tf.mul(inv, broadcast(this.gamma.read(), x.rank, axis)) : inv);
        if (this.center && this.beta) y = tf.add(y, broadcast(this.beta.read(), x.rank, axis));
        for (const [variable, value] of [
          [this.movingMean, flatMean],
          [this.movingVariance, flatVariance],
        ] as const) {
          const old = variable.read();
          variable.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - this.momentum)));
        }
        return relu ? tf.relu(y) : y;
      });
    }

    /**
     * The same computation in tsdl's fused kernel (wasm backend), moving averages updated, or undefined
     * where it is not available. Also the training plan's forward pass (training_plan.ts), which keeps
     * what the kernel's gradient needs: the statistics and the gamma it normalized with.
     */
    fusedTraining(x: tf.Tensor, relu: boolean): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor; gamma: tf.Tensor } | undefined {
      const c = x.shape[x.rank - 1];
      const gamma = this.scale && this.gamma ? this.gamma.read() : tf.ones([c]);
      const beta = this.center && this.beta ? this.beta.read() : tf.zeros([c]);
      const r = batchNormTraining(x, gamma, beta, this.epsilon, relu);
      if (!r) return undefined;
      for (const [variable, value] of [
        [this.movingMean, r.mean],
        [this.movingVariance, r.variance],
      ] as const) {
        if (lerpInPlace(variable.read() as tf.Variable, value, 1 - this.momentum)) continue;
        const old = variable.read();
        variable.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - this.momentum)));
      }
      return { ...r, gamma };
    }
  }
  return BatchNormalization;
});

function broadcast(v: tf.Tensor, rank: number, axis: number): tf.Tensor {
  const shape = new Array(rank).fill(1);
  shape[axis] = v.shape[0];
  return tf.reshape(v, shape);
}

export function BatchNormalization(options: BatchNormalizationOptions = {}): Callable<tf.layers.Layer> {
  const where = "BatchNormalization";
  const momentum = options.momentum ?? 0.99;
  const epsilon = options.epsilon ?? 1e-3;
  if (!(momentum >= 0 && momentum <= 1)) throw new Error(`${where}: momentum must be in [0, 1], got ${JSON.stringify(options.momentum)}`);
  if (!(epsilon > 0)) throw new Error(`${where}: epsilon must be positive, got ${JSON.stringify(options.epsilon)}`);
  const Cls = fixedClass();
  return callable(
    new Cls({
      ...baseArgs("BatchNormalization", options),
      axis: options.axis ?? -1,
      momentum,
      epsilon,
      center: options.center ?? true,
      scale: options.scale ?? true,
      betaInitializer: initializer(options.betaInitializer, where, "betaInitializer") ?? "zeros",
      gammaInitializer: initializer(options.gammaInitializer, where, "gammaInitializer") ?? "ones",
      movingMeanInitializer: initializer(options.movingMeanInitializer, where, "movingMeanInitializer") ?? "zeros",
      movingVarianceInitializer: initializer(options.movingVarianceInitializer, where, "movingVarianceInitializer") ?? "ones",
    }),
  );
}
