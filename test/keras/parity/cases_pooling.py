"""Parity cases of the pooling layers (Keras 3's keras/src/layers/pooling): window pools 1-D and 2-D
(valid and same padding, strides, channels first), global pools (keepdims, channels first)."""
from keras import layers
from generate import Values, case

# Token ids with padding (0), and float sequences whose all-zero steps Masking masks.
IDS = Values([[3, 1, 4, 0, 0], [2, 6, 5, 3, 0], [9, 7, 9, 3, 2]])
SEQ = Values([[[1.0, -2.0], [0.0, 0.0], [0.5, 3.0], [0.0, 0.0]], [[2.0, 1.0], [-1.0, 0.5], [1.5, -0.5], [0.0, 0.0]]])

CASES = {
    # 1-D window pools.
    "max_pooling1d_default": case(lambda x: layers.MaxPooling1D(), inputs=[(2, 7, 3)]),
    "max_pooling1d_same_strided": case(lambda x: layers.MaxPooling1D(3, strides=2, padding="same"), inputs=[(2, 8, 3)]),
    "max_pooling1d_valid_overlapping": case(lambda x: layers.MaxPooling1D(pool_size=3, strides=1), inputs=[(2, 6, 2)]),
    "max_pooling1d_channels_first": case(lambda x: layers.MaxPooling1D(2, padding="same", data_format="channels_first"), inputs=[(2, 3, 7)]),
    "average_pooling1d_pool2": case(lambda x: layers.AveragePooling1D(2), inputs=[(2, 6, 3)]),
    "average_pooling1d_same_strided": case(lambda x: layers.AveragePooling1D(3, strides=2, padding="same"), inputs=[(2, 7, 3)]),
    "average_pooling1d_same_wide": case(lambda x: layers.AveragePooling1D(4, strides=1, padding="same"), inputs=[(2, 5, 2)]),
    "average_pooling1d_channels_first": case(lambda x: layers.AveragePooling1D(3, strides=2, data_format="channels_first"), inputs=[(2, 2, 9)]),
    # 2-D window pools.
    "max_pooling2d_same_strided": case(lambda x: layers.MaxPooling2D((3, 3), strides=2, padding="same"), inputs=[(2, 7, 6, 2)]),
    "max_pooling2d_rect_strides": case(lambda x: layers.MaxPooling2D((2, 3), strides=(1, 2)), inputs=[(2, 5, 7, 3)]),
    "max_pooling2d_channels_first": case(lambda x: layers.MaxPooling2D(2, data_format="channels_first"), inputs=[(2, 3, 6, 4)]),
    "average_pooling2d_pool2": case(lambda x: layers.AveragePooling2D((2, 2)), inputs=[(2, 6, 6, 3)]),
    "average_pooling2d_same_strided": case(lambda x: layers.AveragePooling2D(3, strides=2, padding="same"), inputs=[(2, 7, 8, 2)]),
    "average_pooling2d_same_stride1": case(lambda x: layers.AveragePooling2D((2, 3), strides=1, padding="same"), inputs=[(2, 4, 5, 2)]),
    "average_pooling2d_channels_first_same": case(lambda x: layers.AveragePooling2D(2, padding="same", data_format="channels_first"), inputs=[(2, 2, 5, 5)]),
    # Global pools.
    "global_average_pooling1d": case(lambda x: layers.GlobalAveragePooling1D(), inputs=[(2, 5, 3)]),
    "global_average_pooling1d_keepdims_channels_first": case(lambda x: layers.GlobalAveragePooling1D(data_format="channels_first", keepdims=True), inputs=[(2, 3, 5)]),
    "global_max_pooling1d": case(lambda x: layers.GlobalMaxPooling1D(), inputs=[(2, 6, 4)]),
    "global_max_pooling1d_keepdims": case(lambda x: layers.GlobalMaxPooling1D(keepdims=True), inputs=[(2, 6, 4)]),
    "global_average_pooling2d": case(lambda x: layers.GlobalAveragePooling2D(), inputs=[(2, 4, 5, 3)]),
    "global_average_pooling2d_keepdims": case(lambda x: layers.GlobalAveragePooling2D(keepdims=True), inputs=[(2, 4, 5, 3)]),
    "global_average_pooling2d_channels_first": case(lambda x: layers.GlobalAveragePooling2D(data_format="channels_first"), inputs=[(2, 3, 4, 5)]),
    "global_max_pooling2d": case(lambda x: layers.GlobalMaxPooling2D(), inputs=[(2, 4, 5, 3)]),
    "global_max_pooling2d_keepdims_channels_first": case(lambda x: layers.GlobalMaxPooling2D(data_format="channels_first", keepdims=True), inputs=[(2, 3, 4, 5)]),
    # Masks: GlobalAveragePooling1D averages the unmasked steps; the other pools drop the mask (Keras warns).
    "global_average_pooling1d_masked": case(lambda x: layers.GlobalAveragePooling1D()(layers.Masking()(x)), inputs=[SEQ]),
    "global_average_pooling1d_embedding_mask": case(lambda x: layers.Dense(2)(layers.GlobalAveragePooling1D()(layers.Embedding(10, 3, mask_zero=True)(x))), inputs=[IDS]),
    "global_max_pooling1d_drops_mask": case(lambda x: layers.GlobalMaxPooling1D()(layers.MaxPooling1D(2, padding="same")(layers.Masking()(x))), inputs=[SEQ]),
    # Keras' aliases are the same classes: the same automatic names, one counter per name.
    "aliases_and_names": case(lambda x: layers.GlobalMaxPool2D()(layers.AvgPool2D(1)(layers.MaxPool2D(2, padding="same")(layers.MaxPooling2D(2, strides=1)(x)))), inputs=[(2, 7, 7, 2)]),
    "aliases_1d": case(lambda x: layers.GlobalAvgPool1D()(layers.AvgPool1D(2)(layers.MaxPool1D(2)(x))), inputs=[(2, 8, 3)]),
    # In a model with weights: gradients of the convolution and dense weights through every pool.
    "conv_pool_head": case(
        lambda x: layers.Dense(3)(layers.GlobalAveragePooling2D()(layers.AveragePooling2D(2, padding="same")(layers.MaxPooling2D(3, strides=2, padding="same")(layers.Conv2D(4, 3, activation="relu")(x))))),
        inputs=[(2, 11, 11, 2)],
    ),
    "conv1d_pool_head": case(
        lambda x: layers.Dense(2)(layers.GlobalMaxPooling1D()(layers.AveragePooling1D(2, padding="same")(layers.Dense(4, activation="tanh")(x)))),
        inputs=[(2, 9, 3)],
    ),
}
