# The Keras side of the keras.ops parity tests (test/keras/ops/*.test.ts, through ops_cases.ts): reads
# {"cases": [...]} as JSON on stdin, runs each case's keras.ops.<op>(*args, **kwargs) with Keras 3 on
# TensorFlow, and prints one JSON line: per case its outputs (shape, dtype, flat values) and, when asked,
# the gradients of sum(output * cotangent) with respect to the tensor arguments named by index.
#
# Values in args/kwargs: {"tensor": nested, "dtype": d} is a tensor ("nan", "inf", "-inf" in it too); {"float": v} a Python float (JSON
# cannot tell 1.0 from 1); {"tuple": [...]} a tuple; lists decode element by element; null is None.
import json
import math
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402


def floats(v):
    if isinstance(v, list):
        return [floats(x) for x in v]
    return float(v) if isinstance(v, str) else v


def decode(v):
    if isinstance(v, dict):
        if "tensor" in v:
            return tf.constant(np.array(floats(v["tensor"]), dtype=v["dtype"]))
        if "float" in v:
            return float(v["float"])
        if "tuple" in v:
            return tuple(decode(x) for x in v["tuple"])
        return {k: decode(x) for k, x in v.items()}
    if isinstance(v, list):
        return [decode(x) for x in v]
    return v


def number(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def encode(t):
    a = np.asarray(keras.ops.convert_to_numpy(t))
    return {"shape": list(a.shape), "dtype": str(a.dtype), "data": [number(x) for x in a.astype(np.float64).reshape(-1)]}


def cotangent(n):
    return np.sin(np.arange(n, dtype=np.float64) * 0.7 + 1.0).astype(np.float32)


def run(case):
    fn = getattr(keras.ops, case["op"])
    args = decode(case.get("args", []))
    kwargs = decode(case.get("kwargs", {}))
    grad = case.get("grad")
    if not grad:
        out = fn(*args, **kwargs)
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        return {"outputs": [encode(o) for o in outs]}
    with tf.GradientTape() as tape:
        for i in grad:
            tape.watch(args[i])
        out = fn(*args, **kwargs)
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        loss = 0.0
        for o in outs:
            if o.dtype.is_floating:
                w = cotangent(int(np.prod(o.shape))).reshape(o.shape)
                loss += tf.reduce_sum(tf.cast(o, tf.float32) * w)
    grads = tape.gradient(loss, [args[i] for i in grad])
    return {"outputs": [encode(o) for o in outs], "grads": [None if g is None else encode(g) for g in grads]}


def main():
    cases = json.load(sys.stdin)["cases"]
    results = {}
    for case in cases:
        try:
            results[case["id"]] = run(case)
        except Exception as e:  # the test reports Keras' error for the case
            results[case["id"]] = {"error": f"{type(e).__name__}: {e}"[:500]}
    print(json.dumps({"keras": keras.__version__, "results": results}))


main()
