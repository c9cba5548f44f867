"""Parity cases of model.summary(): Keras 3's text table, line by line (test/keras/summary.parity.test.ts).

The models of keras.io's examples (the Simple MNIST convnet, the functional API guide's toy ResNet) and
the cases the table has to get right: a functional chain (input rows, 3 columns), batch normalization
(non-trainable parameters), a frozen layer, a Sequential used inside a functional model with a shared
layer (the "Connected to" column and Keras' node indices), and names too long for their cells.
"""
import keras
from keras import layers
from generate import case


def mnist_convnet():
    # https://keras.io/examples/vision/mnist_convnet/
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])


def toy_resnet():
    # https://keras.io/guides/functional_api/#a-toy-resnet-model
    inputs = keras.Input(shape=(32, 32, 3), name="img")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    block_1_output = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_1_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_2_output = layers.add([x, block_1_output])
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_2_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_3_output = layers.add([x, block_2_output])
    x = layers.Conv2D(64, 3, activation="relu")(block_3_output)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(10)(x)
    return keras.Model(inputs, outputs, name="toy_resnet")


def functional_bn():
    inputs = keras.Input(shape=(8, 8, 3), name="img")
    x = layers.Conv2D(4, 3)(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(3, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def frozen_layer():
    frozen = layers.Dense(5)
    frozen.trainable = False
    return keras.Sequential([keras.Input(shape=(6,)), frozen, layers.BatchNormalization(), layers.Dense(3)])


def nested_sequential():
    block = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4), layers.BatchNormalization()], name="block")
    a = keras.Input(shape=(8,), name="a")
    b = keras.Input(shape=(4,), name="b")
    h = layers.Dense(4)(block(a))
    shared = layers.Dense(3, name="shared")
    out = layers.Dense(2)(shared(b))
    return keras.Model([a, b], [shared(h), out])


def long_names():
    a = keras.Input(shape=(5,), name="first_input_with_a_long_name")
    b = keras.Input(shape=(3,), name="b")
    x = layers.Dense(1000, name="a_dense_layer_whose_name_is_longer_than_its_cell")(a)
    y = layers.BatchNormalization(name="batch_normalization_of_b")(b)
    z = layers.Dense(2, name="output")(x)
    return keras.Model([a, b], [z, y], name="a_model_whose_name_is_so_long_that_keras_folds_the_title_line_at_eighty_columns")


CASES = {
    # Keras' initial weights: with the harness' random ones (std 0.5) the softmax saturates to one-hot
    # and its gradients (~1e-22) are float32 rounding noise.
    "mnist_convnet": case(mnist_convnet, inputs=[(2, 28, 28, 1)], model=True, randomize_weights=False),
    "toy_resnet": case(toy_resnet, inputs=[(2, 32, 32, 3)], model=True),
    "functional_bn": case(functional_bn, inputs=[(3, 8, 8, 3)], model=True),
    "frozen_layer": case(frozen_layer, inputs=[(4, 6)], model=True),
    "nested_sequential": case(nested_sequential, inputs=[(3, 8), (3, 4)], model=True),
    "long_names": case(long_names, inputs=[(2, 5), (2, 3)], model=True),
}
