// tsdl's optional native kernels (native/, built against Debian's oneDNN by scripts/build-native.mjs):
// matrix products of the WebAssembly backend computed by oneDNN's sgemm directly on the wasm heap, with
// AVX-512 and every core, no copies. Registered over the wasm kernels when the addon loads; TSDL_NATIVE=0
// turns them off. Without the addon nothing changes.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { kernel, replaceWasmKernel, Scratch, type KernelFunc } from "./wasm_kernels.js";

type TensorInfo = tf.TensorInfo;

interface Addon {
  sgemm(heap: ArrayBuffer, ta: boolean, tb: boolean, m: number, n: number, k: number, ao: number, bo: number, co: number, batch: number, sa: number, sb: number, sc: number): void;
  version(): string;
}

interface WasmBackend {
  wasm: { HEAPF32: Float32Array };
  dataIdMap: { get(id: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
}

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const NATIVE_ADDON = join(packageRoot, "native", "build", "Release", "tsdl_native.node");

/** Loads the addon; `undefined` with the reason when it is not there or not wanted. */
export function loadNative(): { addon?: Addon; reason?: string } {
  if (process.env.TSDL_NATIVE === "0") return { reason: "TSDL_NATIVE=0" };
  if (!existsSync(NATIVE_ADDON)) return { reason: "not built (install Debian's libdnnl-dev, then npm run build)" };
  // oneDNN's OpenMP threads spin while they wait: for the small products of a batch of 32, one thread is
  // faster, and it never fights the main thread. OMP_NUM_THREADS chooses otherwise (read at load time).
  process.env.OMP_NUM_THREADS ??= "1";
  try {
    return { addon: createRequire(import.meta.url)(NATIVE_ADDON) as Addon };
  } catch (e) {
    return { reason: `failed to load: ${(e as Error).message.split("\n")[0]}` };
  }
}

function floatOffset(b: WasmBackend, t: TensorInfo): number {
  return b.dataIdMap.get(t.dataId).memoryOffset / 4;
}

/** C = op(A)·op(B) for float32 operands of any batch rank (batches equal, or one side unbatched). */
function nativeMatMul(addon: Addon, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs;
    const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (a.dtype !== "float32" || b.dtype !== "float32" || a.shape.length < 2 || b.shape.length < 2) return fallback(args);
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
    if (k !== k2 || !(sameBatch || batchA === 1 || batchB === 1) || m * n * k === 0) return fallback(args);
    const backend = args.backend as WasmBackend;
    const batchShape = batchShapeA.length >= batchShapeB.length ? batchShapeA : batchShapeB;
    const out = backend.makeOutput([...batchShape, m, n], "float32");
    const batch = Math.max(batchA, batchB);
    addon.sgemm(backend.wasm.HEAPF32.buffer as ArrayBuffer, !!transposeA, !!transposeB, m, n, k, floatOffset(backend, a), floatOffset(backend, b), floatOffset(backend, out), batch, batchA === 1 ? 0 : m * k, batchB === 1 ? 0 : k * n, m * n);
    return out;
  };
}

const ACTIVATION_KERNEL: Record<string, string | undefined> = { relu: "Relu", relu6: "Relu6", elu: "Elu", sigmoid: "Sigmoid", leakyrelu: "LeakyRelu", prelu: "Prelu", linear: undefined };

/** Dense's forward pass: the native product (BatchMatMul, by then ours), then bias and activation. */
function nativeFusedMatMul(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs;
    const { activation, leakyreluAlpha, transposeA, transposeB } = args.attrs as { activation?: string; leakyreluAlpha?: number; transposeA?: boolean; transposeB?: boolean };
    const act = activation ?? "linear";
    if (!(act in ACTIVATION_KERNEL) || a.dtype !== "float32") return fallback(args);
    const s = new Scratch(args.backend);
    let y = s.run("BatchMatMul", { a, b }, { transposeA, transposeB });
    if (bias) y = s.run("Add", { a: y, b: bias });
    const k = ACTIVATION_KERNEL[act];
    if (k) y = s.run(k, k === "Prelu" ? { x: y, alpha: preluActivationWeights } : { x: y }, k === "LeakyRelu" ? { alpha: leakyreluAlpha ?? 0.2 } : {});
    return s.keep(y);
  };
}

/** Registers the native kernels over the wasm ones; returns what was registered, or why not. */
export function registerNativeKernels(): { registered: boolean; description: string } {
  const { addon, reason } = loadNative();
  if (!addon) return { registered: false, description: `native kernels ${reason}` };
  replaceWasmKernel("BatchMatMul", nativeMatMul(addon, kernel("BatchMatMul")));
  replaceWasmKernel("_FusedMatMul", nativeFusedMatMul(kernel("_FusedMatMul")));
  return { registered: true, description: `native ${addon.version()} matrix products` };
}
