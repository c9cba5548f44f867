"""Keras 3 as the oracle of tsdl's optimizer and learning-rate schedule tests.

    .venv/bin/python test/keras/optimizers/generate.py

Writes out/keras-optimizers/optimizers.json:
  optimizers: for each case below, Keras' optimizer applied for STEPS steps to two variables
    (w0 [3, 4], w1 [4]) with fixed random gradients: the starting weights, the gradients of every
    step, the weights after every step, the optimizer's slots after the last step (by Keras' slot
    names), its iterations and learning rate, and with use_ema the weights finalize_variable_values
    gives.
  schedules: for each schedule case, its value at a list of steps.
The TypeScript tests (test/keras/optimizers/*.test.ts) run the same cases in tsdl and compare.
"""
import json
import os
import re

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
STEPS = 5
SHAPES = {"w0": (3, 4), "w1": (4,)}

O = keras.optimizers
S = keras.optimizers.schedules

# name: (make the Keras optimizer, variables excluded from weight decay by name or None)
OPTIMIZERS = {
    "sgd": lambda: O.SGD(learning_rate=0.1),
    "sgd_defaults": lambda: O.SGD(),
    "sgd_momentum": lambda: O.SGD(learning_rate=0.1, momentum=0.9),
    "sgd_nesterov": lambda: O.SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
    "adam": lambda: O.Adam(learning_rate=0.1),
    "adam_defaults": lambda: O.Adam(),
    "adam_amsgrad": lambda: O.Adam(learning_rate=0.1, amsgrad=True),
    "adam_betas": lambda: O.Adam(learning_rate=0.05, beta_1=0.5, beta_2=0.9, epsilon=1e-3),
    "adamw": lambda: O.AdamW(learning_rate=0.1),
    "adamw_strong": lambda: O.AdamW(learning_rate=0.1, weight_decay=0.5, amsgrad=True),
    "rmsprop": lambda: O.RMSprop(learning_rate=0.1),
    "rmsprop_defaults": lambda: O.RMSprop(),
    "rmsprop_momentum": lambda: O.RMSprop(learning_rate=0.1, momentum=0.9),
    "rmsprop_centered": lambda: O.RMSprop(learning_rate=0.1, centered=True),
    "rmsprop_centered_momentum": lambda: O.RMSprop(learning_rate=0.05, rho=0.8, momentum=0.5, centered=True),
    "adagrad": lambda: O.Adagrad(learning_rate=0.1),
    "adagrad_defaults": lambda: O.Adagrad(),
    "adagrad_accumulator": lambda: O.Adagrad(learning_rate=0.1, initial_accumulator_value=1.0, epsilon=1e-3),
    "adadelta": lambda: O.Adadelta(learning_rate=1.0),
    "adadelta_defaults": lambda: O.Adadelta(),
    "adamax": lambda: O.Adamax(learning_rate=0.1),
    "adamax_defaults": lambda: O.Adamax(),
    "nadam": lambda: O.Nadam(learning_rate=0.1),
    "nadam_defaults": lambda: O.Nadam(),
    "lion": lambda: O.Lion(learning_rate=0.1),
    "lion_defaults": lambda: O.Lion(),
    # The base optimizer's options.
    "sgd_clipnorm": lambda: O.SGD(learning_rate=0.1, clipnorm=1.0),
    "adam_clipnorm": lambda: O.Adam(learning_rate=0.1, clipnorm=0.5),
    "adam_clipvalue": lambda: O.Adam(learning_rate=0.1, clipvalue=0.5),
    "sgd_clipvalue": lambda: O.SGD(learning_rate=0.1, momentum=0.5, clipvalue=0.3),
    "sgd_global_clipnorm": lambda: O.SGD(learning_rate=0.1, momentum=0.9, global_clipnorm=1.0),
    "rmsprop_global_clipnorm": lambda: O.RMSprop(learning_rate=0.1, global_clipnorm=2.0),
    "sgd_weight_decay": lambda: O.SGD(learning_rate=0.1, momentum=0.9, weight_decay=0.2),
    "rmsprop_weight_decay": lambda: O.RMSprop(learning_rate=0.1, weight_decay=0.1),
    "lion_weight_decay": lambda: O.Lion(learning_rate=0.1, weight_decay=0.5),
    "adagrad_weight_decay_clipnorm": lambda: O.Adagrad(learning_rate=0.1, weight_decay=0.3, clipnorm=1.5),
    "sgd_ema": lambda: O.SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.9),
    "adam_ema_overwrite": lambda: O.Adam(learning_rate=0.1, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=2),
    "nadam_ema": lambda: O.Nadam(learning_rate=0.1, use_ema=True),
    # Gradient accumulation (steps / n updates; EMA and schedules see every step) and loss scaling.
    "sgd_accumulate": lambda: O.SGD(learning_rate=0.1, momentum=0.9, gradient_accumulation_steps=2),
    "rmsprop_accumulate_clip_decay": lambda: O.RMSprop(learning_rate=0.1, gradient_accumulation_steps=2, clipnorm=0.5, weight_decay=0.1),
    "adam_accumulate_ema_schedule": lambda: O.Adam(learning_rate=S.ExponentialDecay(0.1, 1, 0.8), gradient_accumulation_steps=3, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=1),
    "nadam_accumulate": lambda: O.Nadam(learning_rate=0.1, gradient_accumulation_steps=2),
    "adam_loss_scale": lambda: O.Adam(learning_rate=0.1, loss_scale_factor=128.0),
    # Schedules as learning rates, evaluated at each step's iteration count.
    "sgd_exponential_decay": lambda: O.SGD(learning_rate=S.ExponentialDecay(0.1, 2, 0.5)),
    "adam_cosine_decay": lambda: O.Adam(learning_rate=S.CosineDecay(0.1, 4, alpha=0.1)),
    "adamw_piecewise": lambda: O.AdamW(learning_rate=S.PiecewiseConstantDecay([1, 3], [0.1, 0.05, 0.01]), weight_decay=0.3),
    "rmsprop_polynomial": lambda: O.RMSprop(learning_rate=S.PolynomialDecay(0.1, 3, end_learning_rate=0.01, power=2.0)),
}

EXCLUDE = {"adamw_exclude": (lambda: O.AdamW(learning_rate=0.1, weight_decay=0.5), ["w1"])}

SCHEDULE_STEPS = [0, 1, 2, 3, 5, 7, 10, 13, 20, 25, 30, 31, 45, 70, 100, 150, 210, 1000]
SCHEDULES = {
    "exponential": lambda: S.ExponentialDecay(0.1, 10, 0.9),
    "exponential_staircase": lambda: S.ExponentialDecay(0.1, 7, 0.5, staircase=True),
    "piecewise": lambda: S.PiecewiseConstantDecay([5, 20, 100], [1.0, 0.5, 0.1, 0.01]),
    "piecewise_one": lambda: S.PiecewiseConstantDecay([10], [0.3, 0.03]),
    "polynomial": lambda: S.PolynomialDecay(0.1, 50),
    "polynomial_power": lambda: S.PolynomialDecay(0.1, 50, end_learning_rate=0.001, power=0.5),
    "polynomial_cycle": lambda: S.PolynomialDecay(0.1, 30, end_learning_rate=0.01, power=2.0, cycle=True),
    "inverse_time": lambda: S.InverseTimeDecay(0.1, 10, 0.5),
    "inverse_time_staircase": lambda: S.InverseTimeDecay(0.1, 7, 2.0, staircase=True),
    "cosine": lambda: S.CosineDecay(0.1, 100),
    "cosine_alpha": lambda: S.CosineDecay(0.1, 60, alpha=0.2),
    "cosine_warmup": lambda: S.CosineDecay(0.0, 100, warmup_target=0.1, warmup_steps=20),
    "cosine_warmup_alpha": lambda: S.CosineDecay(0.01, 40, alpha=0.1, warmup_target=0.2, warmup_steps=10),
    "cosine_restarts": lambda: S.CosineDecayRestarts(0.1, 10),
    "cosine_restarts_mul": lambda: S.CosineDecayRestarts(0.1, 10, t_mul=1.0, m_mul=0.5, alpha=0.1),
    "cosine_restarts_tmul3": lambda: S.CosineDecayRestarts(0.2, 5, t_mul=3.0, m_mul=0.8, alpha=0.05),
}


def _f(a):
    return np.asarray(a, dtype=np.float64).ravel().tolist()


def run_optimizer(name, make, exclude=None):
    keras.backend.clear_session()
    rng = np.random.default_rng(sum(map(ord, name)))
    start = {k: (rng.standard_normal(s) * 0.5).astype("float32") for k, s in SHAPES.items()}
    grads = [{k: (rng.standard_normal(s) * 2.0).astype("float32") for k, s in SHAPES.items()} for _ in range(STEPS)]
    variables = [keras.Variable(start[k], name=k) for k in SHAPES]
    opt = make()
    if exclude:
        opt.exclude_from_weight_decay(var_names=exclude)
    after = []
    lrs = []
    for g in grads:
        lrs.append(float(opt.learning_rate))
        opt.apply([tf.constant(g[k]) for k in SHAPES], variables)
        after.append({k: _f(v.numpy()) for k, v in zip(SHAPES, variables)})
    slots = {k: {} for k in SHAPES}
    prefix = opt.name + "/"
    for v in opt.variables:
        path = v.path[len(prefix):] if v.path.startswith(prefix) else v.path
        m = re.match(r"^(w\d+)_(.+)$", path)
        if m:
            slots[m.group(1)][m.group(2)] = _f(v.numpy())
    out = {
        "name": name,
        "class": opt.__class__.__name__,
        "config": {k: v for k, v in opt.get_config().items() if isinstance(v, (int, float, bool, str, type(None)))},
        "start": {k: _f(v) for k, v in start.items()},
        "shapes": {k: list(s) for k, s in SHAPES.items()},
        "grads": [{k: _f(v) for k, v in g.items()} for g in grads],
        "after": after,
        "learning_rates": lrs,
        "slots": slots,
        "iterations": int(opt.iterations.numpy()),
        "learning_rate": float(opt.learning_rate),
        "exclude": exclude,
    }
    if opt.use_ema:
        opt.finalize_variable_values(variables)
        out["finalized"] = {k: _f(v.numpy()) for k, v in zip(SHAPES, variables)}
    return out


def main():
    results = [run_optimizer(n, m) for n, m in OPTIMIZERS.items()]
    results += [run_optimizer(n, m, ex) for n, (m, ex) in EXCLUDE.items()]
    schedules = []
    for name, make in SCHEDULES.items():
        s = make()
        schedules.append({
            "name": name,
            "class": s.__class__.__name__,
            "config": s.get_config(),
            "steps": SCHEDULE_STEPS,
            "values": [float(s(step)) for step in SCHEDULE_STEPS],
        })
    out_dir = os.path.join(ROOT, "out", "keras-optimizers")
    os.makedirs(out_dir, exist_ok=True)
    tmp = os.path.join(out_dir, ".optimizers.json.tmp")
    with open(tmp, "w") as f:
        json.dump({"keras": keras.__version__, "tensorflow": tf.__version__, "optimizers": results, "schedules": schedules}, f)
    os.replace(tmp, os.path.join(out_dir, "optimizers.json"))


if __name__ == "__main__":
    main()
