// %% [markdown]
// # Batch Normalization on CIFAR-10
//
// A port of *Implementing Batch Normalization on CIFAR10* (seed 002). The article puts a BN layer in
// front of every convolution and dense layer of a small CNN, trains it with Adam for 25 epochs (batch
// 32, 10% of the training set held out), and reports a **test accuracy of 0.7896**; it credits BN with
// lifting CIFAR-10 accuracy "from 74% to 79%". Here the same CNN is also trained without BN, side by side.
//
// The summary below must match the article's table parameter for parameter: BN on 3 channels has 12
// parameters (gamma, beta, moving mean, moving variance per channel), conv1 has 3·3·3·32 + 32 = 896, ...
//
// **Data.** CIFAR-10 cannot be downloaded on the machine this repository is tested on. Without the real
// `cifar-10-binary.tar.gz` (in `~/.tsdl/datasets/cifar10/` or `TSDL_DATA_DIR`), the notebook runs at smoke
// scale on a generated stand-in in CIFAR-10's binary format and marks its record as not reproduced.

// %%
import { keras, layers, datasets, display, backend, utils, tf } from "tsdl";
const data = await datasets.cifar10.loadData({ standInIfMissing: true });
const [[xTrainRaw, yTrainRaw], [xTestRaw, yTestRaw]] = data;
const REAL = !data.standIn;
const SCALE = process.env.TSDL_SCALE === "smoke" || !REAL ? "smoke" : "full";
const EPOCHS = SCALE === "full" ? 25 : 1;
const N = SCALE === "full" ? xTrainRaw.shape[0] : Math.min(600, xTrainRaw.shape[0]);
const Y_train = utils.toCategorical(yTrainRaw.slice(0, N), 10);
const Y_test = utils.toCategorical(yTestRaw, 10);
console.log("Length of train set:", Y_train.shape[0]);
console.log("Shape of x_train:", xTrainRaw.shape.slice(1));
const X_train = xTrainRaw.slice(0, N).div(255);
const X_test = xTestRaw.div(255);
console.log(`dataset: ${data.name}; scale: ${SCALE}, ${EPOCHS} epoch(s) on ${N} images${REAL ? "" : " (STAND-IN data: these numbers do not reproduce anything)"}`);
backend()

// %% [markdown]
// ## The CNN with BN (the article's model, layer for layer)

// %%
function cnn(withBN: boolean) {
  const bn = (h: tf.SymbolicTensor) => (withBN ? layers.BatchNormalization()(h) : h);
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
keras.backend.clearSession();
const model = cnn(true);
model.summary();

// %%
model.compile({ loss: "categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
const started = performance.now();
const history = await model.fit(X_train, Y_train, { batchSize: 32, epochs: EPOCHS, validationSplit: 0.1, verbose: 2 });
const seconds = (performance.now() - started) / 1000;

// %%
const score = await model.evaluate(X_test, Y_test);
console.log("Test loss:", score[0]);
console.log("Test accuracy:", score[1]);

// %% [markdown]
// ## The same CNN without BN

// %%
const modelNoBN = cnn(false);
modelNoBN.compile({ loss: "categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
const historyNoBN = await modelNoBN.fit(X_train, Y_train, { batchSize: 32, epochs: EPOCHS, validationSplit: 0.1, verbose: 2 });
const scoreNoBN = await modelNoBN.evaluate(X_test, Y_test);
console.log(`test accuracy without BN ${scoreNoBN[1].toFixed(4)}, with BN ${score[1].toFixed(4)}`);
display.compareHistories({ "No BN": historyNoBN, "With BN": history })

// %%
display.reproduction({
  article: "seed 002: Implementing Batch Normalization on CIFAR10",
  metric: "test accuracy of the CNN with BN",
  reported: 0.7896,
  ours: score[1],
  dataset: REAL ? `CIFAR-10 (real: ${data.source})` : "CIFAR-10 stand-in (generated, not the real data)",
  realData: REAL,
  backend: backend().name,
  epochs: EPOCHS,
  scale: SCALE,
  wallTimeS: seconds,
  tolerance: 0.02,
})
