// Image resampling by "taps": each output pixel a weighted sum of a few input pixels (plus a weight
// of a fill value), the taps computed in JavaScript. Forward: a gather and a weighted sum (or a given
// tfjs kernel); gradient: the exact adjoint, a scatter-add of the same taps. tfjs' own resize
// gradients ignore half-pixel centres, and its image transform has no gradient.
import tf from "../../../tfjs.cjs";

export interface Taps {
  /** Output size [height, width] per image. */
  outHeight: number;
  outWidth: number;
  /** Taps per output pixel. */
  k: number;
  /** Flat input pixel (b * h * w + y * w + x) of each tap; a tap outside the image reads pixel 0 with weight 0. */
  index: Int32Array;
  weight: Float32Array;
  /** The weight of the fill value in each output pixel (taps outside the image). */
  fill: Float32Array;
}

/** Room for the taps of `n` output pixels, `k` each. */
export function emptyTaps(n: number, k: number, outHeight: number, outWidth: number): Taps {
  return { outHeight, outWidth, k, index: new Int32Array(n * k), weight: new Float32Array(n * k), fill: new Float32Array(n) };
}

/** Sets tap `slot` of output pixel `p` to input (b, y, x) with weight `w`, or adds `w` to the fill if outside [h, w]. */
export function putTap(t: Taps, p: number, slot: number, b: number, y: number, x: number, wt: number, h: number, w: number): void {
  if (wt === 0) return;
  if (y >= 0 && y < h && x >= 0 && x < w) {
    t.index[p * t.k + slot] = (b * h + y) * w + x;
    t.weight[p * t.k + slot] = wt;
  } else {
    t.fill[p] += wt;
  }
}

/**
 * [batch, h, w, c] images resampled by `taps` to [batch, outHeight, outWidth, c], differentiable in
 * the images. `forward`, if given, computes the same values with a faster tfjs kernel.
 */
export function sampleTaps(images: tf.Tensor4D, taps: () => Taps, fillValue = 0, forward?: (x: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
  const [batch, h, w, c] = images.shape;
  let memo: Taps | undefined;
  const get = () => (memo ??= taps());
  const f = tf.customGrad(((x: tf.Tensor4D) => {
    let value: tf.Tensor;
    if (forward) value = forward(x);
    else {
      const t = get();
      const n = batch * t.outHeight * t.outWidth;
      const gathered = tf.reshape(tf.gather(tf.reshape(x, [batch * h * w, c]), tf.tensor1d(t.index, "int32")), [n, t.k, c]);
      let out = tf.sum(tf.mul(gathered, tf.tensor3d(t.weight, [n, t.k, 1])), 1);
      if (fillValue !== 0) out = tf.add(out, tf.mul(tf.tensor2d(t.fill, [n, 1]), fillValue));
      value = tf.reshape(out, [batch, t.outHeight, t.outWidth, c]);
    }
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const t = get();
        const n = batch * t.outHeight * t.outWidth;
        const spread = tf.reshape(tf.mul(tf.reshape(dy, [n, 1, c]), tf.tensor3d(t.weight, [n, t.k, 1])), [n * t.k, c]);
        return tf.reshape(tf.scatterND(tf.tensor2d(t.index, [n * t.k, 1], "int32"), spread, [batch * h * w, c]), [batch, h, w, c]);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(images) as tf.Tensor4D;
}
