// keras.layers: the regularization layers (Keras 3's keras/src/layers/regularization).
// (Dropout is in ../dropout.ts.)
export { SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, type SpatialDropout1DOptions, type SpatialDropout2DOptions, type SpatialDropout3DOptions } from "./spatial_dropout.js";
export { GaussianNoise, GaussianDropout, AlphaDropout, type NoiseOptions, type AlphaDropoutOptions } from "./noise.js";
export { ActivityRegularization, type ActivityRegularizationOptions } from "./activity_regularization.js";
