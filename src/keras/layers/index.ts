// keras.layers: Keras' layer names, callable as in Keras.
export { Input, type InputOptions } from "./input.js";
export { Dense, type DenseOptions } from "./dense.js";
export { Conv2D, type Conv2DOptions } from "./conv2d.js";
export { Dropout, type DropoutOptions } from "./dropout.js";
export { BatchNormalization, type BatchNormalizationOptions } from "./batch_normalization.js";
export { Activation, ReLU, Softmax, type ReLUOptions, type SoftmaxOptions } from "./activation.js";
export type { BaseLayerOptions } from "./common.js";
// Keras 3's layer families, one folder each (as keras/src/layers/).
export * from "./convolutional/index.js";
export * from "./pooling/index.js";
export * from "./reshaping/index.js";
export * from "./merging/index.js";
export * from "./normalization/index.js";
export * from "./regularization/index.js";
export * from "./activations/index.js";
export * from "./rnn/index.js";
export * from "./attention/index.js";
export * from "./preprocessing/index.js";
export * from "./core/index.js";
