// PReLU (He et al., 2015): x for x >= 0, alpha * x below, with a learned alpha per input element,
// shared along `sharedAxes` (numbered from 1, the batch axis being 0): relu(x) - alpha * relu(-x).
//
// tsdl's own layer (tfjs' PReLU has the same weight); one weight, `alpha`, of shape input_shape[1:]
// with the shared axes set to 1, initialised to zeros as Keras 3.
import tf from "../../../tfjs.cjs";
import { callable, shapeText, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions, type WeightOptions } from "../common.js";
import { weightConfig, weightParts, type WeightParts } from "../normalization/weights.js";

export interface PReLUOptions extends BaseLayerOptions, WeightOptions<"alpha"> {
  /** Axes (from 1) along which one alpha is shared, e.g. [1, 2] for one alpha per channel of images. Default none. */
  sharedAxes?: number | number[] | null;
}

export class PReLULayer extends tf.layers.Layer {
  static className = "PReLU";
  readonly sharedAxes: number[] | null;
  private readonly alphaParts: WeightParts;
  alpha?: tf.LayerVariable;

  /** Takes the options (Keras' spellings) or the config getConfig wrote. */
  constructor(args: PReLUOptions = {}) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.supportsMasking = true;
    const s = args.sharedAxes;
    const sharedAxes = s == null ? null : Array.isArray(s) ? s.slice() : [s];
    if (sharedAxes && !sharedAxes.every((a) => Number.isInteger(a) && a >= 1)) {
      throw new Error(`PReLU: sharedAxes must be axes numbered from 1 (the batch axis is 0), got ${JSON.stringify(s)}`);
    }
    this.sharedAxes = sharedAxes;
    this.alphaParts = weightParts(args, "alpha", "zeros", "PReLU");
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const paramShape = shape.slice(1);
    for (const a of this.sharedAxes ?? []) {
      if (a < 1 || a >= shape.length) throw new Error(`PReLU "${this.name}": sharedAxes entry ${a} is not an axis of the input ${shapeText(shape)} (axes after the batch axis are numbered from 1)`);
      paramShape[a - 1] = 1;
    }
    if (paramShape.some((d) => d == null)) {
      throw new Error(`PReLU "${this.name}": the input ${shapeText(shape)} has an axis of unknown size that is not shared; give its size or list it in sharedAxes`);
    }
    const a = this.alphaParts;
    this.alpha = this.addWeight("alpha", paramShape as number[], "float32", a.initializer, a.regularizer, true, a.constraint);
    const axes: Record<number, number> = {};
    for (let i = 1; i < shape.length; i++) if (!(this.sharedAxes ?? []).includes(i)) axes[i] = shape[i] as number;
    this.inputSpec = [new tf.InputSpec({ ndim: shape.length, axes })];
    this.built = true;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.sub(tf.relu(x), tf.mul(this.alpha!.read(), tf.relu(tf.neg(x))));
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      ...weightConfig("alpha", this.alphaParts),
      sharedAxes: this.sharedAxes,
    };
  }
}
tf.serialization.registerClass(PReLULayer);

/** `PReLU()` or `PReLU({ sharedAxes: [1, 2], alphaInitializer: "zeros" })`. */
export function PReLU(options: PReLUOptions = {}): Callable<tf.layers.Layer> {
  return callable(new PReLULayer({ ...options, ...baseArgs("PReLU", options) } as PReLUOptions));
}
