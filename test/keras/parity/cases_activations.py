"""Parity cases of keras.activations (every function, by name in an Activation layer and in Dense,
with parameters through a function) and of the activation layers (Keras 3's
keras/src/layers/activations): Activation, ReLU, LeakyReLU, PReLU, ELU, Softmax."""
import keras
from keras import activations, layers
from generate import Float, case

# Inputs spread over [-5, 5]: every piece of the piecewise activations (hard_sigmoid saturates at +-3).
WIDE = Float((3, 10), -5.0, 5.0)

# Not sparsemax: Keras 3.15's is not the paper's (see the Porting note in src/keras/activations.ts);
# test/keras/layers/activations.test.ts checks tsdl's against the formula.
NAMES = [
    "linear", "relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "sigmoid", "hard_sigmoid",
    "sparse_sigmoid", "log_sigmoid", "softmax", "log_softmax", "softplus", "sparse_plus",
    "squareplus", "softsign", "tanh", "hard_tanh", "tanh_shrink", "soft_shrink", "hard_shrink", "silu",
    "swish", "hard_silu", "hard_swish", "mish", "exponential",
]

CASES = {}
# Every activation by name, in an Activation layer.
for n in NAMES:
    CASES[f"activation_{n}"] = case(lambda x, n=n: layers.Activation(n), inputs=[WIDE])

CASES.update({
    # By name in Dense (tfjs' own activation where it matches Keras, tsdl's elsewhere), and two in a row.
    "dense_gelu": case(lambda x: layers.Dense(5, activation="gelu"), inputs=[(3, 4)]),
    "dense_hard_swish": case(lambda x: layers.Dense(5, activation="hard_swish"), inputs=[(3, 4)]),
    "dense_leaky_relu": case(lambda x: layers.Dense(5, activation="leaky_relu"), inputs=[(3, 4)]),
    "dense_hard_sigmoid_softmax": case(lambda x: layers.Dense(3, activation="softmax")(layers.Dense(6, activation="hard_sigmoid")(x)), inputs=[(4, 5)]),
    "conv2d_selu": case(lambda x: layers.Conv2D(3, 3, activation="selu"), inputs=[(2, 5, 5, 2)]),
    "conv2d_mish": case(lambda x: layers.Conv2D(2, 2, activation="mish"), inputs=[(2, 4, 4, 3)]),
    # Functions with their parameters (Activation of a function).
    "gelu_approximate": case(lambda x: layers.Activation(lambda t: activations.gelu(t, approximate=True)), inputs=[WIDE]),
    "relu_all_options": case(lambda x: layers.Activation(lambda t: activations.relu(t, negative_slope=0.1, max_value=2.5, threshold=0.5)), inputs=[WIDE]),
    "relu_slope_and_max": case(lambda x: layers.Activation(lambda t: activations.relu(t, negative_slope=0.2, max_value=3.0)), inputs=[WIDE]),
    "leaky_relu_slope": case(lambda x: layers.Activation(lambda t: activations.leaky_relu(t, negative_slope=0.05)), inputs=[WIDE]),
    "elu_alpha": case(lambda x: layers.Activation(lambda t: activations.elu(t, alpha=0.4)), inputs=[WIDE]),
    "celu_alpha": case(lambda x: layers.Activation(lambda t: activations.celu(t, alpha=2.0)), inputs=[WIDE]),
    "soft_shrink_threshold": case(lambda x: layers.Activation(lambda t: activations.soft_shrink(t, threshold=1.5)), inputs=[WIDE]),
    "hard_shrink_threshold": case(lambda x: layers.Activation(lambda t: activations.hard_shrink(t, threshold=1.5)), inputs=[WIDE]),
    "squareplus_b": case(lambda x: layers.Activation(lambda t: activations.squareplus(t, b=1.0)), inputs=[WIDE]),
    "threshold": case(lambda x: layers.Activation(lambda t: activations.threshold(t, 0.5, -1.0)), inputs=[WIDE]),
    "softmax_axis1": case(lambda x: layers.Activation(lambda t: activations.softmax(t, axis=1)), inputs=[(2, 4, 3)]),
    "log_softmax_axis1": case(lambda x: layers.Activation(lambda t: activations.log_softmax(t, axis=1)), inputs=[(2, 4, 3)]),
    # The activation layers.
    "re_lu_default": case(lambda x: layers.ReLU(), inputs=[WIDE]),
    "re_lu_max6": case(lambda x: layers.ReLU(max_value=6.0), inputs=[Float((3, 10), -8.0, 8.0)]),
    "re_lu_all_options": case(lambda x: layers.ReLU(max_value=2.0, negative_slope=0.3, threshold=1.0), inputs=[WIDE]),
    "re_lu_slope_only": case(lambda x: layers.ReLU(negative_slope=0.25), inputs=[WIDE]),
    "re_lu_threshold_only": case(lambda x: layers.ReLU(threshold=1.5), inputs=[WIDE]),
    "re_lu_max_only": case(lambda x: layers.ReLU(max_value=1.0), inputs=[WIDE]),
    "leaky_re_lu_default": case(lambda x: layers.LeakyReLU(), inputs=[WIDE]),
    "leaky_re_lu_slope": case(lambda x: layers.LeakyReLU(negative_slope=0.01), inputs=[WIDE]),
    "p_re_lu_default": case(lambda x: layers.PReLU(), inputs=[(3, 6)]),
    "p_re_lu_shared_images": case(lambda x: layers.PReLU(shared_axes=[1, 2]), inputs=[(2, 4, 5, 3)]),
    "p_re_lu_shared_steps": case(lambda x: layers.PReLU(shared_axes=1), inputs=[(2, 5, 4)]),
    "p_re_lu_unshared_rank3": case(lambda x: layers.PReLU(), inputs=[(2, 3, 4)]),
    "elu_layer_default": case(lambda x: layers.ELU(), inputs=[WIDE]),
    "elu_layer_alpha": case(lambda x: layers.ELU(alpha=0.5), inputs=[WIDE]),
    "softmax_layer_default": case(lambda x: layers.Softmax(), inputs=[(3, 5)]),
    "softmax_layer_axis1": case(lambda x: layers.Softmax(axis=1), inputs=[(2, 4, 3)]),
    "softmax_layer_two_axes": case(lambda x: layers.Softmax(axis=[1, 2]), inputs=[(2, 3, 4)]),
    # Several in a model: names and counters (re_lu, re_lu_1, activation, activation_1, ...).
    "stack": case(lambda x: layers.Dense(2)(layers.Activation("tanh")(layers.PReLU()(layers.LeakyReLU()(layers.ReLU()(layers.Activation("gelu")(layers.Dense(4)(x))))))), inputs=[(3, 5)]),
})
