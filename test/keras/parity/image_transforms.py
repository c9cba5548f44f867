"""Keras 3 as the oracle of the random image layers in training, with chosen transformations.

    .venv/bin/python test/keras/parity/image_transforms.py OUT.json

The random draws cannot match (the generators differ), so each case fixes the transformation
(flips, angles, zooms, shifts, contrast factors), runs the Keras layer's own transform_images with
it, and records the images and the output. test/keras/layers/preprocessing.test.ts gives tsdl's layer
the same transformation (transformWith) and compares.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers, ops  # noqa: E402

FILL_MODES = ["reflect", "wrap", "constant", "nearest"]
INTERPOLATIONS = ["bilinear", "nearest"]


def arr(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "data": a.astype(np.float64).ravel().tolist()}


def cases(rng):
    out = []
    images = rng.uniform(0, 255, (3, 5, 7, 2)).astype("float32")

    def add(name, layer_class, config, params, x, transformation):
        layer = getattr(layers, layer_class)(**config)
        y = layer.transform_images(ops.convert_to_tensor(x), transformation, training=True)
        out.append({"name": name, "layer": layer_class, "config": config, "params": params, "images": arr(x), "output": arr(ops.convert_to_numpy(y))})

    flips = [True, False, True]
    for mode in ["horizontal", "vertical", "horizontal_and_vertical"]:
        add(f"flip_{mode}", "RandomFlip", {"mode": mode}, {"flips": flips}, images,
            {"flips": np.asarray(flips).reshape(3, 1, 1, 1)})

    angles = [30.0, -75.0, 180.0]
    for fill in FILL_MODES:
        for interp in INTERPOLATIONS:
            config = {"factor": 0.5, "fill_mode": fill, "interpolation": interp, "fill_value": 0.5 if fill == "constant" else 0.0}
            layer = layers.RandomRotation(**config)
            m = layer._compute_affine_matrix(
                center_x=0.5, center_y=0.5, angle=ops.convert_to_tensor(angles), translate_x=ops.zeros([3]), translate_y=ops.zeros([3]),
                scale=ops.ones([3]), shear_x=ops.zeros([3]), shear_y=ops.zeros([3]), height=5, width=7)
            add(f"rotation_{fill}_{interp}", "RandomRotation", config, {"angles": angles}, images, {"rotation_matrix": m})
    # Channels first.
    config = {"factor": 0.5, "data_format": "channels_first"}
    layer = layers.RandomRotation(**config)
    m = layer._compute_affine_matrix(
        center_x=0.5, center_y=0.5, angle=ops.convert_to_tensor(angles), translate_x=ops.zeros([3]), translate_y=ops.zeros([3]),
        scale=ops.ones([3]), shear_x=ops.zeros([3]), shear_y=ops.zeros([3]), height=5, width=7)
    add("rotation_channels_first", "RandomRotation", config, {"angles": angles}, np.transpose(images, (0, 3, 1, 2)).copy(), {"rotation_matrix": m})

    hz, wz = [1.3, 0.7, 1.0], [0.8, 1.25, 1.5]
    for fill in FILL_MODES:
        for interp in INTERPOLATIONS:
            config = {"height_factor": 0.5, "width_factor": 0.5, "fill_mode": fill, "interpolation": interp, "fill_value": 0.5 if fill == "constant" else 0.0}
            add(f"zoom_{fill}_{interp}", "RandomZoom", config, {"heightZoom": hz, "widthZoom": wz}, images,
                {"height_zoom": np.asarray(hz, "float32").reshape(3, 1), "width_zoom": np.asarray(wz, "float32").reshape(3, 1)})

    dx, dy = [2.5, -3.0, 0.0], [-1.0, 0.4, 6.0]
    for fill in FILL_MODES:
        for interp in INTERPOLATIONS:
            config = {"height_factor": 0.5, "width_factor": 0.5, "fill_mode": fill, "interpolation": interp, "fill_value": 0.5 if fill == "constant" else 0.0}
            add(f"translation_{fill}_{interp}", "RandomTranslation", config, {"dy": dy, "dx": dx}, images,
                {"translations": np.stack([dx, dy], axis=1).astype("float32")})

    factors = [1.3, 0.6, 1.0]
    add("contrast", "RandomContrast", {"factor": 0.5}, {"factors": factors}, images,
        {"contrast_factor": np.asarray(factors, "float32").reshape(3, 1, 1, 1)})
    bright = rng.uniform(150, 255, (3, 5, 7, 2)).astype("float32")  # clipped at 255 when stretched
    add("contrast_clipped", "RandomContrast", {"factor": 0.5}, {"factors": factors}, bright,
        {"contrast_factor": np.asarray(factors, "float32").reshape(3, 1, 1, 1)})
    unit = rng.uniform(0, 1, (3, 5, 7, 2)).astype("float32")
    add("contrast_value_range", "RandomContrast", {"factor": 0.5, "value_range": (0, 1)}, {"factors": factors}, unit,
        {"contrast_factor": np.asarray(factors, "float32").reshape(3, 1, 1, 1)})
    return out


def main(path):
    rng = np.random.default_rng(11)
    result = {"keras": keras.__version__, "cases": cases(rng)}
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f)
    os.replace(tmp, path)


if __name__ == "__main__":
    main(sys.argv[1])
