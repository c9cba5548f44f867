// Keras parity of tsdl's first layers (Dense, Conv2D, pooling, BatchNormalization, Flatten): the
// Keras side is test/keras/parity/cases_core.py.
import { layers } from "../../src/index.ts";
import { parityTests } from "./parity/parity.ts";

parityTests("core", {
  dense_relu: { build: () => layers.Dense(5, { activation: "relu" }) },
  dense_no_bias: { build: () => layers.Dense(3, { useBias: false }) },
  conv2d_valid: { build: () => layers.Conv2D(4, 3, { activation: "relu" }) },
  conv2d_same_strided: { build: () => layers.Conv2D(3, [2, 3], { strides: 2, padding: "same" }) },
  max_pooling2d: { build: () => layers.MaxPooling2D(2) },
  batch_normalization_inference: { build: () => layers.BatchNormalization() },
  batch_normalization_training: { build: () => layers.BatchNormalization() },
  mnist_convnet_block: { build: (x) => layers.Dense(10, { activation: "softmax" })(layers.Flatten()(layers.MaxPooling2D(2)(layers.Conv2D(8, 3, { activation: "relu" })(x)))) },
}, { summary: true });
