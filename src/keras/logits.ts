// A softmax's or sigmoid's output remembers its input, as Keras 3's TensorFlow backend does
// (`output._keras_logits = x` in its softmax and sigmoid), so that the cross-entropies (categorical,
// sparse categorical, binary) compute from the logits rather than from probabilities clipped to
// [1e-7, 1 - 1e-7]: the same loss in the unsaturated range, and where a prediction saturates, Keras'
// large loss and full gradient instead of a loss stuck at -log(1e-7) = 16.1 and no gradient at all.
//
// The logits are held as a kept clone (no copy: it shares the data) and are freed with the output:
// Tensor.dispose also disposes them, as tfjs does for a tensor's Keras mask. predict drops them from
// what it returns (Keras' predict gives arrays, which hold no logits).
import tf from "../tfjs.cjs";

export interface HeldLogits {
  logits: tf.Tensor;
  /** the activation that made the output from them */
  kind: "softmax" | "sigmoid";
}

const held = new WeakMap<tf.Tensor, HeldLogits>();
let patched = false;

function patchDispose(): void {
  if (patched) return;
  patched = true;
  const proto = tf.Tensor.prototype as unknown as { dispose(this: tf.Tensor): void };
  const dispose = proto.dispose;
  proto.dispose = function (this: tf.Tensor): void {
    const h = held.get(this);
    if (h) {
      held.delete(this);
      h.logits.dispose();
    }
    dispose.call(this);
  };
}

/**
 * Records that `output` is `kind(logits)`; returns `output`. `owned`: the logits are the caller's own,
 * made for this output and held by nothing else (Dense's product before its activation), so they are
 * kept as they are rather than cloned (a clone is an Identity kernel forward and a Cast backward).
 */
export function withLogits(output: tf.Tensor, logits: tf.Tensor, kind: HeldLogits["kind"], owned = false): tf.Tensor {
  if (output === logits || held.has(output)) return output;
  patchDispose();
  held.set(output, { logits: tf.keep(owned ? logits : tf.clone(logits)), kind });
  return output;
}

/** The logits `t` was computed from by a softmax or sigmoid, if it was. */
export function logitsOf(t: tf.Tensor): HeldLogits | undefined {
  const h = held.get(t);
  return h && !h.logits.isDisposed ? h : undefined;
}

/** `t` lets go of its logits without freeing them (whoever made them keeps them). */
export function forgetLogits(t: tf.Tensor): void {
  held.delete(t);
}

/** Frees the logits `t` holds (its values stay). */
export function dropLogits(t: tf.Tensor): void {
  const h = held.get(t);
  if (!h) return;
  held.delete(t);
  h.logits.dispose();
}
