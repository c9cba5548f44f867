// TimeDistributed: applies a layer to every time step of its input, `output[:, t] = layer(input[:, t])`,
// one call per step as Keras 3 (so a BatchNormalization inside sees each step's batch); the weights
// are the inner layer's. Input [batch, timesteps, ...] (rank 3 at least).
//
// Porting note: wraps tfjs' TimeDistributed (the same per-step calls); tsdl's subclass only names the
// layer and the shape in the rank error.
import tf from "../../../tfjs.cjs";
import { callable, unwrapLayer, type Callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions, layerClass } from "../common.js";

type Shape = (number | null)[];
export type TimeDistributedOptions = BaseLayerOptions;

type TimeDistributedClass = new (args: Record<string, unknown>) => tf.layers.Layer;

/** tsdl's TimeDistributed class, registered under tfjs' name (idempotent). */
export const timeDistributedClass = layerClass((): TimeDistributedClass => {
  const Base = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 1 }) }).constructor as TimeDistributedClass;
  class TimeDistributed extends Base {
    static className = "TimeDistributed";
    build(inputShape: Shape | Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
      if (shape.length < 3) {
        throw new Error(`TimeDistributed "${this.name}": the input must have at least 3 dimensions [batch, timesteps, ...], got shape [${shape.map((d) => (d == null ? "null" : d)).join(", ")}]`);
      }
      super.build(inputShape as never);
    }
  }
  return TimeDistributed;
});

/** `layers.TimeDistributed(layers.Dense(8))`. */
export function TimeDistributed(layer: tf.layers.Layer, options: TimeDistributedOptions = {}): Callable<tf.layers.Layer> {
  const raw = layer ? unwrapLayer(layer) : undefined;
  if (!(raw instanceof tf.layers.Layer)) throw new Error(`TimeDistributed: layer must be a layer (e.g. layers.Dense(8)), got ${layer === null ? "null" : typeof layer}`);
  const Cls = timeDistributedClass();
  return callable(new Cls({ ...baseArgs("TimeDistributed", options), layer: raw }));
}
