// keras.layers: the normalization layers (Keras 3's keras/src/layers/normalization).
// (BatchNormalization is in ../batch_normalization.ts.)
export { LayerNormalization, type LayerNormalizationOptions } from "./layer_normalization.js";
export { GroupNormalization, type GroupNormalizationOptions } from "./group_normalization.js";
export { UnitNormalization, type UnitNormalizationOptions } from "./unit_normalization.js";
export { RMSNormalization, type RMSNormalizationOptions } from "./rms_normalization.js";
