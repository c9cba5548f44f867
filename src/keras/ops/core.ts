// The machinery shared by `keras.ops`: turning inputs into tensors (as `keras.ops.convert_to_tensor`),
// Keras 3's result dtypes, axis checks, error messages that name the op, and `defineOp`, which runs an
// op eagerly inside tf.tidy or, given a symbolic tensor (from `keras.Input` or a layer's call in a
// functional model), wraps it in a Lambda layer so that it becomes a node of the model, as Keras does.
//
// Porting note: tfjs tensors are float32, int32 or bool. Keras' other dtype names are accepted and
// mapped: float16, bfloat16 and float64 to float32, the integer types (int8 to int64, uint8 to uint64)
// to int32.
// Porting note: JavaScript has one number type, so `1` and `1.0` are the same. A plain number or nested
// array of them converts as Keras converts Python ints when every value is an integer (int32), else as
// floats (float32); booleans give bool. Pass a tf.Tensor (tf.tensor([1, 2]) is float32) or a dtype to
// choose. A number next to a tensor is "weak", as a Python scalar in Keras: `ops.add(x, 1)` keeps x's
// dtype, and only a fraction turns an int32 or bool tensor into float32.
// Porting note: an op on a symbolic tensor becomes a Lambda layer named after the op (`add`, `add_1`,
// ...) with the op's class name (`Add`), so model.summary() shows `add (Add)` as Keras does; but such
// layers are in model.layers (Keras lists only real layers there), their output shape is found by
// running the op, and a model with one cannot be saved (Lambda's own limit). Keras records the op
// itself as a node and can save it.
import tf from "../../tfjs.cjs";
import type { KerasVariable } from "../variables.js";
import { LambdaLayer, type LambdaFunction } from "../layers/core/lambda_layer.js";
import { baseArgs } from "../layers/common.js";
import { callable } from "../callable.js";
import { uniqueName } from "../naming.js";
import "./gradients.js";

/** Numbers or booleans nested in arrays, as `[[1, 2], [3, 4]]`. */
export type NestedArray = ReadonlyArray<number | boolean | NestedArray>;

/** What an op accepts where Keras takes a tensor: a tensor, a symbolic tensor, a variable, numbers. */
export type TensorLike = tf.Tensor | tf.SymbolicTensor | KerasVariable | number | boolean | NestedArray;

/** Keras' dtype names; tfjs holds float32, int32 and bool (see the Porting note above). */
export type DTypeName =
  | "float16" | "bfloat16" | "float32" | "float64"
  | "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64"
  | "bool";

/** A tfjs dtype that ops produce. */
export type OpDType = "float32" | "int32" | "bool";

/** An axis, a list of axes, or null for all of them. */
export type Axis = number | readonly number[] | null;

/** A `keras.ops` error: Keras raises ValueError for bad arguments. */
export function opError(op: string, message: string): Error {
  const e = new Error(`ops.${op}: ${message}`);
  e.name = "ValueError";
  return e;
}

/** A value as an error message shows it: `[3, 5]`, `"abc"`, `a tensor of shape [2,3]`. */
export function show(v: unknown): string {
  if (v instanceof tf.Tensor) return `a ${v.dtype} tensor of shape [${v.shape.join(",")}]`;
  if (v instanceof tf.SymbolicTensor) return `a symbolic tensor of shape [${v.shape.map((d) => d ?? "null").join(",")}]`;
  if (v === undefined) return "undefined";
  if (typeof v === "function") return "a function";
  if (typeof v === "string") return JSON.stringify(v);
  try {
    const s = JSON.stringify(v, (_k, x) => (x instanceof tf.Tensor ? `<tensor [${x.shape.join(",")}]>` : x));
    if (s === undefined) return String(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s.replace(/,/g, ", ");
  } catch {
    return String(v);
  }
}

const DTYPES: Record<string, OpDType> = {
  float16: "float32", bfloat16: "float32", float32: "float32", float64: "float32", float: "float32",
  int8: "int32", int16: "int32", int32: "int32", int64: "int32", uint8: "int32", uint16: "int32", uint32: "int32", uint64: "int32", int: "int32",
  bool: "bool",
};

/** Keras' dtype name to the tfjs dtype that holds it; undefined stays undefined. */
export function toDType(dtype: string | null | undefined, op: string, arg = "dtype"): OpDType | undefined {
  if (dtype === undefined || dtype === null) return undefined;
  const d = typeof dtype === "string" ? DTYPES[dtype] : undefined;
  if (!d) throw opError(op, `${arg} must be one of ${Object.keys(DTYPES).join(", ")}, got ${show(dtype)}`);
  return d;
}

/** tf.cast, except that any nonzero becomes true (tfjs' cast of 0.5 to bool gives false). */
export function castTo(t: tf.Tensor, dtype: OpDType): tf.Tensor {
  if (t.dtype === dtype) return t;
  return dtype === "bool" ? tf.notEqual(t, tf.scalar(0, t.dtype)) : tf.cast(t, dtype);
}

export function isSymbolic(x: unknown): x is tf.SymbolicTensor {
  return x instanceof tf.SymbolicTensor;
}

function isVariable(x: unknown): x is KerasVariable {
  return typeof x === "object" && x !== null && !(x instanceof tf.Tensor) && typeof (x as KerasVariable).read === "function" && "trainable" in x;
}

/** The dtype Keras gives plain numbers: int32 when all are integers (in int32's range), bool for booleans. */
function inferDType(values: unknown): OpDType {
  let allBool = true;
  let allInt = true;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (typeof v === "boolean") return;
    allBool = false;
    if (typeof v !== "number" || !Number.isInteger(v) || Math.abs(v) > 2147483647) allInt = false;
  };
  visit(values);
  return allBool ? "bool" : allInt ? "int32" : "float32";
}

/** `keras.ops.convert_to_tensor` for one argument of an op: errors name the op and the argument. */
export function toTensor(x: TensorLike, op: string, arg = "x", dtype?: OpDType): tf.Tensor {
  if (x instanceof tf.Tensor) return dtype ? castTo(x, dtype) : x;
  if (isSymbolic(x)) throw opError(op, `${arg} is a symbolic tensor where ops take only real ones (symbolic tensors may be arguments, elements of a list argument or values of an options object); wrap the computation in layers.Lambda((x) => ...)`);
  if (isVariable(x)) {
    const t = x.read();
    return dtype ? castTo(t, dtype) : t;
  }
  const ok = (v: unknown): boolean => (Array.isArray(v) ? v.every(ok) : typeof v === "number" || typeof v === "boolean");
  if (!ok(x)) throw opError(op, `${arg} must be a tensor, a number or nested arrays of numbers, got ${show(x)}`);
  const natural = inferDType(x);
  try {
    const t = tf.tensor(x as number[], undefined, natural);
    return dtype ? castTo(t, dtype) : t;
  } catch (e) {
    throw opError(op, `${arg} could not become a tensor (${(e as Error).message}): ${show(x)}`);
  }
}

const RANK: Record<string, number> = { bool: 0, int32: 1, float32: 2 };

/** Keras' result_type for these dtypes: bool < int32 < float32. */
export function resultType(...dtypes: tf.DataType[]): OpDType {
  let best: OpDType = "bool";
  for (const d of dtypes) if ((RANK[d] ?? 2) > RANK[best]) best = (d === "int32" || d === "bool" ? d : "float32") as OpDType;
  return best;
}

/**
 * The operands of a NumPy-style binary op, in their common dtype. A plain number is weak (a Python
 * scalar in Keras): it takes the tensor's dtype, unless a fraction meets an int32 or bool tensor.
 */
export function binaryInputs(x1: TensorLike, x2: TensorLike, op: string, minDType?: OpDType): [tf.Tensor, tf.Tensor] {
  const weak = (v: TensorLike) => typeof v === "number" || typeof v === "boolean";
  let a: tf.Tensor;
  let b: tf.Tensor;
  if (weak(x1) && !weak(x2)) {
    b = toTensor(x2, op, "x2");
    a = toTensor(x1, op, "x1", weakType(x1 as number | boolean, b.dtype));
  } else if (weak(x2) && !weak(x1)) {
    a = toTensor(x1, op, "x1");
    b = toTensor(x2, op, "x2", weakType(x2 as number | boolean, a.dtype));
  } else {
    a = toTensor(x1, op, "x1");
    b = toTensor(x2, op, "x2");
  }
  const d = minDType ? resultType(a.dtype, b.dtype, minDType) : resultType(a.dtype, b.dtype);
  return [a.dtype === d ? a : tf.cast(a, d), b.dtype === d ? b : tf.cast(b, d)];
}

function weakType(v: number | boolean, other: tf.DataType): OpDType {
  if (typeof v === "boolean") return resultType(other);
  if (other === "float32" || !Number.isInteger(v)) return "float32";
  return "int32";
}

/** One axis in [0, rank): negative counts from the end. */
export function normAxis(axis: number, rank: number, op: string, arg = "axis"): number {
  if (!Number.isInteger(axis) || axis < -Math.max(rank, 1) || axis >= Math.max(rank, 1)) {
    throw opError(op, `${arg} ${show(axis)} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? Math.max(axis + rank, 0) : axis;
}

/** Axes in [0, rank), sorted; null or undefined means all of them. Duplicates are an error. */
export function normAxes(axis: Axis | undefined, rank: number, op: string, arg = "axis"): number[] {
  if (axis === null || axis === undefined) return [...Array(rank).keys()];
  const list = typeof axis === "number" ? [axis] : Array.isArray(axis) ? axis : undefined;
  if (!list) throw opError(op, `${arg} must be an integer, a list of integers or null, got ${show(axis)}`);
  const out = list.map((a) => normAxis(a, rank, op, arg));
  if (new Set(out).size !== out.length) throw opError(op, `${arg} ${show(axis)} repeats an axis`);
  return out.sort((p, q) => p - q);
}

/** An op's positional argument or its options object: `sum(x, 1)` or `sum(x, { axis: 1 })`. */
export function axisOrOptions<O extends { axis?: Axis }>(a: Axis | O | undefined, rest: O | undefined): O {
  if (a === null || typeof a === "number" || Array.isArray(a)) return { ...(rest ?? ({} as O)), axis: a as Axis };
  return { ...((a as O | undefined) ?? ({} as O)), ...(rest ?? {}) };
}

/** Checks an options argument is an object (or absent). */
export function options<O extends object>(o: O | undefined, op: string): O {
  if (o === undefined || o === null) return {} as O;
  if (typeof o !== "object" || Array.isArray(o) || o instanceof tf.Tensor) throw opError(op, `expected an options object, got ${show(o)}`);
  return o;
}

/** Integer checks for sizes and counts. */
export function intArg(v: unknown, op: string, arg: string, min = -Infinity): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw opError(op, `${arg} must be an integer${min > -Infinity ? ` >= ${min}` : ""}, got ${show(v)}`);
  }
  return v;
}

type IsSym<T> = T extends tf.SymbolicTensor ? true
  : T extends readonly (infer U)[] ? (U extends tf.SymbolicTensor ? true : false)
  : T extends tf.Tensor ? false
  : T extends object ? (true extends { [K in keyof T]-?: T[K] extends tf.SymbolicTensor ? true : false }[keyof T] ? true : false)
  : false;
type AnySym<A extends readonly unknown[]> = true extends { [K in keyof A]: IsSym<A[K]> }[number] ? true : false;
type Symbolize<R> = R extends tf.Tensor ? tf.SymbolicTensor : R extends readonly tf.Tensor[] ? { [K in keyof R]: tf.SymbolicTensor } : R;

/** An op: its result is symbolic when any argument (or element of an array argument) is. */
export type Op<P extends unknown[], R> = <A extends P>(...args: A) => AnySym<A> extends true ? Symbolize<R> : R;

const isPlainObject = (a: unknown): a is Record<string, unknown> =>
  typeof a === "object" && a !== null && !Array.isArray(a) && !(a instanceof tf.Tensor) && !isSymbolic(a) && Object.getPrototypeOf(a) === Object.prototype;

/** Symbolic tensors count as arguments, elements of a list argument, or values of an options object. */
function hasSymbolic(args: readonly unknown[]): boolean {
  return args.some((a) => isSymbolic(a) || (Array.isArray(a) && a.some(isSymbolic)) || (isPlainObject(a) && Object.values(a).some(isSymbolic)));
}

/**
 * Defines an op named `name` (tsdl's camelCase name, for messages; `kerasName` names its Lambda
 * layer): eager calls run in tf.tidy, so only the result is kept; symbolic ones make a Lambda layer.
 */
export function defineOp<P extends unknown[], R extends tf.Tensor | tf.Tensor[]>(name: string, kerasName: string, impl: (...args: P) => R): Op<P, R> {
  const run = (...args: P): unknown => {
    if (hasSymbolic(args)) return symbolicCall(name, kerasName, args, impl);
    return tf.tidy(() => {
      const out = impl(...args);
      // An input handed back as it is would be freed with the result: return a new handle.
      const fresh = (t: tf.Tensor) => (args.includes(t) ? tf.clone(t) : t);
      return (Array.isArray(out) ? out.map(fresh) : fresh(out as tf.Tensor)) as R;
    });
  };
  Object.defineProperty(run, "name", { value: name });
  return run as Op<P, R>;
}

const opLayerClasses = new Map<string, typeof LambdaLayer>();

/** A Lambda layer class per op, whose class name is Keras' for the op node: `add` -> `Add`. */
function opLayerClass(kerasName: string): typeof LambdaLayer {
  let cls = opLayerClasses.get(kerasName);
  if (!cls) {
    cls = class extends LambdaLayer {};
    cls.className = kerasName.replace(/(^|_)([a-z0-9])/g, (_m, _u, c: string) => c.toUpperCase());
    opLayerClasses.set(kerasName, cls);
  }
  return cls;
}

function symbolicCall<P extends unknown[], R extends tf.Tensor | tf.Tensor[]>(name: string, kerasName: string, args: P, impl: (...args: P) => R): unknown {
  const inputs: tf.SymbolicTensor[] = [];
  const slot = (x: unknown): unknown => (isSymbolic(x) ? { slot: inputs.push(x) - 1 } : x);
  // Each argument as a template: a symbolic tensor becomes { slot }, a list or options object holding
  // some becomes { list } or { object } of the same; the Lambda's function fills the slots.
  type Template = { slot: number } | { list: unknown[] } | { object: Record<string, unknown> } | { value: unknown };
  const template = args.map((a): Template =>
    isSymbolic(a) ? (slot(a) as { slot: number })
    : Array.isArray(a) && a.some(isSymbolic) ? { list: a.map(slot) }
    : isPlainObject(a) && Object.values(a).some(isSymbolic) ? { object: Object.fromEntries(Object.entries(a).map(([k, v]) => [k, slot(v)])) }
    : { value: a });
  const fill = (xs: tf.Tensor[]) => (t: unknown): unknown => (t && typeof t === "object" && "slot" in t ? xs[(t as { slot: number }).slot] : t);
  const fn = (x: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] => {
    const xs = Array.isArray(x) ? x : [x];
    const f = fill(xs);
    const real = template.map((t) => {
      if ("list" in t) return t.list.map(f);
      if ("object" in t) return Object.fromEntries(Object.entries(t.object).map(([k, v]) => [k, f(v)]));
      return "slot" in t ? f(t) : t.value;
    });
    try {
      return impl(...(real as P));
    } catch (e) {
      inner = e as Error;
      throw e;
    }
  };
  let inner: Error | undefined;
  try {
    const layer = callable(new (opLayerClass(kerasName))({ ...baseArgs("Lambda", { name: uniqueName(kerasName) }), function: fn as LambdaFunction } as ConstructorParameters<typeof LambdaLayer>[0]));
    const out = inputs.length === 1 ? layer(inputs[0]) : layer(inputs);
    setDTypes(out, inputs, fn);
    return out;
  } catch (e) {
    if (inner && inner.message.startsWith("ops.")) throw inner;
    const message = (e as Error).message;
    if (message.startsWith("ops.")) throw e;
    throw opError(name, `could not be applied to symbolic tensors (${message}); wrap the computation in layers.Lambda((x) => ...) with an outputShape`);
  }
}

/**
 * tfjs gives a layer's symbolic outputs its first input's dtype; the op's own (argmax: int32, greater:
 * bool) is found by running it once on zeros (unknown sizes 1). If that fails, the guess stays.
 */
function setDTypes(out: tf.SymbolicTensor | tf.SymbolicTensor[], inputs: tf.SymbolicTensor[], fn: (x: tf.Tensor | tf.Tensor[]) => tf.Tensor | tf.Tensor[]): void {
  let dtypes: tf.DataType[] = [];
  try {
    tf.tidy(() => {
      const xs = inputs.map((s) => tf.zeros(s.shape.map((d) => d ?? 1), s.dtype));
      const r = fn(xs.length === 1 ? xs[0] : xs);
      dtypes = (Array.isArray(r) ? r : [r]).map((t) => t.dtype);
    });
  } catch {
    return;
  }
  const outs = Array.isArray(out) ? out : [out];
  if (dtypes.length === outs.length) outs.forEach((o, i) => ((o as { dtype: tf.DataType }).dtype = dtypes[i]));
}

const noGradient = tf.customGrad(((x: tf.Tensor) => ({ value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as unknown as Parameters<typeof tf.customGrad>[0]);

/** x's values with no gradient through them (tfjs has no stopGradient). */
export function stopGradient(x: tf.Tensor): tf.Tensor {
  return x.dtype === "float32" ? (noGradient(x) as tf.Tensor) : tf.clone(x);
}
