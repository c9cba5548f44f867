"""The Keras peer: the seed articles' own Keras code on Keras 3.15 / TensorFlow-CPU 2.21 (the project's
.venv, seen from out/bench-venv for PIL), measured as bench/training.ts measures tsdl. One JSON line per
workload. Changes the articles need on Keras 3, and nothing else: Adam(lr=) is Adam(learning_rate=),
fit_generator is fit, SGD's decay=1e-6 (seed 003) is gone from Keras 3 (a per-step learning-rate decay
of 1e-6 changes no timing), keras.preprocessing.image.ImageDataGenerator is
tensorflow.keras.preprocessing.image's.
    python bench/keras_peer.py WORKLOAD... --warmup W --steps S --infer-warmup W2 --infer-steps S2 [--images DIR]
"""
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
from peer_common import BATCH, IMSIZE, POOL, args, emit, reset_peak_rss  # noqa: E402

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow import keras  # noqa: E402
from tensorflow.keras import layers, models  # noqa: E402
from tensorflow.keras.preprocessing.image import ImageDataGenerator  # noqa: E402


def mlp003():
    # seed 003, as written
    model = keras.models.Sequential([
        keras.layers.Flatten(input_shape=[28, 28]),
        keras.layers.Dense(300, use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.Activation(keras.activations.relu),
        keras.layers.Dense(200, use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.Activation(keras.activations.relu),
        keras.layers.Dense(100, use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.Activation(keras.activations.relu),
        keras.layers.Dense(10, activation=keras.activations.softmax),
    ])
    sgd = keras.optimizers.SGD(learning_rate=0.01, momentum=0.9, nesterov=True)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=sgd, metrics=["accuracy"])
    return model


def mlp004(bn):
    # seed 004, with and without BatchNormalization
    inner = [
        tf.keras.layers.Dense(128), *([tf.keras.layers.BatchNormalization()] if bn else []), tf.keras.layers.ReLU(),
        tf.keras.layers.Dense(64), *([tf.keras.layers.BatchNormalization()] if bn else []), tf.keras.layers.ReLU(),
    ]
    model = tf.keras.Sequential([tf.keras.layers.Flatten(input_shape=(28, 28)), *inner, tf.keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def cnn002():
    # seed 002, as written
    x = layers.Input(shape=(32, 32, 3), name="input")
    h = layers.BatchNormalization()(x)
    h = layers.Conv2D(32, kernel_size=(3, 3), activation="relu", name="conv1")(h)
    h = layers.Dropout(0.2)(h)
    h = layers.BatchNormalization()(h)
    h = layers.Conv2D(32, kernel_size=(3, 3), activation="relu", padding="same", name="conv2")(h)
    h = layers.MaxPooling2D(pool_size=(2, 2), name="pool1")(h)
    h = layers.BatchNormalization()(h)
    h = layers.Conv2D(64, kernel_size=(3, 3), activation="relu", padding="same", name="conv3")(h)
    h = layers.MaxPooling2D(pool_size=(2, 2), name="pool2")(h)
    h = layers.Flatten()(h)
    h = layers.Dropout(0.2)(h)
    h = layers.BatchNormalization()(h)
    h = layers.Dense(512, activation="relu", name="hidden")(h)
    h = layers.Dropout(0.2)(h)
    h = layers.BatchNormalization()(h)
    y = layers.Dense(10, activation="softmax", name="output")(h)
    model = models.Model(x, y)
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


# seed 000/001's three models, as written
from tensorflow.keras.layers import BatchNormalization, Conv2D, Dense, Flatten, Input, MaxPooling2D  # noqa: E402
from tensorflow.keras import Model  # noqa: E402
from tensorflow.keras.optimizers import Adam  # noqa: E402


def logistic000():
    input_layer = Input([IMSIZE, IMSIZE, 3])
    x = input_layer
    x = BatchNormalization()(x)
    x = Flatten()(x)
    x = Dense(2, activation="softmax")(x)
    output_layer = x
    model1 = Model(input_layer, output_layer)
    model1.compile(loss="categorical_crossentropy", optimizer=Adam(learning_rate=0.01), metrics=["accuracy"])
    return model1


def wide000():
    n_channel = 100
    input_layer = Input([IMSIZE, IMSIZE, 3])
    x = input_layer
    x = BatchNormalization()(x)
    x = Conv2D(n_channel, [2, 2], activation="relu")(x)
    x = MaxPooling2D([16, 16])(x)
    x = Flatten()(x)
    x = Dense(2, activation="softmax")(x)
    output_layer = x
    model2 = Model(input_layer, output_layer)
    model2.compile(loss="categorical_crossentropy", optimizer=Adam(learning_rate=0.001), metrics=["accuracy"])
    return model2


def deep000():
    n_channel = 20
    input_layer = Input([IMSIZE, IMSIZE, 3])
    x = input_layer
    x = BatchNormalization()(x)
    for _ in range(7):
        x = Conv2D(n_channel, [2, 2], padding="same", activation="relu")(x)
        x = MaxPooling2D([2, 2])(x)
    x = Flatten()(x)
    x = Dense(2, activation="softmax")(x)
    output_layer = x
    model3 = Model(input_layer, output_layer)
    model3.compile(loss="categorical_crossentropy", optimizer=Adam(learning_rate=0.01), metrics=["accuracy"])
    return model3


MODELS = {"mlp003": mlp003, "mlp004bn": lambda: mlp004(True), "mlp004": lambda: mlp004(False), "cnn002": cnn002, "logistic000": logistic000, "wide000": wide000, "deep000": deep000}
SHAPES = {"mlp003": (28, 28), "mlp004bn": (28, 28), "mlp004": (28, 28), "cnn002": (32, 32, 3), "logistic000": (IMSIZE, IMSIZE, 3), "wide000": (IMSIZE, IMSIZE, 3), "deep000": (IMSIZE, IMSIZE, 3)}
CLASSES = {"cnn002": 10, "logistic000": 2, "wide000": 2, "deep000": 2}


def memory_data(name, rng):
    n = POOL[name] * BATCH[name]
    x = rng.random((n, *SHAPES[name]), dtype=np.float32)
    if name.startswith("mlp"):
        return x, rng.integers(0, 10, n), n
    return x, np.eye(CLASSES[name], dtype=np.float32)[rng.integers(0, CLASSES[name], n)], n


def measure(name, a):
    b = BATCH[name]
    rng = np.random.default_rng(0)
    model = MODELS[name]()
    out = {"side": "keras", "workload": name}
    if name.endswith("000"):
        train_generator = ImageDataGenerator(rescale=1.0 / 255).flow_from_directory(a.images, target_size=(IMSIZE, IMSIZE), batch_size=b, class_mode="categorical")
        model.fit(train_generator, epochs=1, steps_per_epoch=a.warmup, verbose=0)
        t0 = time.perf_counter()
        model.fit(train_generator, epochs=1, steps_per_epoch=a.steps, verbose=0)
        s = time.perf_counter() - t0
        out["train"] = {"samplesPerS": a.steps * b / s, "samples": a.steps * b, "seconds": s}
        x, _, n = memory_data(name, rng)
    else:
        x, y, n = memory_data(name, rng)
        pool = n // b
        model.fit(x, y, batch_size=b, epochs=math.ceil(a.warmup / pool), verbose=0)
        epochs = math.ceil(a.steps / pool)
        t0 = time.perf_counter()
        model.fit(x, y, batch_size=b, epochs=epochs, verbose=0, shuffle=True)
        s = time.perf_counter() - t0
        out["train"] = {"samplesPerS": epochs * n / s, "samples": epochs * n, "seconds": s}
    pool = n // b
    for _ in range(math.ceil(a.infer_warmup / pool)):
        model.predict(x, batch_size=b, verbose=0)
    rounds = math.ceil(a.infer_steps / pool)
    t0 = time.perf_counter()
    for _ in range(rounds):
        model.predict(x, batch_size=b, verbose=0)
    s = time.perf_counter() - t0
    out["infer"] = {"samplesPerS": rounds * n / s, "samples": rounds * n, "seconds": s}
    return out


def decode(a):
    """Keras' load_img path (PIL), as flow_from_directory loads each file: decode, resize to 224x224 with
    its default interpolation (nearest), to floats in [0, 1]."""
    from peer_common import image_files
    files, _ = image_files(a.images)
    for f, _ in files[:10]:
        keras.utils.img_to_array(keras.utils.load_img(f, target_size=(IMSIZE, IMSIZE)))
    t0 = time.perf_counter()
    for f, _ in files:
        keras.utils.img_to_array(keras.utils.load_img(f, target_size=(IMSIZE, IMSIZE)), dtype="float32") / 255.0
    s = time.perf_counter() - t0
    return {"side": "keras", "workload": "decode", "decode": {"samplesPerS": len(files) / s, "samples": len(files), "seconds": s}}


if __name__ == "__main__":
    a = args()
    for name in a.workloads:
        reset_peak_rss()
        r = decode(a) if name == "decode" else measure(name, a)
        r["versions"] = {"keras": keras.__version__, "tensorflow": tf.__version__}
        r["threads"] = {"intraOp": tf.config.threading.get_intra_op_parallelism_threads() or os.cpu_count(), "interOp": tf.config.threading.get_inter_op_parallelism_threads() or os.cpu_count()}
        emit(r)
        keras.backend.clear_session()
