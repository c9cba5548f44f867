// The keras.ops parity harness: a test file lists cases (Keras' op name, arguments, keyword arguments);
// ops_oracle.py runs them all in Keras 3 in one Python process, and each case becomes a test that runs
// the same op in tsdl (`ops.expandDims` for `expand_dims`, keyword arguments as a trailing options
// object in camelCase) and compares shapes exactly, dtypes (Keras' float64/int64 read as tfjs'
// float32/int32) and values to 1e-5 (relative where large), gradients to 1e-4, and that the call
// leaves no tensor behind.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ops, ready, tf } from "../../../src/index.ts";
import { runKeras } from "../keras_oracle.ts";

export interface Encoded {
  shape: number[];
  dtype: string;
  data: (number | string)[];
}

interface Result {
  outputs?: Encoded[];
  grads?: (Encoded | null)[];
  error?: string;
}

export interface OpCase {
  /** Keras' op name, e.g. "expand_dims" (the tsdl op is its camelCase name unless `ts` is given). */
  op: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  /** Indices of tensor arguments to compare gradients for. */
  grad?: number[];
  /** Calls tsdl's op another way (gets the decoded arguments and camelCase keyword arguments). */
  ts?: (args: unknown[], kwargs: Record<string, unknown>) => unknown;
  /** Value tolerance (default 1e-5; gradients 1e-4). */
  tol?: number;
}

/** A tensor argument: nested values and a dtype (default float32), built the same way on both sides. */
export function T(values: unknown, dtype = "float32"): { tensor: unknown; dtype: string } {
  const encode = (v: unknown): unknown => (Array.isArray(v) ? v.map(encode) : typeof v === "number" && !Number.isFinite(v) ? String(v).replace("Infinity", "inf").replace("NaN", "nan") : v);
  return { tensor: encode(values), dtype };
}

/** A Python float (JSON writes 1.0 as 1, which Python reads as an int). */
export function F(v: number): { float: number | string } {
  return { float: Number.isFinite(v) ? v : Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf" };
}

/** A Python tuple. */
export function Tup(...v: unknown[]): { tuple: unknown[] } {
  return { tuple: v };
}

/** Deterministic values of a shape: rounded sines in about [-scale, scale], different per seed. */
export function values(shape: number[], seed = 1, scale = 2): unknown {
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = Array.from({ length: n }, (_v, i) => Math.round(Math.sin(i * 1.37 + seed * 2.11) * scale * 1000) / 1000);
  const build = (s: number[], off: number): unknown => (s.length === 0 ? flat[off] : Array.from({ length: s[0] }, (_v, i) => build(s.slice(1), off + i * s.slice(1).reduce((a, b) => a * b, 1))));
  return build(shape, 0);
}

/** A float32 tensor argument of deterministic values. */
export function R(shape: number[], seed = 1, scale = 2): { tensor: unknown; dtype: string } {
  return T(values(shape, seed, scale));
}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const nums = (x: unknown): unknown => (Array.isArray(x) ? x.map(nums) : typeof x === "string" ? num(x) : x);
    if ("tensor" in o) return tf.tensor(nums(o.tensor) as number[], undefined, o.dtype === "bool" ? "bool" : String(o.dtype).startsWith("float") ? "float32" : "int32");
    if ("float" in o) return num(o.float as number | string);
    if ("tuple" in o) return (o.tuple as unknown[]).map(decode);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [camel(k), decode(x)]));
  }
  return v;
}

const TFJS_DTYPE: Record<string, string> = { float16: "float32", float32: "float32", float64: "float32", bfloat16: "float32", bool: "bool" };
const tfjsDType = (d: string) => TFJS_DTYPE[d] ?? (/int/.test(d) ? "int32" : d);
const num = (v: number | string) => (typeof v === "number" ? v : v === "nan" ? NaN : v === "inf" ? Infinity : -Infinity);

function tensors(out: unknown): tf.Tensor[] {
  if (out instanceof tf.Tensor) return [out];
  if (Array.isArray(out) && out.every((t) => t instanceof tf.Tensor)) return out as tf.Tensor[];
  throw new Error(`expected a tensor or a list of tensors, got ${String(out)}`);
}

export function assertClose(got: tf.Tensor, want: Encoded, tol: number, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assert.equal(got.dtype, tfjsDType(want.dtype), `${what}: dtype (Keras ${want.dtype})`);
  const g = Array.from(got.dataSync() as ArrayLike<number>, Number);
  want.data.forEach((wv, i) => {
    const w = num(wv);
    const v = g[i];
    if (Number.isNaN(w)) return assert.ok(Number.isNaN(v), `${what}[${i}]: ${v}, Keras NaN`);
    if (!Number.isFinite(w)) return assert.equal(v, w, `${what}[${i}]`);
    assert.ok(Math.abs(v - w) <= tol * Math.max(1, Math.abs(w)), `${what}[${i}]: ${v}, Keras ${w}`);
  });
}

function cotangent(n: number): number[] {
  return Array.from({ length: n }, (_v, i) => Math.fround(Math.sin(i * 0.7 + 1)));
}

function call(c: OpCase, args: unknown[], kwargs: Record<string, unknown>): unknown {
  if (c.ts) return c.ts(args, kwargs);
  const fn = (ops as unknown as Record<string, (...a: unknown[]) => unknown>)[camel(c.op)];
  assert.equal(typeof fn, "function", `ops.${camel(c.op)} is missing`);
  return Object.keys(kwargs).length ? fn(...args, kwargs) : fn(...args);
}

/** Registers one test per case, checked against Keras (one Python run for the file). */
export function opsParity(family: string, cases: Record<string, OpCase>): void {
  let results: Record<string, Result> = {};
  before(async () => {
    await ready();
    const input = { cases: Object.entries(cases).map(([id, c]) => ({ id, op: c.op, args: c.args ?? [], kwargs: c.kwargs ?? {}, grad: c.grad })) };
    results = runKeras<{ results: Record<string, Result> }>([join(import.meta.dirname, "ops_oracle.py")], input).results;
  });
  for (const [id, c] of Object.entries(cases)) {
    test(`${family}: ${id} (keras.ops.${c.op})`, () => {
      const r = results[id];
      assert.ok(r, `no Keras result for ${id}`);
      assert.equal(r.error, undefined, `Keras failed: ${r.error}`);
      const tol = c.tol ?? 1e-5;
      const start = tf.memory().numTensors;
      const args = decode(c.args ?? []) as unknown[];
      const kwargs = decode(c.kwargs ?? {}) as Record<string, unknown>;
      const inputs = tf.memory().numTensors;
      const out = tensors(call(c, args, kwargs));
      assert.equal(out.length, r.outputs!.length, "number of outputs");
      out.forEach((t, i) => assertClose(t, r.outputs![i], tol, `output ${i}`));
      tf.dispose(out);
      assert.equal(tf.memory().numTensors, inputs, "tensors left behind by the op");
      if (c.grad) {
        const xs = c.grad.map((i) => args[i] as tf.Tensor);
        const grads = tf.grads((...ws: tf.Tensor[]) => {
          const a = [...args];
          c.grad!.forEach((k, j) => (a[k] = ws[j]));
          const outs = tensors(call(c, a, kwargs)).filter((t) => t.dtype === "float32");
          return outs.map((t) => tf.sum(tf.mul(t, tf.tensor(cotangent(t.size), t.shape)))).reduce((p, q) => tf.add(p, q));
        })(xs);
        grads.forEach((g, j) => {
          const want = r.grads![j];
          if (want) assertClose(g, want, Math.max(tol, 1e-4), `gradient ${j}`);
        });
        tf.dispose(grads);
      }
      tf.dispose([args, Object.values(kwargs)] as tf.TensorContainer);
      assert.equal(tf.memory().numTensors, start, "tensors left behind");
    });
  }
}
