// A model's training step without tfjs' gradient tape, for a chain of layers whose backward pass tsdl
// knows (a Sequential model, or a functional one whose layers each take the one before: chainOf, as
// predict's plan): fit's step for an MLP of Dense, BatchNormalization, relu, Dropout and Flatten layers.
//
// tfjs records every kernel of the forward pass on a tape, then walks it back: for seed 003's MLP
// (about 30 kernels a step) the recording, the walk and the closures cost ~100 µs of a 1 ms step, and
// tfjs-layers' apply ~10 µs a layer more. The plan runs the same kernels in a fixed order instead:
//   - forward, layer by layer, each stage keeping what its gradient needs (a Dense's input and output,
//     a BatchNormalization's statistics); a plain relu after a BatchNormalization or a linear Dense
//     goes inside that layer's kernel;
//   - the loss from the last Dense's product z: its activation (a softmax holding z as its logits,
//     logits.ts), the weightless layers after it and compile's loss, and dLoss/dz: from the loss itself
//     where it knows it (a softmax cross-entropy of the held logits, averaged: 1/n for each sample, then
//     the cross-entropy kernel's gradient; compile_utils' lossWithGradient), else from a tape of the
//     loss's own few kernels (any loss, sample weights and all);
//   - backward, stage by stage, through the kernels' own registered gradients (dense_training.ts,
//     fused_kernels.ts), the input's gradient only where a layer before needs it;
//   - the optimizer's applyGradients with the gradients in the order minimize would give them.
// The kernels are the tape path's, so the step's numbers are the same (test/keras/models/
// training_plan.test.ts compares the weights after training both ways).
//
// Anything else trains through the tape (trainStep in training.ts): other graphs, other layers,
// frozen layers, regularizers (their penalties need the tape), loss scaling, other backends.
import tf from "../../tfjs.cjs";
import { denseTraining, denseTrainingGrad } from "../../backend/dense_training.js";
import { batchNormTrainingGrad, fusedKernelsRegistered, reluGrad } from "../../backend/fused_kernels.js";
import { withItsLogits } from "../activations.js";
import { forgetLogits, logitsOf } from "../logits.js";
import { denseClass, type TfDense } from "../layers/dense.js";
import { fixedClass, type TfBatchNorm } from "../layers/batch_normalization.js";
import { dropoutClass, type TfDropout } from "../layers/dropout.js";
import { activityRegularizerOf } from "../penalties.js";
import { chainOf } from "./inference_plan.js";

type Layer = tf.layers.Layer;

/** One step of the forward pass that the plan differentiates itself. */
type Stage =
  | { kind: "flatten" }
  | { kind: "dropout"; layer: TfDropout }
  | { kind: "relu" }
  | { kind: "dense"; layer: TfDense; relu: boolean }
  | { kind: "batchNorm"; layer: TfBatchNorm; relu: boolean };

/** What a stage's forward pass kept for its backward pass. */
interface Saved {
  x: tf.Tensor;
  y: tf.Tensor;
  kernel?: tf.Tensor;
  mask?: tf.Tensor;
  gamma?: tf.Tensor;
  mean?: tf.Tensor;
  variance?: tf.Tensor;
}

/**
 * compile's loss of the model's output: `withTape` under the tape (any loss), or `withGradient`, the
 * loss and its gradient with respect to `wrt` without one, where the loss knows it (undefined where not).
 */
export interface LossOf {
  withTape(output: tf.Tensor): tf.Scalar;
  withGradient(output: tf.Tensor, wrt: tf.Tensor): { value: tf.Scalar; gradient: tf.Tensor } | undefined;
}

export interface TrainingPlan {
  /**
   * One step: the forward pass, compile's loss of the model's output and its gradient (`loss`), the
   * backward pass, `optimizer.applyGradients`. Returns the loss.
   */
  step(x: tf.Tensor, loss: LossOf, optimizer: tf.Optimizer, variables: readonly tf.Variable[]): tf.Scalar;
}

/**
 * Steps trained through a plan, and those of them whose loss gave its gradient without a tape (tests
 * read them), and a switch to train through the tape instead (tests compare the two).
 */
export const trainingPlans = { steps: 0, knownLossGradient: 0, enabled: true };

/** Whether `layer` is relu and nothing else: Activation("relu"), or ReLU() with its defaults. */
export function plainRelu(layer: Layer | undefined): boolean {
  if (!layer) return false;
  const l = layer as unknown as { activation?: { getClassName(): string }; maxValue?: number | null; negativeSlope?: number; threshold?: number };
  switch (layer.getClassName()) {
    case "Activation":
      return l.activation?.getClassName().toLowerCase() === "relu";
    case "ReLU":
      return l.maxValue == null && l.negativeSlope === 0 && l.threshold === 0;
    default:
      return false;
  }
}

/** Weightless layers that may follow the last Dense (they run with the loss, under its tape). */
const HEAD_LAYERS = new Set(["Activation", "ReLU", "Softmax", "LeakyReLU", "ELU"]);

const activationOf = (d: TfDense) => d.activation.getClassName().toLowerCase();
/** The tfjs variable's name of a layer's weight (what applyGradients is keyed by). */
const nameOf = (w: tf.LayerVariable | tf.Tensor) => (w instanceof tf.Tensor ? (w as tf.Variable) : (w.read() as tf.Variable)).name;

/** The plan for `model` as it is now, or undefined where its step needs the tape. */
export function trainingPlan(model: tf.LayersModel, variables: readonly tf.Variable[]): TrainingPlan | undefined {
  if (!trainingPlans.enabled || tf.getBackend() !== "wasm" || !fusedKernelsRegistered()) return undefined;
  const layers = chainOf(model);
  if (!layers) return undefined;
  const cached = plans.get(model);
  const plan = cached && sameLayers(cached.layers, layers) ? cached.plan : makePlan(model, layers);
  if (!cached || cached.plan !== plan) plans.set(model, { layers: layers.map((l) => [l, l.trainable]), plan });
  if (!plan) return undefined;
  // The variables fit trains are exactly the plan's (a weight made trainable or frozen on its own since).
  if (variables.length !== plan.variables.size || !variables.every((v) => plan.variables.has(v.name))) return undefined;
  if (layers.some((l) => (l.losses as unknown[]).length > 0)) return undefined; // a regularizer added since
  return plan;
}

const plans = new WeakMap<tf.LayersModel, { layers: [Layer, boolean][]; plan: (TrainingPlan & { variables: Set<string> }) | undefined }>();

const sameLayers = (was: [Layer, boolean][], now: Layer[]) => was.length === now.length && was.every(([l, t], i) => l === now[i] && l.trainable === t);

function makePlan(model: tf.LayersModel, body: Layer[]): (TrainingPlan & { variables: Set<string> }) | undefined {
  const input = model.inputs[0];
  if (model.inputs.length !== 1 || model.outputs.length !== 1 || !input || input.dtype !== "float32") return undefined;
  const Dense = denseClass();
  const Dropout = dropoutClass();
  const BatchNorm = fixedClass();
  let rank = input.shape.length;
  const stages: Stage[] = [];
  let lastDense = -1;
  body.forEach((l, i) => l instanceof Dense && (lastDense = i));
  if (lastDense < 0) return undefined;
  for (let i = 0; i <= lastDense; i++) {
    const layer = body[i];
    if (!layer.trainable || activityRegularizerOf(layer) || (layer.losses as unknown[]).length > 0) return undefined;
    if (layer instanceof Dense) {
      const d = layer as unknown as TfDense;
      const act = activationOf(d);
      if (rank !== 2 || !d.kernel || (d.kernel.read().dtype as string) !== "float32") return undefined;
      if (i < lastDense && act !== "relu" && act !== "linear") return undefined;
      // A plain relu right after a linear Dense goes inside its product.
      const relu = i < lastDense && (act === "relu" || (act === "linear" && plainRelu(body[i + 1]) && i + 1 < lastDense));
      stages.push({ kind: "dense", layer: d, relu });
      if (act === "linear" && relu) i++;
    } else if (layer instanceof BatchNorm) {
      const bn = layer as unknown as TfBatchNorm;
      if (rank < 2 || (bn.axis !== -1 && bn.axis !== rank - 1) || !bn.fusedTraining) return undefined;
      const relu = plainRelu(body[i + 1]) && i + 1 < lastDense;
      stages.push({ kind: "batchNorm", layer: bn, relu });
      if (relu) i++;
    } else if (layer instanceof Dropout) {
      const d = layer as unknown as TfDropout;
      if (d.rate > 0 && d.noiseShape != null) return undefined; // (tfjs' dropout, not tsdl's mask kernel)
      if (d.rate > 0) stages.push({ kind: "dropout", layer: d });
    } else if (layer.getClassName() === "Flatten") {
      if ((layer as unknown as { dataFormat?: string }).dataFormat === "channelsFirst") return undefined;
      stages.push({ kind: "flatten" });
      rank = 2;
    } else if (plainRelu(layer)) {
      stages.push({ kind: "relu" });
    } else {
      return undefined;
    }
  }
  const head = body.slice(lastDense + 1);
  if (!head.every((l) => HEAD_LAYERS.has(l.getClassName()) && l.getWeights().length === 0 && !activityRegularizerOf(l))) return undefined;
  const last = stages[stages.length - 1] as Extract<Stage, { kind: "dense" }>;
  const variables = new Set<string>();
  for (const s of stages) {
    if (s.kind === "dense") {
      variables.add(nameOf(s.layer.kernel));
      if (s.layer.useBias && s.layer.bias) variables.add(nameOf(s.layer.bias));
    } else if (s.kind === "batchNorm") {
      if (s.layer.scale && s.layer.gamma) variables.add(nameOf(s.layer.gamma));
      if (s.layer.center && s.layer.beta) variables.add(nameOf(s.layer.beta));
    }
  }
  // The first stage whose input's gradient is wanted: after the first layer with weights.
  const firstWeighted = stages.findIndex((s) => s.kind === "dense" || s.kind === "batchNorm");

  const forward = (s: Stage, x: tf.Tensor): Saved | undefined => {
    switch (s.kind) {
      case "flatten":
        return { x, y: x.rank === 2 ? x : tf.reshape(x, [x.shape[0], -1]) };
      case "relu":
        return { x, y: tf.relu(x) };
      case "dropout": {
        const mask = s.layer.trainingMask(x);
        return mask && { x, y: tf.mul(x, mask), mask };
      }
      case "dense": {
        const kernel = s.layer.kernel.read();
        const bias = s.layer.useBias && s.layer.bias ? s.layer.bias.read() : undefined;
        const y = denseTraining(x, kernel, bias, s.relu ? "relu" : "linear");
        return y && { x, y, kernel };
      }
      case "batchNorm": {
        const r = s.layer.fusedTraining!(x, s.relu);
        return r && { x, y: r.y, gamma: r.gamma, mean: r.mean, variance: r.variance };
      }
    }
  };

  const backward = (s: Stage, v: Saved, dy: tf.Tensor, grads: Map<string, tf.Tensor>, wantInput: boolean): tf.Tensor | undefined => {
    switch (s.kind) {
      case "flatten":
        return wantInput ? tf.reshape(dy, v.x.shape) : undefined;
      case "relu":
        return wantInput ? reluGrad(dy, v.y) : undefined;
      case "dropout":
        return wantInput ? tf.mul(dy, v.mask!) : undefined;
      case "dense": {
        const bias = s.layer.useBias && s.layer.bias ? s.layer.bias : undefined;
        const g = denseTrainingGrad(dy, v.x, v.kernel!, v.y, s.relu ? "relu" : "linear", bias !== undefined, wantInput);
        grads.set(nameOf(v.kernel!), g.kernel);
        if (bias) grads.set(nameOf(bias), g.bias!);
        return g.x;
      }
      case "batchNorm": {
        const [dx, dgamma, dbeta] = batchNormTrainingGrad(dy, v.x, v.gamma!, v.y, v.mean!, v.variance!, s.layer.epsilon, s.relu);
        if (s.layer.scale && s.layer.gamma) grads.set(nameOf(s.layer.gamma), dgamma);
        if (s.layer.center && s.layer.beta) grads.set(nameOf(s.layer.beta), dbeta);
        return dx;
      }
    }
  };

  /**
   * The model's output from the last Dense's product, as Dense and the layers after it make it in
   * training; `owned`: the output may hold z itself as its logits (else a clone of it).
   */
  const output = (z: tf.Tensor, owned: boolean): tf.Tensor => {
    const act = activationOf(last.layer);
    let h = act === "linear" ? z : act === "softmax" || act === "sigmoid" ? withItsLogits(act, z, owned) : last.layer.activation.apply(z);
    for (const l of head) h = l.apply(h, { training: true }) as tf.Tensor;
    return h;
  };

  return {
    variables,
    step(x, loss, optimizer, vars) {
      trainingPlans.steps++;
      let value: tf.Scalar | undefined;
      const grads = tf.tidy(() => {
        const saved: Saved[] = [];
        let h = x;
        for (const s of stages) {
          const v = forward(s, h);
          if (!v) throw new Error(`training plan: the ${s.kind} stage's kernel is not available`);
          saved.push(v);
          h = v.y;
        }
        // The loss and dLoss/dz: from the loss itself where it knows its gradient (the softmax
        // cross-entropy of a classifier), else under a tape of its own.
        const z = h;
        const out = output(z, true);
        let dy: tf.Tensor | undefined;
        const known = loss.withGradient(out, z);
        if (known) {
          trainingPlans.knownLossGradient++;
          value = tf.keep(known.value);
          dy = known.gradient;
        } else {
          // An output holding z itself as its logits lets go of them (the tape's output holds them);
          // one holding a clone (an Activation layer's) frees it with itself.
          if (logitsOf(out)?.logits === z) forgetLogits(out);
          if (out !== z) out.dispose();
          const r = tf.engine().gradients(() => loss.withTape(output(z, true)), [z]);
          value = tf.keep(r.value);
          dy = r.grads[0];
        }
        const byName = new Map<string, tf.Tensor>();
        for (let i = stages.length - 1; i >= 0 && dy; i--) dy = backward(stages[i], saved[i], dy, byName, i > firstWeighted);
        // In the order of the variables, as minimize hands them on (a global clipnorm sums them in it).
        const ordered: tf.NamedTensorMap = {};
        for (const v of vars) ordered[v.name] = byName.get(v.name)!;
        return ordered;
      });
      try {
        optimizer.applyGradients(grads);
      } finally {
        tf.dispose(Object.values(grads));
      }
      return value!;
    },
  };
}
