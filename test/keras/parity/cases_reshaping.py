"""Parity cases of the reshaping layers (Keras 3's keras/src/layers/reshaping): Reshape, Permute,
RepeatVector, UpSampling1D/2D (nearest, bilinear), ZeroPadding1D/2D, Cropping1D/2D, Flatten."""
from keras import layers
from generate import case

CASES = {
    "reshape": case(lambda x: layers.Reshape((3, 4)), inputs=[(2, 12)]),
    "reshape_minus_one": case(lambda x: layers.Reshape((-1, 2)), inputs=[(2, 3, 4)]),
    "reshape_to_flat": case(lambda x: layers.Reshape((-1,)), inputs=[(2, 2, 3, 2)]),
    "reshape_then_dense": case(lambda x: layers.Dense(5)(layers.Reshape((4, 3))(x)), inputs=[(2, 12)]),
    "permute_swap": case(lambda x: layers.Permute((2, 1)), inputs=[(2, 3, 4)]),
    "permute_3d": case(lambda x: layers.Permute((3, 1, 2)), inputs=[(2, 2, 3, 4)]),
    "repeat_vector": case(lambda x: layers.RepeatVector(3), inputs=[(2, 4)]),
    "repeat_vector_then_dense": case(lambda x: layers.Dense(2)(layers.RepeatVector(4)(layers.Dense(3)(x))), inputs=[(2, 5)]),
    "up_sampling1d_default": case(lambda x: layers.UpSampling1D(), inputs=[(2, 3, 2)]),
    "up_sampling1d_size3": case(lambda x: layers.UpSampling1D(size=3), inputs=[(2, 4, 3)]),
    "up_sampling2d_default": case(lambda x: layers.UpSampling2D(), inputs=[(2, 3, 4, 2)]),
    "up_sampling2d_rect": case(lambda x: layers.UpSampling2D((2, 3)), inputs=[(2, 2, 3, 2)]),
    "up_sampling2d_bilinear": case(lambda x: layers.UpSampling2D(2, interpolation="bilinear"), inputs=[(2, 3, 4, 2)]),
    "up_sampling2d_bilinear_rect": case(lambda x: layers.UpSampling2D((3, 2), interpolation="bilinear"), inputs=[(1, 4, 3, 3)]),
    "up_sampling2d_bilinear_one_pixel": case(lambda x: layers.UpSampling2D(3, interpolation="bilinear"), inputs=[(2, 1, 2, 2)]),
    "up_sampling2d_channels_first": case(lambda x: layers.UpSampling2D(2, data_format="channels_first"), inputs=[(2, 2, 3, 3)]),
    "up_sampling2d_bilinear_channels_first": case(lambda x: layers.UpSampling2D((2, 3), data_format="channels_first", interpolation="bilinear"), inputs=[(2, 2, 3, 4)]),
    "zero_padding1d_default": case(lambda x: layers.ZeroPadding1D(), inputs=[(2, 4, 3)]),
    "zero_padding1d_asymmetric": case(lambda x: layers.ZeroPadding1D((2, 0)), inputs=[(2, 4, 3)]),
    "zero_padding1d_channels_first": case(lambda x: layers.ZeroPadding1D((1, 2), data_format="channels_first"), inputs=[(2, 3, 4)]),
    "zero_padding2d_default": case(lambda x: layers.ZeroPadding2D(), inputs=[(2, 3, 4, 2)]),
    "zero_padding2d_int": case(lambda x: layers.ZeroPadding2D(2), inputs=[(2, 3, 4, 2)]),
    "zero_padding2d_pair": case(lambda x: layers.ZeroPadding2D((1, 2)), inputs=[(2, 3, 4, 2)]),
    "zero_padding2d_pairs": case(lambda x: layers.ZeroPadding2D(((1, 0), (2, 3))), inputs=[(2, 3, 4, 2)]),
    "zero_padding2d_channels_first": case(lambda x: layers.ZeroPadding2D(((0, 1), (2, 0)), data_format="channels_first"), inputs=[(2, 2, 3, 4)]),
    "cropping1d_default": case(lambda x: layers.Cropping1D(), inputs=[(2, 5, 3)]),
    "cropping1d_asymmetric": case(lambda x: layers.Cropping1D((2, 0)), inputs=[(2, 5, 3)]),
    "cropping2d_default": case(lambda x: layers.Cropping2D(), inputs=[(2, 3, 4, 2)]),
    "cropping2d_int": case(lambda x: layers.Cropping2D(1), inputs=[(2, 5, 6, 2)]),
    "cropping2d_pair": case(lambda x: layers.Cropping2D((1, 2)), inputs=[(2, 5, 6, 2)]),
    "cropping2d_pairs": case(lambda x: layers.Cropping2D(((1, 0), (0, 2))), inputs=[(2, 5, 6, 2)]),
    "cropping2d_channels_first": case(lambda x: layers.Cropping2D(((1, 0), (1, 2)), data_format="channels_first"), inputs=[(2, 2, 5, 6)]),
    "flatten_rank1": case(lambda x: layers.Flatten(), inputs=[(3,)]),
    "flatten_rank2": case(lambda x: layers.Flatten(), inputs=[(2, 5)]),
    "flatten_rank4": case(lambda x: layers.Flatten(), inputs=[(2, 3, 4, 2)]),
    "flatten_channels_first": case(lambda x: layers.Flatten(data_format="channels_first"), inputs=[(2, 3, 2, 2)]),
    # Repeated layers count on: up_sampling2d, up_sampling2d_1, zero_padding2d, zero_padding2d_1, ...
    "names": case(lambda x: layers.Flatten()(layers.Cropping2D(1)(layers.Cropping2D(1)(layers.ZeroPadding2D(1)(layers.ZeroPadding2D(1)(layers.UpSampling2D()(layers.UpSampling2D()(x))))))), inputs=[(1, 2, 2, 1)]),
    # A decoder block with weights: gradients of both convolutions through padding, cropping, upsampling, reshape.
    "decoder_block": case(
        lambda x: layers.Reshape((-1, 2))(layers.Conv2D(2, 3, padding="same")(layers.Cropping2D(((1, 0), (0, 1)))(layers.UpSampling2D(2, interpolation="bilinear")(layers.ZeroPadding2D(1)(layers.Conv2D(3, 3, activation="relu")(x)))))),
        inputs=[(2, 6, 5, 2)],
    ),
    "sequence_block": case(
        lambda x: layers.Dense(2)(layers.Permute((2, 1))(layers.Cropping1D((1, 2))(layers.UpSampling1D(2)(layers.ZeroPadding1D(1)(layers.Dense(3, activation="tanh")(x)))))),
        inputs=[(2, 4, 3)],
    ),
}
