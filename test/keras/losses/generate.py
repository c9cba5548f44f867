"""Keras 3 as the oracle of tsdl's losses, metrics and training-loop tests.

    .venv/bin/python test/keras/losses/generate.py

Writes out/keras-training/training.json:
  losses: for each LOSSES case, a Keras loss class made with its config applied to fixed labels and
    predictions: the reduced value, the value with sample weights, the values with reduction "none",
    and the function form (keras.losses.<fn>) where there is one.
  metrics: for each METRICS case, a Keras metric object (or a compile string) updated with a few
    batches (some with sample weights): its name and its result after each batch.
  fits: for each FITS case, a small model (Dense layers, one or several outputs) with fixed initial
    weights, compiled as given and fit with shuffle=False: the History, evaluate's list and dict,
    train_on_batch / test_on_batch results, and the output names.
The TypeScript tests (test/keras/losses, test/keras/metrics, test/keras/training_*.test.ts) run the
same cases in tsdl and compare.
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.get_logger().setLevel("ERROR")  # retracing warnings: every case is a new model

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def arr(a, dtype=None):
    a = np.asarray(a)
    if dtype:
        a = a.astype(dtype)
    return {"shape": list(a.shape), "dtype": str(a.dtype), "data": a.astype(np.float64).ravel().tolist()}


def data(kind, seed, n=6, c=4):
    """Labels and predictions of a kind, deterministic per seed."""
    r = np.random.RandomState(seed)
    if kind == "binary":
        return r.randint(0, 2, (n, c)).astype("float32"), r.uniform(0.02, 0.98, (n, c)).astype("float32")
    if kind == "binary_logits":
        return r.randint(0, 2, (n, c)).astype("float32"), r.normal(0, 2, (n, c)).astype("float32")
    if kind == "binary_extreme":  # probabilities 0 and 1 exercise the clipping
        p = r.uniform(0, 1, (n, c)).astype("float32")
        p[0, 0], p[1, 1] = 0.0, 1.0
        return r.randint(0, 2, (n, c)).astype("float32"), p
    if kind == "binary_column":  # [n] labels and [n, 1] predictions, as a sigmoid output
        return r.randint(0, 2, (n,)).astype("float32"), r.uniform(0.02, 0.98, (n, 1)).astype("float32")
    if kind == "categorical":
        logits = r.normal(0, 1.5, (n, c))
        p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
        return np.eye(c)[r.randint(0, c, n)].astype("float32"), p.astype("float32")
    if kind == "categorical_logits":
        return np.eye(c)[r.randint(0, c, n)].astype("float32"), r.normal(0, 2, (n, c)).astype("float32")
    if kind == "sparse":
        logits = r.normal(0, 1.5, (n, c))
        p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
        return r.randint(0, c, n).astype("int32"), p.astype("float32")
    if kind == "sparse_column":
        y, p = data("sparse", seed, n, c)
        return y.reshape(n, 1), p
    if kind == "sparse_logits":
        return r.randint(0, c, n).astype("int32"), r.normal(0, 2, (n, c)).astype("float32")
    if kind == "sparse_ignore":  # some labels are the void class 255... here class 2 is ignored
        return r.randint(0, c, n).astype("int32"), r.normal(0, 2, (n, c)).astype("float32")
    if kind == "sequence_sparse":  # [n, t] labels, [n, t, c] logits
        return r.randint(0, c, (n, 3)).astype("int32"), r.normal(0, 2, (n, 3, c)).astype("float32")
    if kind == "regression":
        return r.normal(0, 1, (n, c)).astype("float32"), r.normal(0, 1.5, (n, c)).astype("float32")
    if kind == "regression_1d":  # [n] labels, [n, 1] predictions
        return r.normal(0, 1, (n,)).astype("float32"), r.normal(0, 1.5, (n, 1)).astype("float32")
    if kind == "positive":
        return r.uniform(0.1, 3, (n, c)).astype("float32"), r.uniform(0.1, 3, (n, c)).astype("float32")
    if kind == "distribution":
        a, b = r.uniform(0.05, 1, (n, c)), r.uniform(0.05, 1, (n, c))
        return (a / a.sum(-1, keepdims=True)).astype("float32"), (b / b.sum(-1, keepdims=True)).astype("float32")
    if kind == "hinge_pm":  # labels in {-1, 1}
        return (r.randint(0, 2, (n, c)) * 2 - 1).astype("float32"), r.normal(0, 1, (n, c)).astype("float32")
    if kind == "hinge_01":  # labels in {0, 1} (converted to -1/1)
        return r.randint(0, 2, (n, c)).astype("float32"), r.normal(0, 1, (n, c)).astype("float32")
    if kind == "hinge_other":  # labels not all 0/1: used as they are
        return r.choice([0.0, 1.0, 2.0], (n, c)).astype("float32"), r.normal(0, 1, (n, c)).astype("float32")
    if kind == "class_ids":  # MeanIoU: class ids for labels and predictions
        return r.randint(0, c, n * 2).astype("int32"), r.randint(0, c, n * 2).astype("int32")
    if kind == "onehot_scores":
        return np.eye(c)[r.randint(0, c, n)].astype("float32"), r.uniform(0, 1, (n, c)).astype("float32")
    raise ValueError(kind)


# --- losses: name -> (class, config, data kind, function name and kwargs or None) ---------------
LOSSES = {
    "bce": ("BinaryCrossentropy", {}, "binary", ("binary_crossentropy", {})),
    "bce_extreme": ("BinaryCrossentropy", {}, "binary_extreme", ("binary_crossentropy", {})),
    "bce_logits": ("BinaryCrossentropy", {"from_logits": True}, "binary_logits", ("binary_crossentropy", {"from_logits": True})),
    "bce_smoothing": ("BinaryCrossentropy", {"label_smoothing": 0.2}, "binary", ("binary_crossentropy", {"label_smoothing": 0.2})),
    "bce_logits_smoothing_sum": ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1, "reduction": "sum"}, "binary_logits", None),
    "bce_column": ("BinaryCrossentropy", {}, "binary_column", None),
    "bce_axis0": ("BinaryCrossentropy", {"axis": 0}, "binary", None),
    "focal": ("BinaryFocalCrossentropy", {}, "binary", ("binary_focal_crossentropy", {})),
    "focal_gamma_logits": ("BinaryFocalCrossentropy", {"gamma": 3.0, "from_logits": True}, "binary_logits", ("binary_focal_crossentropy", {"gamma": 3.0, "from_logits": True})),
    "focal_balanced": ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5}, "binary", None),
    "focal_balanced_smoothing_logits": ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "from_logits": True, "label_smoothing": 0.3}, "binary_logits", None),
    "cce": ("CategoricalCrossentropy", {}, "categorical", ("categorical_crossentropy", {})),
    "cce_logits": ("CategoricalCrossentropy", {"from_logits": True}, "categorical_logits", ("categorical_crossentropy", {"from_logits": True})),
    "cce_smoothing": ("CategoricalCrossentropy", {"label_smoothing": 0.1}, "categorical", ("categorical_crossentropy", {"label_smoothing": 0.1})),
    "cce_logits_smoothing_none": ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.25, "reduction": "none"}, "categorical_logits", None),
    "cce_axis0": ("CategoricalCrossentropy", {"axis": 0}, "categorical", None),
    "scce": ("SparseCategoricalCrossentropy", {}, "sparse", ("sparse_categorical_crossentropy", {})),
    "scce_column": ("SparseCategoricalCrossentropy", {}, "sparse_column", None),
    "scce_logits": ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits", ("sparse_categorical_crossentropy", {"from_logits": True})),
    "scce_ignore": ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 2}, "sparse_ignore", None),
    "scce_ignore_probs_sum": ("SparseCategoricalCrossentropy", {"ignore_class": 1, "reduction": "sum"}, "sparse", None),
    "scce_sequence": ("SparseCategoricalCrossentropy", {"from_logits": True}, "sequence_sparse", None),
    "scce_sequence_ignore": ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 0}, "sequence_sparse", None),
    "mse": ("MeanSquaredError", {}, "regression", ("mean_squared_error", {})),
    "mse_1d": ("MeanSquaredError", {}, "regression_1d", ("mean_squared_error", {})),
    "mse_sum": ("MeanSquaredError", {"reduction": "sum"}, "regression", None),
    "mse_mean_with_sw": ("MeanSquaredError", {"reduction": "mean_with_sample_weight"}, "regression", None),
    "mae": ("MeanAbsoluteError", {}, "regression", ("mean_absolute_error", {})),
    "mape": ("MeanAbsolutePercentageError", {}, "regression", ("mean_absolute_percentage_error", {})),
    "msle": ("MeanSquaredLogarithmicError", {}, "positive", ("mean_squared_logarithmic_error", {})),
    "msle_negative": ("MeanSquaredLogarithmicError", {}, "regression", ("mean_squared_logarithmic_error", {})),
    "huber": ("Huber", {}, "regression", ("huber", {})),
    "huber_delta": ("Huber", {"delta": 0.4}, "regression", ("huber", {"delta": 0.4})),
    "log_cosh": ("LogCosh", {}, "regression", ("log_cosh", {})),
    "kld": ("KLDivergence", {}, "distribution", ("kl_divergence", {})),
    "poisson": ("Poisson", {}, "positive", ("poisson", {})),
    "hinge": ("Hinge", {}, "hinge_pm", ("hinge", {})),
    "hinge_01": ("Hinge", {}, "hinge_01", ("hinge", {})),
    "hinge_other": ("Hinge", {}, "hinge_other", ("hinge", {})),
    "squared_hinge": ("SquaredHinge", {}, "hinge_01", ("squared_hinge", {})),
    "categorical_hinge": ("CategoricalHinge", {}, "categorical_logits", ("categorical_hinge", {})),
    "cosine": ("CosineSimilarity", {}, "regression", ("cosine_similarity", {})),
    "cosine_axis0": ("CosineSimilarity", {"axis": 0}, "regression", ("cosine_similarity", {"axis": 0})),
}


def loss_cases():
    out = []
    for i, (name, (cls, config, kind, fn)) in enumerate(LOSSES.items()):
        y, p = data(kind, 100 + i)
        sw = np.random.RandomState(200 + i).uniform(0, 2, (y.shape[0],)).astype("float32")
        if kind.startswith("sequence"):
            sw = sw.reshape(-1, 1)  # per sample, broadcast over the steps (Keras does not broadcast [n] there)
        loss = getattr(keras.losses, cls)(**config)
        none = getattr(keras.losses, cls)(**{**config, "reduction": "none"})
        case = {
            "name": name, "class": cls, "config": config, "y_true": arr(y), "y_pred": arr(p), "sample_weight": arr(sw),
            "keras_name": loss.name,
            "value": arr(keras.ops.convert_to_numpy(loss(y, p))),
            # With axis 0 the values are per class, not per sample: no sample weights then.
            "weighted": arr(keras.ops.convert_to_numpy(loss(y, p, sample_weight=sw))) if config.get("axis", -1) == -1 else None,
            "none": arr(keras.ops.convert_to_numpy(none(y, p))),
        }
        if fn:
            fname, kwargs = fn
            case["function"] = {"name": fname, "kwargs": kwargs, "value": arr(keras.ops.convert_to_numpy(getattr(keras.losses, fname)(y, p, **kwargs)))}
        out.append(case)
    return out


# --- metrics: name -> (class or compile string, config, data kind, batches with sample weights?) ------
M = keras.metrics
METRICS = {
    "binary_accuracy": ("BinaryAccuracy", {}, "binary", False),
    "binary_accuracy_threshold_sw": ("BinaryAccuracy", {"threshold": 0.3}, "binary", True),
    "categorical_accuracy": ("CategoricalAccuracy", {}, "categorical", False),
    "categorical_accuracy_sw": ("CategoricalAccuracy", {}, "categorical", True),
    "sparse_categorical_accuracy": ("SparseCategoricalAccuracy", {}, "sparse", False),
    "sparse_categorical_accuracy_column_sw": ("SparseCategoricalAccuracy", {}, "sparse_column", True),
    "top_k": ("TopKCategoricalAccuracy", {"k": 2}, "categorical", False),
    "top_k_default_sw": ("TopKCategoricalAccuracy", {}, "categorical", True),
    "sparse_top_k": ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse", False),
    "sparse_top_k_3_sw": ("SparseTopKCategoricalAccuracy", {"k": 3}, "sparse", True),
    "auc": ("AUC", {}, "binary", False),
    "auc_sw": ("AUC", {}, "binary", True),
    "auc_pr": ("AUC", {"curve": "PR"}, "binary", False),
    "auc_pr_minoring": ("AUC", {"curve": "PR", "summation_method": "minoring", "num_thresholds": 50}, "binary", True),
    "auc_roc_majoring": ("AUC", {"summation_method": "majoring", "num_thresholds": 7}, "binary", False),
    "auc_prgain": ("AUC", {"curve": "PRGAIN"}, "binary", False),
    "auc_thresholds": ("AUC", {"thresholds": [0.1, 0.35, 0.5, 0.8]}, "binary", True),
    "auc_logits": ("AUC", {"from_logits": True, "num_thresholds": 33}, "binary_logits", False),
    "precision": ("Precision", {}, "binary", False),
    "precision_sw": ("Precision", {}, "binary", True),
    "precision_thresholds": ("Precision", {"thresholds": [0.2, 0.5, 0.7]}, "binary", False),
    "precision_even_thresholds": ("Precision", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, "binary", True),
    "precision_top_k": ("Precision", {"top_k": 2}, "onehot_scores", False),
    "precision_class_id": ("Precision", {"class_id": 1, "thresholds": 0.4}, "binary", True),
    "recall": ("Recall", {}, "binary", False),
    "recall_sw": ("Recall", {}, "binary", True),
    "recall_top_k_class": ("Recall", {"top_k": 2, "class_id": 3}, "onehot_scores", False),
    "recall_thresholds": ("Recall", {"thresholds": [0.3, 0.6]}, "binary", True),
    "true_positives": ("TruePositives", {}, "binary", False),
    "true_positives_thresholds_sw": ("TruePositives", {"thresholds": [0.15, 0.5, 0.9]}, "binary", True),
    "false_positives_sw": ("FalsePositives", {}, "binary", True),
    "false_positives_even_thresholds": ("FalsePositives", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, "binary", False),
    "true_negatives": ("TrueNegatives", {"thresholds": 0.3}, "binary", False),
    "true_negatives_sw": ("TrueNegatives", {}, "onehot_scores", True),
    "false_negatives": ("FalseNegatives", {}, "binary", False),
    "false_negatives_thresholds_sw": ("FalseNegatives", {"thresholds": [0.2, 0.6]}, "binary", True),
    "sensitivity_at_specificity": ("SensitivityAtSpecificity", {"specificity": 0.5}, "binary", False),
    "sensitivity_at_specificity_sw": ("SensitivityAtSpecificity", {"specificity": 0.8, "num_thresholds": 7}, "binary", True),
    "specificity_at_sensitivity": ("SpecificityAtSensitivity", {"sensitivity": 0.6}, "binary", True),
    "specificity_at_sensitivity_one": ("SpecificityAtSensitivity", {"sensitivity": 0.4, "num_thresholds": 1}, "binary", False),
    "precision_at_recall": ("PrecisionAtRecall", {"recall": 0.7}, "binary", False),
    "precision_at_recall_class": ("PrecisionAtRecall", {"recall": 0.5, "class_id": 2, "num_thresholds": 20}, "onehot_scores", True),
    "recall_at_precision": ("RecallAtPrecision", {"precision": 0.6}, "binary", True),
    "recall_at_precision_unreachable": ("RecallAtPrecision", {"precision": 1.0, "num_thresholds": 11}, "binary", False),
    "f1_none": ("F1Score", {}, "onehot_scores", False),
    "f1_macro_sw": ("F1Score", {"average": "macro"}, "onehot_scores", True),
    "f1_micro_threshold": ("F1Score", {"average": "micro", "threshold": 0.5}, "binary", False),
    "f1_weighted": ("F1Score", {"average": "weighted", "threshold": 0.4}, "binary", True),
    "mse": ("MeanSquaredError", {}, "regression", False),
    "mse_sw": ("MeanSquaredError", {}, "regression", True),
    "rmse": ("RootMeanSquaredError", {}, "regression", False),
    "rmse_sw": ("RootMeanSquaredError", {}, "regression", True),
    "rmse_1d": ("RootMeanSquaredError", {}, "regression_1d", False),
    "mae": ("MeanAbsoluteError", {}, "regression", True),
    "mape": ("MeanAbsolutePercentageError", {}, "regression", False),
    "msle": ("MeanSquaredLogarithmicError", {}, "positive", False),
    "mean_iou": ("MeanIoU", {"num_classes": 4}, "class_ids", False),
    "mean_iou_sw": ("MeanIoU", {"num_classes": 4}, "class_ids", True),
    "mean_iou_ignore": ("MeanIoU", {"num_classes": 4, "ignore_class": 0}, "class_ids", False),
    "mean_iou_dense": ("MeanIoU", {"num_classes": 4, "sparse_y_true": False, "sparse_y_pred": False}, "onehot_scores", False),
    "bce_metric": ("BinaryCrossentropy", {}, "binary", True),
    "cce_metric_logits": ("CategoricalCrossentropy", {"from_logits": True}, "categorical_logits", False),
    "scce_metric": ("SparseCategoricalCrossentropy", {}, "sparse", False),
    "kld_metric": ("KLDivergence", {}, "distribution", False),
    "poisson_metric": ("Poisson", {}, "positive", False),
    "hinge_metric": ("Hinge", {}, "hinge_01", False),
    "cosine_metric": ("CosineSimilarity", {}, "regression", True),
    "logcosh_metric": ("LogCoshError", {}, "regression", False),
}


def metric_cases():
    out = []
    for i, (name, (cls, config, kind, weighted)) in enumerate(METRICS.items()):
        keras.backend.clear_session()
        m = getattr(M, cls)(**config)
        batches = []
        for b in range(3):
            y, p = data(kind, 300 + 10 * i + b, n=5 + b)
            sw = np.random.RandomState(400 + 10 * i + b).uniform(0, 2, (y.shape[0],)).astype("float32") if weighted and b != 1 else None
            m.update_state(y, p, sample_weight=sw)
            r = keras.ops.convert_to_numpy(m.result())
            batches.append({"y_true": arr(y), "y_pred": arr(p), "sample_weight": arr(sw) if sw is not None else None, "result": arr(r)})
        out.append({"name": name, "class": cls, "config": config, "keras_name": m.name, "batches": batches})
    # Automatic names in one session: Keras counts every object of a prefix.
    keras.backend.clear_session()
    names = [M.AUC().name, M.AUC().name, M.Precision().name, M.Recall().name, M.MeanIoU(3).name, M.MeanIoU(2).name, M.F1Score().name, M.Precision().name, M.TruePositives().name, M.FalseNegatives().name, M.TruePositives().name, M.FalsePositives().name, M.TrueNegatives().name, M.PrecisionAtRecall(0.5).name, M.PrecisionAtRecall(0.5).name, M.SensitivityAtSpecificity(0.5).name]
    return out, names


# --- fits -------------------------------------------------------------------------------------------
def build_model(spec):
    """A functional model from a JSON spec: inputs, Dense nodes, outputs (a list or a dict)."""
    tensors = {}
    for inp in spec["inputs"]:
        tensors[inp["name"]] = keras.Input(tuple(inp["shape"]), name=inp["name"])
    for node in spec["nodes"]:
        if node.get("class", "Dense") == "Concatenate":
            layer = keras.layers.Concatenate(name=node["name"])
        elif node.get("class") == "Activation":
            layer = keras.layers.Activation(node["activation"], name=node["name"])
        elif node.get("class") == "Softmax":
            layer = keras.layers.Softmax(name=node["name"])
        else:
            layer = keras.layers.Dense(node["units"], activation=node.get("activation"), name=node["name"])
        src = node["input"]
        tensors[node["name"]] = layer([tensors[s] for s in src] if isinstance(src, list) else tensors[src])
    outputs = spec["outputs"]
    outs = {k: tensors[v] for k, v in outputs.items()} if isinstance(outputs, dict) else [tensors[o] for o in outputs]
    if isinstance(outs, list) and len(outs) == 1:
        outs = outs[0]
    return keras.Model([tensors[i["name"]] for i in spec["inputs"]] if len(spec["inputs"]) > 1 else tensors[spec["inputs"][0]["name"]], outs)


def resolve(obj):
    """A compile argument from JSON: {"class": ..., "config": ...} makes a Keras object; lists and dicts recurse."""
    if isinstance(obj, dict) and "class" in obj:
        module = keras.losses if obj.get("kind") == "loss" else keras.metrics
        return getattr(module, obj["class"])(**obj.get("config", {}))
    if isinstance(obj, list):
        return [resolve(o) for o in obj]
    if isinstance(obj, dict):
        return {k: resolve(v) for k, v in obj.items()}
    return obj


def fit_data(spec, seed):
    """Inputs and labels for each output, by the kind of labels the case names per output."""
    r = np.random.RandomState(seed)
    n = spec.get("samples", 20)
    xs = {i["name"]: r.normal(0, 1, (n, *i["shape"])).astype("float32") for i in spec["inputs"]}
    ys = {}
    units = {node["name"]: node.get("units") for node in spec["nodes"]}
    outputs = spec["outputs"]
    pairs = outputs.items() if isinstance(outputs, dict) else [(o, o) for o in outputs]
    for key, layer in pairs:
        kind = spec["labels"][key]
        u = units[layer]
        if kind == "sparse":
            ys[key] = r.randint(0, u, n).astype("int32")
        elif kind == "onehot":
            ys[key] = np.eye(u)[r.randint(0, u, n)].astype("float32")
        elif kind == "binary":
            ys[key] = r.randint(0, 2, (n, u)).astype("float32")
        elif kind == "binary_1d":
            ys[key] = r.randint(0, 2, n).astype("float32")
        else:
            ys[key] = r.normal(0, 1, (n, u)).astype("float32")
    return xs, ys


def structure(spec, d):
    """Labels (or inputs) as the model takes them: one array, a list in output order, or a dict."""
    outputs = spec["outputs"]
    if isinstance(outputs, dict):
        return d if spec.get("y_as") != "list" else [d[k] for k in sorted(outputs)]
    vals = [d[o] for o in outputs]
    return vals[0] if len(vals) == 1 else (vals if spec.get("y_as") != "dict" else d)


def fit_case(name, spec):
    keras.backend.clear_session()
    keras.utils.set_random_seed(7)
    model = build_model(spec)
    weights = {l.name: [arr(w) for w in l.get_weights()] for l in model.layers if l.get_weights()}
    compile_args = {"optimizer": keras.optimizers.SGD(learning_rate=spec.get("lr", 0.1)), "loss": resolve(spec["loss"])}
    for k in ("loss_weights", "metrics", "weighted_metrics"):
        if k in spec:
            compile_args[k] = resolve(spec[k])
    model.compile(**compile_args)
    xs, ys = fit_data(spec, 11)
    x = xs[spec["inputs"][0]["name"]] if len(spec["inputs"]) == 1 else xs
    y = structure(spec, ys)
    fit_kwargs = {"epochs": spec.get("epochs", 3), "batch_size": spec.get("batch_size", 8), "shuffle": False, "verbose": 0}
    sw = None
    if "sample_weight" in spec:
        sw = np.random.RandomState(13).uniform(0.2, 2, (spec.get("samples", 20),)).astype("float32")
        fit_kwargs["sample_weight"] = sw
    if "class_weight" in spec:
        fit_kwargs["class_weight"] = {int(k): v for k, v in spec["class_weight"].items()}
    for k in ("validation_split", "validation_freq"):
        if k in spec:
            fit_kwargs[k] = spec[k]
    vx = vy = None
    if spec.get("validation_data"):
        vxs, vys = fit_data(spec, 12)
        vx = vxs[spec["inputs"][0]["name"]] if len(spec["inputs"]) == 1 else vxs
        vy = structure(spec, vys)
        fit_kwargs["validation_data"] = (vx, vy)
    h = model.fit(x, y, **fit_kwargs)
    history = {k: [np.asarray(v).tolist() for v in vals] for k, vals in h.history.items()}
    ex, ey = (vx, vy) if vx is not None else (x, y)
    ev = model.evaluate(ex, ey, verbose=0, batch_size=fit_kwargs["batch_size"])
    ev_dict = model.evaluate(ex, ey, verbose=0, batch_size=fit_kwargs["batch_size"], return_dict=True)
    first = lambda a: {k: v[:5] for k, v in a.items()} if isinstance(a, dict) else ([v[:5] for v in a] if isinstance(a, list) else a[:5])  # noqa: E731
    tob = model.train_on_batch(first(x), first(y), return_dict=True)
    teb = model.test_on_batch(first(x), first(y), return_dict=True)
    pob = model.predict_on_batch(first(x))
    pob = [arr(p) for p in (pob if isinstance(pob, list) else [pob[k] for k in sorted(pob)] if isinstance(pob, dict) else [pob])]
    return {
        "name": name, "spec": spec, "weights": weights, "output_names": list(model.output_names),
        "x": {k: arr(v) for k, v in xs.items()}, "y": {k: arr(v) for k, v in ys.items()},
        "val": ({"x": {k: arr(v) for k, v in vxs.items()}, "y": {k: arr(v) for k, v in vys.items()}} if vx is not None else None),
        "sample_weight": arr(sw) if sw is not None else None,
        "history": history, "evaluate": [np.asarray(v).tolist() for v in (ev if isinstance(ev, list) else [ev])],
        "evaluate_dict": {k: np.asarray(v).tolist() for k, v in ev_dict.items()},
        "train_on_batch": {k: np.asarray(v).tolist() for k, v in tob.items()},
        "test_on_batch": {k: np.asarray(v).tolist() for k, v in teb.items()},
        "predict_on_batch": pob,
    }


def dense(name, units, src, activation=None):
    return {"name": name, "units": units, "input": src, "activation": activation}


ONE_IN = [{"name": "x", "shape": [5]}]
FITS = {
    "regression_mse_mae": {"inputs": ONE_IN, "nodes": [dense("h", 6, "x", "tanh"), dense("out", 2, "h")], "outputs": ["out"], "labels": {"out": "regression"},
                           "loss": "mse", "metrics": ["mae", "mse", "root_mean_squared_error"], "validation_split": 0.25},
    "classifier_sparse_accuracy": {"inputs": ONE_IN, "nodes": [dense("h", 8, "x", "relu"), dense("out", 3, "h", "softmax")], "outputs": ["out"], "labels": {"out": "sparse"},
                                   "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy", {"class": "SparseTopKCategoricalAccuracy", "config": {"k": 2}}], "validation_data": True, "epochs": 4},
    "classifier_onehot_acc_ce": {"inputs": ONE_IN, "nodes": [dense("h", 8, "x", "relu"), dense("out", 4, "h", "softmax")], "outputs": ["out"], "labels": {"out": "onehot"},
                                 "loss": "crossentropy", "metrics": ["acc", "top_k_categorical_accuracy"], "batch_size": 6},
    "binary_stateful_metrics": {"inputs": ONE_IN, "nodes": [dense("h", 8, "x", "tanh"), dense("out", 1, "h", "sigmoid")], "outputs": ["out"], "labels": {"out": "binary_1d"},
                                "loss": "binary_crossentropy", "metrics": ["accuracy", "auc", "precision", "recall", {"class": "AUC", "config": {"curve": "PR", "name": "pr_auc"}}], "samples": 40, "validation_split": 0.3, "epochs": 3},
    "logits_loss_object": {"inputs": ONE_IN, "nodes": [dense("h", 8, "x", "relu"), dense("out", 3, "h")], "outputs": ["out"], "labels": {"out": "onehot"},
                           "loss": {"kind": "loss", "class": "CategoricalCrossentropy", "config": {"from_logits": True, "label_smoothing": 0.1}}, "metrics": ["categorical_accuracy"]},
    "f1_and_iou": {"inputs": ONE_IN, "nodes": [dense("h", 8, "x", "relu"), dense("out", 3, "h", "softmax")], "outputs": ["out"], "labels": {"out": "onehot"},
                   "loss": "categorical_crossentropy", "metrics": [{"class": "F1Score", "config": {"average": "macro"}}, {"class": "F1Score", "config": {"name": "f1_per_class"}}, {"class": "MeanIoU", "config": {"num_classes": 3, "sparse_y_true": False, "sparse_y_pred": False}}]},
    "sample_weight_weighted_metrics": {"inputs": ONE_IN, "nodes": [dense("h", 6, "x", "tanh"), dense("out", 3, "h", "softmax")], "outputs": ["out"], "labels": {"out": "sparse"},
                                       "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"], "weighted_metrics": ["accuracy"], "sample_weight": True, "validation_split": 0.2},
    "class_weight": {"inputs": ONE_IN, "nodes": [dense("h", 6, "x", "tanh"), dense("out", 3, "h", "softmax")], "outputs": ["out"], "labels": {"out": "sparse"},
                     "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"], "weighted_metrics": ["accuracy"], "class_weight": {"0": 0.5, "2": 3.0}},
    "huber_validation_freq": {"inputs": ONE_IN, "nodes": [dense("out", 2, "x")], "outputs": ["out"], "labels": {"out": "regression"},
                              "loss": {"kind": "loss", "class": "Huber", "config": {"delta": 0.5}}, "metrics": ["mae"], "validation_data": True, "validation_freq": 2, "epochs": 4},
    "two_outputs_lists": {"inputs": ONE_IN, "nodes": [dense("h", 8, "x", "tanh"), dense("reg", 2, "h"), dense("cls", 3, "h", "softmax")], "outputs": ["reg", "cls"],
                          "labels": {"reg": "regression", "cls": "sparse"}, "loss": ["mse", "sparse_categorical_crossentropy"], "loss_weights": [0.5, 2.0],
                          "metrics": [["mae"], ["accuracy", {"class": "SparseTopKCategoricalAccuracy", "config": {"k": 2}}]], "validation_data": True},
    "two_outputs_dicts": {"inputs": ONE_IN, "nodes": [dense("h", 8, "x", "tanh"), dense("reg", 2, "h"), dense("cls", 3, "h", "softmax")], "outputs": ["reg", "cls"],
                          "labels": {"reg": "regression", "cls": "onehot"}, "y_as": "dict", "loss": {"cls": "categorical_crossentropy", "reg": "huber"},
                          "loss_weights": {"reg": 3.0, "cls": 1.0}, "metrics": {"cls": ["accuracy", "accuracy"]}, "validation_split": 0.25},
    "dict_outputs_model": {"inputs": ONE_IN, "nodes": [dense("h", 8, "x", "tanh"), dense("r", 2, "h"), dense("c", 3, "h", "softmax")], "outputs": {"zz": "r", "aa": "c"},
                           "labels": {"zz": "regression", "aa": "sparse"}, "loss": {"zz": "mse", "aa": "sparse_categorical_crossentropy"}, "metrics": {"aa": "accuracy", "zz": ["mae"]}},
    "two_outputs_one_loss": {"inputs": ONE_IN, "nodes": [dense("h", 8, "x", "tanh"), dense("a", 2, "h"), dense("b", 3, "h")], "outputs": ["a", "b"],
                             "labels": {"a": "regression", "b": "regression"}, "loss": "mse", "metrics": [["mae"], ["mse"]], "sample_weight": True},
    # Saturating outputs (a large learning rate on random labels): Keras' cross-entropies take a softmax's or
    # sigmoid's logits (its TensorFlow backend keeps them on the output, _keras_logits), where the
    # probabilities are clipped to [1e-7, 1 - 1e-7] and a confidently wrong sample would pass no gradient.
    "saturated_softmax_sparse": {"inputs": ONE_IN, "nodes": [dense("h", 8, "x", "relu"), dense("out", 3, "h", "softmax")], "outputs": ["out"], "labels": {"out": "sparse"},
                                 "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy", "sparse_categorical_crossentropy"], "lr": 4.0, "epochs": 2},
    "saturated_activation_onehot": {"inputs": ONE_IN, "nodes": [dense("h", 8, "x", "relu"), dense("z", 4, "h"), {"name": "out", "class": "Activation", "activation": "softmax", "input": "z", "units": 4}],
                                    "outputs": ["out"], "labels": {"out": "onehot"}, "loss": "categorical_crossentropy", "metrics": ["categorical_crossentropy"], "lr": 4.0, "epochs": 2},
    "saturated_softmax_layer": {"inputs": ONE_IN, "nodes": [dense("h", 8, "x", "relu"), dense("z", 3, "h"), {"name": "out", "class": "Softmax", "input": "z", "units": 3}],
                                "outputs": ["out"], "labels": {"out": "sparse"}, "loss": "sparse_categorical_crossentropy", "lr": 4.0, "epochs": 2},
    "saturated_sigmoid_binary": {"inputs": ONE_IN, "nodes": [dense("h", 8, "x", "relu"), dense("out", 1, "h", "sigmoid")], "outputs": ["out"], "labels": {"out": "binary"},
                                 "loss": "binary_crossentropy", "metrics": ["accuracy", "binary_crossentropy"], "lr": 8.0, "epochs": 2},
    "saturated_sigmoid_focal": {"inputs": ONE_IN, "nodes": [dense("h", 8, "x", "relu"), dense("out", 1, "h", "sigmoid")], "outputs": ["out"], "labels": {"out": "binary"},
                                "loss": {"kind": "loss", "class": "BinaryFocalCrossentropy", "config": {"gamma": 2.0}}, "lr": 5.0, "epochs": 2},
    "saturated_logits_focal": {"inputs": ONE_IN, "nodes": [dense("h", 8, "x", "relu"), dense("out", 1, "h")], "outputs": ["out"], "labels": {"out": "binary"},
                               "loss": {"kind": "loss", "class": "BinaryFocalCrossentropy", "config": {"from_logits": True, "apply_class_balancing": True}}, "lr": 30.0, "epochs": 2},
    "two_inputs": {"inputs": [{"name": "left", "shape": [3]}, {"name": "right", "shape": [2]}], "nodes": [{"name": "cat", "class": "Concatenate", "input": ["left", "right"]}, dense("out", 2, "cat", "softmax")],
                   "outputs": ["out"], "labels": {"out": "sparse"}, "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]},
}


# --- EarlyStopping: a monitored "score" sequence (set by a callback before it) and options --------------
EARLY = {
    "min_patience0": ([1.0, 0.8, 0.9, 0.7, 0.75], {"mode": "min"}),
    "min_patience2": ([1.0, 0.8, 0.9, 0.85, 0.82, 0.7, 0.9, 0.95], {"mode": "min", "patience": 2}),
    "min_delta": ([1.0, 0.95, 0.9, 0.85, 0.8, 0.2], {"mode": "min", "patience": 1, "min_delta": 0.1}),
    "max_mode": ([0.1, 0.5, 0.4, 0.45, 0.6, 0.55, 0.5], {"mode": "max", "patience": 1}),
    "baseline_never_beaten": ([1.0, 0.9, 0.8, 0.7, 0.6, 0.5], {"mode": "min", "patience": 2, "baseline": 0.55}),
    "baseline_beaten": ([1.0, 0.9, 0.5, 0.52, 0.4, 0.45, 0.46, 0.47], {"mode": "min", "patience": 2, "baseline": 0.6}),
    "start_from_epoch": ([1.0, 2.0, 3.0, 0.5, 0.6, 0.7, 0.8], {"mode": "min", "patience": 1, "start_from_epoch": 2}),
    "restore_best": ([1.0, 0.6, 0.7, 0.5, 0.8, 0.9, 0.95], {"mode": "min", "patience": 2, "restore_best_weights": True}),
    "restore_without_stopping": ([1.0, 0.4, 0.6, 0.7], {"mode": "min", "patience": 5, "restore_best_weights": True}),
    "restore_start_from_epoch": ([0.1, 0.2, 0.9, 0.8, 0.85, 0.9], {"mode": "min", "patience": 1, "restore_best_weights": True, "start_from_epoch": 2}),
}


def early_stopping_cases():
    out = []
    for name, (values, options) in EARLY.items():
        keras.backend.clear_session()
        keras.utils.set_random_seed(3)
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
        x = np.random.RandomState(1).normal(0, 1, (16, 2)).astype("float32")
        y = x @ np.array([[2.0], [-1.0]], dtype="float32")

        class Score(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                logs["score"] = values[epoch]

        es = keras.callbacks.EarlyStopping(monitor="score", **options)
        h = model.fit(x, y, epochs=len(values), batch_size=8, shuffle=False, verbose=0, callbacks=[Score(), es])
        out.append({"name": name, "values": values, "options": options, "epochs_run": len(h.epoch), "stopped_epoch": es.stopped_epoch, "best_epoch": es.best_epoch, "best": es.best})
    return out


def main():
    metrics, auto_names = metric_cases()
    fits = [fit_case(name, spec) for name, spec in FITS.items()]
    out = {"losses": loss_cases(), "metrics": metrics, "metric_auto_names": auto_names, "fits": fits, "early_stopping": early_stopping_cases()}
    path = os.path.join(ROOT, "out", "keras-training", "training.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp-{os.getpid()}"  # test files run in parallel may regenerate at once: replace atomically
    with open(tmp, "w") as f:
        json.dump(out, f)
    os.replace(tmp, path)
    print(f"wrote {path}: {len(out['losses'])} losses, {len(metrics)} metrics, {len(fits)} fits")


if __name__ == "__main__":
    main()
