// tsdl's fused training kernels on the WebAssembly backend: native (the addon's, registered by
// native_kernels.ts) or, without the addon, the same functions in JavaScript (js_kernels.ts). Composed
// from tfjs ops, one batch-norm layer in training is ~15 kernels forward and ~30 backward, and an
// optimizer step 6-10 kernels per variable; here each is one pass over the data:
//
//   TsdlBatchNormTraining(x, gamma, beta) -> [y, mean, variance]   (statistics of the batch, biased
//     variance; x channels-last; y = relu(...) with attr relu, for a BN + ReLU pair of layers) with its
//     gradient TsdlBatchNormTrainingGrad -> [dx, dgamma, dbeta]
//   TsdlDropoutMask() -> a dropout mask (x * mask is tfjs' Multiply, with its gradient)
//   TsdlCrossEntropy(p, labels) -> per-sample Keras cross-entropy, gradient TsdlCrossEntropyGrad
//   TsdlAccuracy(p, labels) -> per-sample 1/0 (no gradient)
//   TsdlConv2DBiasRelu(x, filter, bias) -> relu(conv + bias) as one FusedConv2D call (oneDNN or
//     XNNPACK), gradient through TsdlReluGrad and the convolution's two gradient kernels
//   sgdInPlace / adamInPlace / lerpInPlace: optimizer updates and moving averages written into the
//     variables' memory, where no other tensor shares it.
//
// Each entry point returns undefined/false when it cannot run (another backend, no addon, a shared
// variable), and the caller takes the composed path, so results never depend on whether it ran.
import tf from "../tfjs.cjs";
import type { Addon } from "./native_kernels.js";
import { dataOf, floatOffset, heap, type WasmBackend } from "./wasm_backend.js";
import { Scratch } from "./wasm_kernels.js";
import { params } from "./native_params.js";
import { isView } from "./row_view.js";

/**
 * What the fused kernels call: the native addon, or js_kernels.ts. Where the set has no `binary` (the
 * JavaScript one), the relu gradient is two SIMD wasm kernels, dy * step(y), 6x faster than a loop.
 */
export type FusedKernelSet = Pick<Addon, "batchNormTrain" | "batchNormGrad" | "dropout" | "crossEntropy" | "crossEntropyGrad" | "accuracy" | "sgdUpdate" | "adamUpdate" | "lerpInto"> & Partial<Pick<Addon, "binary">>;

type TensorInfo = tf.TensorInfo;

const BN = "TsdlBatchNormTraining";
const BN_GRAD = "TsdlBatchNormTrainingGrad";
const DROPOUT_MASK = "TsdlDropoutMask";
const XENT = "TsdlCrossEntropy";
const XENT_GRAD = "TsdlCrossEntropyGrad";
const ACCURACY = "TsdlAccuracy";
const CONV = "TsdlConv2DBiasRelu";
/** The relu gradient kernel (dy where y > 0), for kernels that run it inside their own. */
export const RELU_GRAD = "TsdlReluGrad";

let addon: FusedKernelSet | undefined;

/** How often each fused path ran in this process (tests check that the fast path is the one taken). */
export const fusedCalls = { batchNorm: 0, dropout: 0, crossEntropy: 0, lerp: 0, sgd: 0, adam: 0 };

function channels(shape: number[]): [rows: number, c: number] {
  const c = shape[shape.length - 1];
  return [tf.util.sizeFromShape(shape) / c, c];
}

function batchNormKernel(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> }): TensorInfo[] {
  const { x, gamma, beta } = args.inputs;
  const b = args.backend as WasmBackend;
  const [rows, c] = channels(x.shape);
  const y = b.makeOutput(x.shape, "float32");
  const mean = b.makeOutput([c], "float32");
  const variance = b.makeOutput([c], "float32");
  addon!.batchNormTrain(heap(b), params(rows, c, args.attrs.epsilon as number, floatOffset(b, x), floatOffset(b, gamma), floatOffset(b, beta), floatOffset(b, y), floatOffset(b, mean), floatOffset(b, variance), +!!args.attrs.relu));
  return [y, mean, variance];
}

function batchNormGradKernel(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> }): TensorInfo[] {
  const { x, dy, gamma, mean, variance, y } = args.inputs; // y: the output, after a fused relu
  const b = args.backend as WasmBackend;
  const [rows, c] = channels(x.shape);
  const dx = b.makeOutput(x.shape, "float32");
  const dgamma = b.makeOutput([c], "float32");
  const dbeta = b.makeOutput([c], "float32");
  addon!.batchNormGrad(heap(b), params(rows, c, args.attrs.epsilon as number, floatOffset(b, x), floatOffset(b, dy), floatOffset(b, gamma), floatOffset(b, mean), floatOffset(b, variance), floatOffset(b, dx), floatOffset(b, dgamma), floatOffset(b, dbeta), y ? floatOffset(b, y) : -1));
  return [dx, dgamma, dbeta];
}

/** A dropout mask of `shape` (0 or 1/(1-rate)); no inputs, so not on the gradient tape. */
function dropoutMaskKernel(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> }): TensorInfo {
  const b = args.backend as WasmBackend;
  const shape = args.attrs.shape as number[];
  const mask = b.makeOutput(shape, "float32");
  addon!.dropout(heap(b), params(tf.util.sizeFromShape(shape), args.attrs.rate as number, args.attrs.seed as number, -1, -1, floatOffset(b, mask)));
  return mask;
}

type XentAttrs = { sparse: boolean; epsilon: number };

function crossEntropyParams(b: WasmBackend, inputs: Record<string, TensorInfo>, attrs: XentAttrs): number[] {
  const { p, labels } = inputs;
  const c = p.shape[p.shape.length - 1];
  return [tf.util.sizeFromShape(p.shape) / c, c, +attrs.sparse, attrs.epsilon, floatOffset(b, p), floatOffset(b, labels)];
}

function crossEntropyKernel(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> }): TensorInfo {
  const b = args.backend as WasmBackend;
  const out = b.makeOutput(args.inputs.p.shape.slice(0, -1), "float32");
  addon!.crossEntropy(heap(b), params(...crossEntropyParams(b, args.inputs, args.attrs as XentAttrs), floatOffset(b, out)));
  return out;
}

function crossEntropyGradKernel(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> }): TensorInfo {
  const b = args.backend as WasmBackend;
  const dp = b.makeOutput(args.inputs.p.shape, "float32");
  addon!.crossEntropyGrad(heap(b), params(...crossEntropyParams(b, args.inputs, args.attrs as XentAttrs), floatOffset(b, args.inputs.dy), floatOffset(b, dp)));
  return dp;
}

function accuracyKernel(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> }): TensorInfo {
  const b = args.backend as WasmBackend;
  const { p, labels } = args.inputs;
  const c = p.shape[p.shape.length - 1];
  const out = b.makeOutput(p.shape.slice(0, -1), "float32");
  addon!.accuracy(heap(b), params(tf.util.sizeFromShape(p.shape) / c, c, +(args.attrs as XentAttrs).sparse, floatOffset(b, p), floatOffset(b, labels), floatOffset(b, out), +(labels.dtype === "float32")));
  return out;
}

function reluGradKernel(args: { inputs: Record<string, TensorInfo>; backend: unknown }): TensorInfo {
  const b = args.backend as WasmBackend;
  const { dy, y } = args.inputs;
  const out = b.makeOutput(dy.shape, "float32");
  addon!.binary!(heap(b), params(4, tf.util.sizeFromShape(dy.shape), 0, floatOffset(b, dy), floatOffset(b, y), floatOffset(b, out)));
  return out;
}

function wasmReluGradKernel(args: { inputs: Record<string, TensorInfo>; backend: unknown }): TensorInfo {
  const s = new Scratch(args.backend);
  return s.keep(s.run("Multiply", { a: args.inputs.dy, b: s.run("Step", { x: args.inputs.y }, { alpha: 0 }) }));
}

/** Registers the fused kernels on the wasm backend, computed by `a` (native or JavaScript). */
export function registerFusedKernels(a: FusedKernelSet): void {
  addon = a;
  for (const [kernelName, kernelFunc] of [
    [BN, batchNormKernel],
    [BN_GRAD, batchNormGradKernel],
    [DROPOUT_MASK, dropoutMaskKernel],
    [XENT, crossEntropyKernel],
    [XENT_GRAD, crossEntropyGradKernel],
    [ACCURACY, accuracyKernel],
    [RELU_GRAD, a.binary ? reluGradKernel : wasmReluGradKernel],
    [CONV, (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> }) => tf.getKernel("FusedConv2D", "wasm")!.kernelFunc(args as never)],
  ] as const) {
    if (tf.getKernel(kernelName, "wasm")) tf.unregisterKernel(kernelName, "wasm");
    tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  overrideReluGradient();
  if (!tf.getGradient(BN)) {
    tf.registerGradient({
      kernelName: BN,
      inputsToSave: ["x", "gamma"],
      outputsToSave: [true, true, true],
      gradFunc: (dys, saved, attrs) => {
        const [x, gamma, y, mean, variance] = saved;
        const dy = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor;
        // All three at once, here: tfjs calls each input's function in a tidy of its own, which would
        // dispose the other two. Those no input asks for are freed with the rest of the backward pass.
        // After a fused relu the kernel takes relu's gradient from the output y first.
        const inputs: tf.NamedTensorMap = { x, dy, gamma, mean, variance };
        if ((attrs as { relu?: boolean }).relu) inputs.y = y;
        const [dx, dgamma, dbeta] = tf.engine().runKernel(BN_GRAD, inputs, attrs as never) as tf.Tensor[];
        return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
      },
    });
  }
  if (!tf.getGradient(CONV)) {
    // y = relu?(conv(x, W) + bias): the activation's gradient in one pass, then the convolution's.
    tf.registerGradient({
      kernelName: CONV,
      inputsToSave: ["x", "filter"],
      outputsToSave: [true],
      gradFunc: (dy, saved, attrs) => {
        const [x, filter, y] = saved;
        const a = attrs as { strides: [number, number]; pad: "same" | "valid"; activation: string; dimRoundingMode?: "floor" };
        const conv = { strides: a.strides, pad: a.pad, dataFormat: "NHWC", dilations: [1, 1], dimRoundingMode: a.dimRoundingMode };
        const d = a.activation === "relu" ? reluGrad(dy as tf.Tensor, y) : (dy as tf.Tensor);
        return {
          x: () => tf.engine().runKernel("Conv2DBackpropInput", { dy: d, filter }, { ...conv, inputShape: x.shape } as never) as tf.Tensor,
          filter: () => tf.engine().runKernel("Conv2DBackpropFilter", { x, dy: d }, { ...conv, filterShape: filter.shape } as never) as tf.Tensor,
          bias: () => tf.sum(d, [0, 1, 2]),
        };
      },
    });
  }
  if (!tf.getGradient(XENT)) {
    tf.registerGradient({
      kernelName: XENT,
      inputsToSave: ["p", "labels"],
      gradFunc: (dy, saved, attrs) => {
        const [p, labels] = saved;
        return {
          p: () => tf.engine().runKernel(XENT_GRAD, { p, labels, dy: dy as tf.Tensor }, attrs as never) as tf.Tensor,
          labels: () => tf.zerosLike(labels),
        };
      },
    });
  }
}

/** dy where relu's output y is above 0, else 0: one TsdlReluGrad pass (registered with the fused kernels). */
export function reluGrad(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(RELU_GRAD, { dy, y }) as tf.Tensor;
}

/** Whether the fused kernels (TsdlReluGrad among them) are registered on the wasm backend. */
export function fusedKernelsRegistered(): boolean {
  return tf.getKernel(RELU_GRAD, "wasm") !== undefined;
}

let tfjsReluGradient: tf.GradConfig | undefined;

/**
 * tf.relu's gradient on the wasm backend as one TsdlReluGrad pass, dy * (x > 0), where tfjs takes
 * three kernels (Step, Cast, Multiply): an Activation("relu") or ReLU layer's backward pass. Other
 * backends keep tfjs' own. (x > 0 exactly where relu(x) > 0; a NaN passes no gradient, as in
 * TensorFlow's ReluGrad.)
 */
function overrideReluGradient(): void {
  if (tfjsReluGradient) return;
  tfjsReluGradient = tf.getGradient("Relu");
  if (!tfjsReluGradient) return;
  const tfjs = tfjsReluGradient;
  tf.registerGradient({
    kernelName: "Relu",
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      if (!ready() || x.dtype !== "float32") return tfjs.gradFunc(dy, saved, attrs);
      return { x: () => reluGrad(dy as tf.Tensor, x) };
    },
  });
}

function ready(): WasmBackend | undefined {
  return addon && tf.getBackend() === "wasm" ? (tf.backend() as unknown as WasmBackend) : undefined;
}

/**
 * Batch normalization of channels-last `x` by its own batch statistics (then a relu, with `relu`), in one
 * fused kernel with a fused gradient; undefined where the kernel is not available (the caller composes
 * it from tfjs ops).
 */
export function batchNormTraining(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number, relu = false): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } | undefined {
  if (!ready() || x.dtype !== "float32" || x.rank < 2 || x.size === 0) return undefined;
  const [y, mean, variance] = tf.engine().runKernel(BN, { x, gamma, beta }, { epsilon, relu }) as tf.Tensor[];
  fusedCalls.batchNorm++;
  return { y, mean, variance };
}

/**
 * The gradient of batchNormTraining's y for upstream dy, from what its forward pass gave (x, the gamma
 * it used, y, the batch statistics): [dx, dgamma, dbeta] from the kernel's registered gradient, run
 * outside a tape (the training plan's backward pass).
 */
export function batchNormTrainingGrad(dy: tf.Tensor, x: tf.Tensor, gamma: tf.Tensor, y: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, epsilon: number, relu: boolean): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const g = tf.getGradient(BN)!.gradFunc([dy], [x, gamma, y, mean, variance], { epsilon, relu }) as Record<"x" | "gamma" | "beta", () => tf.Tensor>;
  return [g.x(), g.gamma(), g.beta()];
}

/**
 * A dropout mask for `shape` from the native (or JavaScript) kernel, each entry 0 or 1 / (1 - rate)
 * (`seed`, an integer below 2^53, picks it); Dropout multiplies its input by it, so that the gradient
 * is tfjs' own product rule. (A kernel giving x times the mask with the mask as a second output would
 * make tfjs build a zero gradient for that output in JavaScript at every step: 7 ms for a 32x30x30x32
 * batch.) Undefined where the kernel is not available.
 */
export function dropoutMask(shape: number[], rate: number, seed: number): tf.Tensor | undefined {
  if (!ready()) return undefined;
  fusedCalls.dropout++;
  return tf.engine().runKernel(DROPOUT_MASK, {}, { shape, rate, seed }) as tf.Tensor;
}

/**
 * Keras' cross-entropy of probability rows `p` [n, C] (renormalised, clipped to [epsilon, 1-epsilon]) per
 * sample, fused with its gradient. `labels`: one-hot rows [n, C], or class indices [n] (sparse).
 * Undefined where the kernel is not available.
 */
export function crossEntropy(p: tf.Tensor, labels: tf.Tensor, sparse: boolean, epsilon: number): tf.Tensor | undefined {
  if (!ready() || p.dtype !== "float32" || p.rank !== 2 || p.size === 0) return undefined;
  if (sparse ? labels.size !== p.shape[0] : !tf.util.arraysEqual(labels.shape, p.shape)) return undefined;
  fusedCalls.crossEntropy++;
  return tf.tidy(() => {
    const l = sparse ? tf.cast(tf.reshape(labels, [-1]), "int32") : tf.cast(labels, "float32");
    return tf.engine().runKernel(XENT, { p, labels: l }, { sparse, epsilon }) as tf.Tensor;
  });
}

/** Accuracy per sample (1 or 0) of probability rows against one-hot rows or class indices; undefined where not available. */
export function accuracy(p: tf.Tensor, labels: tf.Tensor, sparse: boolean): tf.Tensor | undefined {
  if (!ready() || p.dtype !== "float32" || p.rank !== 2 || p.size === 0) return undefined;
  if (sparse ? labels.size !== p.shape[0] : !tf.util.arraysEqual(labels.shape, p.shape)) return undefined;
  if (readAsStored(labels, sparse)) return tf.engine().runKernel(ACCURACY, { p, labels }, { sparse }) as tf.Tensor;
  return tf.tidy(() => tf.engine().runKernel(ACCURACY, { p, labels: tf.cast(labels, sparse ? "int32" : "float32") }, { sparse }) as tf.Tensor);
}

/**
 * Whether the accuracy and softmax cross-entropy kernels read `labels`' memory as it is, with no reshape
 * and no cast kernel: class indices int32 or float32 (converted as tfjs casts them), label rows float32.
 */
export function readAsStored(labels: tf.Tensor, sparse: boolean): boolean {
  return labels.dtype === "float32" || (sparse && labels.dtype === "int32");
}

/**
 * `activation(conv2d(x, filter) + bias)` for training, relu or linear, NHWC, undilated: one convolution
 * with the bias and relu fused in, and a gradient that takes relu's derivative in one pass.
 * Undefined where the kernel is not available (tfjs' fused.conv2d, which does not fuse under a gradient).
 */
export function conv2dBiasRelu(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor | undefined, strides: [number, number], pad: "same" | "valid", activation: "relu" | "linear"): tf.Tensor4D | undefined {
  if (!ready() || x.dtype !== "float32" || !bias || bias.size !== filter.shape[3]) return undefined;
  return tf.engine().runKernel(CONV, { x, filter, bias }, { strides, pad, dataFormat: "NHWC", dilations: [1, 1], activation }) as tf.Tensor4D;
}

/**
 * After writing a tensor's memory in place: gives it a new id in the wasm module, which drops what the
 * module cached for the old one (XNNPACK keeps each matmul/convolution operator, with its packed
 * weights, per weight tensor id, assuming tensors never change).
 */
function rekey(b: WasmBackend, tensors: tf.Tensor[]): void {
  for (const t of tensors) {
    const d = b.dataIdMap.get(t.dataId)!;
    b.wasm.tfjs.disposeData(d.id);
    d.id = b.dataIdNextNumber++;
    b.wasm.tfjs.registerTensor(d.id, t.size, d.memoryOffset);
  }
}

/**
 * What tells a tensor's contents apart over time beside its data id (which assign changes): on the
 * wasm backend the module's id for it, which every in-place write here changes (rekey); undefined on
 * other backends, where nothing writes in place.
 */
export function contentsId(t: tf.Tensor): number | undefined {
  if (tf.getBackend() !== "wasm") return undefined;
  return dataOf(tf.backend() as unknown as WasmBackend, t)?.id;
}

/** Heap offsets of `variables` if all can be written in place (float32, memory not shared). */
function writable(b: WasmBackend, variables: tf.Tensor[]): number[] | undefined {
  const out: number[] = [];
  for (const v of variables) {
    const d = dataOf(b, v);
    if (v.dtype !== "float32" || !d || d.refCount !== 1 || isView(v.dataId)) return undefined;
    out.push(d.memoryOffset / 4);
  }
  return out;
}

function readable(b: WasmBackend, t: tf.Tensor, size: number): number | undefined {
  const d = t.dtype === "float32" && t.size === size ? dataOf(b, t) : undefined;
  return d && d.memoryOffset / 4;
}

/** target <- target - (target - value) * weight, in place. */
export function lerpInPlace(target: tf.Variable, value: tf.Tensor, weight: number): boolean {
  const b = ready();
  const w = b && writable(b, [target]);
  const v = b && readable(b, value, target.size);
  if (!b || !w || v === undefined) return false;
  addon!.lerpInto(heap(b), params(target.size, weight, w[0], v));
  rekey(b, [target]);
  fusedCalls.lerp++;
  return true;
}

/** target[i] += values[i] * weights[i] for float32 scalars `values`, in place (fit's running totals). */
export function accumulateInPlace(target: tf.Tensor, values: tf.Tensor[], weights: number[]): boolean {
  const b = ready();
  const t = b && writable(b, [target]);
  const v = b && values.map((x) => readable(b, x, 1));
  if (!b || !t || !v || v.some((o) => o === undefined) || target.size !== values.length) return false;
  // w -= lr * g with lr = -weight: the momentum-free SGD step is an axpy.
  v.forEach((o, i) => addon!.sgdUpdate(heap(b), params(1, -weights[i], 0, 0, t[0] + i, -1, o!)));
  rekey(b, [target]);
  return true;
}

/** Keras' SGD step on `variable` (and its velocity when momentum > 0), in place. */
export function sgdInPlace(variable: tf.Variable, velocity: tf.Variable | undefined, grad: tf.Tensor, lr: number, momentum: number, nesterov: boolean): boolean {
  const b = ready();
  const w = b && writable(b, velocity ? [variable, velocity] : [variable]);
  const g = b && readable(b, grad, variable.size);
  if (!b || !w || g === undefined) return false;
  addon!.sgdUpdate(heap(b), params(variable.size, lr, momentum, +nesterov, w[0], w[1] ?? -1, g));
  rekey(b, velocity ? [variable, velocity] : [variable]);
  fusedCalls.sgd++;
  return true;
}

/** Keras' Adam step, w -= m * alpha / (sqrt(v) + epsilon) after the moment updates, in place. */
export function adamInPlace(variable: tf.Variable, m: tf.Variable, v: tf.Variable, grad: tf.Tensor, o: { alpha: number; beta1: number; beta2: number; epsilon: number }): boolean {
  const b = ready();
  const w = b && writable(b, [variable, m, v]);
  const g = b && readable(b, grad, variable.size);
  if (!b || !w || g === undefined) return false;
  // 1 - beta in double, as Keras and tfjs compute it (the kernel would round beta to float first).
  addon!.adamUpdate(heap(b), params(variable.size, o.alpha, o.beta1, o.beta2, o.epsilon, w[0], w[1], w[2], g, 1 - o.beta1, 1 - o.beta2));
  rekey(b, [variable, m, v]);
  fusedCalls.adam++;
  return true;
}
