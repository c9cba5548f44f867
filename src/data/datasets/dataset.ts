// What loadData returns: Keras' nested pair, plus where it came from.
import type * as tf from "@tensorflow/tfjs";

/**
 * `[[xTrain, yTrain], [xTest, yTest]]`, with `source` (a folder or URL) and `name`.
 * Porting note: Keras gives uint8 arrays; tfjs has no uint8 tensors, so images are float32 tensors
 * holding the same 0..255 values (int32 would make `x.div(255)` a floor division) and labels int32.
 */
export interface LoadedFrom {
  readonly source: string;
  readonly name: string;
  /** True when the files are a generated stand-in, not the real dataset. */
  readonly standIn: boolean;
}

export type Dataset = [[tf.Tensor, tf.Tensor], [tf.Tensor, tf.Tensor]] & LoadedFrom;

/** The pairs with `source`, `name` and `standIn`, said on the console (`samples` names what x holds). */
export function asDataset(pairs: [[tf.Tensor, tf.Tensor], [tf.Tensor, tf.Tensor]], name: string, source: string, standIn?: boolean): Dataset;
export function asDataset<X extends { length: number }, Y>(pairs: [[X, Y], [X, Y]], name: string, source: string, standIn: boolean, samples: string): [[X, Y], [X, Y]] & LoadedFrom;
export function asDataset(pairs: [[unknown, unknown], [unknown, unknown]], name: string, source: string, standIn = false, samples = "images"): unknown {
  Object.defineProperty(pairs, "source", { value: source, enumerable: false });
  Object.defineProperty(pairs, "name", { value: standIn ? `${name} (STAND-IN, not the real data)` : name, enumerable: false });
  Object.defineProperty(pairs, "standIn", { value: standIn, enumerable: false });
  const count = (x: unknown) => ((x as tf.Tensor).shape ? (x as tf.Tensor).shape[0] : (x as unknown[]).length);
  console.log(`${standIn ? `${name} STAND-IN` : name}: ${count(pairs[0][0])} training and ${count(pairs[1][0])} test ${samples} from ${source}`);
  return pairs;
}
