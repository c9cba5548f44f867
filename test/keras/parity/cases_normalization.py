"""Parity cases of the normalization layers (Keras 3's keras/src/layers/normalization):
LayerNormalization (axes, epsilon, center/scale), GroupNormalization (groups, axes, instance norm),
UnitNormalization (axes), RMSNormalization. BatchNormalization is in cases_core.py."""
from keras import layers
from generate import case

CASES = {
    "layer_normalization_default": case(lambda x: layers.LayerNormalization(), inputs=[(3, 6)]),
    "layer_normalization_rank3": case(lambda x: layers.LayerNormalization(), inputs=[(2, 4, 5)]),
    "layer_normalization_axis1": case(lambda x: layers.LayerNormalization(axis=1), inputs=[(2, 4, 5)]),
    "layer_normalization_two_axes": case(lambda x: layers.LayerNormalization(axis=[1, 2]), inputs=[(2, 3, 4, 2)]),
    "layer_normalization_negative_axes": case(lambda x: layers.LayerNormalization(axis=[-2, -1]), inputs=[(2, 3, 4)]),
    "layer_normalization_images_channels": case(lambda x: layers.LayerNormalization(axis=3, epsilon=1e-5), inputs=[(2, 3, 3, 4)]),
    "layer_normalization_no_center": case(lambda x: layers.LayerNormalization(center=False), inputs=[(3, 5)]),
    "layer_normalization_no_scale": case(lambda x: layers.LayerNormalization(scale=False), inputs=[(3, 5)]),
    "layer_normalization_neither": case(lambda x: layers.LayerNormalization(center=False, scale=False), inputs=[(3, 5)]),
    "group_normalization_default_channels": case(lambda x: layers.GroupNormalization(groups=2), inputs=[(2, 6)]),
    "group_normalization_images": case(lambda x: layers.GroupNormalization(groups=2), inputs=[(2, 3, 3, 4)]),
    "group_normalization_one_group": case(lambda x: layers.GroupNormalization(groups=1), inputs=[(2, 3, 4)]),
    "group_normalization_instance": case(lambda x: layers.GroupNormalization(groups=-1), inputs=[(2, 4, 3)]),
    "group_normalization_axis1": case(lambda x: layers.GroupNormalization(groups=3, axis=1), inputs=[(2, 6, 4)]),
    "group_normalization_axis_minus2": case(lambda x: layers.GroupNormalization(groups=2, axis=-2), inputs=[(2, 3, 4, 2)]),
    "group_normalization_epsilon_no_center": case(lambda x: layers.GroupNormalization(groups=4, epsilon=0.1, center=False), inputs=[(2, 5, 8)]),
    "group_normalization_no_scale": case(lambda x: layers.GroupNormalization(groups=2, scale=False), inputs=[(2, 5, 4)]),
    "unit_normalization_default": case(lambda x: layers.UnitNormalization(), inputs=[(3, 5)]),
    "unit_normalization_axis1": case(lambda x: layers.UnitNormalization(axis=1), inputs=[(2, 4, 3)]),
    "unit_normalization_two_axes": case(lambda x: layers.UnitNormalization(axis=[1, 2]), inputs=[(2, 3, 4)]),
    "rms_normalization_default": case(lambda x: layers.RMSNormalization(), inputs=[(2, 3, 5)]),
    "rms_normalization_epsilon": case(lambda x: layers.RMSNormalization(epsilon=0.1), inputs=[(3, 4)]),
    # In a model: names, counters, gradients through dense weights.
    "stack": case(lambda x: layers.Dense(2)(layers.UnitNormalization()(layers.GroupNormalization(groups=2)(layers.LayerNormalization()(layers.Dense(4)(x))))), inputs=[(3, 5)]),
}
