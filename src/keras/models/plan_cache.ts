// The inference plan a model keeps between predict calls (inference_plan.ts makes it). Folding a
// BatchNormalization into the Dense beside it copies that Dense's kernel: for seed 000's logistic model
// (150,528 x 2), 6 ms, as long as predicting 100 images takes. So the plan stays with the model while
//   - the model's chain is the same layers,
//   - every weight of those layers holds what it held when the plan was made (contentsId: assign and
//     setWeights give a variable new memory, tsdl's in-place optimizer steps a new id), and
//   - the call's sample count would choose the same folds,
// and is made again otherwise (a predict after each epoch of training pays the fold each time, as
// before). The kept plan is a property of the tfjs model, so its tensors are in sight of walks over
// the model (the kernel's leak hint), and model.dispose() frees them.
import tf from "../../tfjs.cjs";
import { contentsId } from "../../backend/fused_kernels.js";
import { chainOf, inferencePlan, type InferencePlan } from "./inference_plan.js";

type Layer = tf.layers.Layer;

const KEPT = Symbol.for("tsdl.inferencePlan");

interface Kept {
  readonly plan: InferencePlan;
  readonly layers: readonly Layer[];
  /** Each weight's variable, and its data id and contents id (fused_kernels.ts) then. */
  readonly weights: readonly (readonly [tf.Tensor, object, number | undefined])[];
  /** predict calls running with this plan. */
  users: number;
  /** Replaced (or the model disposed): freed when its last user is done. */
  retired: boolean;
}

type Holder = tf.LayersModel & { [KEPT]?: Kept };

const weightsOf = (layers: readonly Layer[]) => layers.flatMap((l) => l.weights.map((w) => w.read()));

const stamp = (w: tf.Tensor) => [w, w.dataId, contentsId(w)] as const;

function current(k: Kept, layers: readonly Layer[], samples: number): boolean {
  if (k.layers.length !== layers.length || k.layers.some((l, i) => l !== layers[i])) return false;
  if (samples < k.plan.samples[0] || samples >= k.plan.samples[1]) return false;
  const weights = weightsOf(layers);
  return weights.length === k.weights.length && weights.every((w, i) => stamp(w).every((v, j) => v === k.weights[i][j]));
}

function retire(k: Kept): void {
  k.retired = true;
  if (k.users === 0) k.plan.dispose();
}

/** A handle on the model's plan for a call over `samples` samples; release() it when the call is done. */
export interface PlanUse {
  plan: InferencePlan;
  release(): void;
}

/**
 * The model's kept plan if it is still current, else a new one (kept in its place), or undefined when
 * the model has none (not a chain, not built).
 */
export async function usePlan(model: tf.LayersModel, samples: number): Promise<PlanUse | undefined> {
  const holder = model as Holder;
  const layers = chainOf(model);
  if (!layers) {
    dropPlan(model);
    return undefined;
  }
  let k = holder[KEPT];
  if (!k || !current(k, layers, samples)) {
    // Stamped before the plan reads them: weights changed while it folds make it stale, not wrongly current.
    const weights = weightsOf(layers).map(stamp);
    const plan = await inferencePlan(layers, samples);
    if (!plan) return undefined;
    const made: Kept = { plan, layers, weights, users: 0, retired: false };
    // Another call may have kept a plan while this one was folding: this one, newer, takes its place.
    if (holder[KEPT]) retire(holder[KEPT]);
    holder[KEPT] = k = made;
  }
  const use = k;
  use.users++;
  let released = false;
  return {
    plan: use.plan,
    release() {
      if (released) return;
      released = true;
      use.users--;
      if (use.retired && use.users === 0) use.plan.dispose();
    },
  };
}

/** Frees the model's kept plan (model.dispose()). */
export function dropPlan(model: tf.LayersModel): void {
  const holder = model as Holder;
  if (holder[KEPT]) retire(holder[KEPT]);
  delete holder[KEPT];
}
