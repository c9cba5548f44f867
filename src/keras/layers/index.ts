// keras.layers: Keras' layer names, callable as in Keras.
export { Input, type InputOptions } from "./input.js";
export { Dense, type DenseOptions } from "./dense.js";
export { Conv2D, type Conv2DOptions } from "./conv2d.js";
export { MaxPooling2D, AveragePooling2D, type Pooling2DOptions } from "./pooling2d.js";
export { Flatten, type FlattenOptions } from "./flatten.js";
export { Dropout, type DropoutOptions } from "./dropout.js";
export { BatchNormalization, type BatchNormalizationOptions } from "./batch_normalization.js";
export { Activation, ReLU, Softmax, type ReLUOptions, type SoftmaxOptions } from "./activation.js";
export type { BaseLayerOptions } from "./common.js";
