// TsdlSoftmaxCrossEntropy(logits, labels) -> per-row cross-entropy of softmax(logits), and its gradient
// TsdlSoftmaxCrossEntropyGrad -> dy * (softmax(logits) * sum(labels) - labels): what Keras' cross-entropies
// compute from a softmax's logits (TensorFlow's softmax_cross_entropy_with_logits and its sparse form),
// one pass each way on the wasm backend instead of ~6 kernels forward and ~10 backward. The rows are
// short (one per sample, a row of classes), so the loops run in JavaScript on the wasm heap, in
// doubles, for the native and the plain wasm backend alike.
//
// labels: class indices [rows] (int32 or float32, sparse) or a distribution per row [rows, classes] (float32). A
// class index outside [0, classes) gives NaN for that row (TensorFlow's GPU kernel does the same; its
// CPU kernel raises).
import tf from "../tfjs.cjs";
import { floatOffset, heap, type WasmBackend } from "./wasm_backend.js";
import { fusedCalls, readAsStored } from "./fused_kernels.js";

type TensorInfo = tf.TensorInfo;
type KernelArgs = { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> };

const KERNEL = "TsdlSoftmaxCrossEntropy";
const GRAD = "TsdlSoftmaxCrossEntropyGrad";
let registered = false;

function views(b: WasmBackend, inputs: Record<string, TensorInfo>, sparse: boolean) {
  const { logits, labels } = inputs;
  const classes = logits.shape[logits.shape.length - 1];
  const rows = tf.util.sizeFromShape(logits.shape) / classes;
  const buffer = heap(b);
  const at = (t: TensorInfo) => floatOffset(b, t) * 4; // bytes (int32 labels too: 4 bytes an entry)
  const z = new Float32Array(buffer, at(logits), rows * classes);
  // Sparse labels as int32, or as float32 read the way tfjs casts them (ToInt32: truncated toward 0).
  const y = sparse ? (labels.dtype === "int32" ? new Int32Array(buffer, at(labels), rows) : Int32Array.from(new Float32Array(buffer, at(labels), rows))) : new Float32Array(buffer, at(labels), rows * classes);
  return { rows, classes, z, y, buffer, at };
}

/** log(sum(exp(z))) of one row, from its maximum. */
function logSumExp(z: Float32Array, o: number, classes: number): number {
  let m = -Infinity;
  for (let j = 0; j < classes; j++) if (z[o + j] > m) m = z[o + j];
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let j = 0; j < classes; j++) s += Math.exp(z[o + j] - m);
  return m + Math.log(s);
}

function forwardKernel(args: KernelArgs): TensorInfo {
  const b = args.backend as WasmBackend;
  const sparse = args.attrs.sparse as boolean;
  const out = b.makeOutput(args.inputs.logits.shape.slice(0, -1), "float32");
  const { rows, classes, z, y, buffer, at } = views(b, args.inputs, sparse); // after makeOutput: the heap may have grown
  const loss = new Float32Array(buffer, at(out), rows);
  for (let r = 0, o = 0; r < rows; r++, o += classes) {
    const lse = logSumExp(z, o, classes);
    if (sparse) {
      const k = y[r];
      loss[r] = k >= 0 && k < classes ? lse - z[o + k] : NaN;
    } else {
      let v = 0;
      for (let j = 0; j < classes; j++) if (y[o + j] !== 0) v += y[o + j] * (lse - z[o + j]);
      loss[r] = v;
    }
  }
  return out;
}

function gradKernel(args: KernelArgs): TensorInfo {
  const b = args.backend as WasmBackend;
  const sparse = args.attrs.sparse as boolean;
  const out = b.makeOutput(args.inputs.logits.shape, "float32");
  const { rows, classes, z, y, buffer, at } = views(b, args.inputs, sparse);
  const dz = new Float32Array(buffer, at(out), rows * classes);
  const dy = new Float32Array(buffer, at(args.inputs.dy), rows);
  for (let r = 0, o = 0; r < rows; r++, o += classes) {
    const lse = logSumExp(z, o, classes);
    const g = dy[r];
    let mass = 1;
    if (!sparse) {
      mass = 0;
      for (let j = 0; j < classes; j++) mass += y[o + j];
    }
    const k = sparse ? y[r] : -1;
    const bad = sparse && !(k >= 0 && k < classes);
    for (let j = 0; j < classes; j++) {
      const p = Math.exp(z[o + j] - lse);
      dz[o + j] = bad ? NaN : g * (p * mass - (sparse ? (j === k ? 1 : 0) : y[o + j]));
    }
  }
  return out;
}

function register(): void {
  if (registered) return;
  registered = true;
  for (const [kernelName, kernelFunc] of [[KERNEL, forwardKernel], [GRAD, gradKernel]] as const) {
    tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  tf.registerGradient({
    kernelName: KERNEL,
    inputsToSave: ["logits", "labels"],
    gradFunc: (dy, saved, attrs) => {
      const [logits, labels] = saved;
      return {
        logits: () => tf.engine().runKernel(GRAD, { logits, labels, dy: dy as tf.Tensor }, attrs as never) as tf.Tensor,
        labels: () => tf.zerosLike(labels),
      };
    },
  });
}

/** The inputs of the values softmaxCrossEntropy made from labels as given (so that they outlive the call). */
const madeFrom = new WeakMap<tf.Tensor, { logits: tf.Tensor; labels: tf.Tensor; sparse: boolean }>();

/**
 * For per-row `values` that softmaxCrossEntropy made (and whose inputs are still there): the logits
 * and the gradient with respect to them for the upstream gradient `dValues`, through the kernel's
 * registered gradient, without a tape (fit's training plan, for a loss that is the mean of these
 * values); undefined for other tensors.
 */
export function softmaxCrossEntropyGradient(values: tf.Tensor, dValues: () => tf.Tensor): { logits: tf.Tensor; dLogits: tf.Tensor } | undefined {
  const m = madeFrom.get(values);
  if (!m || values.isDisposed || m.logits.isDisposed || m.labels.isDisposed) return undefined;
  const dLogits = tf.getGradient(KERNEL)!.gradFunc(dValues(), [m.logits, m.labels], { sparse: m.sparse }).logits();
  return { logits: m.logits, dLogits };
}

/**
 * Cross-entropy of softmax(logits) along the last axis against class indices (`sparse`, shape
 * [rows]) or label rows (the shape of logits), per row, fused with its gradient; undefined off the
 * wasm backend or for other shapes and types (the caller composes it from tfjs ops).
 */
export function softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, sparse: boolean): tf.Tensor | undefined {
  if (tf.getBackend() !== "wasm" || logits.dtype !== "float32" || logits.rank < 1 || logits.size === 0) return undefined;
  if (sparse ? labels.size !== logits.size / logits.shape[logits.rank - 1] : !tf.util.arraysEqual(labels.shape, logits.shape)) return undefined;
  register();
  fusedCalls.crossEntropy++;
  if (readAsStored(labels, sparse)) {
    const values = tf.engine().runKernel(KERNEL, { logits, labels }, { sparse }) as tf.Tensor;
    madeFrom.set(values, { logits, labels, sparse });
    return values;
  }
  return tf.tidy(() => tf.engine().runKernel(KERNEL, { logits, labels: tf.cast(labels, sparse ? "int32" : "float32") }, { sparse }) as tf.Tensor);
}
