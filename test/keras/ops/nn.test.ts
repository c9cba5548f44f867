// Keras parity of the neural-network keras.ops (src/keras/ops/nn.ts): activations, softmax, oneHot,
// topK, normalize, moments and the cross-entropies.
import { opsParity, F, R, T, type OpCase } from "./ops_cases.ts";
import { ops, tf } from "../../../src/index.ts";

const X = R([2, 3, 4], 1, 3);
const M = R([3, 4], 2, 3);
const I = T([[1, -2, 3], [4, 0, -6]], "int32");
const probs = T([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]]);
const onehot = T([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
const labels = T([0, 2, 1], "int32");
const saturated = T([[40, -40, 0], [-30, 30, 0], [0, 0, 50]]); // e^-80 rounds to 0 in float32

const cases: Record<string, OpCase> = {
  relu: { op: "relu", args: [X], grad: [0] },
  relu_int: { op: "relu", args: [I] },
  relu6: { op: "relu6", args: [T([-1, 3, 7, 6])], grad: [0] },
  sigmoid: { op: "sigmoid", args: [X], grad: [0] },
  softplus: { op: "softplus", args: [X], grad: [0] },
  softsign: { op: "softsign", args: [X], grad: [0] },
  silu: { op: "silu", args: [X], grad: [0] },
  swish: { op: "swish", args: [M] },
  gelu: { op: "gelu", args: [X], grad: [0] },
  gelu_exact: { op: "gelu", args: [X], kwargs: { approximate: false }, grad: [0] },
  elu: { op: "elu", args: [X], grad: [0] },
  elu_alpha: { op: "elu", args: [X], kwargs: { alpha: F(0.5) }, grad: [0] },
  selu: { op: "selu", args: [X], grad: [0] },
  celu: { op: "celu", args: [X], kwargs: { alpha: F(2.0) }, grad: [0] },
  leaky_relu: { op: "leaky_relu", args: [X], grad: [0] },
  leaky_relu_slope: { op: "leaky_relu", args: [X], kwargs: { negative_slope: F(0.01) } },
  hard_sigmoid: { op: "hard_sigmoid", args: [X], grad: [0] },
  hard_silu: { op: "hard_silu", args: [X], grad: [0] },
  hard_swish: { op: "hard_swish", args: [M] },
  hard_tanh: { op: "hard_tanh", args: [X] },
  tanh_shrink: { op: "tanh_shrink", args: [X], grad: [0] },
  log_sigmoid: { op: "log_sigmoid", args: [X], grad: [0] },
  softmax: { op: "softmax", args: [X], grad: [0] },
  softmax_axis: { op: "softmax", args: [X], kwargs: { axis: 1 }, grad: [0] },
  softmax_axis_positional: { op: "softmax", args: [X, 0] },
  softmax_none: { op: "softmax", args: [M], kwargs: { axis: null }, grad: [0] },
  log_softmax: { op: "log_softmax", args: [X], grad: [0] },
  log_softmax_axis: { op: "log_softmax", args: [X], kwargs: { axis: -2 }, grad: [0] },
  one_hot: { op: "one_hot", args: [labels, 4] },
  one_hot_2d: { op: "one_hot", args: [T([[0, 1], [2, 3]], "int32"), 3] },
  one_hot_axis: { op: "one_hot", args: [T([[0, 1], [2, 1]], "int32"), 3], kwargs: { axis: 0 } },
  one_hot_out_of_range: { op: "one_hot", args: [T([0, 5, -1], "int32"), 3], kwargs: { dtype: "int32" } },
  top_k: { op: "top_k", args: [M, 2], grad: [0] },
  top_k_unsorted_values: { op: "top_k", args: [R([5], 3), 5] },
  normalize: { op: "normalize", args: [M], grad: [0] },
  normalize_axis: { op: "normalize", args: [M], kwargs: { axis: 0 }, grad: [0] },
  normalize_l1: { op: "normalize", args: [M], kwargs: { order: 1 }, grad: [0] },
  normalize_zero: { op: "normalize", args: [T([[0, 0], [3, 4]])] },
  moments: { op: "moments", args: [X, [0, 1]], grad: [0] },
  moments_keepdims: { op: "moments", args: [X, [2]], kwargs: { keepdims: true }, grad: [0] },
  categorical_crossentropy: { op: "categorical_crossentropy", args: [onehot, probs], grad: [1] },
  categorical_crossentropy_unnormalized: { op: "categorical_crossentropy", args: [onehot, T([[2, 1, 1], [0.5, 0.5, 1], [0, 1, 1]])], grad: [1] },
  categorical_crossentropy_logits: { op: "categorical_crossentropy", args: [onehot, R([3, 3], 5, 3)], kwargs: { from_logits: true }, grad: [0, 1] },
  categorical_crossentropy_axis: { op: "categorical_crossentropy", args: [onehot, probs], kwargs: { axis: 0 } },
  categorical_crossentropy_saturated: { op: "categorical_crossentropy", args: [onehot, T([[1, 0, 0], [0, 1, 0], [0, 0, 1]])] },
  sparse_categorical_crossentropy: { op: "sparse_categorical_crossentropy", args: [labels, probs], grad: [1] },
  sparse_categorical_crossentropy_logits: { op: "sparse_categorical_crossentropy", args: [labels, R([3, 3], 5, 3)], kwargs: { from_logits: true }, grad: [1] },
  sparse_categorical_crossentropy_column: { op: "sparse_categorical_crossentropy", args: [T([[0], [2], [1]], "int32"), probs] },
  sparse_categorical_crossentropy_3d: { op: "sparse_categorical_crossentropy", args: [T([[0, 1], [2, 2]], "int32"), R([2, 2, 3], 4, 3)], kwargs: { from_logits: true }, grad: [1] },
  binary_crossentropy: { op: "binary_crossentropy", args: [T([[1, 0, 1], [0, 0.5, 1]]), T([[0.9, 0.2, 0.6], [0.4, 0.5, 1]])], grad: [0, 1] },
  binary_crossentropy_logits: { op: "binary_crossentropy", args: [T([[1, 0, 1], [0, 0.5, 1]]), R([2, 3], 6, 3)], kwargs: { from_logits: true }, grad: [0, 1] },
  dot_product_attention: { op: "dot_product_attention", args: [R([2, 3, 2, 4], 1, 1), R([2, 5, 2, 4], 2, 1), R([2, 5, 2, 4], 3, 1)], grad: [0, 1, 2] },
  dot_product_attention_causal_scale: { op: "dot_product_attention", args: [R([1, 4, 2, 3], 1, 1), R([1, 4, 2, 3], 2, 1), R([1, 4, 2, 3], 3, 1)], kwargs: { is_causal: true, scale: F(0.3) }, grad: [0, 1, 2] },
  dot_product_attention_mask_bias: {
    op: "dot_product_attention", args: [R([1, 3, 2, 4], 1, 1), R([1, 4, 2, 4], 2, 1), R([1, 4, 2, 4], 3, 1)],
    kwargs: { mask: T([[[[true, true, false, true], [false, false, false, false], [true, false, true, true]]]], "bool"), bias: R([1, 2, 3, 4], 4, 1) }, grad: [0, 1, 2],
  },
  dot_product_attention_grouped: { op: "dot_product_attention", args: [R([1, 3, 4, 2], 1, 1), R([1, 5, 2, 2], 2, 1), R([1, 5, 2, 2], 3, 1)], grad: [0, 1, 2] },
  // A softmax's or sigmoid's output computes the cross-entropy from its logits, as Keras on TensorFlow.
  categorical_crossentropy_of_softmax: {
    op: "categorical_crossentropy", args: [onehot, saturated], kwargs: { from_logits: true }, grad: [1],
    ts: ([t, l]) => tf.tidy(() => ops.categoricalCrossentropy(t as tf.Tensor, ops.softmax(l as tf.Tensor))),
  },
  sparse_categorical_crossentropy_of_softmax: {
    op: "sparse_categorical_crossentropy", args: [labels, saturated], kwargs: { from_logits: true }, grad: [1],
    ts: ([t, l]) => tf.tidy(() => ops.sparseCategoricalCrossentropy(t as tf.Tensor, ops.softmax(l as tf.Tensor))),
  },
  binary_crossentropy_of_sigmoid: {
    op: "binary_crossentropy", args: [onehot, saturated], kwargs: { from_logits: true }, grad: [1],
    ts: ([t, l]) => tf.tidy(() => ops.binaryCrossentropy(t as tf.Tensor, ops.sigmoid(l as tf.Tensor))),
  },
};

opsParity("nn", cases);
