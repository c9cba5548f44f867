// Rescaling: output = input * scale + offset (as float), in training and inference, as Keras 3's
// keras/src/layers/preprocessing/rescaling.py. `scale` and `offset` may be per-channel arrays
// (broadcast against the last axis).
import tf from "../../../tfjs.cjs";
import { callable, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";

export interface RescalingOptions extends BaseLayerOptions {
  /** The factor (when not given first), e.g. 1 / 255. Required. */
  scale?: number | number[];
  /** Added after scaling. Default 0. */
  offset?: number | number[];
}

interface RescalingArgs extends BaseLayerOptions {
  scale: number | number[];
  offset: number | number[];
}

export class RescalingLayer extends tf.layers.Layer {
  static className = "Rescaling";
  readonly scale: number | number[];
  readonly offset: number | number[];
  constructor(args: RescalingArgs) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.scale = args.scale;
    this.offset = args.offset;
    this.supportsMasking = true;
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = tf.cast(Array.isArray(inputs) ? inputs[0] : inputs, "float32");
      return tf.add(tf.mul(x, tf.tensor(this.scale)), tf.tensor(this.offset));
    });
  }
  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }
  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
}
tf.serialization.registerClass(RescalingLayer);

function numbers(v: unknown, where: string, option: string): number | number[] {
  const ok = (n: unknown) => typeof n === "number" && Number.isFinite(n);
  if (ok(v) || (Array.isArray(v) && v.length > 0 && v.every(ok))) return Array.isArray(v) ? v.slice() : (v as number);
  throw new Error(`${where}: ${option} must be a number or an array of numbers (one per channel), got ${JSON.stringify(v)}`);
}

/** `Rescaling(1 / 255)`, `Rescaling(1 / 127.5, { offset: -1 })` or `Rescaling({ scale, offset })`. */
export function Rescaling(scale: number | number[] | RescalingOptions, options: RescalingOptions = {}): Callable<tf.layers.Layer> {
  const o = typeof scale === "object" && !Array.isArray(scale) && scale !== null ? scale : { ...options, scale };
  if (o.scale === undefined) throw new Error("Rescaling: scale is required, e.g. Rescaling(1 / 255)");
  const args: RescalingArgs = { ...baseArgs("Rescaling", o), scale: numbers(o.scale, "Rescaling", "scale"), offset: numbers(o.offset ?? 0, "Rescaling", "offset") };
  return callable(new RescalingLayer(args));
}
