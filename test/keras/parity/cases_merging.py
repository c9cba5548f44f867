"""Parity cases of the merging layers (Keras 3's keras/src/layers/merging): Add, Subtract, Multiply,
Average, Maximum, Minimum (two and three inputs, broadcasting, lower-rank inputs), Concatenate (axes),
Dot (axes, normalize, ranks 2 to 4), and the functional forms add([...]), concatenate([...]), dot([...])."""
from keras import layers
from generate import case

CASES = {
    "add_two": case(lambda x: layers.Add(), inputs=[(3, 4), (3, 4)]),
    "add_three_functional": case(lambda x: layers.add(x), inputs=[(3, 4), (3, 4), (3, 4)]),
    "add_broadcast": case(lambda x: layers.Add(), inputs=[(2, 4, 5), (2, 1, 5)]),
    "add_lower_rank": case(lambda x: layers.Add(), inputs=[(2, 4, 5), (2, 5)]),
    "subtract_two": case(lambda x: layers.Subtract(), inputs=[(3, 4), (3, 4)]),
    "subtract_functional_broadcast": case(lambda x: layers.subtract(x), inputs=[(3, 4), (3, 1)]),
    "multiply_two": case(lambda x: layers.Multiply(), inputs=[(3, 4), (3, 4)]),
    "multiply_three_functional": case(lambda x: layers.multiply(x), inputs=[(3, 2, 4), (3, 2, 4), (3, 1, 4)]),
    "average_two": case(lambda x: layers.Average(), inputs=[(3, 4), (3, 4)]),
    "average_three_functional": case(lambda x: layers.average(x), inputs=[(3, 4), (3, 4), (3, 4)]),
    "maximum_two": case(lambda x: layers.Maximum(), inputs=[(3, 5), (3, 5)]),
    "maximum_three_functional": case(lambda x: layers.maximum(x), inputs=[(3, 5), (3, 5), (3, 5)]),
    "maximum_broadcast": case(lambda x: layers.Maximum(), inputs=[(2, 3, 4), (2, 1, 4)]),
    "minimum_two": case(lambda x: layers.Minimum(), inputs=[(3, 5), (3, 5)]),
    "minimum_three_functional": case(lambda x: layers.minimum(x), inputs=[(3, 5), (3, 5), (3, 5)]),
    "concatenate_default": case(lambda x: layers.Concatenate(), inputs=[(3, 4), (3, 2)]),
    "concatenate_axis1": case(lambda x: layers.Concatenate(axis=1), inputs=[(2, 3, 4), (2, 5, 4)]),
    "concatenate_three_functional": case(lambda x: layers.concatenate(x, axis=-2), inputs=[(2, 1, 3), (2, 2, 3), (2, 4, 3)]),
    "concatenate_images": case(lambda x: layers.Concatenate(), inputs=[(2, 3, 3, 2), (2, 3, 3, 4)]),
    "dot_axes1": case(lambda x: layers.Dot(axes=1), inputs=[(3, 4), (3, 4)]),
    "dot_normalize": case(lambda x: layers.Dot(axes=1, normalize=True), inputs=[(3, 4), (3, 4)]),
    "dot_matmul": case(lambda x: layers.Dot(axes=(2, 1)), inputs=[(2, 3, 4), (2, 4, 5)]),
    "dot_last_axes": case(lambda x: layers.Dot(axes=2), inputs=[(2, 3, 4), (2, 5, 4)]),
    "dot_first_axes": case(lambda x: layers.Dot(axes=1), inputs=[(2, 3, 4), (2, 3, 5)]),
    "dot_rank2_rank3": case(lambda x: layers.Dot(axes=(1, 1)), inputs=[(2, 4), (2, 4, 3)]),
    "dot_rank3_rank2": case(lambda x: layers.Dot(axes=(2, 1)), inputs=[(2, 3, 4), (2, 4)]),
    "dot_rank4": case(lambda x: layers.Dot(axes=(3, 1)), inputs=[(2, 3, 4, 5), (2, 5, 6)]),
    "dot_rank4_both": case(lambda x: layers.Dot(axes=(1, 2)), inputs=[(2, 3, 4, 2), (2, 5, 3, 2)]),
    "dot_functional_normalize": case(lambda x: layers.dot(x, axes=-1, normalize=True), inputs=[(2, 3, 4), (2, 5, 4)]),
    # With weights before the merge: gradients of both branches; names and counters.
    "dense_branches": case(
        lambda x: layers.Dense(2)(layers.concatenate([layers.add([layers.Dense(3)(x[0]), layers.Dense(3)(x[1])]), layers.multiply([layers.Dense(3)(x[0]), layers.Dense(3)(x[1])])])),
        inputs=[(3, 4), (3, 5)],
    ),
    "siamese_cosine": case(lambda x: (lambda d: layers.Dot(axes=1, normalize=True)([d(x[0]), d(x[1])]))(layers.Dense(4)), inputs=[(3, 6), (3, 6)]),
}
CASES["minimum_broadcast_lower_rank"] = case(lambda x: layers.Minimum(), inputs=[(2, 3, 4), (2, 4)])
