// Keras parity of keras.activations and the activation layers: the Keras side is
// test/keras/parity/cases_activations.py.
import { activations, layers } from "../../../src/index.ts";
import type { ActivationName } from "../../../src/keras/activations.ts";
import { parityTests, type CaseSpec } from "../parity/parity.ts";

const NAMES: ActivationName[] = [
  "linear", "relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "sigmoid", "hard_sigmoid",
  "sparse_sigmoid", "log_sigmoid", "softmax", "log_softmax", "softplus", "sparse_plus",
  "squareplus", "softsign", "tanh", "hard_tanh", "tanh_shrink", "soft_shrink", "hard_shrink", "silu",
  "swish", "hard_silu", "hard_swish", "mish", "exponential",
];

const specs: Record<string, CaseSpec> = Object.fromEntries(NAMES.map((n) => [`activation_${n}`, { build: () => layers.Activation(n) }]));

Object.assign(specs, {
  dense_gelu: { build: () => layers.Dense(5, { activation: "gelu" }) },
  dense_hard_swish: { build: () => layers.Dense(5, { activation: "hard_swish" }) },
  dense_leaky_relu: { build: () => layers.Dense(5, { activation: "leaky_relu" }) },
  dense_hard_sigmoid_softmax: { build: (x) => layers.Dense(3, { activation: "softmax" })(layers.Dense(6, { activation: "hard_sigmoid" })(x)) },
  conv2d_selu: { build: () => layers.Conv2D(3, 3, { activation: "selu" }) },
  conv2d_mish: { build: () => layers.Conv2D(2, 2, { activation: "mish" }) },
  gelu_approximate: { build: () => layers.Activation((t) => activations.gelu(t, { approximate: true })) },
  relu_all_options: { build: () => layers.Activation((t) => activations.relu(t, { negativeSlope: 0.1, maxValue: 2.5, threshold: 0.5 })) },
  relu_slope_and_max: { build: () => layers.Activation((t) => activations.relu(t, { negativeSlope: 0.2, maxValue: 3 })) },
  leaky_relu_slope: { build: () => layers.Activation((t) => activations.leaky_relu(t, { negativeSlope: 0.05 })) },
  elu_alpha: { build: () => layers.Activation((t) => activations.elu(t, { alpha: 0.4 })) },
  celu_alpha: { build: () => layers.Activation((t) => activations.celu(t, { alpha: 2 })) },
  soft_shrink_threshold: { build: () => layers.Activation((t) => activations.soft_shrink(t, { threshold: 1.5 })) },
  hard_shrink_threshold: { build: () => layers.Activation((t) => activations.hard_shrink(t, 1.5)) },
  squareplus_b: { build: () => layers.Activation((t) => activations.squareplus(t, { b: 1 })) },
  threshold: { build: () => layers.Activation((t) => activations.threshold(t, 0.5, -1)) },
  softmax_axis1: { build: () => layers.Activation((t) => activations.softmax(t, { axis: 1 })) },
  log_softmax_axis1: { build: () => layers.Activation((t) => activations.log_softmax(t, 1)) },
  re_lu_default: { build: () => layers.ReLU() },
  re_lu_max6: { build: () => layers.ReLU(6) },
  re_lu_all_options: { build: () => layers.ReLU({ maxValue: 2, negativeSlope: 0.3, threshold: 1 }) },
  re_lu_slope_only: { build: () => layers.ReLU({ negativeSlope: 0.25 }) },
  re_lu_threshold_only: { build: () => layers.ReLU({ threshold: 1.5 }) },
  re_lu_max_only: { build: () => layers.ReLU({ maxValue: 1 }) },
  leaky_re_lu_default: { build: () => layers.LeakyReLU() },
  leaky_re_lu_slope: { build: () => layers.LeakyReLU(0.01) },
  p_re_lu_default: { build: () => layers.PReLU() },
  p_re_lu_shared_images: { build: () => layers.PReLU({ sharedAxes: [1, 2] }) },
  p_re_lu_shared_steps: { build: () => layers.PReLU({ sharedAxes: 1 }) },
  p_re_lu_unshared_rank3: { build: () => layers.PReLU() },
  elu_layer_default: { build: () => layers.ELU() },
  elu_layer_alpha: { build: () => layers.ELU({ alpha: 0.5 }) },
  softmax_layer_default: { build: () => layers.Softmax() },
  softmax_layer_axis1: { build: () => layers.Softmax(1) },
  softmax_layer_two_axes: { build: () => layers.Softmax({ axis: [1, 2] }) },
  stack: { build: (x) => layers.Dense(2)(layers.Activation("tanh")(layers.PReLU()(layers.LeakyReLU()(layers.ReLU()(layers.Activation("gelu")(layers.Dense(4)(x))))))) },
} satisfies Record<string, CaseSpec>);

parityTests("activations", specs);
