// Keras parity of the preprocessing layers: the Keras side is test/keras/parity/cases_preprocessing.py.
// Normalization's adapted cases are built here unadapted (the harness copies Keras' adapted weights);
// preprocessing.test.ts checks tsdl's own adapt() against those weights.
import { layers } from "../../../src/index.ts";
import { parityTests } from "../parity/parity.ts";

parityTests("preprocessing", {
  rescaling_255: { build: () => layers.Rescaling(1 / 255) },
  rescaling_offset: { build: () => layers.Rescaling(1 / 127.5, { offset: -1 }) },
  rescaling_per_channel: { build: () => layers.Rescaling([0.5, 2, 1], { offset: [1, 0, -1] }) },
  rescaling_int_input: { build: () => layers.Rescaling({ scale: 0.5 }) },
  normalization_given_scalar: { build: () => layers.Normalization({ mean: 3, variance: 2 }) },
  normalization_given_vector: { build: () => layers.Normalization({ mean: [1, 2, 3], variance: [1, 4, 9] }) },
  normalization_given_invert: { build: () => layers.Normalization({ mean: [1, -2], variance: [0.25, 4], invert: true }) },
  normalization_given_axis_none: { build: () => layers.Normalization({ axis: null, mean: 0.5, variance: 0 }) },
  normalization_weights: { build: () => layers.Normalization() },
  normalization_weights_axes: { build: () => layers.Normalization({ axis: [1, 3] }) },
  normalization_adapted: { build: () => layers.Normalization() },
  normalization_adapted_axis_none: { build: () => layers.Normalization({ axis: null }) },
  normalization_adapted_axis1: { build: () => layers.Normalization({ axis: 1 }) },
  normalization_adapted_invert: { build: () => layers.Normalization({ invert: true }) },
  normalization_adapted_batches: { build: () => layers.Normalization() },
  resizing_bilinear_up: { build: () => layers.Resizing(8, 10) },
  resizing_bilinear_down: { build: () => layers.Resizing(3, 4) },
  resizing_nearest_up: { build: () => layers.Resizing(7, 9, { interpolation: "nearest" }) },
  resizing_nearest_down: { build: () => layers.Resizing({ height: 3, width: 2, interpolation: "nearest" }) },
  resizing_crop_to_aspect_ratio: { build: () => layers.Resizing(4, 4, { cropToAspectRatio: true }) },
  resizing_crop_to_aspect_ratio_tall: { build: () => layers.Resizing(6, 3, { cropToAspectRatio: true, interpolation: "nearest" }) },
  resizing_pad_to_aspect_ratio: { build: () => layers.Resizing(5, 5, { padToAspectRatio: true, fillValue: 0.5 }) },
  resizing_channels_first: { build: () => layers.Resizing(5, 3, { dataFormat: "channels_first" }) },
  resizing_int_input: { build: () => layers.Resizing(5, 6) },
  center_crop: { build: () => layers.CenterCrop(4, 5) },
  center_crop_odd_from_even: { build: () => layers.CenterCrop(3, 3) },
  center_crop_upsize: { build: () => layers.CenterCrop(6, 5) },
  center_crop_one_side_smaller: { build: () => layers.CenterCrop({ height: 3, width: 8 }) },
  center_crop_channels_first: { build: () => layers.CenterCrop(2, 3, { dataFormat: "channels_first" }) },
  random_flip_inference: { build: () => layers.RandomFlip() },
  random_flip_horizontal_inference: { build: (x) => layers.RandomFlip("horizontal", { seed: 3 })(layers.RandomFlip("vertical")(x)) },
  random_rotation_inference: { build: () => layers.RandomRotation(0.2) },
  random_zoom_inference: { build: () => layers.RandomZoom(0.2, 0.3, { fillMode: "constant" }) },
  random_translation_inference: { build: () => layers.RandomTranslation(0.1, [-0.2, 0.3]) },
  random_contrast_inference: { build: () => layers.RandomContrast(0.3) },
  augmentation_pipeline: {
    build: (x) =>
      layers.Dense(2)(layers.Flatten()(layers.RandomContrast(0.1)(layers.RandomZoom(0.1)(layers.RandomRotation(0.05)(layers.RandomFlip("horizontal")(layers.Rescaling(1 / 255)(x))))))),
  },
});
