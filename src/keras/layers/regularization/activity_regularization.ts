// ActivityRegularization: the identity, with the penalty l1 * sum(|x|) + l2 * sum(x^2) of its input,
// divided by the batch size, added to the training loss at each call (Keras 3 gives the layer an
// L1L2 activity_regularizer; tsdl's fit and evaluate add it as they add every layer's, penalties.ts).
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { L1L2 } from "../../regularizers.js";
import { attachActivityRegularizer, setPendingActivityRegularizer } from "../../penalties.js";

export interface ActivityRegularizationOptions extends Omit<BaseLayerOptions, "activityRegularizer"> {
  /** Factor of the L1 penalty. Default 0. */
  l1?: number;
  /** Factor of the L2 penalty. Default 0. */
  l2?: number;
}

export class ActivityRegularizationLayer extends tf.layers.Layer {
  static className = "ActivityRegularization";
  readonly l1: number;
  readonly l2: number;

  /** Takes the options or the config getConfig wrote (a loaded model gets its penalty back too). */
  constructor(args: ActivityRegularizationOptions = {}) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.supportsMasking = true;
    for (const k of ["l1", "l2"] as const) {
      const v = args[k] ?? 0;
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new Error(`ActivityRegularization: ${k} must be a non-negative number, got ${JSON.stringify(args[k])}`);
    }
    const reg = L1L2({ l1: args.l1 ?? 0, l2: args.l2 ?? 0 });
    this.l1 = reg.l1;
    this.l2 = reg.l2;
    setPendingActivityRegularizer(this.name, reg);
    attachActivityRegularizer(this);
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return Array.isArray(inputs) ? inputs[0] : inputs;
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), l1: this.l1, l2: this.l2 };
  }
}
tf.serialization.registerClass(ActivityRegularizationLayer);

/** `ActivityRegularization({ l1: 0.01, l2: 0.001 })` (or Keras' positional `ActivityRegularization(0.01, 0.001)`). */
export function ActivityRegularization(l1?: number | ActivityRegularizationOptions, l2?: number, options: ActivityRegularizationOptions = {}): Callable<tf.layers.Layer> {
  const o = typeof l1 === "object" && l1 !== null ? l1 : { ...options, l1: l1 ?? options.l1, l2: l2 ?? options.l2 };
  return callable(new ActivityRegularizationLayer({ ...baseArgs("ActivityRegularization", o), l1: o.l1, l2: o.l2 }));
}
