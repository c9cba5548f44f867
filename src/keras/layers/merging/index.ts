// keras.layers: the merging layers (Keras 3's keras/src/layers/merging).
export { Add, Subtract, Multiply, Average, Maximum, Minimum, add, subtract, multiply, average, maximum, minimum, type MergeOptions } from "./elementwise.js";
export { Concatenate, concatenate, type ConcatenateOptions } from "./concatenate.js";
export { Dot, dot, type DotOptions } from "./dot.js";
export type { MergeCallable } from "./merge.js";
