// SGD with Keras' momentum, Nesterov momentum and time-based decay (tfjs' SGD has neither):
//
//   lr_t = lr / (1 + decay * t)                   (t = updates done so far)
//   v    = momentum * v - lr_t * g
//   w    = w + momentum * v - lr_t * g            (nesterov)
//   w    = w + v                                  (classic momentum; plain SGD when momentum = 0)
import * as tf from "@tensorflow/tfjs";
import { sgdInPlace } from "../../backend/fused_kernels.js";

export interface SGDOptions {
  /** Step size. Default 0.01. */
  learningRate?: number;
  /** Keras 2 spelling of learningRate. */
  lr?: number;
  /** Default 0 (plain SGD). */
  momentum?: number;
  /** Use Nesterov momentum. Default false. */
  nesterov?: boolean;
  /** Time-based learning-rate decay per update (Keras 2 `decay`). Default 0. */
  decay?: number;
}

/** A tensor with the name of the variable it belongs to (tfjs' optimizer interface). */
type NamedTensor = { name: string; tensor: tf.Tensor };

export class SGDOptimizer extends tf.Optimizer {
  static className = "KerasSGD";
  learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly decay: number;
  private readonly velocities = new Map<string, tf.Variable>();
  private updates = 0;

  constructor(options: SGDOptions = {}) {
    super();
    this.learningRate = learningRateOption("SGD", options, 0.01);
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.decay = options.decay ?? 0;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new Error(`SGD: momentum must be in [0, 1], got ${JSON.stringify(options.momentum)}`);
    if (!(this.decay >= 0)) throw new Error(`SGD: decay must be >= 0, got ${JSON.stringify(options.decay)}`);
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const pairs = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor] as const)
      : Object.entries(variableGradients);
    const lr = this.learningRate / (1 + this.decay * this.updates);
    for (const [name, grad] of pairs) {
      if (grad == null) continue;
      const variable = tf.engine().registeredVariables[name];
      let v = this.velocities.get(name);
      if (!v && this.momentum !== 0) {
        v = tf.tidy(() => tf.variable(tf.zerosLike(variable), false)); // the zeros are the variable's own
        this.velocities.set(name, v);
      }
      if (sgdInPlace(variable, v, grad, lr, this.momentum, this.nesterov)) continue;
      tf.tidy(() => {
        if (this.momentum === 0) {
          variable.assign(tf.sub(variable, tf.mul(grad, lr)));
          return;
        }
        const newV = tf.sub(tf.mul(v!, this.momentum), tf.mul(grad, lr));
        v!.assign(newV);
        const step = this.nesterov ? tf.sub(tf.mul(newV, this.momentum), tf.mul(grad, lr)) : newV;
        variable.assign(tf.add(variable, step));
      });
    }
    this.updates++;
    this.incrementIterations();
  }

  /** Updates applied so far (Keras' `optimizer.iterations`). */
  get iterations(): number {
    return this.updates;
  }

  dispose(): void {
    for (const v of this.velocities.values()) v.dispose();
    this.velocities.clear();
    super.dispose();
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov, decay: this.decay };
  }

  static fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls(config as never);
  }

  async getWeights(): Promise<NamedTensor[]> {
    return [...this.velocities.entries()].map(([name, tensor]) => ({ name: `${name}/momentum`, tensor }));
  }

  async setWeights(weights: NamedTensor[]): Promise<void> {
    for (const w of weights) {
      const name = w.name.replace(/\/momentum$/, "");
      this.velocities.get(name)?.dispose();
      this.velocities.set(name, tf.variable(w.tensor, false));
    }
  }
}
tf.serialization.registerClass(SGDOptimizer);

/** `optimizers.SGD({ lr: 0.01, momentum: 0.9, nesterov: true })`, as Keras (no `new`). */
/** `optimizers.SGD({ learningRate: 0.01, momentum: 0.9 })`, or `optimizers.SGD(0.01)` (Keras' positional form). */
export function SGD(optionsOrLr: SGDOptions | number = {}): SGDOptimizer {
  return new SGDOptimizer(typeof optionsOrLr === "number" ? { learningRate: optionsOrLr } : optionsOrLr);
}

/** `learningRate` or its Keras 2 alias `lr`, checked. */
export function learningRateOption(where: string, o: { learningRate?: number; lr?: number }, fallback: number): number {
  if (o.learningRate !== undefined && o.lr !== undefined && o.learningRate !== o.lr) {
    throw new Error(`${where}: give learningRate or lr, not both (got ${o.learningRate} and ${o.lr})`);
  }
  const lr = o.learningRate ?? o.lr ?? fallback;
  if (!(typeof lr === "number" && lr > 0 && Number.isFinite(lr))) throw new Error(`${where}: learningRate must be a positive number, got ${JSON.stringify(lr)}`);
  return lr;
}
