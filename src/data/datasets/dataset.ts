// What loadData returns: Keras' nested pair, plus where it came from.
import type * as tf from "@tensorflow/tfjs";

/**
 * `[[xTrain, yTrain], [xTest, yTest]]`, with `source` (a folder or URL) and `name`.
 * Porting note: Keras gives uint8 arrays; tfjs has no uint8 tensors, so images are float32 tensors
 * holding the same 0..255 values (int32 would make `x.div(255)` a floor division) and labels int32.
 */
export type Dataset = [[tf.Tensor, tf.Tensor], [tf.Tensor, tf.Tensor]] & {
  readonly source: string;
  readonly name: string;
  /** True when the files are a generated stand-in, not the real dataset. */
  readonly standIn: boolean;
};

export function asDataset(pairs: [[tf.Tensor, tf.Tensor], [tf.Tensor, tf.Tensor]], name: string, source: string, standIn = false): Dataset {
  Object.defineProperty(pairs, "source", { value: source, enumerable: false });
  Object.defineProperty(pairs, "name", { value: standIn ? `${name} (STAND-IN, not the real data)` : name, enumerable: false });
  Object.defineProperty(pairs, "standIn", { value: standIn, enumerable: false });
  console.log(`${standIn ? `${name} STAND-IN` : name}: ${pairs[0][0].shape[0]} training and ${pairs[1][0].shape[0]} test images from ${source}`);
  return pairs as Dataset;
}
