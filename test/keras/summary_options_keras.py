"""Keras 3's model.summary(expand_nested=..., layer_range=..., show_trainable=...) text, the oracle of
test/keras/summary_options.test.ts, which builds the same models in tsdl (each in a fresh naming
session) and compares the text line by line. Writes {case: text or {"error": message}} as JSON to the
file named by argv[1]. COLUMNS=80: the width of a notebook (Keras draws 76-character tables).
"""

import json
import os
import sys

os.environ["COLUMNS"] = "80"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
from keras import layers  # noqa: E402


def nested_functional():
    """A functional model with a nested Sequential (with a BatchNormalization) and a shared layer."""
    block = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4), layers.BatchNormalization()], name="block")
    a = keras.Input(shape=(8,), name="a")
    b = keras.Input(shape=(4,), name="b")
    h = layers.Dense(4)(block(a))
    shared = layers.Dense(3, name="shared")
    out = layers.Dense(2)(shared(b))
    return keras.Model([a, b], [shared(h), out])


def two_levels():
    """A Sequential holding a functional model that holds a Sequential, one of its layers frozen."""
    inner = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(5), layers.Dense(6)], name="inner")
    inner.layers[0].trainable = False
    x = keras.Input(shape=(6,), name="x")
    y = layers.Dense(6, name="pre")(x)
    z = layers.Dense(3, name="post")(inner(y))
    middle = keras.Model(x, z, name="middle")
    return keras.Sequential([keras.Input(shape=(6,)), layers.Dense(6), middle, layers.Dropout(0.1), layers.Dense(2)], name="outer")


def convnet():
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


def branches():
    inputs = keras.Input(shape=(16,), name="inp")
    x = layers.Dense(16, activation="relu")(inputs)
    y = layers.Dense(16, activation="relu")(x)
    s = layers.add([x, y])
    outputs = layers.Dense(4)(s)
    return keras.Model(inputs, outputs, name="branches")


CASES = {
    "nested_functional_expanded": (nested_functional, dict(expand_nested=True)),
    "nested_functional_expanded_trainable": (nested_functional, dict(expand_nested=True, show_trainable=True)),
    "two_levels_expanded": (two_levels, dict(expand_nested=True)),
    "two_levels_expanded_trainable": (two_levels, dict(expand_nested=True, show_trainable=True)),
    "two_levels_flat": (two_levels, dict()),
    "convnet_range": (convnet, dict(layer_range=["conv2d_1", "flatten"])),
    "convnet_range_prefix": (convnet, dict(layer_range=["max_pool", "max_pool"])),
    "convnet_range_reversed": (convnet, dict(layer_range=["dense", "conv2d"])),
    "branches_range": (branches, dict(layer_range=["dense", "add"])),
    "branches_range_regex": (branches, dict(layer_range=["d.nse_1", "de[n]se_2"])),
    "nested_range_expanded": (two_levels, dict(layer_range=["middle", "dropout"], expand_nested=True)),
    "range_no_match": (convnet, dict(layer_range=["conv2d", "lstm"])),
    "range_not_two": (convnet, dict(layer_range=["conv2d"])),
}


def main():
    out = {}
    for name, (build, kwargs) in CASES.items():
        keras.backend.clear_session()
        model = build()
        lines = []
        try:
            model.summary(print_fn=lambda s, line_break=True: lines.append(s), **kwargs)
            out[name] = "".join(lines)
        except ValueError as e:
            out[name] = {"error": str(e)}
    with open(sys.argv[1], "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
