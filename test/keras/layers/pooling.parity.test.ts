// Keras parity of the pooling layers: the Keras side is test/keras/parity/cases_pooling.py.
import { layers } from "../../../src/index.ts";
import { parityTests } from "../parity/parity.ts";

parityTests("pooling", {
  max_pooling1d_default: { build: () => layers.MaxPooling1D() },
  max_pooling1d_same_strided: { build: () => layers.MaxPooling1D(3, { strides: 2, padding: "same" }) },
  max_pooling1d_valid_overlapping: { build: () => layers.MaxPooling1D({ poolSize: 3, strides: 1 }) },
  max_pooling1d_channels_first: { build: () => layers.MaxPooling1D(2, { padding: "same", dataFormat: "channels_first" }) },
  average_pooling1d_pool2: { build: () => layers.AveragePooling1D(2) },
  average_pooling1d_same_strided: { build: () => layers.AveragePooling1D(3, { strides: 2, padding: "same" }) },
  average_pooling1d_same_wide: { build: () => layers.AveragePooling1D(4, { strides: 1, padding: "same" }) },
  average_pooling1d_channels_first: { build: () => layers.AveragePooling1D(3, { strides: 2, dataFormat: "channels_first" }) },
  max_pooling2d_same_strided: { build: () => layers.MaxPooling2D([3, 3], { strides: 2, padding: "same" }) },
  max_pooling2d_rect_strides: { build: () => layers.MaxPooling2D([2, 3], { strides: [1, 2] }) },
  max_pooling2d_channels_first: { build: () => layers.MaxPooling2D(2, { dataFormat: "channels_first" }) },
  average_pooling2d_pool2: { build: () => layers.AveragePooling2D([2, 2]) },
  average_pooling2d_same_strided: { build: () => layers.AveragePooling2D(3, { strides: 2, padding: "same" }) },
  average_pooling2d_same_stride1: { build: () => layers.AveragePooling2D([2, 3], { strides: 1, padding: "same" }) },
  average_pooling2d_channels_first_same: { build: () => layers.AveragePooling2D(2, { padding: "same", dataFormat: "channels_first" }) },
  global_average_pooling1d: { build: () => layers.GlobalAveragePooling1D() },
  global_average_pooling1d_keepdims_channels_first: { build: () => layers.GlobalAveragePooling1D({ dataFormat: "channels_first", keepdims: true }) },
  global_max_pooling1d: { build: () => layers.GlobalMaxPooling1D() },
  global_max_pooling1d_keepdims: { build: () => layers.GlobalMaxPooling1D({ keepdims: true }) },
  global_average_pooling2d: { build: () => layers.GlobalAveragePooling2D() },
  global_average_pooling2d_keepdims: { build: () => layers.GlobalAveragePooling2D({ keepdims: true }) },
  global_average_pooling2d_channels_first: { build: () => layers.GlobalAveragePooling2D({ dataFormat: "channels_first" }) },
  global_max_pooling2d: { build: () => layers.GlobalMaxPooling2D() },
  global_max_pooling2d_keepdims_channels_first: { build: () => layers.GlobalMaxPooling2D({ dataFormat: "channels_first", keepdims: true }) },
  // Keras' summary of a masked model has a "Connected to" column listing the masks (tsdl's has not):
  // the summary's concern, not the layers'; names, shapes, values and gradients are compared.
  global_average_pooling1d_masked: { build: (x) => layers.GlobalAveragePooling1D()(layers.Masking()(x)), summary: false },
  global_average_pooling1d_embedding_mask: { build: (x) => layers.Dense(2)(layers.GlobalAveragePooling1D()(layers.Embedding(10, 3, { maskZero: true })(x))), summary: false },
  global_max_pooling1d_drops_mask: { build: (x) => layers.GlobalMaxPooling1D()(layers.MaxPooling1D(2, { padding: "same" })(layers.Masking()(x))), summary: false },
  aliases_and_names: { build: (x) => layers.GlobalMaxPool2D()(layers.AvgPool2D(1)(layers.MaxPool2D(2, { padding: "same" })(layers.MaxPooling2D(2, { strides: 1 })(x)))) },
  aliases_1d: { build: (x) => layers.GlobalAvgPool1D()(layers.AvgPool1D(2)(layers.MaxPool1D(2)(x))) },
  conv_pool_head: {
    build: (x) =>
      layers.Dense(3)(layers.GlobalAveragePooling2D()(layers.AveragePooling2D(2, { padding: "same" })(layers.MaxPooling2D(3, { strides: 2, padding: "same" })(layers.Conv2D(4, 3, { activation: "relu" })(x))))),
  },
  conv1d_pool_head: {
    build: (x) => layers.Dense(2)(layers.GlobalMaxPooling1D()(layers.AveragePooling1D(2, { padding: "same" })(layers.Dense(4, { activation: "tanh" })(x)))),
  },
}, { summary: true }); // summary(): the same table text as Keras
