"""Parity cases of the convolution layers: Conv1D, Conv2D, Conv1DTranspose, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D.

Strides, padding (valid, same, causal for Conv1D), dilation, groups, output padding, depth multipliers,
channels-first data where Keras' TensorFlow backend runs it on CPU; outputs and gradients of each.
"""
from keras import layers
from generate import case

CASES = {
    # Conv1D
    "conv1d_valid": case(lambda x: layers.Conv1D(4, 3), inputs=[(2, 9, 3)]),
    "conv1d_same_strided_relu": case(lambda x: layers.Conv1D(3, 4, strides=2, padding="same", activation="relu"), inputs=[(2, 9, 2)]),
    "conv1d_valid_strided": case(lambda x: layers.Conv1D(2, 3, strides=3), inputs=[(2, 11, 3)]),
    "conv1d_causal": case(lambda x: layers.Conv1D(3, 3, padding="causal"), inputs=[(2, 7, 2)]),
    "conv1d_causal_dilated": case(lambda x: layers.Conv1D(4, 3, padding="causal", dilation_rate=2), inputs=[(2, 10, 3)]),
    "conv1d_same_dilated": case(lambda x: layers.Conv1D(2, 2, padding="same", dilation_rate=3, activation="tanh"), inputs=[(2, 9, 2)]),
    "conv1d_groups": case(lambda x: layers.Conv1D(6, 3, groups=3, padding="same"), inputs=[(2, 8, 6)]),
    "conv1d_groups_dilated_no_bias": case(lambda x: layers.Conv1D(4, 2, dilation_rate=3, groups=2, use_bias=False), inputs=[(2, 11, 4)]),
    # In training an ungrouped, undilated relu/linear convolution with a bias runs as tsdl's fused kernel.
    "conv1d_relu_training": case(lambda x: layers.Conv1D(4, 3, strides=2, padding="same", activation="relu"), inputs=[(2, 9, 3)], training=True),
    # Conv2D
    "conv2d_relu_training": case(lambda x: layers.Conv2D(4, 3, strides=2, padding="same", activation="relu"), inputs=[(2, 7, 8, 3)], training=True),
    "conv2d_linear_training": case(lambda x: layers.Conv2D(3, 2), inputs=[(2, 5, 5, 2)], training=True),
    "conv2d_strided_valid": case(lambda x: layers.Conv2D(5, 3, strides=(2, 3)), inputs=[(2, 9, 10, 3)]),
    "conv2d_even_kernel_same": case(lambda x: layers.Conv2D(3, 4, padding="same"), inputs=[(2, 7, 7, 2)]),
    "conv2d_dilated_valid": case(lambda x: layers.Conv2D(4, 3, dilation_rate=2), inputs=[(2, 9, 8, 3)]),
    "conv2d_dilated_same": case(lambda x: layers.Conv2D(3, (3, 2), dilation_rate=(2, 3), padding="same", activation="tanh"), inputs=[(2, 7, 9, 2)]),
    "conv2d_groups": case(lambda x: layers.Conv2D(6, 3, groups=2, activation="relu"), inputs=[(2, 7, 7, 4)]),
    "conv2d_groups_same_strided": case(lambda x: layers.Conv2D(4, 3, groups=4, strides=2, padding="same"), inputs=[(2, 8, 7, 4)]),
    "conv2d_groups_dilated_no_bias": case(lambda x: layers.Conv2D(4, 3, groups=2, dilation_rate=2, padding="same", use_bias=False), inputs=[(2, 8, 8, 6)]),
    # Conv2DTranspose
    "conv2d_transpose_valid": case(lambda x: layers.Conv2DTranspose(3, 3), inputs=[(2, 5, 5, 2)]),
    "conv2d_transpose_same_strided_relu": case(lambda x: layers.Conv2DTranspose(4, 3, strides=2, padding="same", activation="relu"), inputs=[(2, 4, 5, 3)]),
    "conv2d_transpose_valid_strided": case(lambda x: layers.Conv2DTranspose(2, (3, 2), strides=(2, 3)), inputs=[(2, 4, 4, 3)]),
    "conv2d_transpose_kernel_below_stride": case(lambda x: layers.Conv2DTranspose(2, 2, strides=3), inputs=[(2, 3, 3, 2)]),
    "conv2d_transpose_even_kernel_same": case(lambda x: layers.Conv2DTranspose(3, 4, strides=2, padding="same"), inputs=[(2, 5, 5, 2)]),
    "conv2d_transpose_output_padding_valid": case(lambda x: layers.Conv2DTranspose(3, 3, strides=2, output_padding=1), inputs=[(2, 4, 4, 2)]),
    "conv2d_transpose_output_padding_same": case(lambda x: layers.Conv2DTranspose(3, 3, strides=3, output_padding=(2, 1), padding="same", use_bias=False), inputs=[(2, 3, 4, 2)]),
    # Conv1DTranspose
    "conv1d_transpose_valid": case(lambda x: layers.Conv1DTranspose(3, 3), inputs=[(2, 6, 2)]),
    "conv1d_transpose_same_strided_relu": case(lambda x: layers.Conv1DTranspose(4, 3, strides=2, padding="same", activation="relu"), inputs=[(2, 5, 3)]),
    "conv1d_transpose_kernel_below_stride": case(lambda x: layers.Conv1DTranspose(2, 2, strides=3), inputs=[(2, 4, 2)]),
    "conv1d_transpose_even_kernel_same": case(lambda x: layers.Conv1DTranspose(3, 4, strides=2, padding="same"), inputs=[(2, 5, 2)]),
    "conv1d_transpose_output_padding_valid": case(lambda x: layers.Conv1DTranspose(3, 3, strides=2, output_padding=1), inputs=[(2, 4, 2)]),
    "conv1d_transpose_output_padding_same_no_bias": case(lambda x: layers.Conv1DTranspose(2, 3, strides=3, output_padding=2, padding="same", use_bias=False), inputs=[(2, 4, 3)]),
    "conv1d_transpose_channels_first": case(lambda x: layers.Conv1DTranspose(3, 3, strides=2, data_format="channels_first"), inputs=[(2, 2, 5)]),
    # DepthwiseConv2D
    "depthwise_conv2d_valid": case(lambda x: layers.DepthwiseConv2D(3), inputs=[(2, 7, 7, 3)]),
    "depthwise_conv2d_multiplier_same_strided": case(lambda x: layers.DepthwiseConv2D((3, 2), depth_multiplier=2, strides=2, padding="same", activation="relu"), inputs=[(2, 8, 7, 3)]),
    "depthwise_conv2d_dilated": case(lambda x: layers.DepthwiseConv2D(3, dilation_rate=2, depth_multiplier=3), inputs=[(2, 9, 9, 2)]),
    "depthwise_conv2d_dilated_strided_same": case(lambda x: layers.DepthwiseConv2D(3, strides=2, dilation_rate=2, padding="same", depth_multiplier=2), inputs=[(2, 9, 10, 3)]),
    "depthwise_conv2d_channels_first": case(lambda x: layers.DepthwiseConv2D(3, data_format="channels_first", depth_multiplier=2, use_bias=False), inputs=[(2, 3, 7, 6)]),
    # SeparableConv2D
    "separable_conv2d_valid": case(lambda x: layers.SeparableConv2D(4, 3), inputs=[(2, 7, 7, 3)]),
    "separable_conv2d_multiplier_same_strided": case(lambda x: layers.SeparableConv2D(5, 3, depth_multiplier=2, strides=2, padding="same", activation="relu"), inputs=[(2, 8, 7, 3)]),
    "separable_conv2d_dilated_same": case(lambda x: layers.SeparableConv2D(3, 3, dilation_rate=2, padding="same"), inputs=[(2, 8, 9, 2)]),
    "separable_conv2d_dilated_strided": case(lambda x: layers.SeparableConv2D(4, 3, strides=2, dilation_rate=2, use_bias=False), inputs=[(2, 9, 9, 3)]),
    "separable_conv2d_channels_first": case(lambda x: layers.SeparableConv2D(3, 3, data_format="channels_first"), inputs=[(2, 2, 7, 7)]),
    # Small models: names count per class, shapes flow from layer to layer.
    "conv1d_stack": case(lambda x: layers.Conv1D(2, 3, padding="causal")(layers.Conv1D(4, 3, dilation_rate=2, padding="causal", activation="relu")(x)), inputs=[(2, 12, 3)]),
    "conv_autoencoder": case(
        lambda x: layers.Conv2DTranspose(2, 3, strides=2, padding="same")(layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")(x)),
        inputs=[(2, 8, 8, 2)],
    ),
    "mobilenet_block": case(
        lambda x: layers.SeparableConv2D(6, 3, padding="same")(layers.Conv2D(4, 1, activation="relu")(layers.DepthwiseConv2D(3, padding="same", activation="relu")(x))),
        inputs=[(2, 6, 6, 3)],
    ),
    "conv1d_autoencoder": case(
        lambda x: layers.Conv1DTranspose(2, 5, strides=2, padding="same")(layers.Conv1D(4, 5, strides=2, padding="same", activation="relu")(x)),
        inputs=[(2, 12, 2)],
    ),
}
