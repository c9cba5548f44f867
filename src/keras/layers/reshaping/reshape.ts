// Reshape: each sample to `targetShape` (the batch axis stays); one -1 takes the size that is left.
//
// tsdl's own layer rather than tfjs': tfjs' error ("Total size of new array must be unchanged.")
// names neither shape.
import tf from "../../../tfjs.cjs";
import { callable, shapeText, type Callable } from "../../callable.js";
import { dropMask } from "./drop_mask.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";

export interface ReshapeOptions extends BaseLayerOptions {
  /** The shape of one sample after the layer, e.g. [4, -1]. Required (Keras' first positional argument). */
  targetShape?: number[];
}

export class ReshapeLayer extends tf.layers.Layer {
  static className = "Reshape";
  /** As given, with -1 for the size inferred (tfjs' saved configs have null there; both are read). */
  readonly targetShape: number[];

  constructor(args: BaseLayerOptions & { targetShape?: (number | null)[] }) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    const t = args.targetShape;
    if (!Array.isArray(t)) throw new Error(`Reshape: targetShape must be an array of sizes such as [4, -1], got ${JSON.stringify(t)}`);
    const shape = t.map((d) => (d === null ? -1 : d));
    if (!shape.every((d) => Number.isInteger(d) && d >= -1) || shape.filter((d) => d === -1).length > 1) {
      throw new Error(`Reshape: each size in targetShape must be a non-negative integer, or -1 for one unknown size, got ${JSON.stringify(t)}`);
    }
    this.targetShape = shape;
    this.supportsMasking = true; // tfjs then hands masks to computeMask, which drops them as Keras
  }

  /** One sample's shape after the layer: -1 resolved, or null where the input has unknown sizes. */
  private resolve(input: tf.Shape): (number | null)[] {
    const sample = input.slice(1);
    if (sample.some((d) => d == null)) return this.targetShape.map((d) => (d === -1 ? null : d));
    const size = (sample as number[]).reduce((a, b) => a * b, 1);
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const unknown = this.targetShape.indexOf(-1);
    const fail = (why: string) =>
      new Error(`Reshape "${this.name}": the total size must be unchanged: cannot reshape input shape ${shapeText(input)} (${size} values per sample) to targetShape ${shapeText(this.targetShape)}${why}`);
    if (unknown < 0) {
      if (known !== size) throw fail(` (${known} values)`);
      return this.targetShape.slice();
    }
    if (known === 0 || size % known !== 0) throw fail(`: ${size} is not a multiple of ${known}`);
    const out = this.targetShape.slice();
    out[unknown] = size / known;
    return out;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0], ...this.resolve(shape)];
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.reshape(x, [x.shape[0], ...(this.resolve(x.shape) as number[])]);
  }

  computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return dropMask(this, mask); // no mask support in Keras either: warned and dropped
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), targetShape: this.targetShape };
  }
}
tf.serialization.registerClass(ReshapeLayer);

/** `Reshape([4, -1])` or `Reshape({ targetShape: [4, -1] })`. */
export function Reshape(targetShape: number[] | ReshapeOptions, options: ReshapeOptions = {}): Callable<tf.layers.Layer> {
  const optionsForm = typeof targetShape === "object" && targetShape !== null && !Array.isArray(targetShape);
  const o = optionsForm ? (targetShape as ReshapeOptions) : options;
  const target = optionsForm ? o.targetShape : (targetShape as number[]);
  return callable(new ReshapeLayer({ ...baseArgs("Reshape", o), targetShape: target }));
}
