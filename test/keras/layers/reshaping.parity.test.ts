// Keras parity of the reshaping layers: the Keras side is test/keras/parity/cases_reshaping.py.
import { layers } from "../../../src/index.ts";
import { parityTests } from "../parity/parity.ts";

parityTests("reshaping", {
  reshape: { build: () => layers.Reshape([3, 4]) },
  reshape_minus_one: { build: () => layers.Reshape([-1, 2]) },
  reshape_to_flat: { build: () => layers.Reshape({ targetShape: [-1] }) },
  reshape_then_dense: { build: (x) => layers.Dense(5)(layers.Reshape([4, 3])(x)) },
  permute_swap: { build: () => layers.Permute([2, 1]) },
  permute_3d: { build: () => layers.Permute({ dims: [3, 1, 2] }) },
  repeat_vector: { build: () => layers.RepeatVector(3) },
  repeat_vector_then_dense: { build: (x) => layers.Dense(2)(layers.RepeatVector({ n: 4 })(layers.Dense(3)(x))) },
  up_sampling1d_default: { build: () => layers.UpSampling1D() },
  up_sampling1d_size3: { build: () => layers.UpSampling1D({ size: 3 }) },
  up_sampling2d_default: { build: () => layers.UpSampling2D() },
  up_sampling2d_rect: { build: () => layers.UpSampling2D([2, 3]) },
  up_sampling2d_bilinear: { build: () => layers.UpSampling2D(2, { interpolation: "bilinear" }) },
  up_sampling2d_bilinear_rect: { build: () => layers.UpSampling2D([3, 2], { interpolation: "bilinear" }) },
  up_sampling2d_bilinear_one_pixel: { build: () => layers.UpSampling2D(3, { interpolation: "bilinear" }) },
  up_sampling2d_channels_first: { build: () => layers.UpSampling2D(2, { dataFormat: "channels_first" }) },
  up_sampling2d_bilinear_channels_first: { build: () => layers.UpSampling2D({ size: [2, 3], dataFormat: "channels_first", interpolation: "bilinear" }) },
  zero_padding1d_default: { build: () => layers.ZeroPadding1D() },
  zero_padding1d_asymmetric: { build: () => layers.ZeroPadding1D([2, 0]) },
  zero_padding1d_channels_first: { build: () => layers.ZeroPadding1D([1, 2], { dataFormat: "channels_first" }) },
  zero_padding2d_default: { build: () => layers.ZeroPadding2D() },
  zero_padding2d_int: { build: () => layers.ZeroPadding2D(2) },
  zero_padding2d_pair: { build: () => layers.ZeroPadding2D([1, 2]) },
  zero_padding2d_pairs: { build: () => layers.ZeroPadding2D([[1, 0], [2, 3]]) },
  zero_padding2d_channels_first: { build: () => layers.ZeroPadding2D({ padding: [[0, 1], [2, 0]], dataFormat: "channels_first" }) },
  cropping1d_default: { build: () => layers.Cropping1D() },
  cropping1d_asymmetric: { build: () => layers.Cropping1D([2, 0]) },
  cropping2d_default: { build: () => layers.Cropping2D() },
  cropping2d_int: { build: () => layers.Cropping2D(1) },
  cropping2d_pair: { build: () => layers.Cropping2D([1, 2]) },
  cropping2d_pairs: { build: () => layers.Cropping2D([[1, 0], [0, 2]]) },
  cropping2d_channels_first: { build: () => layers.Cropping2D([[1, 0], [1, 2]], { dataFormat: "channels_first" }) },
  flatten_rank1: { build: () => layers.Flatten() },
  flatten_rank2: { build: () => layers.Flatten() },
  flatten_rank4: { build: () => layers.Flatten() },
  flatten_channels_first: { build: () => layers.Flatten({ dataFormat: "channels_first" }) },
  names: { build: (x) => layers.Flatten()(layers.Cropping2D(1)(layers.Cropping2D(1)(layers.ZeroPadding2D(1)(layers.ZeroPadding2D(1)(layers.UpSampling2D()(layers.UpSampling2D()(x))))))) },
  decoder_block: {
    build: (x) =>
      layers.Reshape([-1, 2])(
        layers.Conv2D(2, 3, { padding: "same" })(layers.Cropping2D([[1, 0], [0, 1]])(layers.UpSampling2D(2, { interpolation: "bilinear" })(layers.ZeroPadding2D(1)(layers.Conv2D(3, 3, { activation: "relu" })(x))))),
      ),
  },
  sequence_block: {
    build: (x) => layers.Dense(2)(layers.Permute([2, 1])(layers.Cropping1D([1, 2])(layers.UpSampling1D(2)(layers.ZeroPadding1D(1)(layers.Dense(3, { activation: "tanh" })(x)))))),
  },
}, { summary: true }); // summary(): the same table text as Keras
