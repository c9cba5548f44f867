// keras.utils.
import tf from "../tfjs.cjs";

export { setRandomSeed } from "./random_seed.js";

/**
 * One-hot encodes class indices: `toCategorical([0, 2], 3)` -> [[1, 0, 0], [0, 0, 1]] (float32).
 * Labels of shape [n, 1] (as CIFAR-10's) give [n, numClasses], as in Keras.
 *
 * Porting note: for a tensor with `numClasses` given, nothing is read back from the device (so it works
 * on WebGPU); a label outside [0, numClasses) then gives a row of zeros instead of Keras' IndexError.
 * Without `numClasses` the labels are read synchronously to find the largest.
 */
export function toCategorical(y: tf.Tensor | ArrayLike<number>, numClasses?: number): tf.Tensor2D {
  if (numClasses !== undefined && !(Number.isInteger(numClasses) && numClasses > 0)) {
    throw new Error(`toCategorical: numClasses must be a positive integer, got ${JSON.stringify(numClasses)}`);
  }
  const host = y instanceof tf.Tensor ? (numClasses === undefined ? y.dataSync() : undefined) : Array.from(y);
  let classes = numClasses;
  if (host) {
    let max = -1;
    for (const v of host) {
      if (!(Number.isInteger(v) && v >= 0)) throw new Error(`toCategorical: labels must be non-negative integers (class indices), got ${v}`);
      if (v > max) max = v;
    }
    classes ??= max + 1;
    if (max >= classes) throw new Error(`toCategorical: label ${max} does not fit numClasses=${classes} (labels must be < numClasses)`);
  }
  return tf.tidy(() => {
    let t = y instanceof tf.Tensor ? y : tf.tensor1d(host as number[], "int32");
    if (t.rank === 2 && t.shape[1] === 1) t = t.reshape([t.shape[0]]);
    if (t.rank !== 1) throw new Error(`toCategorical: labels must have shape [n] or [n, 1], got [${t.shape.join(", ")}]`);
    // tf.oneHot wants a depth of 2 or more; Keras' one class is a column of ones
    if (classes === 1) return tf.equal(t.toInt(), 0).toFloat().reshape([t.shape[0], 1]) as tf.Tensor2D;
    return tf.oneHot(t.toInt(), classes!).toFloat() as tf.Tensor2D;
  });
}
