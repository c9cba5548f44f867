// keras.layers: the preprocessing layers (Keras 3's keras/src/layers/preprocessing).
export { Rescaling, RescalingLayer, type RescalingOptions } from "./rescaling.js";
export { Normalization, NormalizationLayer, type NormalizationOptions, type AdaptData } from "./normalization.js";
export { Resizing, ResizingLayer, type ResizingOptions } from "./resizing.js";
export { CenterCrop, CenterCropLayer, type CenterCropOptions } from "./center_crop.js";
export { RandomFlip, RandomFlipLayer, type RandomFlipOptions } from "./random_flip.js";
export { RandomRotation, RandomRotationLayer, type RandomRotationOptions } from "./random_rotation.js";
export { RandomZoom, RandomZoomLayer, type RandomZoomOptions } from "./random_zoom.js";
export { RandomTranslation, RandomTranslationLayer, type RandomTranslationOptions } from "./random_translation.js";
export { RandomContrast, RandomContrastLayer, type RandomContrastOptions } from "./random_contrast.js";
