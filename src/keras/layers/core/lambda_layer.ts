// Lambda: a layer that runs a function of tensors, `Lambda((x) => tf.square(x))`, as Keras 3's
// keras/src/layers/core/lambda_layer.py. The function runs on tfjs tensors with tf ops, so gradients
// flow through it; it gets the layer's input (an array for several inputs) and an options object with
// `training` and the layer's `arguments`.
//
// The output shape, unless given, is found as Keras does, by running the function: on zeros with 2,
// then 3, in place of each unknown size (an axis whose size follows the unknown one stays unknown).
//
// Porting note: a Lambda cannot be saved (Keras saves Python bytecode; tsdl cannot save a TypeScript
// function): saving a model with one is an error that says so. Write a layer class instead.
// Porting note: Keras passes `training` and `mask` only to functions whose signature names them;
// tsdl always passes `{ training, mask, ...arguments }` as the second argument.
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";

type Shape = (number | null)[];
type Inputs = tf.Tensor | tf.Tensor[];

export interface LambdaCallOptions {
  /** Whether the model runs in training mode. */
  training: boolean;
  /** The input's mask, if any. */
  mask?: tf.Tensor | tf.Tensor[] | null;
  [argument: string]: unknown;
}

/** The function a Lambda runs: tensors in, tensors out (tf ops). */
export type LambdaFunction = (inputs: Inputs, options: LambdaCallOptions) => Inputs;

export interface LambdaOptions extends BaseLayerOptions {
  /** The function (when not given first). */
  function?: LambdaFunction;
  /**
   * The output shape without the batch axis (`[6]`; one per output for several), or a function of the
   * full input shape giving the full output shape. Default: found by running the function.
   */
  outputShape?: Shape | Shape[] | ((inputShape: Shape | Shape[]) => Shape | Shape[]);
  /** The output mask: a function `(inputs, mask) => mask`. Default: no mask. */
  mask?: (inputs: Inputs, mask: tf.Tensor | tf.Tensor[] | null | undefined) => tf.Tensor | tf.Tensor[] | null;
  /** Extra keyword arguments given to the function in its options object. Default none. */
  arguments?: Record<string, unknown>;
}

interface LambdaArgs extends LambdaOptions {
  function: LambdaFunction;
}

const isShapeList = (s: unknown): s is Shape[] => Array.isArray(s) && s.length > 0 && Array.isArray(s[0]);

export class LambdaLayer extends tf.layers.Layer {
  static className = "Lambda";
  readonly fn: LambdaFunction;
  readonly outputShapeOption: LambdaOptions["outputShape"];
  readonly maskFn: LambdaOptions["mask"];
  readonly fnArguments: Record<string, unknown>;

  constructor(args: LambdaArgs) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.fn = args.function;
    this.outputShapeOption = args.outputShape;
    this.maskFn = args.mask;
    this.fnArguments = { ...(args.arguments ?? {}) };
    this.supportsMasking = args.mask !== undefined;
  }

  call(inputs: Inputs, kwargs: Record<string, unknown>): Inputs {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) && inputs.length === 1 ? inputs[0] : inputs;
      const out = this.fn(x, { ...this.fnArguments, training: kwargs.training === true, mask: kwargs.mask as tf.Tensor | null | undefined });
      const outs = Array.isArray(out) ? out : [out];
      if (!outs.length || !outs.every((t) => t instanceof tf.Tensor)) {
        throw new Error(`Lambda "${this.name}": the function must return a tensor or an array of tensors, got ${describe(out)}`);
      }
      return out;
    });
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const o = this.outputShapeOption;
    if (typeof o === "function") return o(inputShape as Shape | Shape[]) as tf.Shape | tf.Shape[];
    const first = (isShapeList(inputShape) ? inputShape[0] : inputShape) as Shape;
    if (o !== undefined) {
      const batch = first[0] ?? null;
      return (isShapeList(o) ? o.map((s) => [batch, ...s]) : [batch, ...(o as Shape)]) as tf.Shape | tf.Shape[];
    }
    return this.inferShape(inputShape as Shape | Shape[]);
  }

  /** Runs the function on zeros, unknown sizes 2 then 3; sizes that change with them are unknown. */
  private inferShape(inputShape: Shape | Shape[]): tf.Shape | tf.Shape[] {
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape as Shape];
    const run = (fill: number): number[][] =>
      tf.tidy(() => {
        const xs = shapes.map((s) => tf.zeros(s.map((d) => d ?? fill)));
        const out = this.fn(xs.length === 1 && !isShapeList(inputShape) ? xs[0] : xs, { ...this.fnArguments, training: false });
        return (Array.isArray(out) ? out : [out]).map((t) => t.shape);
      });
    let a: number[][];
    let b: number[][];
    try {
      a = run(2);
      b = run(3);
    } catch (e) {
      throw new Error(`Lambda "${this.name}": could not infer the output shape by running the function on input shape ${JSON.stringify(inputShape)} (${(e as Error).message}); pass outputShape`);
    }
    const merged = a.map((s, i) => s.map((d, j) => (b[i]?.[j] === d ? d : null)));
    return (merged.length === 1 ? merged[0] : merged) as tf.Shape | tf.Shape[];
  }

  computeMask(inputs: Inputs, mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    return (this.maskFn ? this.maskFn(inputs, mask) : null) as tf.Tensor;
  }

  getConfig(): tf.serialization.ConfigDict {
    throw new Error(
      `Lambda "${this.name}": a model with a Lambda layer cannot be saved, since its TypeScript function cannot be written to a file; ` +
        "write a layer class (extends tf.layers.Layer, registered with tf.serialization.registerClass) instead",
    );
  }
}
tf.serialization.registerClass(LambdaLayer);

function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) return `an array of ${v.map((x) => (x instanceof tf.Tensor ? "tensor" : typeof x)).join(", ")}`;
  return typeof v === "object" ? `an object (${(v as object).constructor?.name ?? "Object"})` : typeof v;
}

/**
 * `Lambda((x) => tf.mul(x, 2))`, `Lambda(fn, { outputShape: [6] })` or `Lambda({ function: fn, ... })`.
 * The function gets the input (an array for several inputs) and `{ training, mask, ...arguments }`.
 */
export function Lambda(fn: LambdaFunction | LambdaOptions, options: LambdaOptions = {}): Callable<tf.layers.Layer> {
  const o: LambdaOptions = typeof fn === "function" ? { ...options, function: fn } : typeof fn === "object" && fn !== null ? { ...fn } : { function: fn as never };
  if (typeof o.function !== "function") throw new Error(`Lambda: function must be a function of tensors, e.g. Lambda((x) => tf.square(x)), got ${describe(o.function)}`);
  const shape = o.outputShape;
  const validShape = (s: unknown) => Array.isArray(s) && s.every((d) => d === null || (Number.isInteger(d) && (d as number) >= 0));
  if (shape !== undefined && typeof shape !== "function" && !(validShape(shape) || (isShapeList(shape) && shape.every(validShape)))) {
    throw new Error(`Lambda: outputShape must be a shape without the batch axis (e.g. [6]), a list of them, or a function of the input shape, got ${JSON.stringify(shape)}`);
  }
  if (o.mask !== undefined && typeof o.mask !== "function") throw new Error(`Lambda: mask must be a function (inputs, mask) => mask, got ${describe(o.mask)}`);
  return callable(new LambdaLayer({ ...baseArgs("Lambda", o), function: o.function, outputShape: shape, mask: o.mask, arguments: o.arguments } as LambdaArgs));
}
