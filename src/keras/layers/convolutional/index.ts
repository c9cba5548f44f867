// keras.layers: the convolutional layers (Keras 3's keras/src/layers/convolutional).
export { Conv1D, type Conv1DOptions } from "./conv1d.js";
export { Conv1DTranspose, type Conv1DTransposeOptions } from "./conv1d_transpose.js";
export { Conv2D, type Conv2DOptions } from "./conv2d.js";
export { Conv2DTranspose, type Conv2DTransposeOptions } from "./conv2d_transpose.js";
export { DepthwiseConv2D, type DepthwiseConv2DOptions } from "./depthwise_conv2d.js";
export { SeparableConv2D, type SeparableConv2DOptions } from "./separable_conv2d.js";
