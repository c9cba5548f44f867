// Keras parity of the regularization layers in inference: the Keras side is
// test/keras/parity/cases_regularization.py (their training behaviour: regularization.test.ts).
import { layers } from "../../../src/index.ts";
import { parityTests } from "../parity/parity.ts";

parityTests("regularization", {
  dropout: { build: () => layers.Dropout(0.5) },
  dropout_noise_shape_seed: { build: () => layers.Dropout(0.3, { noiseShape: [null, 1, 4], seed: 3 }) },
  dropout_rate0_training: { build: () => layers.Dropout(0) },
  spatial_dropout1d: { build: () => layers.SpatialDropout1D(0.4) },
  spatial_dropout2d: { build: () => layers.SpatialDropout2D(0.4, { seed: 1 }) },
  spatial_dropout2d_channels_first: { build: () => layers.SpatialDropout2D(0.2, { dataFormat: "channels_first" }) },
  spatial_dropout3d: { build: () => layers.SpatialDropout3D(0.2) },
  gaussian_noise: { build: () => layers.GaussianNoise(0.5) },
  gaussian_noise_rate0_training: { build: () => layers.GaussianNoise(0) },
  gaussian_dropout: { build: () => layers.GaussianDropout(0.3, { seed: 2 }) },
  alpha_dropout: { build: () => layers.AlphaDropout(0.2) },
  activity_regularization: { build: () => layers.ActivityRegularization({ l1: 0.01, l2: 0.02 }) },
  stack: { build: (x) => layers.Dense(2)(layers.GaussianDropout(0.1)(layers.GaussianNoise(0.1)(layers.Dropout(0.2)(layers.ActivityRegularization({ l2: 0.1 })(layers.Dense(4)(x)))))) },
  conv_spatial_stack: { build: (x) => layers.Conv2D(2, 2)(layers.SpatialDropout2D(0.3)(layers.Conv2D(3, 2)(x))) },
});
