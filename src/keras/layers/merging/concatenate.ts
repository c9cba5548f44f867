// Concatenate: joins its inputs along `axis` (default -1); every other axis must match (an unknown
// size matches any). With masks, the mask of the result is Keras 3's: the inputs' masks (all true
// for an input without one) joined along the axis, then any() over the last axis.
import tf from "../../../tfjs.cjs";
import { callable, shapeText } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { type MergeCallable, MergeLayer, shapeList } from "./merge.js";

export interface ConcatenateOptions extends BaseLayerOptions {
  /** The axis to join along. Default -1. */
  axis?: number;
}

type Shape = (number | null)[];

export class ConcatenateLayer extends MergeLayer {
  static className = "Concatenate";
  readonly axis: number;

  constructor(args: ConcatenateOptions = {}) {
    super(args);
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis)) throw new Error(`Concatenate: axis must be an integer, got ${JSON.stringify(args.axis)}`);
    this.axis = axis;
  }

  protected checkShapes(shapes: Shape[], labels: string[]): void {
    const rank = shapes[0].length;
    if (this.axis >= rank || this.axis < -rank) throw new Error(`${this.what}: axis ${this.axis} is out of range for inputs of rank ${rank} (from ${labels[0]} ${shapeText(shapes[0])})`);
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    for (let i = 1; i < shapes.length; i++) {
      const s = shapes[i];
      const ok = s.length === rank && s.every((d, k) => k === axis || d == null || shapes[0][k] == null || d === shapes[0][k]);
      if (!ok) {
        throw new Error(
          `${this.what}: inputs from ${labels[0]} ${shapeText(shapes[0])} and ${labels[i]} ${shapeText(s)} have incompatible shapes: ` +
            `all axes but the concatenation axis (${this.axis}) must match`,
        );
      }
    }
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shapes = shapeList(inputShape);
    const rank = shapes[0].length;
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    const out = shapes[0].map((d, k) => (d != null ? d : (shapes.find((s) => s[k] != null)?.[k] ?? null)));
    out[axis] = shapes.some((s) => s[axis] == null) ? null : shapes.reduce((n, s) => n + (s[axis] as number), 0);
    return out;
  }

  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    return tf.concat(inputs, this.axis);
  }

  computeMask(inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[] | null): tf.Tensor {
    const masks = Array.isArray(mask) ? mask : mask == null ? [] : [mask];
    if (!masks.length || masks.every((m) => m == null)) return null as unknown as tf.Tensor;
    const xs = Array.isArray(inputs) ? inputs : [inputs];
    return tf.tidy(() => {
      const full = xs.map((x, i) => {
        const m = masks[i];
        if (m == null) return tf.onesLike(x).cast("bool");
        return m.rank < x.rank ? tf.broadcastTo(tf.expandDims(m, -1), x.shape) : m;
      });
      return tf.any(tf.concat(full, this.axis), -1);
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis };
  }
}
tf.serialization.registerClass(ConcatenateLayer);

/** `Concatenate()`, `Concatenate(1)` or `Concatenate({ axis: 1 })`, called on a list of inputs. */
export function Concatenate(axis?: number | ConcatenateOptions, options: ConcatenateOptions = {}): MergeCallable {
  const o = typeof axis === "object" && axis !== null ? axis : { ...options, axis: axis ?? options.axis };
  return callable(new ConcatenateLayer({ ...baseArgs("Concatenate", o), axis: o.axis })) as MergeCallable;
}

/** Keras' `layers.concatenate([a, b], { axis })` (or `concatenate([a, b], axis)`). */
export function concatenate<I extends tf.SymbolicTensor[] | tf.Tensor[]>(inputs: I, axis?: number | ConcatenateOptions, options: ConcatenateOptions = {}): I extends tf.SymbolicTensor[] ? tf.SymbolicTensor : tf.Tensor {
  return Concatenate(axis, options)(inputs as never) as never;
}
