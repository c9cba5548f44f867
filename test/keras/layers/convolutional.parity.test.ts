// Keras parity of the convolution layers (Conv1D, Conv2D, Conv1DTranspose, Conv2DTranspose, DepthwiseConv2D,
// SeparableConv2D): names, shapes, parameter counts, outputs and gradients against Keras 3 itself.
// The Keras side is test/keras/parity/cases_convolutional.py.
import { layers } from "../../../src/index.ts";
import { parityTests } from "../parity/parity.ts";

parityTests("convolutional", {
  // Conv1D
  conv1d_valid: { build: () => layers.Conv1D(4, 3) },
  conv1d_same_strided_relu: { build: () => layers.Conv1D(3, 4, { strides: 2, padding: "same", activation: "relu" }) },
  conv1d_valid_strided: { build: () => layers.Conv1D(2, 3, { strides: 3 }) },
  conv1d_causal: { build: () => layers.Conv1D(3, 3, { padding: "causal" }) },
  conv1d_causal_dilated: { build: () => layers.Conv1D(4, 3, { padding: "causal", dilationRate: 2 }) },
  conv1d_same_dilated: { build: () => layers.Conv1D(2, 2, { padding: "same", dilationRate: 3, activation: "tanh" }) },
  conv1d_groups: { build: () => layers.Conv1D(6, 3, { groups: 3, padding: "same" }) },
  conv1d_groups_dilated_no_bias: { build: () => layers.Conv1D({ filters: 4, kernelSize: 2, dilationRate: 3, groups: 2, useBias: false }) },
  conv1d_relu_training: { build: () => layers.Conv1D(4, 3, { strides: 2, padding: "same", activation: "relu" }) },
  // Conv2D
  conv2d_relu_training: { build: () => layers.Conv2D(4, 3, { strides: 2, padding: "same", activation: "relu" }) },
  conv2d_linear_training: { build: () => layers.Conv2D(3, 2) },
  conv2d_strided_valid: { build: () => layers.Conv2D(5, 3, { strides: [2, 3] }) },
  conv2d_even_kernel_same: { build: () => layers.Conv2D(3, 4, { padding: "same" }) },
  conv2d_dilated_valid: { build: () => layers.Conv2D(4, 3, { dilationRate: 2 }) },
  conv2d_dilated_same: { build: () => layers.Conv2D(3, [3, 2], { dilationRate: [2, 3], padding: "same", activation: "tanh" }) },
  conv2d_groups: { build: () => layers.Conv2D(6, 3, { groups: 2, activation: "relu" }) },
  conv2d_groups_same_strided: { build: () => layers.Conv2D(4, { kernelSize: 3, groups: 4, strides: 2, padding: "same" }) },
  conv2d_groups_dilated_no_bias: { build: () => layers.Conv2D(4, 3, { groups: 2, dilationRate: 2, padding: "same", useBias: false }) },
  // Conv2DTranspose
  conv2d_transpose_valid: { build: () => layers.Conv2DTranspose(3, 3) },
  conv2d_transpose_same_strided_relu: { build: () => layers.Conv2DTranspose(4, 3, { strides: 2, padding: "same", activation: "relu" }) },
  conv2d_transpose_valid_strided: { build: () => layers.Conv2DTranspose(2, [3, 2], { strides: [2, 3] }) },
  conv2d_transpose_kernel_below_stride: { build: () => layers.Conv2DTranspose(2, 2, { strides: 3 }) },
  conv2d_transpose_even_kernel_same: { build: () => layers.Conv2DTranspose(3, 4, { strides: 2, padding: "same" }) },
  conv2d_transpose_output_padding_valid: { build: () => layers.Conv2DTranspose(3, 3, { strides: 2, outputPadding: 1 }) },
  conv2d_transpose_output_padding_same: { build: () => layers.Conv2DTranspose({ filters: 3, kernelSize: 3, strides: 3, outputPadding: [2, 1], padding: "same", useBias: false }) },
  // Conv1DTranspose
  conv1d_transpose_valid: { build: () => layers.Conv1DTranspose(3, 3) },
  conv1d_transpose_same_strided_relu: { build: () => layers.Conv1DTranspose(4, 3, { strides: 2, padding: "same", activation: "relu" }) },
  conv1d_transpose_kernel_below_stride: { build: () => layers.Conv1DTranspose(2, 2, { strides: 3 }) },
  conv1d_transpose_even_kernel_same: { build: () => layers.Conv1DTranspose(3, 4, { strides: 2, padding: "same" }) },
  conv1d_transpose_output_padding_valid: { build: () => layers.Conv1DTranspose(3, 3, { strides: 2, outputPadding: 1 }) },
  conv1d_transpose_output_padding_same_no_bias: { build: () => layers.Conv1DTranspose({ filters: 2, kernelSize: 3, strides: 3, outputPadding: 2, padding: "same", useBias: false }) },
  conv1d_transpose_channels_first: { build: () => layers.Conv1DTranspose(3, 3, { strides: 2, dataFormat: "channels_first" }) },
  // DepthwiseConv2D
  depthwise_conv2d_valid: { build: () => layers.DepthwiseConv2D(3) },
  depthwise_conv2d_multiplier_same_strided: { build: () => layers.DepthwiseConv2D([3, 2], { depthMultiplier: 2, strides: 2, padding: "same", activation: "relu" }) },
  depthwise_conv2d_dilated: { build: () => layers.DepthwiseConv2D(3, { dilationRate: 2, depthMultiplier: 3 }) },
  depthwise_conv2d_dilated_strided_same: { build: () => layers.DepthwiseConv2D({ kernelSize: 3, strides: 2, dilationRate: 2, padding: "same", depthMultiplier: 2 }) },
  depthwise_conv2d_channels_first: { build: () => layers.DepthwiseConv2D(3, { dataFormat: "channels_first", depthMultiplier: 2, useBias: false }) },
  // SeparableConv2D
  separable_conv2d_valid: { build: () => layers.SeparableConv2D(4, 3) },
  separable_conv2d_multiplier_same_strided: { build: () => layers.SeparableConv2D(5, 3, { depthMultiplier: 2, strides: 2, padding: "same", activation: "relu" }) },
  separable_conv2d_dilated_same: { build: () => layers.SeparableConv2D(3, 3, { dilationRate: 2, padding: "same" }) },
  separable_conv2d_dilated_strided: { build: () => layers.SeparableConv2D(4, 3, { strides: 2, dilationRate: 2, useBias: false }) },
  separable_conv2d_channels_first: { build: () => layers.SeparableConv2D({ filters: 3, kernelSize: 3, dataFormat: "channels_first" }) },
  // Small models
  conv1d_stack: { build: (x) => layers.Conv1D(2, 3, { padding: "causal" })(layers.Conv1D(4, 3, { dilationRate: 2, padding: "causal", activation: "relu" })(x)) },
  conv_autoencoder: { build: (x) => layers.Conv2DTranspose(2, 3, { strides: 2, padding: "same" })(layers.Conv2D(4, 3, { strides: 2, padding: "same", activation: "relu" })(x)) },
  conv1d_autoencoder: { build: (x) => layers.Conv1DTranspose(2, 5, { strides: 2, padding: "same" })(layers.Conv1D(4, 5, { strides: 2, padding: "same", activation: "relu" })(x)) },
  mobilenet_block: {
    build: (x) => layers.SeparableConv2D(6, 3, { padding: "same" })(layers.Conv2D(4, 1, { activation: "relu" })(layers.DepthwiseConv2D(3, { padding: "same", activation: "relu" })(x))),
  },
});
