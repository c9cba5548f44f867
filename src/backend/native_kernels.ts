// tsdl's optional native kernels (native/, built against Debian's oneDNN by scripts/build-native.mjs),
// registered over the WebAssembly backend's kernels when the addon loads. They compute directly on the
// wasm heap, where tfjs keeps the tensors, with AVX-512 and no copies:
//   matrix products (oneDNN sgemm; predict's, MATMUL_INFERENCE, on every core from 2^20 multiply-adds),
//   Conv2D / FusedConv2D, predict's inference convolution and both
//   convolution gradients (oneDNN convolution primitives on NHWC), the depthwise convolution and its
//   gradients (native_depthwise.ts), MaxPool and its gradient, and tsdl's fused training kernels
//   (fused_kernels.ts: batch norm forward + gradient, optimizer updates in place).
// TSDL_NATIVE=0 turns them off. Without the addon the wasm kernels run, and the fused training kernels
// run in JavaScript (js_kernels.ts).
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import tf from "../tfjs.cjs";
import { channelsOf, kernel, replaceWasmKernel, Scratch, type KernelFunc } from "./wasm_kernels.js";
import { registerFusedKernels } from "./fused_kernels.js";
import { jsKernels } from "./js_kernels.js";
import { applyThreadBudget, threadBudget } from "./threads.js";
import { dataOf, floatOffset, heap, type WasmBackend } from "./wasm_backend.js";
import { params } from "./native_params.js";
import { registerNativeDepthwise } from "./native_depthwise.js";

type TensorInfo = tf.TensorInfo;
type NativeKernel = (heap: ArrayBuffer, params: Float64Array) => void;

export interface Addon {
  sgemm: NativeKernel;
  conv2d: NativeKernel;
  depthwiseConv2d: NativeKernel;
  maxPool: NativeKernel;
  maxPoolGrad: NativeKernel;
  batchNormTrain: NativeKernel;
  batchNormGrad: NativeKernel;
  batchNormInfer: NativeKernel;
  sgdUpdate: NativeKernel;
  adamUpdate: NativeKernel;
  lerpInto: NativeKernel;
  dropout: NativeKernel;
  sumRows: NativeKernel;
  binary: NativeKernel;
  unary: NativeKernel;
  crossEntropy: NativeKernel;
  crossEntropyGrad: NativeKernel;
  accuracy: NativeKernel;
  threads(n?: number): number;
  version(): string;
}

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const NATIVE_ADDON = join(packageRoot, "native", "build", "Release", "tsdl_native.node");

let loaded: { addon?: Addon; reason?: string } | undefined;

/** Loads the addon (once); `undefined` with the reason when it is not there or not wanted. */
export function loadNative(): { addon?: Addon; reason?: string } {
  loaded ??= load();
  return loaded;
}

function load(): { addon?: Addon; reason?: string } {
  if (process.env.TSDL_NATIVE === "0") return { reason: "TSDL_NATIVE=0" };
  if (!existsSync(NATIVE_ADDON)) return { reason: "not built (install Debian's libdnnl-dev, then npm run build)" };
  // OpenMP threads of oneDNN. Waiting threads sleep instead of spinning, so that between two kernels
  // they never take a core from the main thread (OMP_WAIT_POLICY chooses otherwise). As many as the
// process' thread budget (threads.ts: TSDL_THREADS, OMP_NUM_THREADS, the CPUs it may use).
  process.env.OMP_WAIT_POLICY ??= "PASSIVE";
  const budget = threadBudget(); // TSDL_THREADS / OMP_NUM_THREADS / the CPUs this process may use
  applyThreadBudget(budget);
  try {
    const addon = createRequire(import.meta.url)(NATIVE_ADDON) as Addon;
    addon.threads(budget.threads);
    return { addon };
  } catch (e) {
    return { reason: `failed to load: ${(e as Error).message.split("\n")[0]}` };
  }
}

/**
 * C = op(A)·op(B) (+ bias row, then relu or a softmax over each row) for float32 operands of any batch
 * rank (batches equal, or one side unbatched) as one native call; undefined for what it does not cover.
 */
function product(addon: Addon, args: Parameters<KernelFunc>[0], bias: TensorInfo | undefined, activation: "linear" | "relu" | "softmax", split = false): TensorInfo | undefined {
  const { a, b } = args.inputs;
  const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
  if (a.dtype !== "float32" || b.dtype !== "float32" || a.shape.length < 2 || b.shape.length < 2) return undefined;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const k2 = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const batchShapeA = a.shape.slice(0, -2);
  const batchShapeB = b.shape.slice(0, -2);
  const batchA = tf.util.sizeFromShape(batchShapeA);
  const batchB = tf.util.sizeFromShape(batchShapeB);
  const sameBatch = tf.util.arraysEqual(batchShapeA, batchShapeB);
  if (k !== k2 || !(sameBatch || batchA === 1 || batchB === 1) || m * n * k === 0) return undefined;
  if (bias && (bias.dtype !== "float32" || tf.util.sizeFromShape(bias.shape) !== n)) return undefined;
  const backend = args.backend as WasmBackend;
  const batchShape = batchShapeA.length >= batchShapeB.length ? batchShapeA : batchShapeB;
  const out = backend.makeOutput([...batchShape, m, n], "float32");
  addon.sgemm(heap(backend), params(+!!transposeA, +!!transposeB, m, n, k, floatOffset(backend, a), floatOffset(backend, b), floatOffset(backend, out), batchA, batchB, bias ? floatOffset(backend, bias) : -1, PRODUCT_ACTIVATION[activation], +split));
  return out;
}

/** native/matmul.cc's codes for the activation an sgemm ends with. */
const PRODUCT_ACTIVATION = { linear: 0, relu: 1, softmax: 2 } as const;

function nativeMatMul(addon: Addon, fallback: KernelFunc): KernelFunc {
  return (args) => product(addon, args, undefined, "linear") ?? fallback(args);
}

const ACTIVATION_KERNEL: Record<string, string | undefined> = { relu: "Relu", relu6: "Relu6", elu: "Elu", sigmoid: "Sigmoid", leakyrelu: "LeakyRelu", prelu: "Prelu", linear: undefined };

/**
 * Inference only (predict's plan): _FusedMatMul's inputs and attributes, plus activation "softmax" (over
 * the last axis, for a classifier's last Dense), and a product of the size of an MLP's layer on a batch
 * of 32 may use every core (native/matmul.cc's split_product, where that measured faster). No gradient:
 * the plan runs it off the tape.
 */
export const MATMUL_INFERENCE = "TsdlMatMulInference";

/**
 * Dense's forward pass: one oneDNN matmul with the bias and relu fused in; other activations run after
 * the native product. `inference` (MATMUL_INFERENCE): the product may split over the cores and may end
 * in a softmax.
 */
function nativeFusedMatMul(addon: Addon, fallback: KernelFunc, inference = false): KernelFunc {
  return (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs;
    const { activation, leakyreluAlpha, transposeA, transposeB } = args.attrs as { activation?: string; leakyreluAlpha?: number; transposeA?: boolean; transposeB?: boolean };
    const act = activation ?? "linear";
    const softmax = inference && act === "softmax";
    if (!(act in ACTIVATION_KERNEL || softmax) || a.dtype !== "float32") return fallback(args);
    if (act === "linear" || act === "relu" || softmax) {
      const out = product(addon, args, bias, act as "linear" | "relu" | "softmax", inference);
      if (out) return out;
    }
    const s = new Scratch(args.backend);
    let y = s.run("BatchMatMul", { a, b }, { transposeA, transposeB });
    if (bias) y = s.run("Add", { a: y, b: bias });
    if (softmax) return s.keep(s.run("Softmax", { logits: y }, { dim: -1 }));
    const k = ACTIVATION_KERNEL[act];
    if (k) y = s.run(k, k === "Prelu" ? { x: y, alpha: preluActivationWeights } : { x: y }, k === "LeakyRelu" ? { alpha: leakyreluAlpha ?? 0.2 } : {});
    return s.keep(y);
  };
}

/** Inference batch norm with per-channel (last axis) statistics, as tf.batchNorm gives them. */
function nativeFusedBatchNorm(addon: Addon, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const c = channelsOf(args.inputs);
    if (c === undefined) return fallback(args);
    const { x, mean, variance, offset, scale } = args.inputs;
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput(x.shape, "float32");
    const at = (t: TensorInfo | undefined) => (t ? floatOffset(backend, t) : -1);
    addon.batchNormInfer(heap(backend), params(tf.util.sizeFromShape(x.shape) / c, c, (args.attrs as { varianceEpsilon: number }).varianceEpsilon, at(x), at(mean), at(variance), at(offset), at(scale), at(out)));
    return out;
  };
}

export interface ConvAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | number[][];
  dataFormat?: string;
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/**
 * oneDNN's description of a tfjs convolution (a depthwise one's filter [KH, KW, C, M] gives C * M
 * output channels), or undefined where oneDNN would need what tfjs does not say (NCHW, a window that
 * ends before the input does: see below).
 */
export function convGeometry(xShape: number[], filterShape: number[], a: ConvAttrs, depthwise = false) {
  if (a.dataFormat !== undefined && a.dataFormat !== "NHWC") return undefined;
  const info = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], a.strides, a.dilations ?? 1, a.pad as "valid", a.dimRoundingMode, depthwise);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: OC, filterHeight: KH, filterWidth: KW } = info;
  const { strideHeight: SH, strideWidth: SW, dilationHeight: DH, dilationWidth: DW } = info;
  const { top, left } = info.padInfo;
  // oneDNN wants the right/bottom padding that makes the output size exact. Where the last window ends
  // before the input does (a 1x1 "same" convolution of stride 2 on an even size leaves the last row
  // unread) that padding is negative: oneDNN accepts it and computes the right numbers, but the test
  // process then crashed later (SIGSEGV, SIGABRT) in 3 runs of 3, and never without those cases, so such
  // convolutions go to the wasm kernels.
  const bottom = (OH - 1) * SH + (KH - 1) * DH + 1 - H - top;
  const right = (OW - 1) * SW + (KW - 1) * DW + 1 - W - left;
  if (bottom < 0 || right < 0 || top < 0 || left < 0 || N * OH * OW * OC === 0) return undefined;
  return [N, H, W, C, OH, OW, OC, KH, KW, SH, SW, DH, DW, top, left, bottom, right];
}

function nativeConv2D(addon: Addon, fallback: KernelFunc, fused: boolean): KernelFunc {
  return (args) => {
    const { x, filter, bias } = args.inputs;
    const a = args.attrs as unknown as ConvAttrs & { activation?: string };
    const act = a.activation ?? "linear";
    if (x.dtype !== "float32" || (fused && act !== "linear" && act !== "relu") || (fused && args.inputs.preluActivationWeights)) return fallback(args);
    const g = convGeometry(x.shape, filter.shape, a);
    if (!g) return fallback(args);
    const hasBias = fused && bias !== undefined && tf.util.sizeFromShape(bias.shape) === g[6];
    if (fused && bias !== undefined && !hasBias) return fallback(args); // a bias of another shape: broadcast by tfjs
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput([g[0], g[4], g[5], g[6]], "float32");
    addon.conv2d(heap(backend), params(0, ...g, +hasBias, +(act === "relu"), floatOffset(backend, x), floatOffset(backend, filter), hasBias ? floatOffset(backend, bias) : -1, floatOffset(backend, out)));
    return out;
  };
}

/**
 * Inference only (predict's plan): a convolution with its bias (optional) and relu or linear, and
 * optionally then y * scale + shift per output channel (a BatchNormalization after the layer), as one
 * oneDNN primitive made for inference, which keeps nothing for a gradient (seed 002's CNN, three
 * convolutions and two normalizations so: 19 -> 16.5 ms a batch of 32). Inputs x, filter, bias?, scale?, shift? (both or
 * neither); FusedConv2D's attributes. No gradient: the plan runs it off the tape. Outside what oneDNN
 * takes here, FusedConv2D then the multiply and the add.
 */
export const CONV_INFERENCE = "TsdlConv2DInference";

function nativeConv2DInference(addon: Addon): KernelFunc {
  return (args) => {
    const { x, filter, bias, scale, shift } = args.inputs;
    const a = args.attrs as unknown as ConvAttrs & { activation?: string };
    const act = a.activation ?? "linear";
    const g = x.dtype === "float32" && (act === "linear" || act === "relu") ? convGeometry(x.shape, filter.shape, a) : undefined;
    const oc = filter.shape[3];
    const perChannel = (t: TensorInfo | undefined) => t === undefined || (t.dtype === "float32" && tf.util.sizeFromShape(t.shape) === oc);
    if (!g || !perChannel(bias) || !perChannel(scale) || !perChannel(shift)) {
      const s = new Scratch(args.backend);
      const y = s.run("FusedConv2D", bias ? { x, filter, bias } : { x, filter }, args.attrs);
      return s.keep(scale && shift ? s.run("Add", { a: s.run("Multiply", { a: y, b: scale }), b: shift }) : y);
    }
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput([g[0], g[4], g[5], g[6]], "float32");
    const at = (t: TensorInfo) => floatOffset(backend, t);
    const affine = scale !== undefined && shift !== undefined;
    // The filter's wasm id: conv.cc keeps the filter in oneDNN's layout while it stays the same.
    const filterId = dataOf(backend, filter)?.id ?? -1;
    addon.conv2d(heap(backend), params(0, ...g, bias ? 1 : 0, +(act === "relu"), at(x), at(filter), bias ? at(bias) : -1, at(out), affine ? at(scale) : -1, affine ? at(shift) : -1, filterId));
    return out;
  };
}

function nativeConv2DBackpropInput(addon: Addon, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs;
    const a = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
    if (dy.dtype !== "float32") return fallback(args);
    const g = convGeometry(a.inputShape, filter.shape, a);
    if (!g) return fallback(args);
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput(a.inputShape, "float32");
    addon.conv2d(heap(backend), params(1, ...g, 0, 0, floatOffset(backend, out), floatOffset(backend, filter), -1, floatOffset(backend, dy)));
    return out;
  };
}

function nativeConv2DBackpropFilter(addon: Addon, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs;
    const a = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
    if (x.dtype !== "float32") return fallback(args);
    const g = convGeometry(x.shape, a.filterShape, a);
    if (!g) return fallback(args);
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput(a.filterShape, "float32");
    addon.conv2d(heap(backend), params(2, ...g, 0, 0, floatOffset(backend, x), floatOffset(backend, out), -1, floatOffset(backend, dy)));
    return out;
  };
}

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: "valid" | "same" | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function poolGeometry(xShape: number[], a: PoolAttrs) {
  const info = tf.backend_util.computePool2DInfo(xShape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return undefined;
  return [info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left];
}

function nativeMaxPool(addon: Addon, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs;
    const g = x.dtype === "float32" && x.shape.length === 4 ? poolGeometry(x.shape, args.attrs as unknown as PoolAttrs) : undefined;
    if (!g) return fallback(args);
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput([g[0], g[4], g[5], g[3]], "float32");
    addon.maxPool(heap(backend), params(...g, floatOffset(backend, x), floatOffset(backend, out)));
    return out;
  };
}

/** MaxPoolGrad (inputs dy, input, output): each output's gradient goes to its window's first maximum. */
function nativeMaxPoolGrad(addon: Addon, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { dy, input } = args.inputs;
    const g = input.dtype === "float32" && input.shape.length === 4 ? poolGeometry(input.shape, args.attrs as unknown as PoolAttrs) : undefined;
    if (!g) return fallback(args);
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput(input.shape, "float32");
    addon.maxPoolGrad(heap(backend), params(...g, floatOffset(backend, input), floatOffset(backend, dy), floatOffset(backend, out)));
    return out;
  };
}

/** Sum over leading axes (a bias gradient: [N, H, W, C] -> [C]), which the wasm Sum transposes first. */
function nativeSum(addon: Addon, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs;
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims?: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
    if (x.dtype !== "float32" || !leading || tf.util.sizeFromShape(x.shape) === 0) return fallback(args);
    const rest = x.shape.slice(axes.length);
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput(keepDims ? [...axes.map(() => 1), ...rest] : rest, "float32");
    addon.sumRows(heap(backend), params(tf.util.sizeFromShape(x.shape.slice(0, axes.length)), tf.util.sizeFromShape(rest), floatOffset(backend, x), floatOffset(backend, out)));
    return out;
  };
}

// Below this many elements the wasm kernels are as fast (the call costs more than the loop).
const ELEMENTWISE_MIN = 4096;

/** Add/Sub/Mul/RealDiv of float32 tensors of one shape, or with a scalar second operand. */
function nativeBinary(addon: Addon, op: number, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs;
    const n = tf.util.sizeFromShape(a.shape);
    const scalar = tf.util.sizeFromShape(b.shape) === 1 && b.shape.length <= a.shape.length;
    if (a.dtype !== "float32" || b.dtype !== "float32" || n < ELEMENTWISE_MIN || !(scalar || tf.util.arraysEqual(a.shape, b.shape))) return fallback(args);
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput(a.shape, "float32");
    addon.binary(heap(backend), params(op, n, +scalar, floatOffset(backend, a), floatOffset(backend, b), floatOffset(backend, out)));
    return out;
  };
}

function nativeUnary(addon: Addon, op: number, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs;
    const n = tf.util.sizeFromShape(x.shape);
    if (x.dtype !== "float32" || n < ELEMENTWISE_MIN) return fallback(args);
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput(x.shape, "float32");
    addon.unary(heap(backend), params(op, n, ((args.attrs as { alpha?: number } | undefined)?.alpha ?? 0), floatOffset(backend, x), floatOffset(backend, out)));
    return out;
  };
}

/** Registers the native kernels over the wasm ones; returns what was registered, or why not. */
export function registerNativeKernels(): { registered: boolean; description: string } {
  const { addon, reason } = loadNative();
  if (!addon) {
    registerFusedKernels(jsKernels);
    return { registered: false, description: `native kernels ${reason}; the fused training kernels run in JavaScript` };
  }
  replaceWasmKernel("BatchMatMul", nativeMatMul(addon, kernel("BatchMatMul")));
  replaceWasmKernel("_FusedMatMul", nativeFusedMatMul(addon, kernel("_FusedMatMul")));
  replaceWasmKernel(MATMUL_INFERENCE, nativeFusedMatMul(addon, kernel("_FusedMatMul"), true));
  replaceWasmKernel("FusedBatchNorm", nativeFusedBatchNorm(addon, kernel("FusedBatchNorm")));
  replaceWasmKernel("Conv2D", nativeConv2D(addon, kernel("Conv2D"), false));
  replaceWasmKernel("FusedConv2D", nativeConv2D(addon, kernel("FusedConv2D"), true));
  replaceWasmKernel(CONV_INFERENCE, nativeConv2DInference(addon));
  replaceWasmKernel("Conv2DBackpropInput", nativeConv2DBackpropInput(addon, kernel("Conv2DBackpropInput")));
  replaceWasmKernel("Conv2DBackpropFilter", nativeConv2DBackpropFilter(addon, kernel("Conv2DBackpropFilter")));
  registerNativeDepthwise(addon);
  replaceWasmKernel("MaxPool", nativeMaxPool(addon, kernel("MaxPool")));
  replaceWasmKernel("MaxPoolGrad", nativeMaxPoolGrad(addon, kernel("MaxPoolGrad")));
  replaceWasmKernel("Sum", nativeSum(addon, kernel("Sum")));
  (["Add", "Sub", "Multiply", "RealDiv"] as const).forEach((name, op) => replaceWasmKernel(name, nativeBinary(addon, op, kernel(name))));
  replaceWasmKernel("Relu", nativeUnary(addon, 0, kernel("Relu")));
  replaceWasmKernel("Step", nativeUnary(addon, 1, kernel("Step")));
  registerFusedKernels(addon);
  return { registered: true, description: `native ${addon.version()} kernels (matrix products, convolutions, depthwise convolutions, pooling, batch norm, dropout, cross-entropy, optimizer updates)` };
}
