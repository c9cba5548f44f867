// TsdlDense(x, kernel, bias?) -> relu?(x · kernel + bias): a Dense layer's training forward pass as one
// product with the bias (and relu) inside it (the wasm backend's _FusedMatMul, native where the addon
// is), and a gradient of its own that computes only what the backward pass asks for. tfjs' fused
// product (tf.fused.matMul) cannot serve in training: its gradient is a customGrad, which computes the
// input's gradient too, and the first layer's input gradient ([batch, 784] x [784, 300] for an MNIST
// MLP) is never needed. Composed instead, matMul + add is two kernels forward and four backward (Add's
// gradient reshapes, sums and reshapes again); here it is one forward, and backward the two products,
// a column sum for the bias and, after a relu, one TsdlReluGrad pass.
import tf from "../tfjs.cjs";
import { fusedKernelsRegistered, RELU_GRAD, reluGrad } from "./fused_kernels.js";
import { loadNative } from "./native_kernels.js";
import { Scratch } from "./wasm_kernels.js";

const KERNEL = "TsdlDense";
const GRAD = "TsdlDenseGrad";
let registered = false;

/**
 * With the native kernels, their _FusedMatMul (bias and relu inside oneDNN's product), given
 * [1, batch, in] x [1, in, units] views of the operands (the rank tfjs' fused product hands its
 * kernel) and its [1, batch, units] output returned as [batch, units]: views of the same memory.
 * Without them, the kernels the composed ops would run (tsdl's wasm product, then the bias and the
 * relu) in one dispatch: tfjs-wasm's own fused kernel keeps an XNNPACK operator with packed weights per
 * weight tensor id, which every in-place update changes (fused_kernels.ts' rekey), and measured no
 * faster in training (seed 003's step 5.1 ms either way).
 */
function forwardKernel(args: { inputs: Record<string, tf.TensorInfo>; backend: unknown; attrs: Record<string, unknown> }): tf.TensorInfo {
  const { x, kernel, bias } = args.inputs;
  const shape = [x.shape[0], kernel.shape[1]];
  if (loadNative().addon) {
    const as3 = (t: tf.TensorInfo): tf.TensorInfo => ({ ...t, shape: [1, ...t.shape] });
    const inputs: Record<string, tf.TensorInfo> = { a: as3(x), b: as3(kernel) };
    if (bias) inputs.bias = bias;
    const out = tf.getKernel("_FusedMatMul", "wasm")!.kernelFunc({ inputs, backend: args.backend, attrs: { transposeA: false, transposeB: false, activation: args.attrs.activation } } as never) as tf.TensorInfo;
    return { ...out, shape };
  }
  const s = new Scratch(args.backend);
  let y = s.run("BatchMatMul", { a: x, b: kernel }, { transposeA: false, transposeB: false });
  if (bias) y = s.run("Add", { a: y, b: bias });
  if (args.attrs.activation === "relu") y = s.run("Relu", { x: y });
  return s.keep(y);
}

function register(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: KERNEL, backendName: "wasm", kernelFunc: forwardKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: GRAD, backendName: "wasm", kernelFunc: gradKernel as unknown as tf.KernelFunc });
  tf.registerGradient({
    kernelName: KERNEL,
    inputsToSave: ["x", "kernel"],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, kernel, y] = saved;
      const relu = (attrs as { activation: string }).activation === "relu";
      // relu's derivative once (dy where y > 0), here: the three closures below share it.
      const d = relu ? reluGrad(dy as tf.Tensor, y) : (dy as tf.Tensor);
      return {
        x: () => tf.matMul(d, kernel, false, true),
        kernel: () => tf.matMul(x, d, true, false),
        bias: () => tf.sum(d, 0),
      };
    },
  });
}

/**
 * `activation(x · kernel + bias)` of a [batch, in] float32 input for training, activation relu or
 * linear, as one kernel with a gradient of its own; undefined off the wasm backend or for other inputs
 * (the caller composes it from tfjs ops).
 */
export function denseTraining(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | undefined, activation: "relu" | "linear"): tf.Tensor | undefined {
  if (tf.getBackend() !== "wasm" || x.rank !== 2 || kernel.rank !== 2 || x.dtype !== "float32" || kernel.dtype !== "float32") return undefined;
  if (x.shape[1] !== kernel.shape[0] || x.size === 0 || (bias && (bias.dtype !== "float32" || bias.size !== kernel.shape[1]))) return undefined;
  if (!fusedKernelsRegistered()) return undefined;
  register();
  return tf.engine().runKernel(KERNEL, bias ? { x, kernel, bias: bias.rank === 1 ? bias : tf.reshape(bias, [-1]) } : { x, kernel }, { activation }) as tf.Tensor;
}

/**
 * TsdlDenseGrad(dy, x, kernel, y?) -> [dkernel, dbias?, dx?]: the registered gradient's kernels (relu's
 * gradient, xᵀ·d, the column sum of d, d·kernelᵀ) as one dispatch; tf.matMul makes four (it reshapes
 * both operands and its result). The training plan calls it, knowing which parts it needs.
 */
function gradKernel(args: { inputs: Record<string, tf.TensorInfo>; backend: unknown; attrs: Record<string, unknown> }): tf.TensorInfo[] {
  const { dy, x, kernel, y } = args.inputs;
  const { activation, bias, input } = args.attrs as { activation: string; bias: boolean; input: boolean };
  const s = new Scratch(args.backend);
  const d = activation === "relu" ? s.run(RELU_GRAD, { dy, y }) : dy;
  const out = [s.run("BatchMatMul", { a: x, b: d }, { transposeA: true, transposeB: false })];
  if (bias) out.push(s.run("Sum", { x: d }, { axis: [0], keepDims: false }));
  if (input) out.push(s.run("BatchMatMul", { a: d, b: kernel }, { transposeA: false, transposeB: true }));
  return s.keepAll(out);
}

/**
 * The gradient of a TsdlDense output y = denseTraining(x, kernel, bias, activation) for upstream dy,
 * outside a tape (the training plan's backward pass), as the registered gradient computes it: the
 * kernel's, the bias' where `bias`, the input's where `input` (a layer before needs it).
 */
export function denseTrainingGrad(dy: tf.Tensor, x: tf.Tensor, kernel: tf.Tensor, y: tf.Tensor, activation: "relu" | "linear", bias: boolean, input: boolean): { kernel: tf.Tensor; bias?: tf.Tensor; x?: tf.Tensor } {
  register();
  const inputs: tf.NamedTensorMap = activation === "relu" ? { dy, x, kernel, y } : { dy, x, kernel };
  const [dkernel, ...rest] = tf.engine().runKernel(GRAD, inputs, { activation, bias, input }) as tf.Tensor[];
  return { kernel: dkernel, bias: bias ? rest.shift() : undefined, x: input ? rest.shift() : undefined };
}
