// keras.layers: the reshaping layers (Keras 3's keras/src/layers/reshaping).
export { Flatten, type FlattenOptions } from "./flatten.js";
export { Reshape, type ReshapeOptions } from "./reshape.js";
export { Permute, type PermuteOptions } from "./permute.js";
export { RepeatVector, type RepeatVectorOptions } from "./repeat_vector.js";
export { UpSampling1D, UpSampling2D, type UpSampling1DOptions, type UpSampling2DOptions, type Interpolation } from "./up_sampling.js";
export { ZeroPadding1D, ZeroPadding2D, type ZeroPadding1DOptions, type ZeroPadding2DOptions } from "./zero_padding.js";
export { Cropping1D, Cropping2D, type Cropping1DOptions, type Cropping2DOptions } from "./cropping.js";
