// Shared by the kernel-parity tests: how far a result is from tfjs' plain-JS reference.
import assert from "node:assert/strict";

/** Largest difference relative to the largest reference value (backends sum in float32, in different orders). */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  let scale = 1e-30;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / scale;
}
