// tsdl's fused training kernels written in JavaScript over the wasm heap, for when the native addon is
// not built: the same calls and the same arithmetic as native/ (batch_norm.cc, elementwise.cc), one
// loop each instead of the dozens of tfjs kernels they replace. The heavy kernels (products,
// convolutions) stay on the WebAssembly backend's XNNPACK.
//
// Each operand is a subarray view, indexed from 0: V8 indexes a typed array 5-10x slower with an
// offset it holds as a double (which every parameter read from a Float64Array is).
import type { FusedKernelSet } from "./fused_kernels.js";

/** `count` floats at float offset `at` of the heap. */
function view(heap: ArrayBuffer, at: number, count: number): Float32Array {
  return new Float32Array(heap, at * 4, count);
}

/**
 * Rows per block: a block of whole rows is about 1,024 floats, so that each pass is a long inner loop
 * over a block with the channels' values laid out along it, not a loop over the channels of each row
 * (measured on seed 000's batch of ten 224x224x3 images: 25 -> 15 ms forward, 30 -> 24 ms backward;
 * FEW_CHANNELS does better still on so few channels).
 */
function rowsPerBlock(rows: number, C: number): number {
  return Math.max(1, Math.min(rows, Math.floor(1024 / C)));
}

/** A per-channel vector repeated `times` times. */
function tiled(v: ArrayLike<number>, C: number, times: number): Float32Array {
  const out = new Float32Array(C * times);
  for (let t = 0, i = 0; t < times; t++) for (let c = 0; c < C; c++, i++) out[i] = v[c];
  return out;
}

/** out[i] = x[i] * a[i % W] + b[i % W] for the W-float tiles a and b. */
function affine(x: Float32Array, a: Float32Array, b: Float32Array, out: Float32Array, n: number): void {
  const W = a.length;
  for (let i = 0; i < n; i += W) {
    const w = Math.min(W, n - i);
    const xb = x.subarray(i, i + w);
    const yb = out.subarray(i, i + w);
    for (let j = 0; j < w; j++) yb[j] = xb[j] * a[j] + b[j];
  }
}

/**
 * Channels up to this many (images: 1 or 3) are passed over one channel at a time, strided, with the
 * channel's values and sums in locals (seed 000's image batch: 15 -> 13 ms forward, 24 -> 17 ms
 * backward, against blocks of rows); more channels go by blocks of rows.
 */
const FEW_CHANNELS = 4;

/**
 * Per-channel sums of u and of u*v over rows of C channels, in double (u = v: the sums of x and x²).
 * Written out for each case, with no callback: V8 does not inline a function passed in here.
 */
function channelSumPair(u: Float32Array, v: Float32Array, n: number, C: number): [Float64Array, Float64Array] {
  const s = new Float64Array(C);
  const t = new Float64Array(C);
  if (C <= FEW_CHANNELS) {
    for (let c = 0; c < C; c++) {
      let a = 0;
      let b = 0;
      for (let i = c; i < n; i += C) {
        const x = u[i];
        a += x;
        b += x * v[i];
      }
      s[c] = a;
      t[c] = b;
    }
    return [s, t];
  }
  const W = rowsPerBlock(n / C, C) * C;
  const ps = new Float64Array(W);
  const pt = new Float64Array(W);
  for (let i = 0; i < n; i += W) {
    const w = Math.min(W, n - i);
    const ub = u.subarray(i, i + w);
    const vb = v.subarray(i, i + w);
    for (let j = 0; j < w; j++) {
      const x = ub[j];
      ps[j] += x;
      pt[j] += x * vb[j];
    }
  }
  for (let j = 0, c = 0; j < W; j++, c = c + 1 === C ? 0 : c + 1) {
    s[c] += ps[j];
    t[c] += pt[j];
  }
  return [s, t];
}

function batchNormTrain(heap: ArrayBuffer, p: Float64Array): void {
  const rows = p[0] | 0;
  const C = p[1] | 0;
  const eps = p[2];
  const n = rows * C;
  const x = view(heap, p[3], n);
  const gamma = p[4] >= 0 ? view(heap, p[4], C) : undefined;
  const beta = p[5] >= 0 ? view(heap, p[5], C) : undefined;
  const y = view(heap, p[6], n);
  const meanOut = view(heap, p[7], C);
  const varOut = view(heap, p[8], C);
  // One pass for both sums (in double: E[x²] - mean² loses nothing that float32 inputs carry).
  const [s, ss] = channelSumPair(x, x, n, C);
  const mean = new Float32Array(C);
  for (let c = 0; c < C; c++) mean[c] = s[c] / rows;
  const scale = new Float32Array(C);
  const shift = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const v = Math.max(0, ss[c] / rows - (s[c] / rows) ** 2);
    meanOut[c] = mean[c];
    varOut[c] = v;
    const k = (gamma ? gamma[c] : 1) / Math.sqrt(v + eps);
    scale[c] = k;
    shift[c] = (beta ? beta[c] : 0) - mean[c] * k;
  }
  if (C <= FEW_CHANNELS) {
    for (let c = 0; c < C; c++) {
      const a = scale[c];
      const b = shift[c];
      for (let i = c; i < n; i += C) y[i] = x[i] * a + b;
    }
  } else {
    const W = rowsPerBlock(rows, C) * C;
    affine(x, tiled(scale, C, W / C), tiled(shift, C, W / C), y, n);
  }
  // p[9] = 1: y = relu(batch norm) (NaN stays NaN, as tfjs' relu)
  if (p[9] === 1) for (let i = 0; i < n; i++) if (y[i] < 0) y[i] = 0;
}

function batchNormGrad(heap: ArrayBuffer, p: Float64Array): void {
  const rows = p[0] | 0;
  const C = p[1] | 0;
  const eps = p[2];
  const n = rows * C;
  const x = view(heap, p[3], n);
  let dy = view(heap, p[4], n);
  if (p.length > 11 && p[11] >= 0) {
    // after a relu (p[11] = y): dy where y > 0, else 0 (a NaN passes none)
    const y = view(heap, p[11], n);
    dy = dy.map((d, i) => (y[i] > 0 ? d : 0));
  }
  const gamma = p[5] >= 0 ? view(heap, p[5], C) : undefined;
  const mean = view(heap, p[6], C);
  const variance = view(heap, p[7], C);
  const dx = view(heap, p[8], n);
  const dgamma = p[9] >= 0 ? view(heap, p[9], C) : undefined;
  const dbeta = p[10] >= 0 ? view(heap, p[10], C) : undefined;
  // Sums of dy and dy*x (in double); sum(dy * (x - mean)) = sum(dy * x) - mean * sum(dy).
  const [sdy, sdyx] = channelSumPair(dy, x, n, C);
  // dx = g*inv*dy - g*inv*sdy/rows - g*inv*xhat*sum(dy*xhat)/rows, with xhat = (x - mean)*inv, as
  // dx = a*dy - k*(x - mean) - b per channel (x - mean first: exact where the mean dwarfs the spread).
  const a = new Float32Array(C);
  const k = new Float32Array(C);
  const b = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const g = gamma ? gamma[c] : 1;
    const inv = 1 / Math.sqrt(variance[c] + eps);
    const dyXhat = (sdyx[c] - mean[c] * sdy[c]) * inv;
    if (dgamma) dgamma[c] = dyXhat;
    if (dbeta) dbeta[c] = sdy[c];
    a[c] = g * inv;
    k[c] = (g * inv * inv * dyXhat) / rows;
    b[c] = (g * inv * sdy[c]) / rows;
  }
  if (C <= FEW_CHANNELS) {
    for (let c = 0; c < C; c++) {
      const [ac, kc, bc, mc] = [a[c], k[c], b[c], mean[c]];
      for (let i = c; i < n; i += C) dx[i] = ac * dy[i] - kc * (x[i] - mc) - bc;
    }
    return;
  }
  const W = rowsPerBlock(rows, C) * C;
  const [aW, kW, bW, mW] = [a, k, b, mean].map((v) => tiled(v, C, W / C));
  for (let i = 0; i < n; i += W) {
    const w = Math.min(W, n - i);
    const xb = x.subarray(i, i + w);
    const db = dy.subarray(i, i + w);
    const out = dx.subarray(i, i + w);
    for (let j = 0; j < w; j++) out[j] = aW[j] * db[j] - kW[j] * (xb[j] - mW[j]) - bW[j];
  }
}

/** The mask only (the JavaScript path never asks for x * mask in the same pass). */
function dropout(heap: ArrayBuffer, p: Float64Array): void {
  const [n, rate, seed] = p;
  const mask = view(heap, p[5], n);
  const s0 = seed | 0;
  const s1 = Math.imul(Math.floor(seed / 2 ** 32) | 0, 0x85ebca6b);
  const scale = 1 / (1 - rate);
  // z >= threshold on unsigned 32-bit values, compared as signed int32 with the top bit flipped (V8
  // keeps the whole loop in int32 arithmetic; an unsigned value above 2^31 would be a double).
  const threshold = (Math.floor(Math.min(rate * 4294967296, 4294967295)) ^ 0x80000000) | 0;
  for (let i = 0; i < n; i++) {
    let z = ((Math.imul(i, 0x9e3779b9) + s0) | 0) ^ s1;
    z ^= z >>> 16;
    z = Math.imul(z, 0x7feb352d);
    z ^= z >>> 15;
    z = Math.imul(z, 0x846ca68b);
    z ^= z >>> 16;
    mask[i] = (z ^ 0x80000000) >= threshold ? scale : 0;
  }
}

/** y(r, i): class-index labels are int32 in the heap, one-hot rows float32. */
function labels(heap: ArrayBuffer, sparse: boolean, at: number, n: number, C: number): (r: number, i: number) => number {
  if (sparse) {
    const idx = new Int32Array(heap, at * 4, n);
    return (r, i) => (idx[r] === i ? 1 : 0);
  }
  const y = view(heap, at, n * C);
  return (r, i) => y[r * C + i];
}

function crossEntropy(heap: ArrayBuffer, p: Float64Array): void {
  const [n, C, sparse, eps] = p;
  const pr = view(heap, p[4], n * C);
  const y = labels(heap, sparse !== 0, p[5], n, C);
  const out = view(heap, p[6], n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let i = 0; i < C; i++) s += pr[r * C + i];
    let loss = 0;
    for (let i = 0; i < C; i++) {
      const yi = y(r, i);
      if (yi !== 0) loss -= yi * Math.log(Math.min(Math.max(pr[r * C + i] / s, eps), 1 - eps));
    }
    out[r] = loss;
  }
}

function crossEntropyGrad(heap: ArrayBuffer, p: Float64Array): void {
  const [n, C, sparse, eps] = p;
  const pr = view(heap, p[4], n * C);
  const y = labels(heap, sparse !== 0, p[5], n, C);
  const dy = view(heap, p[6], n);
  const dp = view(heap, p[7], n * C);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let i = 0; i < C; i++) s += pr[r * C + i];
    let t = 0;
    for (let i = 0; i < C; i++) {
      const q = pr[r * C + i] / s;
      const yi = y(r, i);
      const g = yi !== 0 && q >= eps && q <= 1 - eps ? -yi / q : 0;
      dp[r * C + i] = g;
      t += g * q;
    }
    const k = dy[r] / s;
    for (let i = 0; i < C; i++) dp[r * C + i] = (dp[r * C + i] - t) * k;
  }
}

function accuracy(heap: ArrayBuffer, p: Float64Array): void {
  const [n, C, sparse] = p;
  const pr = view(heap, p[3], n * C);
  const out = view(heap, p[5], n);
  // int32 class indices, or float32 ones (p[6] = 1) converted as tfjs casts them (ToInt32)
  const idx = sparse ? (p[6] === 1 ? Int32Array.from(view(heap, p[4], n)) : new Int32Array(heap, p[4] * 4, n)) : undefined;
  const onehot = sparse ? undefined : view(heap, p[4], n * C);
  const argmax = (a: Float32Array, o: number) => {
    let best = 0;
    for (let i = 1; i < C; i++) if (a[o + i] > a[o + best]) best = i;
    return best;
  };
  for (let r = 0; r < n; r++) out[r] = argmax(pr, r * C) === (idx ? idx[r] : argmax(onehot!, r * C)) ? 1 : 0;
}

/**
 * The smallest normal float32. The optimizers' state is flushed to 0 below it, as the native kernels
 * (and TensorFlow) flush denormals, so that both backends keep the same state: a momentum whose
 * gradient stays 0 shrinks through the denormal range for about 150 steps, and each float32 denormal
 * read or written there costs an Intel core a microcode assist (native/addon.cc).
 */
const FLT_MIN = 1.1754943508222875e-38;

function sgdUpdate(heap: ArrayBuffer, p: Float64Array): void {
  const [n, lr, mom, nesterov] = p;
  const w = view(heap, p[4], n);
  const g = view(heap, p[6], n);
  if (mom === 0) {
    for (let i = 0; i < n; i++) w[i] -= lr * g[i];
    return;
  }
  const v = view(heap, p[5], n);
  for (let i = 0; i < n; i++) {
    let vi = mom * v[i] - lr * g[i];
    if (Math.abs(vi) < FLT_MIN) vi = 0;
    v[i] = vi;
    w[i] += nesterov ? mom * vi - lr * g[i] : vi;
  }
}

function adamUpdate(heap: ArrayBuffer, p: Float64Array): void {
  const [n, alpha, b1, b2, eps] = p;
  const w = view(heap, p[5], n);
  const m = view(heap, p[6], n);
  const v = view(heap, p[7], n);
  const g = view(heap, p[8], n);
  const a1 = p[9];
  const a2 = p[10];
  for (let i = 0; i < n; i++) {
    let mi = b1 * m[i] + a1 * g[i];
    let vi = b2 * v[i] + a2 * g[i] * g[i];
    if (Math.abs(mi) < FLT_MIN) mi = 0;
    if (vi < FLT_MIN) vi = 0;
    m[i] = mi;
    v[i] = vi;
    w[i] -= (mi * alpha) / (Math.sqrt(vi) + eps);
  }
}

function lerpInto(heap: ArrayBuffer, p: Float64Array): void {
  const [n, a] = p;
  const t = view(heap, p[2], n);
  const v = view(heap, p[3], n);
  for (let i = 0; i < n; i++) t[i] -= (t[i] - v[i]) * a;
}

export const jsKernels: FusedKernelSet = { batchNormTrain, batchNormGrad, dropout, crossEntropy, crossEntropyGrad, accuracy, sgdUpdate, adamUpdate, lerpInto };
