"""Parity cases of Lambda and Identity (Keras 3's keras/src/layers/core/lambda_layer.py, identity.py):
the functions are written with keras.ops here and with tf ops on the tsdl side."""
from keras import layers, ops
from generate import case

CASES = {
    "lambda_polynomial": case(lambda x: layers.Lambda(lambda t: ops.square(t) * 2.0 + 1.0), inputs=[(3, 4)]),
    "lambda_two_inputs": case(lambda xs: layers.Lambda(lambda ts: ts[0] * ops.tanh(ts[1]))(xs), inputs=[(2, 5), (2, 5)]),
    "lambda_output_shape": case(lambda x: layers.Lambda(lambda t: ops.reshape(t, (-1, 6)), output_shape=(6,)), inputs=[(2, 2, 3)]),
    "lambda_inferred_shape": case(lambda x: layers.Lambda(lambda t: ops.mean(t, axis=1)), inputs=[(2, 4, 3)]),
    "lambda_arguments": case(lambda x: layers.Lambda(lambda t, k: t * k, arguments={"k": 3.0}), inputs=[(2, 3)]),
    "lambda_two_outputs": case(lambda x: layers.Lambda(lambda t: [ops.exp(t), ops.sum(t, axis=-1, keepdims=True)])(x), inputs=[(2, 3)]),
    "lambda_between_dense": case(lambda x: layers.Dense(2)(layers.Lambda(lambda t: ops.relu(t) - 0.5)(layers.Dense(4)(x))), inputs=[(3, 5)]),
    "identity": case(lambda x: layers.Identity(), inputs=[(2, 3)]),
    "identity_in_a_model": case(lambda x: layers.Dense(3)(layers.Identity()(layers.Dense(4, activation="tanh")(x))), inputs=[(2, 5)]),
}
