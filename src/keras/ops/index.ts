// `keras.ops`: Keras 3's backend-agnostic tensor operations, in camelCase (`ops.expandDims`,
// `ops.logSoftmax`, `ops.topK`), on tfjs tensors. Each op takes tensors, numbers or nested arrays,
// broadcasts as NumPy, follows Keras' result dtypes, lets gradients flow, and, given a symbolic tensor
// of a functional model, adds itself to the model as a layer (see core.ts).
//
//   import { ops, layers, keras } from "tsdl";
//   const x = keras.Input([8]);
//   const y = ops.add(layers.Dense(4)(x), 1); // a node of the model, like Keras
export type { TensorLike, NestedArray, DTypeName, Axis, Op } from "./core.js";
export * from "./math.js";
export * from "./reduction.js";
export * from "./shape.js";
export * from "./indexing.js";
export * from "./linalg.js";
export * from "./sorting.js";
export * from "./creation.js";
export * from "./comparison.js";
export * from "./nn.js";
export * from "./conversion.js";
export * from "./control_flow.js";
