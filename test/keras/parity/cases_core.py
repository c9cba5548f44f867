"""Parity cases of the layers tsdl had before the Keras tour: Dense, Conv2D, pooling, BN, Flatten, Dropout."""
from keras import layers
from generate import case

CASES = {
    "dense_relu": case(lambda x: layers.Dense(5, activation="relu"), inputs=[(3, 4)]),
    "dense_no_bias": case(lambda x: layers.Dense(3, use_bias=False), inputs=[(2, 6)]),
    "conv2d_valid": case(lambda x: layers.Conv2D(4, 3, activation="relu"), inputs=[(2, 7, 7, 3)]),
    "conv2d_same_strided": case(lambda x: layers.Conv2D(3, (2, 3), strides=2, padding="same"), inputs=[(2, 7, 6, 2)]),
    "max_pooling2d": case(lambda x: layers.MaxPooling2D(2), inputs=[(2, 6, 6, 3)]),
    "batch_normalization_inference": case(lambda x: layers.BatchNormalization(), inputs=[(4, 5)]),
    "batch_normalization_training": case(lambda x: layers.BatchNormalization(), inputs=[(6, 3, 3, 2)], training=True),
    "mnist_convnet_block": case(lambda x: layers.Dense(10, activation="softmax")(layers.Flatten()(layers.MaxPooling2D(2)(layers.Conv2D(8, 3, activation="relu")(x)))), inputs=[(2, 10, 10, 1)]),
}
