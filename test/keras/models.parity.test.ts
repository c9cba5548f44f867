// Keras parity of model construction (test/keras/parity/cases_models.py): Sequential with keras.Input,
// a Sequential used as a layer, dict inputs with two outputs, frozen layers and a frozen inner model
// (trainable counts, no gradients for frozen weights, a frozen BatchNormalization in inference mode).
import { keras, layers } from "../../src/index.ts";
import type { tf } from "../../src/index.ts";
import { parityTests } from "./parity/parity.ts";

type Sym = tf.SymbolicTensor;

parityTests("models", {
  sequential_with_input: {
    build: () => [],
    model: () => keras.Sequential([keras.Input([6]), layers.Dense(4, { activation: "relu" }), layers.Dense(2)]),
  },
  sequential_in_functional: {
    build: () => [],
    model: () => {
      const inner = keras.Sequential([keras.Input([5]), layers.Dense(4, { activation: "tanh" }), layers.Dense(3)]);
      const x = keras.Input([5]);
      return keras.Model(x, layers.Dense(2)(inner(x) as Sym));
    },
  },
  two_inputs_two_outputs: {
    build: () => [],
    model: () => {
      const a = keras.Input([3], { name: "title" });
      const b = keras.Input([4], { name: "body" });
      const h = layers.Dense(5, { activation: "relu", name: "shared" });
      return keras.Model({ title: a, body: b }, [layers.Dense(2, { name: "priority" })(h(layers.Dense(5)(a))), layers.Dense(3, { name: "department" })(h(layers.Dense(5)(b)))]);
    },
  },
  frozen_layers: {
    build: () => [],
    model: () => {
      const x = keras.Input([4]);
      const frozen = layers.Dense(3, { trainable: false });
      const bn = layers.BatchNormalization();
      bn.trainable = false;
      return keras.Model(x, layers.Dense(2)(bn(frozen(x))));
    },
  },
  frozen_inner_model: {
    build: () => [],
    model: () => {
      const inner = keras.Sequential([keras.Input([3]), layers.Dense(3), layers.BatchNormalization()], { name: "base" });
      inner.trainable = false;
      const x = keras.Input([3]);
      return keras.Model(x, layers.Dense(1)(inner(x, { training: false }) as Sym), { name: "fine_tuned" });
    },
  },
}, { summary: true });
