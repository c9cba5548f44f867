// %% [markdown]
// # With and without Batch Normalization — MNIST
//
// A port of *A Deep Dive into Batch Normalization using Python 3* (seed 004). The article trains a
// 784-128-64-10 network on MNIST twice, once with a BN layer after each hidden `Dense` layer and once
// without, with Adam for 10 epochs, and plots the two training curves side by side. Its run with BN
// ends at a validation accuracy of **0.9802** after 10 epochs (validation here is the test set).
//
// BN normalises each hidden unit over the mini-batch before the ReLU. For a network this shallow the
// gain is mostly in how fast the loss falls during the first epochs; both versions end near 98%.
//
// **Data.** MNIST cannot be downloaded on the machine this repository is tested on. When the real
// `mnist.npz` is neither in `TSDL_DATA_DIR`, nor in the cache, nor downloadable, the notebook runs on a
// generated stand-in in MNIST's own format (`standInIfMissing`), says so, runs at smoke scale, and its
// reproduction record is marked as not reproduced. Put Keras' `mnist.npz` in `~/.tsdl/datasets/mnist/`
// to run it for real.

// %%
import { keras, layers, datasets, display, backend } from "tsdl";
const data = await datasets.mnist.loadData({ standInIfMissing: true });
const [[xTrainRaw, yTrain], [xTestRaw, yTest]] = data;
const REAL = !data.standIn;
const SCALE = process.env.TSDL_SCALE === "smoke" || !REAL ? "smoke" : "full";
const EPOCHS = SCALE === "full" ? 10 : 2;
const N = SCALE === "full" ? xTrainRaw.shape[0] : Math.min(2000, xTrainRaw.shape[0]);
const xTrain = xTrainRaw.slice(0, N).div(255);
const yTrainN = yTrain.slice(0, N);
const xTest = xTestRaw.div(255);
console.log(`dataset: ${data.name} from ${data.source}; scale: ${SCALE}, ${EPOCHS} epochs on ${N} images${REAL ? "" : " (STAND-IN data: these numbers do not reproduce anything)"}`);
backend()

// %% [markdown]
// ## With Batch Normalization

// %%
const model = keras.Sequential([
  layers.Flatten({ inputShape: [28, 28] }),
  layers.Dense(128),
  layers.BatchNormalization(),
  layers.ReLU(),
  layers.Dense(64),
  layers.BatchNormalization(),
  layers.ReLU(),
  layers.Dense(10, { activation: "softmax" }),
]);
model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
model.summary();
const started = performance.now();
const historyBN = await model.fit(xTrain, yTrainN, { epochs: EPOCHS, validationData: [xTest, yTest] });
const seconds = (performance.now() - started) / 1000;

// %% [markdown]
// ## Without Batch Normalization (trained silently, as in the article)

// %%
const modelNoBN = keras.Sequential([
  layers.Flatten({ inputShape: [28, 28] }),
  layers.Dense(128),
  layers.ReLU(),
  layers.Dense(64),
  layers.ReLU(),
  layers.Dense(10, { activation: "softmax" }),
]);
modelNoBN.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
const historyNoBN = await modelNoBN.fit(xTrain, yTrainN, { epochs: EPOCHS, validationData: [xTest, yTest], verbose: 0 });
console.log(`without BN: final val_accuracy ${historyNoBN.history.val_accuracy.at(-1)!.toFixed(4)}; with BN: ${historyBN.history.val_accuracy.at(-1)!.toFixed(4)}`);

// %% [markdown]
// ## The article's two panels: loss and accuracy, with and without BN

// %%
display.compareHistories({ "No Batch Norm": historyNoBN, "With Batch Norm": historyBN }, { metrics: ["loss", "accuracy"] })

// %%
display.reproduction({
  article: "seed 004: A Deep Dive into Batch Normalization using Python 3",
  metric: "val_accuracy after the last epoch, with BN",
  reported: 0.9802,
  ours: historyBN.history.val_accuracy.at(-1)!,
  dataset: REAL ? `MNIST (real: ${data.source})` : "MNIST stand-in (generated, not the real data)",
  realData: REAL,
  backend: backend().name,
  epochs: EPOCHS,
  scale: SCALE,
  wallTimeS: seconds,
  tolerance: 0.005,
})
