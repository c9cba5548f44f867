// Control flow of `keras.ops`: cond, whileLoop and foriLoop, run eagerly (a condition tensor is read
// back to decide), freeing each iteration's intermediate tensors.
//
// Porting note: Keras traces these into graph ops under tf.function; tsdl runs them in JavaScript, so
// they take real tensors only (a symbolic condition is an error: use layers.Lambda around the loop),
// and a condition tensor is read synchronously (dataSync).
import tf from "../../tfjs.cjs";
import { isSymbolic, opError, show, toTensor, type TensorLike } from "./core.js";

function truth(pred: TensorLike, op: string): boolean {
  if (typeof pred === "boolean" || typeof pred === "number") return Boolean(pred);
  if (isSymbolic(pred)) throw opError(op, "the condition is a symbolic tensor; run the loop or branch inside layers.Lambda((x) => ...)");
  const t = toTensor(pred, op, "pred");
  if (t.size !== 1) throw opError(op, `the condition must have one element, got shape [${t.shape.join(",")}]`);
  const v = t.dataSync()[0] !== 0;
  if (t !== pred) t.dispose();
  return v;
}

/** `ops.cond(pred, trueFn, falseFn)`: trueFn() if pred is true (nonzero), else falseFn(). */
export function cond<T>(pred: TensorLike, trueFn: () => T, falseFn: () => T): T {
  if (typeof trueFn !== "function" || typeof falseFn !== "function") throw opError("cond", `trueFn and falseFn must be functions, got ${show(trueFn)} and ${show(falseFn)}`);
  return truth(pred, "cond") ? trueFn() : falseFn();
}

/** Frees the tensors of `old` that are not in `keep` or `owned` (the caller's). */
function release(old: tf.TensorContainer, keep: tf.TensorContainer, owned: Set<tf.Tensor>): void {
  const kept = new Set<tf.Tensor>();
  const collect = (c: tf.TensorContainer, into: tf.Tensor[]): void => {
    if (c instanceof tf.Tensor) into.push(c);
    else if (Array.isArray(c)) c.forEach((x) => collect(x as tf.TensorContainer, into));
  };
  const k: tf.Tensor[] = [];
  collect(keep, k);
  k.forEach((t) => kept.add(t));
  const o: tf.Tensor[] = [];
  collect(old, o);
  for (const t of o) if (!kept.has(t) && !owned.has(t) && !t.isDisposed) t.dispose();
}

function tensorsOf(c: unknown): Set<tf.Tensor> {
  const s = new Set<tf.Tensor>();
  const visit = (x: unknown): void => {
    if (x instanceof tf.Tensor) s.add(x);
    else if (Array.isArray(x)) x.forEach(visit);
  };
  visit(c);
  return s;
}

/**
 * `ops.whileLoop(cond, body, loopVars, { maximumIterations })`: while cond(...vars) is true, vars =
 * body(...vars). loopVars is a list (spread into cond and body, which returns a list) or one value.
 */
export function whileLoop<V extends tf.TensorContainer>(condFn: (...vars: never[]) => TensorLike, body: (...vars: never[]) => V, loopVars: V, more?: { maximumIterations?: number | null }): V {
  if (typeof condFn !== "function" || typeof body !== "function") throw opError("whileLoop", `cond and body must be functions, got ${show(condFn)} and ${show(body)}`);
  const max = more?.maximumIterations ?? Infinity;
  const spread = Array.isArray(loopVars);
  const call = <R>(f: (...v: never[]) => R, v: V): R => (spread ? f(...(v as unknown as never[])) : f(v as never));
  const owned = tensorsOf(loopVars);
  let vars = loopVars;
  for (let i = 0; i < max; i++) {
    const go = tf.tidy(() => truth(call(condFn, vars), "whileLoop"));
    if (!go) break;
    const next = tf.tidy(() => call(body, vars));
    release(vars, next, owned);
    vars = next;
  }
  return vars;
}

/** `ops.foriLoop(lower, upper, body, initVal)`: val = body(i, val) for i from lower to upper - 1. */
export function foriLoop<V extends tf.TensorContainer>(lower: number, upper: number, body: (i: number, val: V) => V, initVal: V): V {
  if (!Number.isInteger(lower) || !Number.isInteger(upper)) throw opError("foriLoop", `lower and upper must be integers, got ${show(lower)} and ${show(upper)}`);
  if (typeof body !== "function") throw opError("foriLoop", `body must be a function (i, val) => val, got ${show(body)}`);
  const owned = tensorsOf(initVal);
  let val = initVal;
  for (let i = lower; i < upper; i++) {
    const next = tf.tidy(() => body(i, val));
    release(val, next, owned);
    val = next;
  }
  return val;
}
