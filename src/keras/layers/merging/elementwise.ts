// The elementwise merges: Add, Subtract (two inputs), Multiply, Average, Maximum, Minimum, and Keras'
// functional forms `add([a, b])`, ... Inputs broadcast as Keras allows (see merge.ts). With masks,
// Maximum and Minimum leave masked entries out and Multiply takes them as 1 (0 where every input is
// masked), as Keras 3.
import tf from "../../../tfjs.cjs";
import { callable } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { type MergeCallable, MergeLayer, mergeWithMasks } from "./merge.js";

export type MergeOptions = BaseLayerOptions;

export class AddLayer extends MergeLayer {
  static className = "Add";
  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    return inputs.slice(1).reduce((acc, x) => tf.add(acc, x), inputs[0]);
  }
}

export class SubtractLayer extends MergeLayer {
  static className = "Subtract";
  protected minInputs(): number {
    return 2;
  }
  protected maxInputs(): number {
    return 2;
  }
  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    return tf.sub(inputs[0], inputs[1]);
  }
}

export class MultiplyLayer extends MergeLayer {
  static className = "Multiply";
  protected merge(inputs: tf.Tensor[], masks: (tf.Tensor | null)[]): tf.Tensor {
    const allMasked = masks.every((m) => m != null);
    let output: tf.Tensor | undefined;
    let outputMask: tf.Tensor | undefined;
    for (const [i, input] of inputs.entries()) {
      let x = input;
      if (masks[i]) {
        const mask = tf.broadcastTo(tf.expandDims(masks[i]!, -1), x.shape);
        x = tf.where(mask, x, tf.onesLike(x));
        if (allMasked) outputMask = outputMask ? tf.logicalOr(outputMask, mask) : mask;
      }
      output = output ? tf.mul(output, x) : x;
    }
    return allMasked && outputMask ? tf.where(outputMask, output!, tf.zerosLike(output!)) : output!;
  }
}

export class AverageLayer extends MergeLayer {
  static className = "Average";
  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    return tf.div(inputs.slice(1).reduce((acc, x) => tf.add(acc, x), inputs[0]), inputs.length);
  }
}

/**
 * a and b broadcast to their common shape first: tfjs' Maximum and Minimum gradients do not sum back
 * over broadcast axes (a [2, 1, 4] input would get a [2, 3, 4] gradient).
 */
function broadcastBoth(op: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): (a: tf.Tensor, b: tf.Tensor) => tf.Tensor {
  return (a, b) => {
    const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const same = (t: tf.Tensor) => (tf.util.arraysEqual(t.shape, shape) ? t : tf.broadcastTo(t, shape));
    return op(same(a), same(b));
  };
}

export class MaximumLayer extends MergeLayer {
  static className = "Maximum";
  protected merge(inputs: tf.Tensor[], masks: (tf.Tensor | null)[]): tf.Tensor {
    return mergeWithMasks(broadcastBoth(tf.maximum), inputs, masks);
  }
}

export class MinimumLayer extends MergeLayer {
  static className = "Minimum";
  protected merge(inputs: tf.Tensor[], masks: (tf.Tensor | null)[]): tf.Tensor {
    return mergeWithMasks(broadcastBoth(tf.minimum), inputs, masks);
  }
}

for (const cls of [AddLayer, SubtractLayer, MultiplyLayer, AverageLayer, MaximumLayer, MinimumLayer]) tf.serialization.registerClass(cls);

/** `Add()([a, b, ...])`: the elementwise sum of its inputs. */
export function Add(options: MergeOptions = {}): MergeCallable {
  return callable(new AddLayer(baseArgs("Add", options))) as MergeCallable;
}
/** `Subtract()([a, b])`: a - b. */
export function Subtract(options: MergeOptions = {}): MergeCallable {
  return callable(new SubtractLayer(baseArgs("Subtract", options))) as MergeCallable;
}
/** `Multiply()([a, b, ...])`: the elementwise product of its inputs. */
export function Multiply(options: MergeOptions = {}): MergeCallable {
  return callable(new MultiplyLayer(baseArgs("Multiply", options))) as MergeCallable;
}
/** `Average()([a, b, ...])`: the elementwise mean of its inputs. */
export function Average(options: MergeOptions = {}): MergeCallable {
  return callable(new AverageLayer(baseArgs("Average", options))) as MergeCallable;
}
/** `Maximum()([a, b, ...])`: the elementwise maximum of its inputs. */
export function Maximum(options: MergeOptions = {}): MergeCallable {
  return callable(new MaximumLayer(baseArgs("Maximum", options))) as MergeCallable;
}
/** `Minimum()([a, b, ...])`: the elementwise minimum of its inputs. */
export function Minimum(options: MergeOptions = {}): MergeCallable {
  return callable(new MinimumLayer(baseArgs("Minimum", options))) as MergeCallable;
}

type Inputs = tf.SymbolicTensor[] | tf.Tensor[];
type Out<I> = I extends tf.SymbolicTensor[] ? tf.SymbolicTensor : tf.Tensor;

/** Keras' `layers.add([a, b])`: Add(options) called on the inputs. */
export function add<I extends Inputs>(inputs: I, options: MergeOptions = {}): Out<I> {
  return Add(options)(inputs as never) as Out<I>;
}
/** Keras' `layers.subtract([a, b])`. */
export function subtract<I extends Inputs>(inputs: I, options: MergeOptions = {}): Out<I> {
  return Subtract(options)(inputs as never) as Out<I>;
}
/** Keras' `layers.multiply([a, b])`. */
export function multiply<I extends Inputs>(inputs: I, options: MergeOptions = {}): Out<I> {
  return Multiply(options)(inputs as never) as Out<I>;
}
/** Keras' `layers.average([a, b])`. */
export function average<I extends Inputs>(inputs: I, options: MergeOptions = {}): Out<I> {
  return Average(options)(inputs as never) as Out<I>;
}
/** Keras' `layers.maximum([a, b])`. */
export function maximum<I extends Inputs>(inputs: I, options: MergeOptions = {}): Out<I> {
  return Maximum(options)(inputs as never) as Out<I>;
}
/** Keras' `layers.minimum([a, b])`. */
export function minimum<I extends Inputs>(inputs: I, options: MergeOptions = {}): Out<I> {
  return Minimum(options)(inputs as never) as Out<I>;
}
