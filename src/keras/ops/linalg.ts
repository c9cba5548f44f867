// Products of `keras.ops`: matmul (NumPy's, with 1-D operands and broadcast batch axes), dot,
// tensordot, outer, and einsum, all on tf.matMul so that gradients flow; and norm, trace, diagonal,
// diag, tril, triu.
//
// Porting note: tfjs' own einsum has no gradient, so `ops.einsum` is tsdl's: it sums out the labels
// that only one operand has, then multiplies operands pairwise, left to right, as one batched matMul
// each. Repeated labels within one operand (diagonals, "ii->") are not supported and are an error.
// Porting note: int32 products are computed in float32 and cast back (exact up to 2^24).
import tf from "../../tfjs.cjs";
import { binaryInputs, defineOp, intArg, normAxis, opError, show, toTensor, type TensorLike } from "./core.js";

const shapeText = (s: readonly number[]) => `[${s.join(",")}]`;
const count = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function floatPair(x1: TensorLike, x2: TensorLike, op: string): [tf.Tensor, tf.Tensor, "float32" | "int32"] {
  const [a, b] = binaryInputs(x1, x2, op, "int32");
  const d = a.dtype === "float32" ? "float32" : "int32";
  return [tf.cast(a, "float32"), tf.cast(b, "float32"), d];
}

const back = (t: tf.Tensor, d: "float32" | "int32") => (d === "int32" ? tf.cast(tf.round(t), "int32") : t);

function matmulFloat(a: tf.Tensor, b: tf.Tensor, op: string): tf.Tensor {
  if (a.rank === 0 || b.rank === 0) throw opError(op, `x1 and x2 must not be scalars, got shapes ${shapeText(a.shape)} and ${shapeText(b.shape)}`);
  const va = a.rank === 1;
  const vb = b.rank === 1;
  const A = va ? tf.reshape(a, [1, a.shape[0]]) : a;
  const B = vb ? tf.reshape(b, [b.shape[0], 1]) : b;
  const [m, k] = A.shape.slice(-2);
  const [k2, n] = B.shape.slice(-2);
  if (k !== k2) throw opError(op, `the last axis of x1 (shape ${shapeText(a.shape)}) must match the ${vb ? "only" : "second-to-last"} axis of x2 (shape ${shapeText(b.shape)})`);
  const ba = A.shape.slice(0, -2);
  const bb = B.shape.slice(0, -2);
  const rank = Math.max(ba.length, bb.length);
  const pa = [...Array(rank - ba.length).fill(1), ...ba];
  const pb = [...Array(rank - bb.length).fill(1), ...bb];
  const batch = pa.map((d, i) => {
    if (d !== pb[i] && d !== 1 && pb[i] !== 1) throw opError(op, `the batch axes of x1 (shape ${shapeText(a.shape)}) and x2 (shape ${shapeText(b.shape)}) do not broadcast`);
    return Math.max(d, pb[i]);
  });
  const Ab = tf.reshape(tf.broadcastTo(tf.reshape(A, [...pa, m, k]), [...batch, m, k]), [count(batch), m, k]);
  const Bb = tf.reshape(tf.broadcastTo(tf.reshape(B, [...pb, k, n]), [...batch, k, n]), [count(batch), k, n]);
  const out = tf.reshape(tf.matMul(Ab, Bb), [...batch, m, n]);
  const shape = [...batch, ...(va ? [] : [m]), ...(vb ? [] : [n])];
  return tf.reshape(out, shape);
}

/** `ops.matmul(x1, x2)`: NumPy's matmul: batch axes broadcast; a 1-D operand is a row (x1) or column (x2) vector. */
export const matmul = defineOp("matmul", "matmul", (x1: TensorLike, x2: TensorLike): tf.Tensor => {
  const [a, b, d] = floatPair(x1, x2, "matmul");
  return back(matmulFloat(a, b, "matmul"), d);
});

function tensordotFloat(a: tf.Tensor, b: tf.Tensor, axesA: number[], axesB: number[], op: string): tf.Tensor {
  const na = axesA.map((x) => (x < 0 ? x + a.rank : x));
  const nb = axesB.map((x) => (x < 0 ? x + b.rank : x));
  if (na.length !== nb.length || na.some((x, i) => x < 0 || x >= a.rank || nb[i] < 0 || nb[i] >= b.rank || a.shape[x] !== b.shape[nb[i]])) {
    throw opError(op, `axes ${show([axesA, axesB])} do not pair axes of equal size in x1 (shape ${shapeText(a.shape)}) and x2 (shape ${shapeText(b.shape)})`);
  }
  const freeA = [...Array(a.rank).keys()].filter((x) => !na.includes(x));
  const freeB = [...Array(b.rank).keys()].filter((x) => !nb.includes(x));
  const sa = freeA.map((x) => a.shape[x]);
  const sb = freeB.map((x) => b.shape[x]);
  const c = count(na.map((x) => a.shape[x]));
  const A = tf.reshape(tf.transpose(a, [...freeA, ...na]), [count(sa), c]);
  const B = tf.reshape(tf.transpose(b, [...nb, ...freeB]), [c, count(sb)]);
  return tf.reshape(tf.matMul(A, B), [...sa, ...sb]);
}

/**
 * `ops.tensordot(x1, x2, axes)`: sums products over paired axes: `axes` n (default 2) pairs the last n
 * axes of x1 with the first n of x2; `[axesOfX1, axesOfX2]` names them.
 */
export const tensordot = defineOp("tensordot", "tensordot", (x1: TensorLike, x2: TensorLike, axes: number | readonly [number | readonly number[], number | readonly number[]] | { axes?: number | readonly [number | readonly number[], number | readonly number[]] } = 2): tf.Tensor => {
  const [a, b, d] = floatPair(x1, x2, "tensordot");
  const ax = typeof axes === "object" && !Array.isArray(axes) ? ((axes as { axes?: number }).axes ?? 2) : axes;
  let pa: number[];
  let pb: number[];
  if (typeof ax === "number") {
    if (!Number.isInteger(ax) || ax < 0 || ax > a.rank || ax > b.rank) throw opError("tensordot", `axes ${show(ax)} must be an integer from 0 to the smaller rank of x1 and x2`);
    pa = [...Array(ax).keys()].map((i) => a.rank - ax + i);
    pb = [...Array(ax).keys()];
  } else if (Array.isArray(ax) && ax.length === 2) {
    pa = typeof ax[0] === "number" ? [ax[0]] : [...(ax[0] as number[])];
    pb = typeof ax[1] === "number" ? [ax[1]] : [...(ax[1] as number[])];
  } else {
    throw opError("tensordot", `axes must be an integer or [axesOfX1, axesOfX2], got ${show(ax)}`);
  }
  return back(tensordotFloat(a, b, pa, pb, "tensordot"), d);
});

/** `ops.dot(x1, x2)`: NumPy's dot: scalars multiply, vectors give the inner product, else sums x1's last axis with x2's second-to-last. */
export const dot = defineOp("dot", "dot", (x1: TensorLike, x2: TensorLike): tf.Tensor => {
  const [a, b, d] = floatPair(x1, x2, "dot");
  if (a.rank === 0 || b.rank === 0) return back(tf.mul(a, b), d);
  const axisB = b.rank === 1 ? 0 : b.rank - 2;
  if (a.shape[a.rank - 1] !== b.shape[axisB]) throw opError("dot", `the last axis of x1 (shape ${shapeText(a.shape)}) must match axis ${axisB} of x2 (shape ${shapeText(b.shape)})`);
  return back(tensordotFloat(a, b, [a.rank - 1], [axisB], "dot"), d);
});

/** `ops.outer(x1, x2)`: the outer product of the flattened inputs. */
export const outer = defineOp("outer", "outer", (x1: TensorLike, x2: TensorLike): tf.Tensor => {
  const [a, b] = binaryInputs(x1, x2, "outer", "int32");
  return tf.mul(tf.reshape(a, [-1, 1]), tf.reshape(b, [1, -1]));
});

interface Term {
  t: tf.Tensor;
  labels: string[];
}

function parseEinsum(subscripts: string, ranks: number[]): { inputs: string[][]; output: string[] } {
  const spec = subscripts.replace(/\s+/g, "");
  const [lhs, rhs] = spec.includes("->") ? spec.split("->") : [spec, undefined];
  const parts = lhs.split(",");
  if (parts.length !== ranks.length) throw opError("einsum", `subscripts ${show(subscripts)} name ${parts.length} operands, but ${ranks.length} were given`);
  const used = new Set(spec.replace(/[^A-Za-z]/g, ""));
  const spare = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".split("").filter((c) => !used.has(c));
  let ellipsisRank = 0;
  const explicit = parts.map((p, i) => {
    if (!/^[A-Za-z]*(\.\.\.)?[A-Za-z]*$/.test(p)) throw opError("einsum", `subscripts ${show(subscripts)}: operand ${i}'s ${show(p)} must be letters with at most one "..."`);
    const letters = p.replace("...", "").length;
    if (p.includes("...")) ellipsisRank = Math.max(ellipsisRank, ranks[i] - letters);
    else if (letters !== ranks[i]) throw opError("einsum", `subscripts ${show(subscripts)}: operand ${i} has rank ${ranks[i]}, but ${show(p)} names ${letters} axes`);
    return p;
  });
  const ell = spare.slice(0, ellipsisRank);
  const expand = (p: string, rank?: number): string[] => {
    if (!p.includes("...")) return p.split("");
    const [pre, post] = p.split("...");
    const n = rank === undefined ? ellipsisRank : rank - pre.length - post.length;
    return [...pre.split(""), ...ell.slice(ellipsisRank - n), ...post.split("")];
  };
  const inputs = explicit.map((p, i) => expand(p, ranks[i]));
  for (const [i, labels] of inputs.entries()) {
    if (new Set(labels).size !== labels.length) throw opError("einsum", `subscripts ${show(subscripts)}: operand ${i} repeats a label (diagonals are not supported)`);
  }
  let output: string[];
  if (rhs !== undefined) output = expand(rhs);
  else {
    const all = inputs.flat();
    output = [...ell, ...[...new Set(all)].filter((c) => !ell.includes(c) && all.indexOf(c) === all.lastIndexOf(c)).sort()];
  }
  for (const c of output) if (!inputs.some((l) => l.includes(c))) throw opError("einsum", `subscripts ${show(subscripts)}: output label ${show(c)} is in no operand`);
  return { inputs, output };
}

/** Sums out the labels not in `keep`. */
function reduceTerm(x: Term, keep: Set<string>): Term {
  const axes = x.labels.map((l, i) => (keep.has(l) ? -1 : i)).filter((i) => i >= 0);
  if (!axes.length) return x;
  return { t: tf.sum(x.t, axes), labels: x.labels.filter((l) => keep.has(l)) };
}

function contract(x: Term, y: Term, keep: Set<string>): Term {
  const yl = new Set(y.labels);
  const xl = new Set(x.labels);
  x = reduceTerm(x, new Set([...keep, ...y.labels]));
  y = reduceTerm(y, new Set([...keep, ...x.labels]));
  const size = (term: Term, l: string) => term.t.shape[term.labels.indexOf(l)];
  const batch = x.labels.filter((l) => yl.has(l) && keep.has(l));
  const summed = x.labels.filter((l) => yl.has(l) && !keep.has(l));
  const freeX = x.labels.filter((l) => !yl.has(l));
  const freeY = y.labels.filter((l) => !xl.has(l));
  for (const l of [...batch, ...summed]) {
    const [p, q] = [size(x, l), size(y, l)];
    if (p !== q && p !== 1 && q !== 1) throw opError("einsum", `label ${show(l)} has size ${p} in one operand and ${q} in another`);
  }
  // Broadcast size-1 shared axes, then one batched matMul: [batch, freeX, summed] x [batch, summed, freeY].
  const full = (term: Term) => term.labels.map((l) => (batch.includes(l) || summed.includes(l) ? Math.max(size(x, l), size(y, l)) : size(term, l)));
  const xt = tf.transpose(tf.broadcastTo(x.t, full(x)), [...batch, ...freeX, ...summed].map((l) => x.labels.indexOf(l)));
  const yt = tf.transpose(tf.broadcastTo(y.t, full(y)), [...batch, ...summed, ...freeY].map((l) => y.labels.indexOf(l)));
  const bs = batch.map((l) => Math.max(size(x, l), size(y, l)));
  const fx = freeX.map((l) => size(x, l));
  const fy = freeY.map((l) => size(y, l));
  const c = count(summed.map((l) => Math.max(size(x, l), size(y, l))));
  const prod = tf.matMul(tf.reshape(xt, [count(bs), count(fx), c]), tf.reshape(yt, [count(bs), c, count(fy)]));
  return { t: tf.reshape(prod, [...bs, ...fx, ...fy]), labels: [...batch, ...freeX, ...freeY] };
}

/**
 * `ops.einsum(subscripts, ...operands)`: Einstein summation, e.g. `ops.einsum("bij,bjk->bik", a, b)`,
 * `"...ij->...ji"`, `"ij,ij->"`; without `->` the output is the labels used once, in alphabetical order.
 */
export const einsum = defineOp("einsum", "einsum", (subscripts: string, ...operands: TensorLike[]): tf.Tensor => {
  if (typeof subscripts !== "string") throw opError("einsum", `subscripts must be a string such as "ij,jk->ik", got ${show(subscripts)}`);
  if (!operands.length) throw opError("einsum", "needs at least one operand");
  const ts = operands.map((x, i) => toTensor(x, "einsum", `operands[${i}]`));
  const intResult = ts.every((t) => t.dtype !== "float32");
  const { inputs, output } = parseEinsum(subscripts, ts.map((t) => t.rank));
  const terms: Term[] = ts.map((t, i) => ({ t: tf.cast(t, "float32"), labels: inputs[i] }));
  let acc = reduceTerm(terms[0], new Set([...output, ...inputs.slice(1).flat()]));
  for (let k = 1; k < terms.length; k++) acc = contract(acc, terms[k], new Set([...output, ...inputs.slice(k + 1).flat()]));
  acc = reduceTerm(acc, new Set(output));
  const r = output.length ? tf.transpose(acc.t, output.map((l) => acc.labels.indexOf(l))) : acc.t;
  return intResult ? tf.cast(tf.round(r), "int32") : r;
});

export interface NormOptions {
  /** The norm's order: for vectors a number (Infinity, -Infinity, 0, 1, 2, ...), for matrices "fro", 1, -1, Infinity or -Infinity. Default: 2 for vectors, "fro" for matrices. */
  ord?: number | "fro" | null;
  /** One axis (vector norms), two (matrix norms) or null (default: all of x as one vector, or x's matrix norm if x has rank 2). */
  axis?: number | readonly number[] | null;
  /** Keep the reduced axes with size 1. Default false. */
  keepdims?: boolean;
}

/**
 * `ops.norm(x, { ord, axis, keepdims })`: a vector or matrix norm (NumPy's linalg.norm).
 * Porting note: the matrix norms that need singular values (ord 2, -2, "nuc") are not supported.
 */
export const norm = defineOp("norm", "norm", (x: TensorLike, more?: NormOptions): tf.Tensor => {
  const o = more ?? {};
  const t = toTensor(x, "norm", "x", "float32");
  const keep = o.keepdims ?? false;
  let axes: number[];
  if (o.axis === null || o.axis === undefined) {
    if (o.ord === null || o.ord === undefined || t.rank > 2) {
      const r = tf.sqrt(tf.sum(tf.square(t)));
      return keep ? tf.reshape(r, t.shape.map(() => 1)) : r;
    }
    axes = [...Array(t.rank).keys()];
  } else axes = (typeof o.axis === "number" ? [o.axis] : [...o.axis]).map((a) => normAxis(a, t.rank, "norm"));
  const ord = o.ord ?? (axes.length === 2 ? "fro" : 2);
  if (axes.length === 1) {
    if (typeof ord !== "number") throw opError("norm", `a vector norm's ord must be a number, got ${show(ord)}`);
    const a = tf.abs(t);
    if (ord === Infinity) return tf.max(a, axes, keep);
    if (ord === -Infinity) return tf.min(a, axes, keep);
    if (ord === 0) return tf.sum(tf.cast(tf.notEqual(t, 0), "float32"), axes, keep);
    if (ord === 1) return tf.sum(a, axes, keep);
    if (ord === 2) return tf.sqrt(tf.sum(tf.square(t), axes, keep));
    return tf.pow(tf.sum(tf.pow(a, ord), axes, keep), 1 / ord);
  }
  if (axes.length !== 2 || axes[0] === axes[1]) throw opError("norm", `axis must be one axis or two different axes, got ${show(o.axis)}`);
  const [r, c] = axes;
  if (ord === "fro") return tf.sqrt(tf.sum(tf.square(t), axes, keep));
  const a = tf.abs(t);
  // ord 1: the largest column sum (over rows r); Infinity: the largest row sum.
  const pick = (sumAxis: number, otherAxis: number, f: typeof tf.max) => {
    const s = tf.sum(a, sumAxis, true);
    const m = f(s, otherAxis, true);
    return keep ? m : tf.squeeze(m, [r, c]);
  };
  if (ord === 1) return pick(r, c, tf.max);
  if (ord === -1) return pick(r, c, tf.min);
  if (ord === Infinity) return pick(c, r, tf.max);
  if (ord === -Infinity) return pick(c, r, tf.min);
  throw opError("norm", `matrix norm ord ${show(ord)} is not supported (use "fro", 1, -1, Infinity or -Infinity)`);
});

/** A mask over the last two axes of `shape`: col - row compared with k. */
function bandMask(shape: number[], k: number, lower: boolean): tf.Tensor {
  const [n, m] = shape.slice(-2);
  const d = tf.sub(tf.reshape(tf.range(0, m, 1, "int32"), [1, m]), tf.reshape(tf.range(0, n, 1, "int32"), [n, 1]));
  return lower ? tf.lessEqual(d, tf.scalar(k, "int32")) : tf.greaterEqual(d, tf.scalar(k, "int32"));
}

function band(name: string, kerasName: string, lower: boolean) {
  return defineOp(name, kerasName, (x: TensorLike, k: number | { k?: number } = 0): tf.Tensor => {
    const t = toTensor(x, name);
    if (t.rank < 2) throw opError(name, `x must have at least 2 axes, got shape ${shapeText(t.shape)}`);
    const kk = intArg(typeof k === "number" ? k : (k?.k ?? 0), name, "k");
    return tf.where(tf.broadcastTo(bandMask(t.shape, kk, lower), t.shape), t, tf.zerosLike(t));
  });
}

/** `ops.tril(x, k)`: x with the elements above diagonal k (default 0) of its last two axes zeroed. */
export const tril = band("tril", "tril", true);
/** `ops.triu(x, k)`: x with the elements below diagonal k (default 0) of its last two axes zeroed. */
export const triu = band("triu", "triu", false);

/** The diagonal `offset` of axes axis1 and axis2 of x as its last axis, bool as int32 (`op` names the caller). */
function diagonalOf(op: string, t: tf.Tensor, offset: number | { offset?: number; axis1?: number; axis2?: number }, axis1: number, axis2: number): tf.Tensor {
  const o: { offset?: number; axis1?: number; axis2?: number } = typeof offset === "object" ? offset : { offset, axis1, axis2 };
  if (t.rank < 2) throw opError(op, `x must have at least 2 axes, got shape ${shapeText(t.shape)}`);
  const a1 = normAxis(o.axis1 ?? 0, t.rank, op, "axis1");
  const a2 = normAxis(o.axis2 ?? 1, t.rank, op, "axis2");
  if (a1 === a2) throw opError(op, `axis1 and axis2 must differ, got ${a1} and ${a2}`);
  const rest = [...Array(t.rank).keys()].filter((k) => k !== a1 && k !== a2);
  return lastDiagonal(tf.transpose(t.dtype === "bool" ? tf.cast(t, "int32") : t, [...rest, a1, a2]), intArg(o.offset ?? 0, op, "offset"));
}

/** The diagonal `offset` of the last two axes of t ([..., n, m]) as its last axis. */
function lastDiagonal(t: tf.Tensor, offset: number): tf.Tensor {
  const [n, m] = t.shape.slice(-2);
  const length = Math.max(0, offset >= 0 ? Math.min(n, m - offset) : Math.min(n + offset, m));
  const flat = Array.from({ length }, (_v, i) => (offset >= 0 ? i * m + i + offset : (i - offset) * m + i));
  const rows = tf.reshape(t, [...t.shape.slice(0, -2), n * m]);
  return tf.gather(rows, tf.tensor1d(flat, "int32"), t.rank - 2);
}

/** `ops.trace(x, offset, axis1, axis2)`: the sum along diagonal `offset` (default 0) of axes axis1 (0) and axis2 (1). */
export const trace = defineOp("trace", "trace", (x: TensorLike, offset: number | { offset?: number; axis1?: number; axis2?: number } = 0, axis1: number = 0, axis2: number = 1): tf.Tensor =>
  tf.sum(diagonalOf("trace", toTensor(x, "trace"), offset, axis1, axis2), -1),
);

/** `ops.diagonal(x, offset, axis1, axis2)`: the diagonal `offset` (default 0) of axes axis1 (0) and axis2 (1), as the last axis. */
export const diagonal = defineOp("diagonal", "diagonal", (x: TensorLike, offset: number | { offset?: number; axis1?: number; axis2?: number } = 0, axis1: number = 0, axis2: number = 1): tf.Tensor => {
  const t = toTensor(x, "diagonal");
  const d = diagonalOf("diagonal", t, offset, axis1, axis2);
  return t.dtype === "bool" ? tf.cast(d, "bool") : d;
});

/** `ops.diag(x, k)`: a 1-D x as the diagonal k (default 0) of a square matrix; a 2-D x's diagonal k. */
export const diag = defineOp("diag", "diag", (x: TensorLike, k: number | { k?: number } = 0): tf.Tensor => {
  const t = toTensor(x, "diag");
  const kk = intArg(typeof k === "number" ? k : (k?.k ?? 0), "diag", "k");
  if (t.rank === 2) return lastDiagonal(t, kk);
  if (t.rank !== 1) throw opError("diag", `x must be 1-D or 2-D, got shape ${shapeText(t.shape)}`);
  const n = t.shape[0];
  const size = n + Math.abs(kk);
  const rows = tf.oneHot(tf.add(tf.range(0, n, 1, "int32"), tf.scalar(Math.max(-kk, 0), "int32")), size); // [n, size]
  const cols = tf.oneHot(tf.add(tf.range(0, n, 1, "int32"), tf.scalar(Math.max(kk, 0), "int32")), size);
  const v = tf.cast(t, "float32");
  const m = tf.matMul(tf.mul(tf.transpose(tf.cast(rows, "float32")), tf.reshape(v, [1, n])), tf.cast(cols, "float32"));
  return t.dtype === "float32" ? m : t.dtype === "bool" ? tf.notEqual(m, 0) : tf.cast(tf.round(m), "int32");
});
