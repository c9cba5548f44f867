// TsdlMean(x) -> the mean of all of x's entries, a scalar, and its gradient TsdlMeanGrad(dy) -> dy / n
// in every entry: a loss's reduction over the batch ("sum_over_batch_size" without sample weights) and
// a metric's, as one kernel each way on the wasm backend. Composed from tfjs ops the same mean is Sum and
// RealDiv forward and four kernels backward (RealDiv's gradient, Cast, Reshape, Multiply), each a
// dispatch that costs more than the few dozen additions it does. The sum runs in JavaScript on the
// wasm heap, in doubles (so at least as exact as float32's), for vectors up to SMALL entries; larger
// ones, and other backends, take tfjs' ops.
import tf from "../tfjs.cjs";
import { floatOffset, heap, type WasmBackend } from "./wasm_backend.js";

type TensorInfo = tf.TensorInfo;
type KernelArgs = { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> };

const KERNEL = "TsdlMean";
const GRAD = "TsdlMeanGrad";
/** The most entries the JavaScript loop sums (a batch of per-sample values is a few hundred at most). */
export const SMALL = 1 << 14;
let registered = false;

function meanKernel(args: KernelArgs): TensorInfo {
  const b = args.backend as WasmBackend;
  const x = args.inputs.x;
  const n = tf.util.sizeFromShape(x.shape);
  const out = b.makeOutput([], "float32");
  const buffer = heap(b); // after makeOutput: the heap may have grown
  const v = new Float32Array(buffer, floatOffset(b, x) * 4, n);
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i];
  new Float32Array(buffer, floatOffset(b, out) * 4, 1)[0] = s / n;
  return out;
}

function gradKernel(args: KernelArgs): TensorInfo {
  const b = args.backend as WasmBackend;
  const shape = args.attrs.shape as number[];
  const n = tf.util.sizeFromShape(shape);
  const out = b.makeOutput(shape, "float32");
  const buffer = heap(b);
  const g = new Float32Array(buffer, floatOffset(b, args.inputs.dy) * 4, 1)[0] / n;
  new Float32Array(buffer, floatOffset(b, out) * 4, n).fill(g);
  return out;
}

function register(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: KERNEL, backendName: "wasm", kernelFunc: meanKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: GRAD, backendName: "wasm", kernelFunc: gradKernel as unknown as tf.KernelFunc });
  tf.registerGradient({
    kernelName: KERNEL,
    // x's shape is in the attributes: nothing of x is kept for the backward pass
    gradFunc: (dy, _saved, attrs) => ({ x: () => tf.engine().runKernel(GRAD, { dy: dy as tf.Tensor }, attrs) as tf.Tensor }),
  });
}

/**
 * The mean of all entries of float32 `x` (1 to SMALL of them) as one kernel with a one-kernel gradient;
 * undefined off the wasm backend or for other tensors (the caller composes it from tfjs ops).
 */
export function smallMean(x: tf.Tensor): tf.Scalar | undefined {
  if (tf.getBackend() !== "wasm" || x.dtype !== "float32" || x.size === 0 || x.size > SMALL) return undefined;
  register();
  return tf.engine().runKernel(KERNEL, { x }, { shape: x.shape }) as tf.Scalar;
}
