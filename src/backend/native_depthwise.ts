// The depthwise convolution (DepthwiseConv2D, SeparableConv2D) and its two gradients on oneDNN's
// grouped convolution (native/conv.cc's depthwiseConv2d), over the wasm backend's kernels: XNNPACK's
// forward pass, and wasm_depthwise_kernels.ts' gradients, which are correct but build intermediates of
// the batch's size times the channels (keras.io's "Image classification from scratch", 180x180 images
// at a batch of 8: 3.5 GiB of wasm heap with them, 2.3 GiB with oneDNN's).
// Anything oneDNN is not given here (NCHW, other dtypes, padding tfjs' arithmetic does not make exact)
// goes to the kernel it replaces.
import tf from "../tfjs.cjs";
import { kernel, replaceWasmKernel, type KernelFunc } from "./wasm_kernels.js";
import { floatOffset, heap, type WasmBackend } from "./wasm_backend.js";
import { params } from "./native_params.js";
import { convGeometry, type Addon, type ConvAttrs } from "./native_kernels.js";

type TensorInfo = tf.TensorInfo;
const FORWARD = 0;
const INPUT_GRADIENT = 1;
const FILTER_GRADIENT = 2;

/**
 * One of the three passes: `x` [N, H, W, C] (or dx), `filter` [KH, KW, C, M] (or dW), `y` [N, OH, OW,
 * C*M] (or dy); the output is the one the pass writes, made here. Undefined where oneDNN is not given it.
 */
function depthwise(addon: Addon, backend: WasmBackend, kind: number, xShape: number[], filterShape: number[], a: ConvAttrs, given: TensorInfo[]): TensorInfo | undefined {
  if (given.some((t) => t.dtype !== "float32")) return undefined;
  const g = convGeometry(xShape, filterShape, a, true);
  if (!g || filterShape[2] !== xShape[3]) return undefined;
  const [N, H, W, C, OH, OW] = g;
  const M = filterShape[3];
  const outShape = kind === FORWARD ? [N, OH, OW, C * M] : kind === INPUT_GRADIENT ? xShape : filterShape;
  if (tf.util.sizeFromShape(outShape) === 0) return undefined;
  const out = backend.makeOutput(outShape, "float32");
  const at = (t: TensorInfo) => floatOffset(backend, t);
  // (x or dx, filter or dW, y or dy), as the pass reads and writes them
  const [src, wei, dst] = kind === FORWARD ? [at(given[0]), at(given[1]), at(out)] : kind === INPUT_GRADIENT ? [at(out), at(given[1]), at(given[0])] : [at(given[0]), at(out), at(given[1])];
  addon.depthwiseConv2d(heap(backend), params(kind, N, H, W, C, OH, OW, M, ...g.slice(7), src, wei, dst));
  return out;
}

/** A dilated gradient, which tfjs' own gradient of the op refuses, goes to the kernel replaced (which says so). */
const dilated = (a: ConvAttrs) => [a.dilations ?? 1].flat().some((d) => d !== 1);

/** The kernel of one pass, over `fallback`: forward (x, filter), input gradient (dy, filter; attr inputShape), filter gradient (x, dy; attr filterShape). */
function pass(addon: Addon, kind: number, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const i = args.inputs;
    const a = args.attrs as unknown as ConvAttrs & { inputShape: number[]; filterShape: number[] };
    if (kind !== FORWARD && dilated(a)) return fallback(args);
    const [xShape, filterShape, given] =
      kind === FORWARD ? [i.x.shape, i.filter.shape, [i.x, i.filter]] : kind === INPUT_GRADIENT ? [a.inputShape, i.filter.shape, [i.dy, i.filter]] : [i.x.shape, a.filterShape, [i.x, i.dy]];
    return depthwise(addon, args.backend as WasmBackend, kind, xShape, filterShape, a, given) ?? fallback(args);
  };
}

/** Registers the three over the wasm backend's (after wasm_depthwise_kernels.ts' gradients, the fallbacks). */
export function registerNativeDepthwise(addon: Addon): void {
  const passes = [["DepthwiseConv2dNative", FORWARD], ["DepthwiseConv2dNativeBackpropInput", INPUT_GRADIENT], ["DepthwiseConv2dNativeBackpropFilter", FILTER_GRADIENT]] as const;
  for (const [name, kind] of passes) replaceWasmKernel(name, pass(addon, kind, kernel(name)));
}
