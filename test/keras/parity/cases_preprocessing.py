"""Parity cases of the preprocessing layers (Keras 3's keras/src/layers/preprocessing): Rescaling,
Normalization (given statistics, and adapted on fixed data: randomize_weights=False keeps Keras'
adapted mean and variance, which test/keras/layers/preprocessing.test.ts compares with tsdl's adapt),
Resizing, CenterCrop, and the random layers in inference (identity, as Keras 3)."""
import numpy as np
from keras import layers
from generate import case, Int


def adapt_data(n, shape, scale, shift):
    """Fixed data for adapt(): sin(1.7 i) over a flat index, per last-axis scale and shift
    (test/keras/layers/preprocessing.test.ts makes the same)."""
    size = n * int(np.prod(shape))
    a = np.sin(np.arange(size, dtype="float64") * 1.7).reshape((n,) + tuple(shape))
    return (a * np.asarray(scale) + np.asarray(shift)).astype("float32")


def adapted(data, **kw):
    def build(x):
        layer = layers.Normalization(**kw)
        layer.adapt(data)
        return layer
    return build


def adapted_batches(x):
    data = adapt_data(30, (3,), [1.0, 3.0, 0.5], [0.0, 2.0, -1.0])
    layer = layers.Normalization()
    layer.adapt([data[:7], data[7:20], data[20:]])
    return layer


CASES = {
    # Rescaling.
    "rescaling_255": case(lambda x: layers.Rescaling(1.0 / 255), inputs=[(2, 4, 4, 3)]),
    "rescaling_offset": case(lambda x: layers.Rescaling(1.0 / 127.5, offset=-1.0), inputs=[(2, 5)]),
    "rescaling_per_channel": case(lambda x: layers.Rescaling([0.5, 2.0, 1.0], offset=[1.0, 0.0, -1.0]), inputs=[(2, 3, 3, 3)]),
    "rescaling_int_input": case(lambda x: layers.Rescaling(0.5), inputs=[Int((2, 4), 256)], grads=False),
    # Normalization with given statistics.
    "normalization_given_scalar": case(lambda x: layers.Normalization(mean=3.0, variance=2.0), inputs=[(4, 3)]),
    "normalization_given_vector": case(lambda x: layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[1.0, 4.0, 9.0]), inputs=[(4, 3)]),
    "normalization_given_invert": case(lambda x: layers.Normalization(mean=[1.0, -2.0], variance=[0.25, 4.0], invert=True), inputs=[(3, 2)]),
    "normalization_given_axis_none": case(lambda x: layers.Normalization(axis=None, mean=0.5, variance=0.0), inputs=[(3, 2)]),
    # Normalization's weights, unadapted (Keras reads assigned weights only after finalize_state, so
    # the harness' random weights would not reach its output).
    "normalization_weights": case(lambda x: layers.Normalization(), inputs=[(4, 5)], randomize_weights=False),
    "normalization_weights_axes": case(lambda x: layers.Normalization(axis=(1, 3)), inputs=[(2, 3, 4, 2)], randomize_weights=False),
    # Normalization adapted on fixed data (Keras' adapted weights kept).
    "normalization_adapted": case(adapted(adapt_data(40, (3,), [1.0, 3.0, 0.5], [0.0, 2.0, -1.0])), inputs=[(4, 3)], randomize_weights=False),
    "normalization_adapted_axis_none": case(adapted(adapt_data(40, (3,), [1.0, 3.0, 0.5], [0.0, 2.0, -1.0]), axis=None), inputs=[(4, 3)], randomize_weights=False),
    "normalization_adapted_axis1": case(adapted(adapt_data(10, (4, 3), [2.0, 1.0, 0.5], [1.0, 0.0, 0.0]), axis=1), inputs=[(2, 4, 3)], randomize_weights=False),
    "normalization_adapted_invert": case(adapted(adapt_data(20, (2,), [4.0, 0.1], [3.0, -5.0]), invert=True), inputs=[(3, 2)], randomize_weights=False),
    "normalization_adapted_batches": case(adapted_batches, inputs=[(4, 3)], randomize_weights=False),
    # Resizing.
    "resizing_bilinear_up": case(lambda x: layers.Resizing(8, 10), inputs=[(2, 5, 7, 3)]),
    "resizing_bilinear_down": case(lambda x: layers.Resizing(3, 4), inputs=[(2, 7, 9, 2)]),
    "resizing_nearest_up": case(lambda x: layers.Resizing(7, 9, interpolation="nearest"), inputs=[(2, 4, 5, 2)]),
    "resizing_nearest_down": case(lambda x: layers.Resizing(3, 2, interpolation="nearest"), inputs=[(2, 8, 5, 1)]),
    "resizing_crop_to_aspect_ratio": case(lambda x: layers.Resizing(4, 4, crop_to_aspect_ratio=True), inputs=[(2, 6, 9, 2)]),
    "resizing_crop_to_aspect_ratio_tall": case(lambda x: layers.Resizing(6, 3, crop_to_aspect_ratio=True, interpolation="nearest"), inputs=[(2, 7, 7, 1)]),
    "resizing_pad_to_aspect_ratio": case(lambda x: layers.Resizing(5, 5, pad_to_aspect_ratio=True, fill_value=0.5), inputs=[(2, 4, 7, 2)]),
    "resizing_channels_first": case(lambda x: layers.Resizing(5, 3, data_format="channels_first"), inputs=[(2, 2, 4, 6)]),
    "resizing_int_input": case(lambda x: layers.Resizing(5, 6), inputs=[Int((2, 3, 4, 1), 256)], grads=False),
    # CenterCrop.
    "center_crop": case(lambda x: layers.CenterCrop(4, 5), inputs=[(2, 7, 8, 3)]),
    "center_crop_odd_from_even": case(lambda x: layers.CenterCrop(3, 3), inputs=[(2, 6, 6, 2)]),
    "center_crop_upsize": case(lambda x: layers.CenterCrop(6, 5), inputs=[(2, 4, 4, 2)]),
    "center_crop_one_side_smaller": case(lambda x: layers.CenterCrop(3, 8), inputs=[(2, 6, 5, 1)]),
    "center_crop_channels_first": case(lambda x: layers.CenterCrop(2, 3, data_format="channels_first"), inputs=[(2, 3, 5, 5)]),
    # Random layers: identity in inference.
    "random_flip_inference": case(lambda x: layers.RandomFlip(), inputs=[(2, 5, 5, 3)]),
    "random_flip_horizontal_inference": case(lambda x: layers.RandomFlip("horizontal", seed=3)(layers.RandomFlip("vertical")(x)), inputs=[(2, 4, 6, 1)]),
    "random_rotation_inference": case(lambda x: layers.RandomRotation(0.2), inputs=[(2, 5, 5, 3)]),
    "random_zoom_inference": case(lambda x: layers.RandomZoom(0.2, 0.3, fill_mode="constant"), inputs=[(2, 6, 5, 2)]),
    "random_translation_inference": case(lambda x: layers.RandomTranslation(0.1, (-0.2, 0.3)), inputs=[(2, 5, 5, 3)]),
    "random_contrast_inference": case(lambda x: layers.RandomContrast(0.3), inputs=[(2, 5, 5, 3)]),
    "augmentation_pipeline": case(
        lambda x: layers.Dense(2)(layers.Flatten()(layers.RandomContrast(0.1)(layers.RandomZoom(0.1)(layers.RandomRotation(0.05)(layers.RandomFlip("horizontal")(layers.Rescaling(1.0 / 255)(x))))))),
        inputs=[(2, 4, 4, 3)]),
}
