"""Keras 3's image_dataset_from_directory as the oracle of tsdl's imageDatasetFromDirectory.

Reads a JSON list of cases on stdin ({"name", "directory", "kwargs", "batches"}), runs Keras on each and
writes JSON on stdout: per case, what Keras printed, the class names, the file paths of each returned
dataset with the label of each file (from Keras' own index_directory and split, which the dataset is
made from), and for "batches" the shapes, dtypes and per-image channel means of the first batch (of a
dataset with shuffle=False, so in file order). An error is returned as its message.
"""

import contextlib
import io
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras.src.utils import dataset_utils  # noqa: E402
from keras.src.utils import image_dataset_utils  # noqa: E402


def labels_of(directory, kwargs, subset):
    """The label of each file as Keras' index_directory and split give them."""
    labels = kwargs.get("labels", "inferred")
    label_mode = kwargs.get("label_mode", "int")
    if labels is None or label_mode is None:
        return None
    with contextlib.redirect_stdout(io.StringIO()):
        paths, found, _ = dataset_utils.index_directory(
            directory,
            labels,
            formats=image_dataset_utils.ALLOWLIST_FORMATS,
            class_names=kwargs.get("class_names"),
            shuffle=kwargs.get("shuffle", True),
            seed=kwargs.get("seed"),
            follow_links=kwargs.get("follow_links", False),
            verbose=False,
        )
        paths, found = dataset_utils.get_training_or_validation_split(
            paths, found, kwargs.get("validation_split"), subset
        )
    return [int(v) for v in found]


def run(case):
    kwargs = dict(case["kwargs"])
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            result = keras.utils.image_dataset_from_directory(case["directory"], **kwargs)
    except Exception as e:  # noqa: BLE001
        return {"error": str(e), "printed": out.getvalue().splitlines()}
    datasets = result if isinstance(result, (list, tuple)) else [result]
    subsets = ["training", "validation"] if kwargs.get("subset") == "both" else [kwargs.get("subset")]
    report = {"printed": out.getvalue().splitlines(), "class_names": datasets[0].class_names, "datasets": []}
    for ds, subset in zip(datasets, subsets):
        entry = {"file_paths": list(ds.file_paths), "labels": labels_of(case["directory"], kwargs, subset), "length": int(len(ds))}
        if case.get("batches"):
            first = next(iter(ds))
            x, y = (first if isinstance(first, tuple) else (first, None))
            x = x.numpy()
            entry["x_shape"] = list(x.shape)
            entry["x_dtype"] = str(x.dtype)
            entry["x_min"] = float(x.min())
            entry["x_max"] = float(x.max())
            entry["x_means"] = x.mean(axis=(1, 2)).tolist()
            if y is not None:
                y = y.numpy()
                entry["y_shape"] = list(y.shape)
                entry["y_dtype"] = str(y.dtype)
                entry["y"] = y.tolist()
        report["datasets"].append(entry)
    return report


def main():
    cases = json.load(sys.stdin)
    json.dump({c["name"]: run(c) for c in cases}, sys.stdout)


if __name__ == "__main__":
    main()
