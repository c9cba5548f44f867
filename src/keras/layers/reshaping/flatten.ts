// Flatten: [batch, d1, d2, ...] -> [batch, d1*d2*...] ([batch] -> [batch, 1]). With dataFormat
// "channels_first" the channels axis is moved last first, so that the order of the features is the
// channels-last one (as Keras, which makes channels-first and channels-last models interchangeable).
//
// tsdl's own layer rather than tfjs': tfjs' Flatten refuses inputs of rank 1 and 2, which Keras flattens.
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { dropMask } from "./drop_mask.js";
import { dataFormat, type DataFormat, type DataFormatOption } from "../pooling/data_format.js";

export interface FlattenOptions extends BaseLayerOptions {
  /** "channels_last" (the default) or "channels_first" (the channels axis, 1, is moved last before flattening). */
  dataFormat?: DataFormatOption;
}

export class FlattenLayer extends tf.layers.Layer {
  static className = "Flatten";
  readonly dataFormat: DataFormat;

  constructor(args: BaseLayerOptions & { dataFormat?: string } = {}) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.dataFormat = dataFormat(args.dataFormat, "Flatten");
    this.inputSpec = [new tf.InputSpec({ minNDim: 1 })];
    this.supportsMasking = true; // tfjs then hands masks to computeMask, which drops them as Keras
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const rest = shape.slice(1);
    return [shape[0], rest.some((d) => d == null) ? null : rest.reduce((a: number, b) => a * (b as number), 1)];
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      let x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (this.dataFormat === "channelsFirst" && x.rank > 2) x = tf.transpose(x, [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1]);
      return tf.reshape(x, [x.shape[0], tf.util.sizeFromShape(x.shape.slice(1))]);
    });
  }

  computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return dropMask(this, mask); // no mask support in Keras either: warned and dropped
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dataFormat: this.dataFormat };
  }
}
tf.serialization.registerClass(FlattenLayer);

/** `Flatten()`: one feature axis per sample (the batch axis stays). */
export function Flatten(options: FlattenOptions = {}): Callable<tf.layers.Layer> {
  return callable(new FlattenLayer({ ...baseArgs("Flatten", options), dataFormat: options.dataFormat }));
}
