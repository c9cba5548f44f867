// What fit and evaluate add around a step, as Keras 3: the regularization penalties in the loss
// (weight penalties of trainable layers; activity penalties, reg(output) / batch size, of each layer
// call during the step) and the weight constraints, projected right after the optimizer's update.
// Internal: the public objects are in regularizers.ts and constraints.ts.
import tf from "../tfjs.cjs";
import type { TfRegularizer } from "./regularizers.js";
import type { TfConstraint } from "./constraints.js";

/** Activity penalties recorded while a collection is open (one list per open collection). */
const collecting: tf.Scalar[][] = [];
/** Layers given an activityRegularizer by name, between baseArgs and callable (see attach below). */
const pending = new Map<string, TfRegularizer>();
const attached = new WeakMap<tf.layers.Layer, TfRegularizer>();

/** baseArgs records the layer's activity regularizer (or clears a stale one) under the layer's name. */
export function setPendingActivityRegularizer(name: string, reg: TfRegularizer | undefined): void {
  if (reg) pending.set(name, reg);
  else pending.delete(name);
}

/** The activity regularizer of a layer (`layer.activityRegularizer` in Keras), if any. */
export function activityRegularizerOf(layer: tf.layers.Layer): TfRegularizer | undefined {
  return attached.get(layer);
}

/**
 * Gives a newly made layer the activity regularizer baseArgs recorded for its name: its `call`
 * then records reg(output) / batch size for each output while fit or evaluate collects them.
 * (tfjs layers refuse an `activityRegularizer` of their own at call time, so tsdl keeps it apart.)
 */
export function attachActivityRegularizer(layer: tf.layers.Layer): void {
  const reg = pending.get(layer.name);
  if (!reg || attached.has(layer)) return;
  pending.delete(layer.name);
  attached.set(layer, reg);
  const call = layer.call;
  layer.call = function (this: tf.layers.Layer, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) {
    const out = call.call(this, inputs, kwargs);
    const sink = collecting[collecting.length - 1];
    if (sink) {
      for (const t of Array.isArray(out) ? out : [out]) {
        if (!(t instanceof tf.Tensor) || t.dtype === "string") continue;
        const penalty = tf.tidy(() => {
          const p = reg.apply(t);
          // Keras: divided by the batch size (divide_no_nan: 0 for an empty batch).
          return t.rank > 0 ? (t.shape[0] === 0 ? tf.zerosLike(p) : tf.div(p, t.shape[0])) : p;
        });
        sink.push(tf.keep(penalty) as tf.Scalar);
      }
    }
    return out;
  } as typeof layer.call;
}

/** The layers of a model, nested models walked into, each once. */
function leafLayers(model: tf.layers.Layer, seen = new Set<tf.layers.Layer>(), frozen = false, out: { layer: tf.layers.Layer; frozen: boolean }[] = []) {
  for (const layer of (model as tf.LayersModel).layers ?? []) {
    if (seen.has(layer)) continue;
    seen.add(layer);
    const isFrozen = frozen || layer.trainable === false;
    if ((layer as tf.LayersModel).layers) leafLayers(layer, seen, isFrozen, out);
    else out.push({ layer, frozen: isFrozen });
  }
  return out;
}

/** The weight penalties of a model's trainable layers (Keras' _get_regularization_losses). */
export function weightPenalties(model: tf.layers.Layer): tf.Scalar[] {
  const penalties: tf.Scalar[] = [];
  for (const { layer, frozen } of leafLayers(model)) {
    if (frozen) continue;
    for (const f of layer.losses as unknown as (() => tf.Scalar)[]) penalties.push(f());
  }
  return penalties;
}

/**
 * A penalty collection for one step of fit or evaluate: open it, run the forward pass, then
 * `total(model)` sums the weight penalties and the activity penalties recorded since it opened
 * (undefined when there are none); `close()` frees what it recorded (after the gradient is taken).
 */
export function openPenalties(): { total(model: tf.layers.Layer): tf.Scalar | undefined; close(): void } {
  const sink: tf.Scalar[] = [];
  collecting.push(sink);
  let open = true;
  return {
    total(model) {
      const all = [...weightPenalties(model), ...sink];
      if (!all.length) return undefined;
      return (all.length === 1 ? tf.add(all[0], 0) : tf.addN(all)) as tf.Scalar;
    },
    close() {
      if (!open) return;
      open = false;
      const i = collecting.lastIndexOf(sink);
      if (i >= 0) collecting.splice(i, 1);
      tf.dispose(sink);
    },
  };
}

/**
 * Projects each of the weights that has a constraint, in place (Keras 3 does so right after the
 * optimizer's update). `weights` are tfjs LayerVariables (model.tf.trainableWeights).
 */
export function applyConstraints(weights: readonly tf.LayerVariable[]): void {
  for (const w of weights) {
    const c = (w as unknown as { constraint?: TfConstraint | null }).constraint;
    if (!c) continue;
    const v = w.read() as tf.Variable; // the variable itself (LayerVariable.write would project twice)
    tf.tidy(() => v.assign(c.apply(v)));
  }
}
