// Kernels the stock WebAssembly backend lacks or runs slowly, written as compositions of the wasm
// backend's own fast kernels (XNNPACK convolutions, transposes, slices), so they run at wasm speed.
//
// Conv2DBackpropFilter (the weight gradient of a convolution) is missing from tfjs-backend-wasm 4.22,
// which makes every convnet untrainable there. Both gradients are rewritten as forward convolutions:
//
//   dW[a, b, ci, co] = sum_{n,i,j} x[n, i*s + a - padTop, j*s + b - padLeft, ci] * dy[n, i, j, co]
//     = conv2d(x^T (ci as batch, n as channel), dy^T (as filter [Ho, Wo, N, Cout]), dilation s)
//   dx = conv2d(zero-dilate(dy, s), flip(W) with in/out channels swapped, stride 1, "full" padding)
import tf from "../tfjs.cjs";
import { avgPoolGrad } from "./avg_pool_grad.js";
import { dataOf, type WasmBackend } from "./wasm_backend.js";

type TensorInfo = tf.TensorInfo;
export type KernelFunc = (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> }) => TensorInfo;

/** The wasm backend's kernel registered under `name` now (stock, or one of tsdl's). */
export function kernel(name: string): KernelFunc {
  const config = tf.getKernel(name, "wasm");
  if (!config) throw new Error(`tsdl: the wasm backend has no '${name}' kernel to build on`);
  return config.kernelFunc as unknown as KernelFunc;
}

/** Runs wasm kernels and frees every intermediate result but the one returned. */
export class Scratch {
  private readonly made: TensorInfo[] = [];
  constructor(private readonly backend: unknown) {}
  run(name: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown> = {}): TensorInfo {
    const out = kernel(name)({ inputs, backend: this.backend, attrs });
    this.made.push(out);
    return out;
  }
  /** Frees `t` with the rest unless it is the one kept. */
  track(t: TensorInfo): TensorInfo {
    this.made.push(t);
    return t;
  }
  keep(result: TensorInfo): TensorInfo {
    return this.keepAll([result])[0];
  }
  /** Frees the rest. */
  keepAll(results: TensorInfo[]): TensorInfo[] {
    for (const t of this.made) if (!results.includes(t)) (this.backend as WasmBackend).disposeData(t.dataId);
    return results;
  }
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | number[][];
  dataFormat?: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  dilations?: number | [number, number];
}

function pair(v: number | [number, number] | undefined, fallback: number): [number, number] {
  if (v === undefined) return [fallback, fallback];
  return typeof v === "number" ? [v, v] : v;
}

function checkAttrs(kernelName: string, attrs: ConvAttrs): void {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== "NHWC") {
    throw new Error(`tsdl ${kernelName} (wasm): dataFormat must be "NHWC" (channels last), got ${JSON.stringify(attrs.dataFormat)}`);
  }
  const [dh, dw] = pair(attrs.dilations, 1);
  if (dh !== 1 || dw !== 1) {
    throw new Error(`tsdl ${kernelName} (wasm): dilated convolutions are not supported, got dilations ${JSON.stringify(attrs.dilations)}`);
  }
}

function convInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs) {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad as "valid",
    attrs.dimRoundingMode,
  );
}

/** dW for y = conv2d(x, W): inputs x [N,H,W,Cin], dy [N,Ho,Wo,Cout]; attr filterShape [kh,kw,Cin,Cout]. */
function conv2DBackpropFilter({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
  checkAttrs("Conv2DBackpropFilter", a);
  const [kh, kw, cin, cout] = a.filterShape;
  const info = convInfo(x.shape, a.filterShape, a);
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const [, H, W] = x.shape;
  const [, Ho, Wo] = dy.shape;
  const s = new Scratch(backend);
  const xT = s.run("Transpose", { x }, { perm: [3, 1, 2, 0] }); // [Cin, H, W, N]
  const dyT = s.run("Transpose", { x: dy }, { perm: [1, 2, 0, 3] }); // [Ho, Wo, N, Cout]
  // Output rows a = 0..kh-1 read x rows a - padTop + i*sh. Pad x so that at least kh rows come out;
  // the bottom/right padding may only be needed to reach kh (never negative: extra rows are sliced off).
  const padBottom = Math.max(0, kh + (Ho - 1) * sh - H - info.padInfo.top);
  const padRight = Math.max(0, kw + (Wo - 1) * sw - W - info.padInfo.left);
  const full = s.run(
    "Conv2D",
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      pad: [[0, 0], [info.padInfo.top, padBottom], [info.padInfo.left, padRight], [0, 0]],
      dataFormat: "NHWC",
      dilations: [sh, sw],
      dimRoundingMode: undefined,
    },
  ); // [Cin, >=kh, >=kw, Cout]
  let cut = full;
  if (full.shape[1] !== kh || full.shape[2] !== kw) {
    cut = s.run("Slice", { x: full }, { begin: [0, 0, 0, 0], size: [cin, kh, kw, cout] });
  }
  return s.keep(s.run("Transpose", { x: cut }, { perm: [1, 2, 0, 3] }));
}

/** dx for y = conv2d(x, W): inputs dy [N,Ho,Wo,Cout], filter [kh,kw,Cin,Cout]; attr inputShape. */
function conv2DBackpropInput({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
  checkAttrs("Conv2DBackpropInput", a);
  const [N, H, W, cin] = a.inputShape;
  const [kh, kw, , cout] = filter.shape;
  const info = convInfo(a.inputShape, filter.shape, a);
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const [, Ho, Wo] = dy.shape;
  const s = new Scratch(backend);
  // Zero-dilate dy by the strides: [N,Ho,Wo,C] -> [N,Ho,1,Wo,1,C] -> pad -> [N,Ho*sh,Wo*sw,C] -> cut tail.
  let d = dy;
  if (sh > 1 || sw > 1) {
    const r = s.run("Reshape", { x: dy }, { shape: [N, Ho, 1, Wo, 1, cout] });
    const p = s.run("PadV2", { x: r }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
    const r2 = s.run("Reshape", { x: p }, { shape: [N, Ho * sh, Wo * sw, cout] });
    d = s.run("Slice", { x: r2 }, { begin: [0, 0, 0, 0], size: [N, (Ho - 1) * sh + 1, (Wo - 1) * sw + 1, cout] });
  }
  const Hd = (Ho - 1) * sh + 1;
  const Wd = (Wo - 1) * sw + 1;
  // Flip the filter spatially and swap its channel axes: [kh,kw,Cin,Cout] -> [kh,kw,Cout,Cin].
  const flipped = s.run("Reverse", { x: filter }, { dims: [0, 1] });
  const wT = s.run("Transpose", { x: flipped }, { perm: [0, 1, 3, 2] });
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  const bottom = H - Hd - top + kh - 1;
  const right = W - Wd - left + kw - 1;
  const needCrop = top < 0 || left < 0 || bottom < 0 || right < 0;
  const out = s.run(
    "Conv2D",
    { x: d, filter: wT },
    {
      strides: [1, 1],
      pad: [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]],
      dataFormat: "NHWC",
      dilations: [1, 1],
      dimRoundingMode: undefined,
    },
  );
  if (!needCrop) return s.keep(out);
  return s.keep(s.run("Slice", { x: out }, { begin: [0, Math.max(0, -top), Math.max(0, -left), 0], size: [N, H, W, cin] }));
}

/**
 * BatchMatMul and _FusedMatMul with a transposed operand run 4-14x slower in tfjs-backend-wasm 4.22 than
 * an explicit Transpose followed by the plain product (measured on a Dense layer's gradients: x^T·dy
 * 7.0 ms vs 0.55 ms, dy·W^T 6.3 ms vs 1.6 ms). Every Dense gradient has one, so route them that way.
 *
 * The plain product is XNNPACK's fully-connected operator, which packs its second operand once per
 * tensor id and keeps it: free for a model's fixed weights, but in training every step brings new
 * weights, and packing a 3136x512 kernel costs twice the product (8 ms vs 3.7 ms). So the first time a
 * large second operand is seen, the product is taken the other way round, C = (op(B)^T · op(A)^T)^T,
 * where the packed operand is the small batch of activations and op(B)^T is B as stored when it was
 * transposed. A second operand seen again untransposed (inference's weights) is packed once and reused;
 * a transposed one is a new tensor each time, never reused.
 */
function transposingMatMul(original: KernelFunc, reorient: boolean): KernelFunc {
  const seen = new Set<number>(); // wasm ids of second operands already taken once
  return ({ inputs, backend, attrs }) => {
    const { transposeA, transposeB } = attrs as { transposeA?: boolean; transposeB?: boolean };
    const s = new Scratch(backend);
    const swap = (t: TensorInfo) => s.run("Transpose", { x: t }, { perm: [...t.shape.keys()].map((i, _, all) => (i < all.length - 2 ? i : i === all.length - 2 ? all.length - 1 : all.length - 2)) });
    const plain = { ...attrs, transposeA: false, transposeB: false };
    if (reorient && inputs.a.dtype === "float32" && singleBatch(inputs.a) && singleBatch(inputs.b) && (transposeB || once(seen, backend, inputs.b))) {
      // Packing costs about six times a transpose per element (measured): reorient when that moves less.
      const [aSize, bSize] = [tf.util.sizeFromShape(inputs.a.shape), tf.util.sizeFromShape(inputs.b.shape)];
      const m = inputs.a.shape[inputs.a.shape.length - (transposeA ? 1 : 2)];
      const n = bSize / (aSize / m);
      const direct = 6 * bSize + (transposeA ? aSize : 0) + (transposeB ? bSize : 0);
      const reoriented = 6 * aSize + (transposeA ? 0 : aSize) + (transposeB ? 0 : bSize) + m * n;
      if (reoriented < direct) {
        const a2 = transposeB ? inputs.b : swap(inputs.b); // op(B)^T
        const b2 = transposeA ? inputs.a : swap(inputs.a); // op(A)^T
        return s.keep(swap(s.track(original({ inputs: { a: a2, b: b2 }, backend, attrs: plain }))));
      }
    }
    if (!transposeA && !transposeB) return original({ inputs, backend, attrs });
    const a = transposeA ? swap(inputs.a) : inputs.a;
    const b = transposeB ? swap(inputs.b) : inputs.b;
    return s.keep(original({ inputs: { ...inputs, a, b }, backend, attrs: plain }));
  };
}

/** Every dimension but the last two is 1 (one matrix). */
function singleBatch(t: TensorInfo): boolean {
  return t.shape.length >= 2 && t.shape.slice(0, -2).every((d) => d === 1);
}

/** True the first time the wasm tensor behind `t` is seen (a bounded memory of recent ids). */
function once(seen: Set<number>, backend: unknown, t: TensorInfo): boolean {
  const id = dataOf(backend as WasmBackend, t)?.id;
  if (id === undefined || seen.has(id)) return false;
  seen.add(id);
  if (seen.size > 4096) seen.delete(seen.values().next().value as number);
  return true;
}

/**
 * Slice in tfjs-backend-wasm 4.22 reads the whole input out of the wasm heap (a copy) before taking
 * its part: 31 ms for 32 rows of a 10,000-image tensor, and tf.unstack, which slices once per output,
 * became quadratic (2.2 of the 2.3 s keras.io's IMDB bidirectional LSTM took to predict a batch). Here
 * a slice is copied between two views of the heap: in one piece when it is contiguous (rows of a batch,
 * the common case in fit/evaluate/predict), else one piece per run along the last axis.
 * Neither checks its bounds: x.slice(1984, 64) of 2000 rows gave 64 rows, the last 48 whatever lay in
 * the heap. Both now throw tfjs' own error, as the CPU backend does ("Error in slice2D: begin[0] +
 * size[0] (2048) would overflow input.shape[0] (2000)").
 */
function heapSlice(original: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const x = inputs.x;
    const { begin, size } = attrs as { begin: number | number[]; size: number | number[] };
    const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    tf.slice_util.assertParamsValid(x as tf.Tensor, begin_, size_);
    if (x.dtype === "string") return original({ inputs, backend, attrs });
    const b = backend as WasmBackend;
    const out = b.makeOutput(size_, x.dtype);
    const strides = tf.util.computeStrides(x.shape);
    const n = tf.util.sizeFromShape(size_);
    const src = b.typedArrayFromHeap(x);
    const dst = b.typedArrayFromHeap(out); // both views after makeOutput, which may grow the heap
    if (tf.slice_util.isSliceContinous(x.shape, begin_, size_)) {
      const offset = tf.slice_util.computeFlatOffset(begin_, strides);
      dst.set(src.subarray(offset, offset + n));
      return out;
    }
    // Strided: runs of the last axis (contiguous in x), the indices of the axes before it counted up.
    const last = size_.length - 1;
    const run = size_[last];
    const at = new Array<number>(last).fill(0);
    for (let o = 0; o < n; o += run) {
      let offset = begin_[last];
      for (let d = 0; d < last; d++) offset += (begin_[d] + at[d]) * strides[d];
      if (run < 16) for (let j = 0; j < run; j++) dst[o + j] = src[offset + j]; // short runs: a view each costs more
      else dst.set(src.subarray(offset, offset + run), o);
      for (let d = last - 1; d >= 0 && ++at[d] === size_[d]; d--) at[d] = 0;
    }
    return out;
  };
}

/**
 * Unpack (tf.unstack: the time steps of every RNN layer) as one slice per output through the Slice
 * kernel registered now (heapSlice). The stock kernel slices with its own slice, which copies the whole
 * input out of the heap for every output.
 */
function sliceUnpack(original: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const value = inputs.value;
    if (value.dtype === "string") return original({ inputs, backend, attrs });
    const axis = tf.util.parseAxisParam((attrs as { axis: number }).axis, value.shape)[0];
    const slice = kernel("Slice");
    const size = value.shape.map((d, i) => (i === axis ? 1 : d));
    const shape = value.shape.filter((_, i) => i !== axis);
    return Array.from({ length: value.shape[axis] }, (_, k) => {
      const s = slice({ inputs: { x: value }, backend, attrs: { begin: value.shape.map((_, i) => (i === axis ? k : 0)), size } });
      return { dataId: s.dataId, dtype: s.dtype, shape };
    }) as unknown as TensorInfo;
  };
}

/**
 * Identity shares its input's memory (reference counted, as the CPU backend and the wasm Reshape do)
 * instead of copying it: tfjs clones every tensor it saves for a gradient, and every variable a model
 * reads, so the copies cost 146 kernel-sized memcpys per MLP step. Kernels never write their inputs.
 */
function sharedIdentity(original: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x } = inputs;
    if (x.dtype === "string") return original({ inputs, backend, attrs });
    (backend as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/**
 * GatherV2 along the first axis (the shuffled batches of fit): one row copy per index. The wasm kernel
 * walks every element through stride arithmetic: 0.6 ms for 32 rows of 784 floats, most of a training
 * step of an MLP.
 */
function rowGather(original: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, indices } = inputs;
    const { axis, batchDims } = attrs as { axis: number | number[]; batchDims?: number };
    const parsedAxis = tf.util.parseAxisParam(axis, x.shape)[0];
    if (parsedAxis !== 0 || (batchDims ?? 0) !== 0 || x.dtype === "string" || indices.dtype !== "int32") return original({ inputs, backend, attrs });
    const b = backend as WasmBackend;
    const rows = x.shape[0];
    const rowSize = tf.util.sizeFromShape(x.shape.slice(1));
    const idx = b.typedArrayFromHeap(indices) as Int32Array;
    const out = b.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    const src = b.typedArrayFromHeap(x);
    const dst = b.typedArrayFromHeap(out);
    for (let i = 0; i < idx.length; i++) {
      const r = idx[i];
      if (!(r >= 0 && r < rows)) {
        (backend as WasmBackend).disposeData(out.dataId);
        throw new Error(`GatherV2: the index value ${r} is not in [0, ${rows - 1}]`);
      }
      dst.set(src.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
    }
    return out;
  };
}

/**
 * MaxPoolGrad: each output's gradient to its window's first maximum (row-major, as tfjs' reference
 * kernel). The wasm kernel takes 13 ms for a 32x30x30x32 batch; this loop over channels-last rows ~2 ms.
 */
function maxPoolGrad(original: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs;
    const a = attrs as { filterSize: number | [number, number]; strides: number | [number, number]; pad: "valid" | "same" | number; dimRoundingMode?: "floor" | "round" | "ceil" };
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
    if (input.dtype !== "float32" || info.dilationHeight !== 1 || info.dilationWidth !== 1) return original({ inputs, backend, attrs });
    const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW } = info;
    const { top, left } = info.padInfo;
    const b = backend as WasmBackend;
    const out = b.makeOutput(input.shape, "float32");
    const x = b.typedArrayFromHeap(input) as Float32Array;
    const g = b.typedArrayFromHeap(dy) as Float32Array;
    const dx = b.typedArrayFromHeap(out) as Float32Array;
    dx.fill(0);
    if (SH === KH && SW === KW && top === 0 && left === 0 && OH * KH <= H && OW * KW <= W) {
      // Windows that tile the input (2x2 stride 2, the usual case): each input has at most one window.
      for (let n = 0; n < N; n++)
        for (let oh = 0; oh < OH; oh++)
          for (let ow = 0; ow < OW; ow++) {
            const first = ((n * H + oh * KH) * W + ow * KW) * C;
            const o = ((n * OH + oh) * OW + ow) * C;
            for (let c = 0; c < C; c++) {
              let at = first + c;
              let best = x[at];
              for (let kh = 0; kh < KH; kh++)
                for (let kw = 0, j = first + (kh * W) * C + c; kw < KW; kw++, j += C) {
                  if (x[j] > best) {
                    best = x[j];
                    at = j;
                  }
                }
              dx[at] = g[o + c];
            }
          }
      return out;
    }
    const best = new Float32Array(C);
    const where = new Int32Array(C); // flat index in x of each channel's maximum, -1 for none
    for (let n = 0; n < N; n++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          where.fill(-1);
          for (let kh = 0; kh < KH; kh++) {
            const ih = oh * SH + kh - top;
            if (ih < 0 || ih >= H) continue;
            for (let kw = 0; kw < KW; kw++) {
              const iw = ow * SW + kw - left;
              if (iw < 0 || iw >= W) continue;
              const base = ((n * H + ih) * W + iw) * C;
              for (let c = 0; c < C; c++) {
                const v = x[base + c];
                if (where[c] < 0 || v > best[c]) {
                  best[c] = v;
                  where[c] = base + c;
                }
              }
            }
          }
          const o = ((n * OH + oh) * OW + ow) * C;
          for (let c = 0; c < C; c++) if (where[c] >= 0) dx[where[c]] += g[o + c];
        }
    return out;
  };
}

/** Sum over leading axes (a bias gradient [N, H, W, C] -> [C]): the wasm Sum transposes first. */
function leadingSum(original: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x } = inputs;
    const { axis, keepDims } = attrs as { axis: number | number[]; keepDims?: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((v, i) => v === i);
    if (x.dtype !== "float32" || !leading) return original({ inputs, backend, attrs });
    const rest = x.shape.slice(axes.length);
    const cols = tf.util.sizeFromShape(rest);
    const rows = tf.util.sizeFromShape(x.shape) / Math.max(cols, 1);
    const b = backend as WasmBackend;
    const out = b.makeOutput(keepDims ? [...axes.map(() => 1), ...rest] : rest, "float32");
    const src = b.typedArrayFromHeap(x) as Float32Array;
    const acc = new Float64Array(cols);
    for (let r = 0, i = 0; r < rows; r++) for (let c = 0; c < cols; c++, i++) acc[c] += src[i];
    (b.typedArrayFromHeap(out) as Float32Array).set(acc);
    return out;
  };
}

/**
 * Inference batch norm with per-channel statistics (tf.batchNorm's) as y = x * a + b, with a and b per
 * channel computed here, in two SIMD wasm kernels: 1.2 ms on a 32x30x30x32 batch where the wasm
 * FusedBatchNorm takes 3.3 ms (the native kernels replace both).
 */
function channelBatchNorm(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const c = channelsOf(args.inputs);
    if (c === undefined) return fallback(args);
    const { x, mean, variance, offset, scale } = args.inputs;
    const backend = args.backend as WasmBackend;
    const s = new Scratch(backend);
    const a = s.track(backend.makeOutput([c], "float32"));
    const b = s.track(backend.makeOutput([c], "float32"));
    const f = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
    const [av, bv, m, v, o, g] = [f(a), f(b), f(mean), f(variance), offset && f(offset), scale && f(scale)];
    const eps = (args.attrs as { varianceEpsilon: number }).varianceEpsilon;
    for (let i = 0; i < c; i++) {
      av[i] = (g ? g[i] : 1) / Math.sqrt(v[i] + eps);
      bv[i] = (o ? o[i] : 0) - m[i] * av[i];
    }
    return s.keep(s.run("Add", { a: s.run("Multiply", { a: x, b: a }), b }));
  };
}

/** The channel count when every statistic is a float32 vector over x's last axis; else undefined. */
export function channelsOf({ x, mean, variance, offset, scale }: Record<string, TensorInfo | undefined>): number | undefined {
  const c = x!.shape[x!.shape.length - 1];
  const vec = (t: TensorInfo | undefined) => t === undefined || (t.dtype === "float32" && tf.util.sizeFromShape(t.shape) === c && t.shape.length <= x!.shape.length);
  if (x!.dtype !== "float32" || x!.shape.length < 2 || !mean || !variance || !vec(mean) || !vec(variance) || !vec(offset) || !vec(scale) || tf.util.sizeFromShape(x!.shape) === 0) return undefined;
  return c;
}

/** Cast to the same dtype (tfjs' Relu gradient casts a float mask to float) shares memory, as Identity. */
function sharingCast(original: KernelFunc): KernelFunc {
  const identity = kernel("Identity");
  return (args) => (args.inputs.x.dtype === (args.attrs as { dtype: string }).dtype ? identity(args) : original(args));
}

/** Puts `kernelFunc` in place of the wasm kernel `kernelName`. */
export function replaceWasmKernel(kernelName: string, kernelFunc: KernelFunc): void {
  if (tf.getKernel(kernelName, "wasm")) tf.unregisterKernel(kernelName, "wasm");
  tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: kernelFunc as unknown as tf.KernelFunc });
}

interface EngineInternals {
  backendName: string;
  backend: { incRef(dataId: object): void };
  saveTensorsForBackwardMode(tensors: tf.Tensor[]): tf.Tensor[];
  makeTensorFromTensorInfo(info: TensorInfo): tf.Tensor;
  keep<T extends tf.Tensor>(t: T): T;
}

/**
 * tfjs keeps every tensor a gradient will need by cloning it: an Identity kernel and a tape node each
 * (56 per step of an MNIST MLP, a tenth of the step). On wasm the saved tensor now shares the
 * original's memory directly (reference counted, as the Identity kernel already does), and the tape
 * only holds the nodes that compute something. (tfjs-core 4.22's Engine; other backends unchanged.)
 */
function shareSavedTensors(): void {
  const engine = tf.engine() as unknown as EngineInternals;
  const original = engine.saveTensorsForBackwardMode;
  if (typeof original !== "function" || typeof engine.makeTensorFromTensorInfo !== "function") return;
  engine.saveTensorsForBackwardMode = function (this: EngineInternals, tensors: tf.Tensor[]) {
    if (this.backendName !== "wasm") return original.call(this, tensors);
    return tensors.map((t) => {
      this.backend.incRef(t.dataId);
      return this.keep(this.makeTensorFromTensorInfo({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }));
    });
  };
}

let registered = false;

/** Registers tsdl's wasm kernels (idempotent). Call after the wasm backend is registered. */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  // _FusedMatMul (bias, activation) is inference's product, where the weights are packed once.
  const matMuls = (["BatchMatMul", "_FusedMatMul"] as const).map((name) => [name, transposingMatMul(kernel(name), name === "BatchMatMul")] as const);
  for (const [kernelName, kernelFunc] of [
    ["Conv2DBackpropFilter", conv2DBackpropFilter],
    ["Conv2DBackpropInput", conv2DBackpropInput],
    ...matMuls,
    ["Slice", heapSlice(kernel("Slice"))],
    ["Identity", sharedIdentity(kernel("Identity"))],
  ] as const) {
    replaceWasmKernel(kernelName, kernelFunc);
  }
  replaceWasmKernel("Unpack", sliceUnpack(kernel("Unpack"))); // after Slice: it slices with tsdl's
  replaceWasmKernel("Cast", sharingCast(kernel("Cast"))); // after Identity: it uses the sharing one
  shareSavedTensors();
  replaceWasmKernel("GatherV2", rowGather(kernel("GatherV2")));
  replaceWasmKernel("MaxPoolGrad", maxPoolGrad(kernel("MaxPoolGrad")));
  replaceWasmKernel("AvgPoolGrad", avgPoolGrad(kernel("AvgPoolGrad"))); // stock: edge windows divided by the full size
  replaceWasmKernel("Sum", leadingSum(kernel("Sum")));
  replaceWasmKernel("FusedBatchNorm", channelBatchNorm(kernel("FusedBatchNorm")));
}
