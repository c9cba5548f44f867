// Keras 3's loss reduction (keras/src/losses/loss.py): per-sample values times the sample weights
// (and a mask), then summed, or summed and divided by the number of values ("sum_over_batch_size",
// the default, which is not the sum of the weights), or left as they are ("none").
import tf from "../../tfjs.cjs";
import { smallMean } from "../../backend/small_mean.js";

/** Keras' `reduction` values; `null` is Keras' `None` (no reduction, as "none"). */
export type Reduction = "sum_over_batch_size" | "sum" | "none" | "mean" | "mean_with_sample_weight" | null;

const REDUCTIONS = ["sum_over_batch_size", "sum", "none", "mean", "mean_with_sample_weight"];

/** Checks a `reduction` option; an unknown one is an error naming `where` and the accepted values. */
export function standardizeReduction(where: string, reduction: unknown): Reduction {
  if (reduction === undefined) return "sum_over_batch_size";
  if (reduction === null || REDUCTIONS.includes(reduction as string)) return reduction as Reduction;
  throw new Error(`${where}: reduction must be one of ${REDUCTIONS.map((r) => JSON.stringify(r)).join(", ")} or null, got ${JSON.stringify(reduction)}`);
}

/**
 * Keras' `squeeze_or_expand_to_same_rank`: where the ranks differ by one and the longer one ends in
 * 1, that axis is squeezed (or, when the shorter one has rank 1 and `expandRank1`, the shorter gets
 * a trailing 1).
 */
export function squeezeOrExpandToSameRank(a: tf.Tensor, b: tf.Tensor, expandRank1 = true): [tf.Tensor, tf.Tensor] {
  if (a.rank === b.rank) return [a, b];
  if (a.rank === b.rank + 1 && a.shape[a.rank - 1] === 1) {
    return b.rank === 1 && expandRank1 ? [a, tf.expandDims(b, -1)] : [tf.squeeze(a, [-1]), b];
  }
  if (b.rank === a.rank + 1 && b.shape[b.rank - 1] === 1) {
    return a.rank === 1 && expandRank1 ? [tf.expandDims(a, -1), b] : [a, tf.squeeze(b, [-1])];
  }
  return [a, b];
}

/** divide_no_nan for a scalar divisor: 0 where the divisor is 0. */
function divideNoNan(x: tf.Tensor, d: tf.Tensor): tf.Tensor {
  return tf.where(tf.equal(d, 0), tf.zerosLike(x), tf.div(x, tf.where(tf.equal(d, 0), tf.onesLike(d), d)));
}

/**
 * Keras' `reduce_weighted_values`: `values` per sample (any shape with the batch first), optional
 * `sampleWeight` (broadcast to the values' shape after squeeze_or_expand) and a `mask` of valid
 * entries (for the averaging reductions, the valid entries are weighted total/valid, so that the
 * mean is over them).
 */
export function reduceWeightedValues(values: tf.Tensor, sampleWeight: tf.Tensor | undefined, mask: tf.Tensor | undefined, reduction: Reduction): tf.Tensor {
  return tf.tidy(() => {
    let v = asFloat(values);
    let sw = sampleWeight === undefined ? undefined : asFloat(sampleWeight);
    if (mask) {
      let m = asFloat(mask);
      if (reduction === "mean" || reduction === "sum_over_batch_size") {
        const total = tf.scalar(m.size);
        const valid = tf.sum(m);
        m = tf.mul(m, divideNoNan(total, valid));
      }
      if (sw) {
        [m, sw] = squeezeOrExpandToSameRank(m, sw);
        sw = tf.mul(sw, m);
      } else sw = m;
    }
    if (sw) {
      [v, sw] = squeezeOrExpandToSameRank(v, sw);
      v = tf.mul(v, sw);
    }
    if (reduction === null || reduction === "none" || v.rank === 0 || v.size === 0) return v;
    if (reduction === "sum") return tf.sum(v);
    if (reduction === "mean_with_sample_weight" && sw) return divideNoNan(tf.sum(v), tf.sum(sw));
    // The number of values is known here and not 0: sum / count without divide_no_nan's guard (its
    // gradient is a dozen scalar ops, a tenth of a small model's training step), as one kernel each
    // way where it can be (small_mean.ts).
    return smallMean(v) ?? tf.div(tf.sum(v), v.size);
  });
}

/** `t` as float32, without an op when it is one already. */
export function asFloat(t: tf.Tensor): tf.Tensor {
  return t.dtype === "float32" ? t : tf.cast(t, "float32");
}
