// AvgPoolGrad for the wasm backend: the gradient of an average pool whose edge windows (padding
// "same") divide by the number of real inputs they cover, as the forward AvgPool does.
//
// tfjs-backend-wasm 4.22's AvgPoolGrad (and the plain-JS backend's) divides every window by its full
// size, padding included, so it is not the gradient of tfjs' own forward pass (which, as TensorFlow
// and Keras, averages the real inputs only): an AveragePooling2D(3, { padding: "same" }) learned from
// wrong gradients at the image edges. "valid" pools are unaffected (every window is full).
//
//   y[n, oh, ow, c] = sum_{(ih, iw) in window(oh, ow), inside} x[n, ih, iw, c] / count(oh, ow)
//   dx[n, ih, iw, c] = sum_{windows (oh, ow) covering (ih, iw)} dy[n, oh, ow, c] / count(oh, ow)
//
// count(oh, ow) = rows(oh) * cols(ow): the window's real rows times its real columns.
import tf from "../tfjs.cjs";
import type { WasmBackend } from "./wasm_backend.js";
import type { KernelFunc } from "./wasm_kernels.js";

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: "valid" | "same" | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** How many of the `size` window positions starting at `start` fall inside [0, n). */
function inside(start: number, size: number, n: number): number {
  return Math.max(0, Math.min(start + size, n) - Math.max(start, 0));
}

/** AvgPoolGrad (inputs dy [N, OH, OW, C] and input [N, H, W, C]) over the wasm heap. */
export function avgPoolGrad(original: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs;
    const a = attrs as unknown as PoolAttrs;
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
    if (dy.dtype !== "float32" || input.shape.length !== 4) return original({ inputs, backend, attrs });
    const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW } = info;
    const { top, left } = info.padInfo;
    const b = backend as WasmBackend;
    const out = b.makeOutput(input.shape, "float32");
    const g = b.typedArrayFromHeap(dy) as Float32Array;
    const dx = b.typedArrayFromHeap(out) as Float32Array;
    dx.fill(0);
    const rows = Array.from({ length: OH }, (_, oh) => inside(oh * SH - top, KH, H));
    const cols = Array.from({ length: OW }, (_, ow) => inside(ow * SW - left, KW, W));
    const share = new Float32Array(C);
    for (let n = 0; n < N; n++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          const count = rows[oh] * cols[ow];
          if (count === 0) continue;
          const o = ((n * OH + oh) * OW + ow) * C;
          for (let c = 0; c < C; c++) share[c] = g[o + c] / count;
          const h0 = Math.max(oh * SH - top, 0);
          const h1 = Math.min(oh * SH - top + KH, H);
          const w0 = Math.max(ow * SW - left, 0);
          const w1 = Math.min(ow * SW - left + KW, W);
          for (let ih = h0; ih < h1; ih++)
            for (let iw = w0, base = ((n * H + ih) * W + w0) * C; iw < w1; iw++, base += C) {
              for (let c = 0; c < C; c++) dx[base + c] += share[c];
            }
        }
    return out;
  };
}
