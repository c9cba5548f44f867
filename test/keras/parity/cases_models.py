"""Parity cases of model construction: Sequential with keras.Input, a Sequential inside a functional
model, several named inputs and outputs, frozen layers (names and counters included)."""
import keras
from keras import layers
from generate import case


def sequential_with_input():
    return keras.Sequential([keras.Input((6,)), layers.Dense(4, activation="relu"), layers.Dense(2)])


def sequential_in_functional():
    inner = keras.Sequential([keras.Input((5,)), layers.Dense(4, activation="tanh"), layers.Dense(3)])
    x = keras.Input((5,))
    return keras.Model(x, layers.Dense(2)(inner(x)))


def two_inputs_two_outputs():
    a = keras.Input((3,), name="title")
    b = keras.Input((4,), name="body")
    h = layers.Dense(5, activation="relu", name="shared")
    return keras.Model({"title": a, "body": b}, [layers.Dense(2, name="priority")(h(layers.Dense(5)(a))), layers.Dense(3, name="department")(h(layers.Dense(5)(b)))])


def frozen_layers():
    x = keras.Input((4,))
    frozen = layers.Dense(3, trainable=False)
    bn = layers.BatchNormalization()
    bn.trainable = False
    return keras.Model(x, layers.Dense(2)(bn(frozen(x))))


def frozen_inner_model():
    inner = keras.Sequential([keras.Input((3,)), layers.Dense(3), layers.BatchNormalization()], name="base")
    inner.trainable = False
    x = keras.Input((3,))
    return keras.Model(x, layers.Dense(1)(inner(x, training=False)), name="fine_tuned")


CASES = {
    "sequential_with_input": case(sequential_with_input, inputs=[(3, 6)], model=True),
    "sequential_in_functional": case(sequential_in_functional, inputs=[(2, 5)], model=True),
    "two_inputs_two_outputs": case(two_inputs_two_outputs, inputs=[(2, 4), (2, 3)], model=True),  # Keras orders a dict by key: body, title
    "frozen_layers": case(frozen_layers, inputs=[(4, 4)], model=True, training=True),
    "frozen_inner_model": case(frozen_inner_model, inputs=[(4, 3)], model=True, training=True),
}
