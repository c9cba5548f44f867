// The two gradients of a depthwise convolution, which tfjs-backend-wasm 4.22 lacks (so no
// DepthwiseConv2D or SeparableConv2D trains there), written like wasm_kernels.ts' convolution
// gradients: as forward depthwise convolutions of the wasm backend (XNNPACK) and cheap reshuffles.
// y[n, i, j, c*m + q] = sum_{a,b} x[n, i*s + a - padTop, j*s + b - padLeft, c] * W[a, b, c, q]:
//
//   dx = depthwise(zero-dilate(dy, s), flip(W) as [kh, kw, C*m, 1], stride 1, "full" padding),
//        summed over the m filters of each channel
//   dW[a, b, c, q] = sum_{n,i,j} x[n, i*s + a - padTop, j*s + b - padLeft, c] * dy[n, i, j, c*m + q]
//        = depthwise(x as [1, H, W, N*C], dy as a filter [Ho, Wo, N*C, m], dilation s), summed over n
import tf from "../tfjs.cjs";
import { replaceWasmKernel, Scratch, type KernelFunc } from "./wasm_kernels.js";

type TensorInfo = tf.TensorInfo;

interface DepthwiseAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | number[][];
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function info(kernelName: string, xShape: number[], filterShape: number[], a: DepthwiseAttrs) {
  const d = a.dilations ?? 1;
  if ((typeof d === "number" ? d : Math.max(...d)) !== 1) {
    throw new Error(`tsdl ${kernelName} (wasm): dilated depthwise convolutions are not supported, got dilations ${JSON.stringify(a.dilations)}`);
  }
  return tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], a.strides, 1, a.pad as "valid", a.dimRoundingMode, true);
}

/** dx: inputs dy [N, Ho, Wo, C*m], filter [kh, kw, C, m]; attr inputShape [N, H, W, C]. */
function depthwiseBackpropInput({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as DepthwiseAttrs & { inputShape: [number, number, number, number] };
  const [N, H, W, C] = a.inputShape;
  const [kh, kw, , m] = filter.shape;
  const ci = info("DepthwiseConv2dNativeBackpropInput", a.inputShape, filter.shape, a);
  const [sh, sw] = [ci.strideHeight, ci.strideWidth];
  const [, Ho, Wo] = dy.shape;
  const s = new Scratch(backend);
  let d = dy;
  if (sh > 1 || sw > 1) {
    // [N, Ho, Wo, K] -> [N, Ho, 1, Wo, 1, K] -> zeros after each -> [N, Ho*sh, Wo*sw, K] -> cut the tail.
    const r = s.run("Reshape", { x: dy }, { shape: [N, Ho, 1, Wo, 1, C * m] });
    const p = s.run("PadV2", { x: r }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
    const r2 = s.run("Reshape", { x: p }, { shape: [N, Ho * sh, Wo * sw, C * m] });
    d = s.run("Slice", { x: r2 }, { begin: [0, 0, 0, 0], size: [N, (Ho - 1) * sh + 1, (Wo - 1) * sw + 1, C * m] });
  }
  const [Hd, Wd] = [(Ho - 1) * sh + 1, (Wo - 1) * sw + 1];
  const flipped = s.run("Reverse", { x: filter }, { dims: [0, 1] });
  const perChannel = s.run("Reshape", { x: flipped }, { shape: [kh, kw, C * m, 1] });
  const top = kh - 1 - ci.padInfo.top;
  const left = kw - 1 - ci.padInfo.left;
  const bottom = H - Hd - top + kh - 1;
  const right = W - Wd - left + kw - 1;
  let out = s.run(
    "DepthwiseConv2dNative",
    { x: d, filter: perChannel },
    { strides: [1, 1], pad: [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]], dilations: [1, 1], dimRoundingMode: undefined },
  ); // [N, >=H, >=W, C*m]
  if (top < 0 || left < 0 || bottom < 0 || right < 0) {
    out = s.run("Slice", { x: out }, { begin: [0, Math.max(0, -top), Math.max(0, -left), 0], size: [N, H, W, C * m] });
  }
  if (m === 1) return s.keep(out);
  const split = s.run("Reshape", { x: out }, { shape: [N, H, W, C, m] });
  return s.keep(s.run("Sum", { x: split }, { axis: [4], keepDims: false }));
}

/** dW: inputs x [N, H, W, C], dy [N, Ho, Wo, C*m]; attr filterShape [kh, kw, C, m]. */
function depthwiseBackpropFilter({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as DepthwiseAttrs & { filterShape: [number, number, number, number] };
  const [kh, kw, C, m] = a.filterShape;
  const ci = info("DepthwiseConv2dNativeBackpropFilter", x.shape, a.filterShape, a);
  const [sh, sw] = [ci.strideHeight, ci.strideWidth];
  const [N, H, W] = x.shape;
  const [, Ho, Wo] = dy.shape;
  const s = new Scratch(backend);
  // Batch and channels side by side as the channels of one image: [N, H, W, C] -> [1, H, W, N*C].
  const xT = s.run("Reshape", { x: s.run("Transpose", { x }, { perm: [1, 2, 0, 3] }) }, { shape: [1, H, W, N * C] });
  // dy as the filter of each (n, c): [N, Ho, Wo, C*m] -> [Ho, Wo, N*C, m].
  const dyT = s.run("Reshape", { x: s.run("Transpose", { x: dy }, { perm: [1, 2, 0, 3] }) }, { shape: [Ho, Wo, N * C, m] });
  // At least kh x kw outputs (extra ones, needed only to reach the size, are cut off).
  const padBottom = Math.max(0, kh + (Ho - 1) * sh - H - ci.padInfo.top);
  const padRight = Math.max(0, kw + (Wo - 1) * sw - W - ci.padInfo.left);
  let full = s.run(
    "DepthwiseConv2dNative",
    { x: xT, filter: dyT },
    { strides: [1, 1], pad: [[0, 0], [ci.padInfo.top, padBottom], [ci.padInfo.left, padRight], [0, 0]], dilations: [sh, sw], dimRoundingMode: undefined },
  ); // [1, >=kh, >=kw, N*C*m]
  if (full.shape[1] !== kh || full.shape[2] !== kw) full = s.run("Slice", { x: full }, { begin: [0, 0, 0, 0], size: [1, kh, kw, N * C * m] });
  const perSample = s.run("Reshape", { x: full }, { shape: [kh, kw, N, C * m] });
  if (N === 1) return s.keep(s.run("Reshape", { x: perSample }, { shape: [kh, kw, C, m] }));
  const summed = s.run("Sum", { x: perSample }, { axis: [2], keepDims: false }); // [kh, kw, C*m]
  return s.keep(s.run("Reshape", { x: summed }, { shape: [kh, kw, C, m] }));
}

let registered = false;

/** Registers the depthwise convolution gradients for wasm (idempotent). Call after registerWasmKernels. */
export function registerWasmDepthwiseKernels(): void {
  if (registered) return;
  registered = true;
  replaceWasmKernel("DepthwiseConv2dNativeBackpropInput", depthwiseBackpropInput);
  replaceWasmKernel("DepthwiseConv2dNativeBackpropFilter", depthwiseBackpropFilter);
}
