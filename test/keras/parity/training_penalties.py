"""Keras 3 as the oracle of regularizers and constraints in training (test/keras/regularizers.test.ts).

    .venv/bin/python test/keras/parity/training_penalties.py OUT.json

Each case is a small model of Dense layers with regularizers and/or constraints. With random weights
and data (written to the JSON), Keras evaluates the loss (the data loss plus every penalty), takes one
training step (train_on_batch, the whole batch) with the case's optimizer, and records the loss it
reports and the weights after the step (constraints projected). tsdl does the same with the same
weights and data and compares.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import constraints, layers, regularizers  # noqa: E402


def dense(units, **kw):
    return layers.Dense(units, **kw)


CASES = {
    # kernel L1, bias L2, activity L1L2 on a hidden layer; a plain output layer.
    "kernel_bias_activity": dict(
        input=(6, 4),
        layers=lambda: [
            dense(5, activation="relu", kernel_regularizer=regularizers.L1(0.03), bias_regularizer=regularizers.L2(0.2),
                  activity_regularizer=regularizers.L1L2(l1=0.01, l2=0.02)),
            dense(3, kernel_regularizer=regularizers.L2(0.05)),
        ],
        loss="mse", optimizer=lambda: keras.optimizers.SGD(0.1)),
    # Keras' string identifiers with their default factors.
    "strings": dict(
        input=(5, 3),
        layers=lambda: [dense(4, activation="tanh", kernel_regularizer="l2", bias_regularizer="l1", activity_regularizer="l2"), dense(2)],
        loss="mse", optimizer=lambda: keras.optimizers.SGD(0.05)),
    # An activity penalty on a 3-D output: divided by the batch size (4), not by the 4 * 3 rows.
    "activity_rank3": dict(
        input=(4, 3, 2),
        layers=lambda: [dense(3, activity_regularizer=regularizers.L2(0.1)), layers.Flatten(), dense(2)],
        loss="mse", optimizer=lambda: keras.optimizers.SGD(0.1)),
    # Constraints, projected after the update (SGD).
    "constraints_sgd": dict(
        input=(6, 4),
        layers=lambda: [
            dense(5, kernel_constraint=constraints.MaxNorm(0.5, axis=0), bias_constraint=constraints.NonNeg()),
            dense(4, kernel_constraint=constraints.UnitNorm(axis=0)),
            dense(3, kernel_constraint=constraints.MinMaxNorm(min_value=0.4, max_value=0.6, rate=0.5, axis=0)),
            dense(2, kernel_constraint=constraints.MaxNorm(1.0, axis=[0, 1])),
        ],
        loss="mse", optimizer=lambda: keras.optimizers.SGD(0.5)),
    # Constraints and a regularizer with Adam, and Keras' constraint strings.
    "constraints_adam_strings": dict(
        input=(6, 4),
        layers=lambda: [
            dense(5, kernel_constraint="max_norm", bias_constraint="non_neg", kernel_regularizer="l1"),
            dense(3, kernel_constraint="unit_norm"),
            dense(2, kernel_constraint="min_max_norm"),
        ],
        loss="mse", optimizer=lambda: keras.optimizers.Adam(0.1)),
}


def run(name, c, rng):
    keras.backend.clear_session()
    x = rng.standard_normal(c["input"]).astype("float32")
    inp = keras.Input(c["input"][1:])
    h = inp
    for layer in c["layers"]():
        h = layer(h)
    model = keras.Model(inp, h)
    y = rng.standard_normal(tuple(model.output.shape[1:])).astype("float32")
    y = np.broadcast_to(y, (c["input"][0],) + y.shape).copy() + rng.standard_normal((c["input"][0],) + y.shape).astype("float32")
    for v in model.weights:
        v.assign((rng.standard_normal(tuple(v.shape)) * 0.5).astype("float32"))
    before = [v.numpy() for v in model.weights]
    model.compile(optimizer=c["optimizer"](), loss=c["loss"])
    eval_loss = float(model.evaluate(x, y, batch_size=len(x), verbose=0))
    train_loss = float(model.train_on_batch(x, y))
    after = [v.numpy() for v in model.weights]

    def arr(a):
        return {"shape": list(a.shape), "data": np.asarray(a, dtype=np.float64).ravel().tolist()}

    return {
        "name": name,
        "x": arr(x), "y": arr(y),
        "weights_before": [arr(a) for a in before],
        "weights_after": [arr(a) for a in after],
        "eval_loss": eval_loss, "train_loss": train_loss,
        "layers": [layer.name for layer in model.layers],
    }


def main(out):
    tf.get_logger().setLevel("ERROR")  # no retracing warnings: every case is a new model
    rng = np.random.default_rng(7)
    results = [run(name, c, rng) for name, c in CASES.items()]
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"keras": keras.__version__, "cases": results}, f)
    os.replace(tmp, out)


if __name__ == "__main__":
    main(sys.argv[1])
