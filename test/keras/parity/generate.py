"""Keras 3 as the oracle of tsdl's Keras parity tests.

    .venv/bin/python test/keras/parity/generate.py FAMILY [FAMILY ...]

For each FAMILY, imports test/keras/parity/cases_FAMILY.py, whose CASES dict maps a case name to
case(build, inputs, ...), builds each case as a Keras functional model in a fresh session, gives its
weights random values, runs it on random inputs and writes out/keras-parity/FAMILY.json: the
automatic names, output shapes, parameter counts and summary text Keras prints, the weights (so that
tsdl computes with the same ones), the inputs, the outputs, and the gradients of
sum(outputs * cotangents) with respect to every float input and every trainable weight.
The TypeScript tests (test/keras/parity/parity.ts) build the same case in tsdl and compare.
"""
import importlib.util
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ["COLUMNS"] = "80"  # the width a notebook has: Keras then prints 76-character tables

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


class Int:
    """An integer input (token ids, class indices): values in [low, high)."""

    def __init__(self, shape, high, low=0, dtype="int32"):
        self.shape, self.high, self.low, self.dtype = tuple(shape), high, low, dtype


class Float:
    """A float input with values low + (high - low) * uniform (default: standard normal)."""

    def __init__(self, shape, low=None, high=None):
        self.shape, self.low, self.high = tuple(shape), low, high


class Values:
    """An input with the given values (nested lists or an array), e.g. sequences with padded steps.

    Integers give an int32 input (not differentiated), anything else float32.
    """

    def __init__(self, values, dtype=None):
        a = np.asarray(values)
        self.dtype = dtype or ("int32" if np.issubdtype(a.dtype, np.integer) or a.dtype == bool else "float32")
        self.value, self.shape = a.astype(self.dtype), tuple(a.shape)


def case(build, inputs, training=False, seed=0, randomize_weights=True, grads=True, atol_scale=None, input_names=None, model=False):
    """One parity case.

    build: takes the Keras input tensor (a list when there are several inputs) and returns the output
      tensor(s), or returns a Layer, which is then called on the input(s).
    inputs: shapes with the batch axis (tuples), or Int(...) / Float(...) for other values.
    training: run the forward pass in training mode.
    randomize_weights: replace every weight by random values (variances positive) before running.
    grads: record the gradients (False for layers with no gradient, such as integer lookups).
    model: build returns a whole keras Model (named inputs etc.); its inputs are used as given.
    """
    return dict(build=build, inputs=inputs, training=training, seed=seed, randomize_weights=randomize_weights,
                grads=grads, input_names=input_names, model=model)


def _array(a):
    if isinstance(a, tf.IndexedSlices):  # the gradient of a lookup (Embedding)
        a = tf.convert_to_tensor(a)
    a = np.asarray(a)
    return {"shape": list(a.shape), "dtype": str(a.dtype), "data": a.astype(np.float64).ravel().tolist()}


def _shape(s):
    return [None if d is None else int(d) for d in s]


def _random_weight(rng, v):
    shape = tuple(v.shape)
    path = v.path
    if "variance" in path:
        return rng.uniform(0.5, 1.5, shape).astype(v.dtype)
    if v.dtype.startswith("int") or v.dtype == "bool":
        return np.asarray(v.numpy())
    return (rng.standard_normal(shape) * 0.5).astype(v.dtype)


def _make_input(rng, spec):
    if isinstance(spec, Values):
        return spec.value
    if isinstance(spec, Int):
        return rng.integers(spec.low, spec.high, spec.shape).astype(spec.dtype)
    if isinstance(spec, Float):
        if spec.low is None:
            return rng.standard_normal(spec.shape).astype("float32")
        return (spec.low + (spec.high - spec.low) * rng.uniform(size=spec.shape)).astype("float32")
    return rng.standard_normal(tuple(spec)).astype("float32")


def _summary(model):
    lines = []
    model.summary(print_fn=lambda s, line_break=True: lines.append(s))
    return "".join(lines)


def _layer_output_shapes(layer):
    try:
        out = layer.output
    except Exception:
        return None
    return [_shape(t.shape) for t in keras.tree.flatten(out)]


def run_case(name, c):
    keras.backend.clear_session()
    keras.utils.set_random_seed(c["seed"])
    rng = np.random.default_rng(c["seed"] + 1234)
    specs = [s if isinstance(s, (Int, Float, Values)) else Float(s) for s in c["inputs"]]
    if c["model"]:
        model = c["build"]()
        kin = model.inputs
    else:
        kin = [keras.Input(s.shape[1:], dtype=getattr(s, "dtype", "float32")) for s in specs]
        out = c["build"](kin[0] if len(kin) == 1 else kin)
        if isinstance(out, keras.layers.Layer):
            out = out(kin[0] if len(kin) == 1 else kin)
        model = keras.Model(kin[0] if len(kin) == 1 else kin, out)
    if c["randomize_weights"]:
        for v in model.weights:
            v.assign(_random_weight(rng, v))
    xs = [_make_input(rng, s) for s in specs]
    xv = [tf.constant(x) for x in xs]
    float_idx = [i for i, s in enumerate(specs) if getattr(s, "dtype", "float32") == "float32"]
    trainable = model.trainable_weights
    with tf.GradientTape(persistent=True) as tape:
        for i in float_idx:
            tape.watch(xv[i])
        struct = getattr(model, "_inputs_struct", None)
        call_in = keras.tree.pack_sequence_as(struct, xv) if isinstance(struct, dict) else (xv[0] if len(xv) == 1 else xv)
        y = model(call_in, training=c["training"])
        ys = keras.tree.flatten(y)
        cot = [rng.standard_normal(tuple(t.shape)).astype("float32") for t in ys]
        loss = tf.add_n([tf.reduce_sum(tf.cast(t, "float32") * k) for t, k in zip(ys, cot)])
    result = {
        "name": name,
        "model_name": model.name,
        "summary": _summary(model),
        "training": c["training"],
        "inputs": [_array(x) for x in xs],
        "input_names": [t._keras_history[0].name for t in kin],
        "outputs": [_array(t.numpy()) for t in ys],
        "output_shapes": [_shape(t.shape) for t in keras.tree.flatten(model.outputs)],
        "cotangents": [_array(k) for k in cot],
        "total_params": int(model.count_params()),
        "trainable_params": int(sum(np.prod(v.shape) for v in trainable)),
        "layers": [],
    }
    if c["grads"]:
        g = tape.gradient(loss, [xv[i] for i in float_idx] + list(trainable))
        result["input_grads"] = {str(i): _array(g[k]) for k, i in enumerate(float_idx)}
        weight_grads = {id(v): gv for v, gv in zip(trainable, g[len(float_idx):])}
    for layer in model.layers:
        entry = {
            "name": layer.name,
            "class": layer.__class__.__name__,
            "params": int(layer.count_params()) if layer.built else 0,
            "output_shapes": _layer_output_shapes(layer),
            "weights": [{"path": v.path, "shape": list(v.shape), "trainable": bool(v.trainable), "value": _array(v.numpy())} for v in layer.weights],
        }
        if c["grads"]:
            entry["grads"] = [_array(weight_grads[id(v)]) if weight_grads.get(id(v)) is not None else None for v in layer.trainable_weights]
        result["layers"].append(entry)
    del tape
    return result


def load_cases(family):
    # Cases import Int, Float, Values and case from "generate": the very classes of this running script.
    sys.modules.setdefault("generate", sys.modules[__name__])
    path = os.path.join(HERE, f"cases_{family}.py")
    spec = importlib.util.spec_from_file_location(f"cases_{family}", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod.CASES


def main(families):
    out_dir = os.path.join(ROOT, "out", "keras-parity")
    os.makedirs(out_dir, exist_ok=True)
    for family in families:
        cases = load_cases(family)
        results = []
        for i, (name, c) in enumerate(cases.items()):
            print(f"\rkeras parity: {family} {i + 1}/{len(cases)} {name:<40}", end="", file=sys.stderr, flush=True)
            try:
                results.append(run_case(name, c))
            except Exception as e:  # a broken case names itself
                raise RuntimeError(f"case {family}/{name}: {e}") from e
        print(file=sys.stderr)
        tmp = os.path.join(out_dir, f".{family}.json.tmp")
        with open(tmp, "w") as f:
            json.dump({"family": family, "keras": keras.__version__, "tensorflow": tf.__version__, "cases": results}, f)
        os.replace(tmp, os.path.join(out_dir, f"{family}.json"))  # atomic: never a half-written fixture


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: generate.py FAMILY [FAMILY ...]  (families: cases_*.py beside this file)")
    main(sys.argv[1:])
