// The convolutions behind the layers, on channels-last tensors, written with tfjs ops that have
// gradients on every backend:
//
// - dilation: tfjs' convolution gradients refuse dilations > 1, so a dilated convolution runs as
//   TensorFlow's own `with_space_to_batch` does it: SpaceToBatchND folds the d x d phases of the
//   (padded) input into the batch, an undilated "valid" convolution runs on each phase, and
//   BatchToSpaceND interleaves them back. The convolution itself stays the backend's fast kernel
//   (oneDNN or XNNPACK); strides > 1 with dilation (only depthwise convolutions allow it, as Keras)
//   take every s-th output of the stride-1 result, as Keras' TensorFlow backend does.
// - groups (Keras' grouped convolution): the channels split into `groups` slices, each convolved with
//   its slice of the kernel's filters, then concatenated: kernel [kh, kw, cin / groups, filters].
// - transposed convolution: tfjs' conv2dTranspose (the input gradient of a convolution) with Keras'
//   output size; a dilated kernel is spread out with zeros first.
import tf from "../../../tfjs.cjs";

export type Pad2 = [[number, number], [number, number]];

/** The size of a kernel of `k` taps `d` apart. */
export function effectiveSize(k: number, d: number): number {
  return (k - 1) * d + 1;
}

/** Keras' output length (compute_conv_output_shape): valid floor((n - keff) / s) + 1, same/causal ceil(n / s). */
export function convLength(n: number | null, k: number, s: number, d: number, padding: "valid" | "same" | "causal"): number | null {
  if (n === null || n === undefined || n < 0) return null;
  return padding === "valid" ? Math.floor((n - effectiveSize(k, d)) / s) + 1 : Math.floor((n - 1) / s) + 1;
}

/**
 * Keras' output length of a transposed convolution (TensorFlow's rule): valid (n - 1) s + keff +
 * outputPadding (default max(keff, s) - keff); same n s, or (n - 1) s + keff % 2 + outputPadding.
 */
export function transposeLength(n: number | null, k: number, s: number, d: number, padding: "valid" | "same", outputPadding: number | undefined): number | null {
  if (n === null || n === undefined || n < 0) return null;
  const keff = effectiveSize(k, d);
  if (padding === "valid") return (n - 1) * s + keff + (outputPadding ?? Math.max(keff, s) - keff);
  return outputPadding === undefined ? n * s : (n - 1) * s + (keff % 2) + outputPadding;
}

/** TensorFlow's "same" padding of one axis: total max((ceil(n / s) - 1) s + keff - n, 0), the odd one after. */
export function samePadding(n: number, k: number, s: number, d: number): [number, number] {
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + effectiveSize(k, d) - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

export interface Conv2DGeometry {
  kernelSize: number[];
  strides: number[];
  padding: "valid" | "same";
  dilation: number[];
}

/** Every s-th row and column (from the first): [N, H, W, C] -> [N, ceil(H / sh), ceil(W / sw), C], with a gradient. */
function subsample(y: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return y;
  const [n, h, w, c] = y.shape;
  const [oh, ow] = [Math.ceil(h / sh), Math.ceil(w / sw)];
  const padded = tf.pad(y, [[0, 0], [0, oh * sh - h], [0, ow * sw - w], [0, 0]]);
  const phases = tf.reshape(padded, [n, oh, sh, ow, sw, c]);
  return tf.reshape(tf.slice(phases, [0, 0, 0, 0, 0, 0], [n, oh, 1, ow, 1, c]), [n, oh, ow, c]);
}

/**
 * `op` (an undilated "valid", stride-1 convolution) as a dilated one with `g`'s padding and strides:
 * pad as TensorFlow's "same" would, fold the dilation phases into the batch, convolve, unfold.
 */
function atrous(x: tf.Tensor4D, g: Conv2DGeometry, op: (x: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = x.shape;
  const [kh, kw] = g.kernelSize;
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilation;
  const [top, bottom] = g.padding === "same" ? samePadding(h, kh, sh, dh) : [0, 0];
  const [left, right] = g.padding === "same" ? samePadding(w, kw, sw, dw) : [0, 0];
  // Round the padded size up to a multiple of the dilation; the extra rows come off the output's end.
  const extraH = (dh - ((h + top + bottom) % dh)) % dh;
  const extraW = (dw - ((w + left + right) % dw)) % dw;
  const phases = tf.spaceToBatchND(x, [dh, dw], [[top, bottom + extraH], [left, right + extraW]]) as tf.Tensor4D;
  const y = tf.batchToSpaceND(op(phases), [dh, dw], [[0, extraH], [0, extraW]]) as tf.Tensor4D;
  return subsample(y, sh, sw);
}

const undilated = (g: Conv2DGeometry) => g.dilation.every((d) => d === 1);

/** Keras' grouped 2-D convolution: x [N, H, W, cin], kernel [kh, kw, cin / groups, filters]. */
export function conv2d(x: tf.Tensor4D, kernel: tf.Tensor4D, g: Conv2DGeometry, groups = 1): tf.Tensor4D {
  const grouped = (input: tf.Tensor4D, strides: number[], padding: "valid" | "same"): tf.Tensor4D => {
    const s = strides as [number, number];
    if (groups === 1) return tf.conv2d(input, kernel, s, padding);
    const xs = tf.split(input, groups, 3) as tf.Tensor4D[];
    const ks = tf.split(kernel, groups, 3) as tf.Tensor4D[];
    return tf.concat(xs.map((xi, i) => tf.conv2d(xi, ks[i], s, padding)), 3);
  };
  if (undilated(g)) return grouped(x, g.strides, g.padding);
  return atrous(x, g, (phases) => grouped(phases, [1, 1], "valid"));
}

/** Depthwise 2-D convolution: x [N, H, W, C], kernel [kh, kw, C, multiplier] -> [N, H', W', C * multiplier]. */
export function depthwiseConv2d(x: tf.Tensor4D, kernel: tf.Tensor4D, g: Conv2DGeometry): tf.Tensor4D {
  if (undilated(g)) return tf.depthwiseConv2d(x, kernel, g.strides as [number, number], g.padding);
  return atrous(x, g, (phases) => tf.depthwiseConv2d(phases, kernel, 1, "valid"));
}

/** The kernel with d - 1 zeros between its taps: [kh, kw, a, b] -> [keff_h, keff_w, a, b]. */
export function spreadKernel(kernel: tf.Tensor4D, dilation: number[]): tf.Tensor4D {
  const [dh, dw] = dilation;
  if (dh === 1 && dw === 1) return kernel;
  const [kh, kw, a, b] = kernel.shape;
  const taps = tf.reshape(kernel, [kh, 1, kw, 1, a, b]);
  const spread = tf.reshape(tf.pad(taps, [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]), [kh * dh, kw * dw, a, b]);
  return tf.slice(spread, [0, 0, 0, 0], [effectiveSize(kh, dh), effectiveSize(kw, dw), a, b]) as tf.Tensor4D;
}

/**
 * Transposed 2-D convolution: x [N, H, W, cin], kernel [kh, kw, filters, cin] -> [N, outH, outW, filters]
 * where the output sizes are Keras' (transposeLength). TensorFlow derives the padding from the output
 * size as for a convolution of the output back to the input, and refuses sizes that do not map back:
 * so does this, naming `where`.
 */
export function conv2dTranspose(x: tf.Tensor4D, kernel: tf.Tensor4D, g: Conv2DGeometry, outputPadding: number[] | undefined, where: string): tf.Tensor4D {
  const [n, h, w] = x.shape;
  const k = spreadKernel(kernel, g.dilation);
  const [kh, kw, filters] = k.shape;
  const outH = transposeLength(h, kh, g.strides[0], 1, g.padding, outputPadding?.[0])!;
  const outW = transposeLength(w, kw, g.strides[1], 1, g.padding, outputPadding?.[1])!;
  checkTransposeSizes([h, w], [outH, outW], g, outputPadding, where);
  return tf.conv2dTranspose(x, k, [n, outH, outW, filters], g.strides as [number, number], g.padding);
}

/**
 * TensorFlow's check of a transposed convolution: the output, convolved with the kernel (strides,
 * padding), must give back the input's size; an error naming `where` otherwise (Keras raises one
 * too). Unknown sizes (null) pass.
 */
export function checkTransposeSizes(input: (number | null)[], output: (number | null)[], g: Conv2DGeometry, outputPadding: number[] | undefined, where: string): void {
  const back = (out: number, i: number) => {
    const keff = effectiveSize(g.kernelSize[i], g.dilation[i]);
    return g.padding === "same" ? Math.ceil(out / g.strides[i]) : Math.floor((out - keff) / g.strides[i]) + 1;
  };
  if (input.every((n, i) => n === null || output[i] === null || back(output[i]!, i) === n)) return;
  throw new Error(
    `${where}: the output size [${output.join(", ")}] (kernelSize [${g.kernelSize}], strides [${g.strides}], padding "${g.padding}", outputPadding ${JSON.stringify(outputPadding ?? null)}) ` +
      `does not convolve back to the input size [${input.join(", ")}], which TensorFlow requires: choose another outputPadding`,
  );
}

/** NCHW <-> NHWC (any rank): the channel axis to the end, or back to axis 1. */
export function channelsToEnd<T extends tf.Tensor>(x: T): T {
  const r = x.rank;
  return tf.transpose(x, [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1]);
}

export function channelsToFront<T extends tf.Tensor>(x: T): T {
  const r = x.rank;
  return tf.transpose(x, [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)]);
}
