// The articles' models in tsdl, one builder per seed workload (bench/workloads.ts), compiled as the
// articles compile them: used by bench/training.ts and the seed-000 probes (seed000_models.ts,
// op_profile.ts).
import { keras, layers, optimizers } from "../src/index.ts";
import type { KerasModel, tf } from "../src/index.ts";
import type { WorkloadName } from "./workloads.ts";

function mlp003() {
  const block = (u: number) => [layers.Dense(u, { useBias: false }), layers.BatchNormalization(), layers.Activation("relu")];
  const m = keras.Sequential([layers.Flatten({ inputShape: [28, 28] }), ...block(300), ...block(200), ...block(100), layers.Dense(10, { activation: "softmax" })]);
  m.compile({ loss: "sparse_categorical_crossentropy", optimizer: optimizers.SGD({ learningRate: 0.01, momentum: 0.9, nesterov: true }), metrics: ["accuracy"] });
  return m;
}

function mlp004(bn: boolean) {
  const block = (u: number) => (bn ? [layers.Dense(u), layers.BatchNormalization(), layers.ReLU()] : [layers.Dense(u), layers.ReLU()]);
  const m = keras.Sequential([layers.Flatten({ inputShape: [28, 28] }), ...block(128), ...block(64), layers.Dense(10, { activation: "softmax" })]);
  m.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  return m;
}

function cnn002() {
  const x = layers.Input([32, 32, 3]);
  let h = layers.BatchNormalization()(x);
  h = layers.Conv2D(32, [3, 3], { activation: "relu", name: "conv1" })(h);
  h = layers.Dropout(0.2)(h);
  h = layers.BatchNormalization()(h);
  h = layers.Conv2D(32, [3, 3], { activation: "relu", padding: "same", name: "conv2" })(h);
  h = layers.MaxPooling2D([2, 2], { name: "pool1" })(h);
  h = layers.BatchNormalization()(h);
  h = layers.Conv2D(64, [3, 3], { activation: "relu", padding: "same", name: "conv3" })(h);
  h = layers.MaxPooling2D([2, 2], { name: "pool2" })(h);
  h = layers.Flatten()(h);
  h = layers.Dropout(0.2)(h);
  h = layers.BatchNormalization()(h);
  h = layers.Dense(512, { activation: "relu", name: "hidden" })(h);
  h = layers.Dropout(0.2)(h);
  h = layers.BatchNormalization()(h);
  const m = keras.Model(x, layers.Dense(10, { activation: "softmax", name: "output" })(h));
  m.compile({ loss: "categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
  return m;
}

export const IMSIZE = 224;
/**
 * Seed 000's three models share their ends: the 224x224 image, BatchNormalization, the model's own
 * middle (`body`), Flatten, Dense(2, softmax), and Adam at the article's learning rate.
 */
function seed000(body: (x: tf.SymbolicTensor) => tf.SymbolicTensor, learningRate: number) {
  const input = layers.Input([IMSIZE, IMSIZE, 3]);
  const x = layers.Flatten()(body(layers.BatchNormalization()(input) as tf.SymbolicTensor));
  const m = keras.Model(input, layers.Dense(2, { activation: "softmax" })(x));
  m.compile({ loss: "categorical_crossentropy", optimizer: optimizers.Adam({ learningRate }), metrics: ["accuracy"] });
  return m;
}

const logistic000 = () => seed000((x) => x, 0.01);

const wide000 = () => seed000((x) => layers.MaxPooling2D([16, 16])(layers.Conv2D(100, [2, 2], { activation: "relu" })(x)) as tf.SymbolicTensor, 0.001);

function deep000() {
  return seed000((x) => {
    for (let i = 0; i < 7; i++) x = layers.MaxPooling2D([2, 2])(layers.Conv2D(20, [2, 2], { padding: "same", activation: "relu" })(x)) as tf.SymbolicTensor;
    return x;
  }, 0.01);
}

export const MODELS: Record<WorkloadName, () => KerasModel> = { mlp003, mlp004bn: () => mlp004(true), mlp004: () => mlp004(false), cnn002, logistic000, wide000, deep000 };
