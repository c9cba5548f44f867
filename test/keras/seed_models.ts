// The models of the five seed articles, written as the notebooks write them.
import { keras, layers } from "../../src/index.ts";

/** Seed 000/001: logistic regression, wide and deep models with BN on 224x224x3 images. */
export function seed000(which: "logistic" | "wide" | "deep", size = 224) {
  const input = layers.Input([size, size, 3]);
  let x = layers.BatchNormalization()(input);
  if (which === "wide") {
    x = layers.Conv2D(100, [2, 2], { activation: "relu" })(x);
    x = layers.MaxPooling2D([16, 16])(x);
  } else if (which === "deep") {
    for (let i = 0; i < 7; i++) {
      x = layers.Conv2D(20, [2, 2], { padding: "same", activation: "relu" })(x);
      x = layers.MaxPooling2D([2, 2])(x);
    }
  }
  x = layers.Flatten()(x);
  x = layers.Dense(2, { activation: "softmax" })(x);
  return keras.Model(input, x);
}

/** Seed 002: the CIFAR-10 CNN with BN (optionally without). */
export function seed002(withBN = true) {
  const bn = (h: ReturnType<typeof layers.Input>) => (withBN ? layers.BatchNormalization()(h) : h);
  const x = layers.Input({ shape: [32, 32, 3], name: "input" });
  let h = bn(x);
  h = layers.Conv2D(32, [3, 3], { activation: "relu", name: "conv1" })(h);
  h = layers.Dropout(0.2)(h);
  h = bn(h);
  h = layers.Conv2D(32, [3, 3], { activation: "relu", padding: "same", name: "conv2" })(h);
  h = layers.MaxPooling2D([2, 2], { name: "pool1" })(h);
  h = bn(h);
  h = layers.Conv2D(64, [3, 3], { activation: "relu", padding: "same", name: "conv3" })(h);
  h = layers.MaxPooling2D([2, 2], { name: "pool2" })(h);
  h = layers.Flatten()(h);
  h = layers.Dropout(0.2)(h);
  h = bn(h);
  h = layers.Dense(512, { activation: "relu", name: "hidden" })(h);
  h = layers.Dropout(0.2)(h);
  h = bn(h);
  const y = layers.Dense(10, { activation: "softmax", name: "output" })(h);
  return keras.models.Model(x, y);
}

/** Seed 003: Fashion-MNIST MLP with BN before (or after) the activation. */
export function seed003(placement: "before" | "after" = "before") {
  const block = (units: number) =>
    placement === "before"
      ? [layers.Dense(units, { useBias: false }), layers.BatchNormalization(), layers.Activation(keras.activations.relu)]
      : [layers.Dense(units, { useBias: false }), layers.Activation(keras.activations.relu), layers.BatchNormalization()];
  return keras.Sequential([
    layers.Flatten({ inputShape: [28, 28] }),
    ...block(300),
    ...block(200),
    ...block(100),
    layers.Dense(10, { activation: keras.activations.softmax }),
  ]);
}

/** Seed 004: MNIST MLP with (or without) BN. */
export function seed004(withBN = true) {
  return keras.Sequential([
    layers.Flatten({ inputShape: [28, 28] }),
    layers.Dense(128),
    ...(withBN ? [layers.BatchNormalization()] : []),
    layers.ReLU(),
    layers.Dense(64),
    ...(withBN ? [layers.BatchNormalization()] : []),
    layers.ReLU(),
    layers.Dense(10, { activation: "softmax" }),
  ]);
}
