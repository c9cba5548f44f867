// UnsortedSegmentSum for the WebAssembly backend, which tfjs-backend-wasm 4.22 lacks: it is the
// gradient of a gather (tf.gather's backward pass), so without it no Embedding trains on wasm.
//
//   out[s, ...] = sum of x[i, ...] over the i with segmentIds[i] == s   (ids outside [0, numSegments) dropped)
//
// One pass over the rows of x, adding each into its segment's row, on views of the wasm heap.
import tf from "../tfjs.cjs";
import type { WasmBackend } from "./wasm_backend.js";

type TensorInfo = tf.TensorInfo;

function unsortedSegmentSum({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> }): TensorInfo {
  const { x, segmentIds } = inputs;
  const numSegments = attrs.numSegments as number;
  if (x.dtype !== "float32" && x.dtype !== "int32") throw new Error(`UnsortedSegmentSum: x must be float32 or int32, got ${x.dtype}`);
  const idsRank = segmentIds.shape.length;
  if (idsRank === 0 || segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(`UnsortedSegmentSum: segmentIds of shape [${segmentIds.shape}] must be a prefix of x's shape [${x.shape}]`);
  }
  const b = backend as WasmBackend;
  const rowSize = tf.util.sizeFromShape(x.shape.slice(idsRank));
  const out = b.makeOutput([numSegments, ...x.shape.slice(idsRank)], x.dtype);
  const dst = b.typedArrayFromHeap(out) as Float32Array | Int32Array;
  dst.fill(0);
  const src = b.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const ids = segmentIds.dtype === "int32" ? (b.typedArrayFromHeap(segmentIds) as Int32Array) : Int32Array.from(b.typedArrayFromHeap(segmentIds));
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (!(s >= 0 && s < numSegments)) continue;
    const from = i * rowSize;
    const to = s * rowSize;
    for (let k = 0; k < rowSize; k++) dst[to + k] += src[from + k];
  }
  return out;
}

/** Registers the kernels of this file for the wasm backend (idempotent; stock kernels are kept). */
export function registerWasmSegmentKernels(): void {
  if (!tf.getKernel("UnsortedSegmentSum", "wasm")) {
    tf.registerKernel({ kernelName: "UnsortedSegmentSum", backendName: "wasm", kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc });
  }
}
