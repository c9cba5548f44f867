// Keras parity of Lambda and Identity: the Keras side is test/keras/parity/cases_lambda_identity.py.
import { layers, tf } from "../../../src/index.ts";
import { parityTests } from "../parity/parity.ts";

type T = tf.Tensor;

parityTests("lambda_identity", {
  lambda_polynomial: { build: () => layers.Lambda((x) => tf.add(tf.mul(tf.square(x as T), 2), 1)) },
  lambda_two_inputs: { build: (xs) => layers.Lambda((ts) => tf.mul((ts as T[])[0], tf.tanh((ts as T[])[1])))(xs) },
  lambda_output_shape: { build: () => layers.Lambda((x) => tf.reshape(x as T, [-1, 6]), { outputShape: [6] }) },
  lambda_inferred_shape: { build: () => layers.Lambda((x) => tf.mean(x as T, 1)) },
  lambda_arguments: { build: () => layers.Lambda((x, o) => tf.mul(x as T, o.k as number), { arguments: { k: 3 } }) },
  lambda_two_outputs: { build: (x) => layers.Lambda((t) => [tf.exp(t as T), tf.sum(t as T, -1, true)])(x) },
  lambda_between_dense: { build: (x) => layers.Dense(2)(layers.Lambda((t) => tf.sub(tf.relu(t as T), 0.5))(layers.Dense(4)(x))) },
  identity: { build: () => layers.Identity() },
  identity_in_a_model: { build: (x) => layers.Dense(3)(layers.Identity()(layers.Dense(4, { activation: "tanh" })(x))) },
});
