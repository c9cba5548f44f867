// Keras parity of the normalization layers: the Keras side is test/keras/parity/cases_normalization.py.
import { layers } from "../../../src/index.ts";
import { parityTests } from "../parity/parity.ts";

parityTests("normalization", {
  layer_normalization_default: { build: () => layers.LayerNormalization() },
  layer_normalization_rank3: { build: () => layers.LayerNormalization() },
  layer_normalization_axis1: { build: () => layers.LayerNormalization({ axis: 1 }) },
  layer_normalization_two_axes: { build: () => layers.LayerNormalization({ axis: [1, 2] }) },
  layer_normalization_negative_axes: { build: () => layers.LayerNormalization({ axis: [-2, -1] }) },
  layer_normalization_images_channels: { build: () => layers.LayerNormalization({ axis: 3, epsilon: 1e-5 }) },
  layer_normalization_no_center: { build: () => layers.LayerNormalization({ center: false }) },
  layer_normalization_no_scale: { build: () => layers.LayerNormalization({ scale: false }) },
  layer_normalization_neither: { build: () => layers.LayerNormalization({ center: false, scale: false }) },
  group_normalization_default_channels: { build: () => layers.GroupNormalization(2) },
  group_normalization_images: { build: () => layers.GroupNormalization({ groups: 2 }) },
  group_normalization_one_group: { build: () => layers.GroupNormalization(1) },
  group_normalization_instance: { build: () => layers.GroupNormalization(-1) },
  group_normalization_axis1: { build: () => layers.GroupNormalization(3, { axis: 1 }) },
  group_normalization_axis_minus2: { build: () => layers.GroupNormalization({ groups: 2, axis: -2 }) },
  group_normalization_epsilon_no_center: { build: () => layers.GroupNormalization(4, { epsilon: 0.1, center: false }) },
  group_normalization_no_scale: { build: () => layers.GroupNormalization(2, { scale: false }) },
  unit_normalization_default: { build: () => layers.UnitNormalization() },
  unit_normalization_axis1: { build: () => layers.UnitNormalization({ axis: 1 }) },
  unit_normalization_two_axes: { build: () => layers.UnitNormalization({ axis: [1, 2] }) },
  rms_normalization_default: { build: () => layers.RMSNormalization() },
  rms_normalization_epsilon: { build: () => layers.RMSNormalization({ epsilon: 0.1 }) },
  stack: { build: (x) => layers.Dense(2)(layers.UnitNormalization()(layers.GroupNormalization(2)(layers.LayerNormalization()(layers.Dense(4)(x))))) },
});
