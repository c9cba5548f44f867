// Keras parity of model.summary(): for each model of test/keras/parity/cases_summary.py, tsdl's
// summaryText() equals the text Keras 3 prints (76-character tables, as in a notebook) line by line,
// besides the harness' checks of names, classes, shapes, counts, outputs and gradients.
import { keras, layers, tf } from "../../src/index.ts";
import { autoName } from "../../src/keras/naming.ts";
import { parityTests } from "./parity/parity.ts";

type Sym = tf.SymbolicTensor;

// Keras' `layers.add` and `layers.GlobalAveragePooling2D`; until tsdl's own land in src/keras/layers,
// tfjs' layers of the same class, with Keras' automatic names.
const kerasLayers = layers as unknown as Record<string, ((...a: unknown[]) => unknown) | undefined>;
const add = (xs: Sym[]): Sym => (kerasLayers.add ? (kerasLayers.add(xs) as Sym) : (tf.layers.add({ name: autoName("Add") }).apply(xs) as Sym));
const globalAveragePooling2D = (x: Sym): Sym =>
  kerasLayers.GlobalAveragePooling2D
    ? ((kerasLayers.GlobalAveragePooling2D() as (x: Sym) => Sym)(x))
    : (tf.layers.globalAveragePooling2d({ name: autoName("GlobalAveragePooling2D") }).apply(x) as Sym);

parityTests(
  "summary",
  {
    mnist_convnet: {
      build: () => [],
      model: () =>
        keras.Sequential([
          keras.Input([28, 28, 1]),
          layers.Conv2D(32, [3, 3], { activation: "relu" }),
          layers.MaxPooling2D([2, 2]),
          layers.Conv2D(64, [3, 3], { activation: "relu" }),
          layers.MaxPooling2D([2, 2]),
          layers.Flatten(),
          layers.Dropout(0.5),
          layers.Dense(10, { activation: "softmax" }),
        ]),
    },
    toy_resnet: {
      build: () => [],
      model: () => {
        const inputs = keras.Input([32, 32, 3], { name: "img" });
        let x = layers.Conv2D(32, 3, { activation: "relu" })(inputs);
        x = layers.Conv2D(64, 3, { activation: "relu" })(x);
        const block1 = layers.MaxPooling2D(3)(x);
        x = layers.Conv2D(64, 3, { activation: "relu", padding: "same" })(block1);
        x = layers.Conv2D(64, 3, { activation: "relu", padding: "same" })(x);
        const block2 = add([x, block1]);
        x = layers.Conv2D(64, 3, { activation: "relu", padding: "same" })(block2);
        x = layers.Conv2D(64, 3, { activation: "relu", padding: "same" })(x);
        const block3 = add([x, block2]);
        x = layers.Conv2D(64, 3, { activation: "relu" })(block3);
        x = globalAveragePooling2D(x);
        x = layers.Dense(256, { activation: "relu" })(x);
        x = layers.Dropout(0.5)(x);
        return keras.Model(inputs, layers.Dense(10)(x), { name: "toy_resnet" });
      },
    },
    functional_bn: {
      build: () => [],
      model: () => {
        const inputs = keras.Input([8, 8, 3], { name: "img" });
        let x = layers.Conv2D(4, 3)(inputs);
        x = layers.BatchNormalization()(x);
        x = layers.ReLU()(x);
        x = layers.Flatten()(x);
        return keras.Model(inputs, layers.Dense(3, { activation: "softmax" })(x));
      },
    },
    frozen_layer: {
      build: () => [],
      model: () => {
        const frozen = layers.Dense(5);
        frozen.trainable = false;
        return keras.Sequential([keras.Input([6]), frozen, layers.BatchNormalization(), layers.Dense(3)]);
      },
    },
    nested_sequential: {
      build: () => [],
      model: () => {
        const block = keras.Sequential([keras.Input([8]), layers.Dense(4), layers.BatchNormalization()], { name: "block" });
        const a = keras.Input([8], { name: "a" });
        const b = keras.Input([4], { name: "b" });
        const h = layers.Dense(4)(block(a) as Sym);
        const shared = layers.Dense(3, { name: "shared" });
        const out = layers.Dense(2)(shared(b));
        return keras.Model([a, b], [shared(h), out]);
      },
    },
    long_names: {
      build: () => [],
      model: () => {
        const a = keras.Input([5], { name: "first_input_with_a_long_name" });
        const b = keras.Input([3], { name: "b" });
        const x = layers.Dense(1000, { name: "a_dense_layer_whose_name_is_longer_than_its_cell" })(a);
        const y = layers.BatchNormalization({ name: "batch_normalization_of_b" })(b);
        const z = layers.Dense(2, { name: "output" })(x);
        return keras.Model([a, b], [z, y], { name: "a_model_whose_name_is_so_long_that_keras_folds_the_title_line_at_eighty_columns" });
      },
    },
  },
  { summary: true },
);
