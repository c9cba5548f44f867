// tsdl's optional native kernels (native/, built against Debian's oneDNN by scripts/build-native.mjs):
// matrix products of the WebAssembly backend computed by oneDNN's sgemm directly on the wasm heap, with
// AVX-512 and every core, no copies. Registered over the wasm kernels when the addon loads; TSDL_NATIVE=0
// turns them off. Without the addon nothing changes.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";

type TensorInfo = tf.TensorInfo;
type KernelFunc = (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> }) => TensorInfo;

interface Addon {
  sgemm(heap: ArrayBuffer, ta: boolean, tb: boolean, m: number, n: number, k: number, ao: number, bo: number, co: number, batch: number, sa: number, sb: number, sc: number): void;
  version(): string;
}

interface WasmBackend {
  wasm: { HEAPF32: Float32Array };
  dataIdMap: { get(id: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  disposeData(id: object): boolean;
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

/** Dense's forward pass: the native product, then the bias and the activation with the wasm kernels. */
function nativeFusedMatMul(matMul: KernelFunc, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs;
    const { activation, leakyreluAlpha } = args.attrs as { activation?: string; leakyreluAlpha?: number };
    const act = activation ?? "linear";
    if (!(act in ACTIVATION_KERNEL) || a.dtype !== "float32") return fallback(args);
    const backend = args.backend as WasmBackend;
    const run = (name: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown> = {}) =>
      (tf.getKernel(name, "wasm")!.kernelFunc as unknown as KernelFunc)({ inputs, backend, attrs });
    let y = matMul({ inputs: { a, b }, backend, attrs: args.attrs });
    if (bias) {
      const withBias = run("Add", { a: y, b: bias });
      backend.disposeData(y.dataId);
      y = withBias;
    }
    const kernel = ACTIVATION_KERNEL[act];
    if (kernel) {
      const inputs: Record<string, TensorInfo> = kernel === "Prelu" ? { x: y, alpha: preluActivationWeights } : { x: y };
      const activated = run(kernel, inputs, kernel === "LeakyRelu" ? { alpha: leakyreluAlpha ?? 0.2 } : {});
      backend.disposeData(y.dataId);
      y = activated;
    }
    return y;
  };
}

/** Registers the native kernels over the wasm ones; returns what was registered, or why not. */
export function registerNativeKernels(): { registered: boolean; description: string } {
  const { addon, reason } = loadNative();
  if (!addon) return { registered: false, description: `native kernels ${reason}` };
  const current = (name: string) => tf.getKernel(name, "wasm")!.kernelFunc as unknown as KernelFunc;
  const matMul = nativeMatMul(addon, current("BatchMatMul"));
  const fused = nativeFusedMatMul(matMul, current("_FusedMatMul"));
  for (const [kernelName, kernelFunc] of [["BatchMatMul", matMul], ["_FusedMatMul", fused]] as const) {
    tf.unregisterKernel(kernelName, "wasm");
    tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  return { registered: true, description: `native ${addon.version()} matrix products` };
}
