// %% [markdown]
// # Getting started with tsdl
//
// This notebook runs on the **TypeScript (tsdl)** kernel: every cell is typed TypeScript, `await` works at
// the top level, and the last expression of a cell is shown as its result. `import ... from "tsdl"`
// works from any folder. The first cell says which tsdl this is and which compute backend it chose.

// %%
import { version, backend, keras, layers, datasets, display, tf } from "tsdl";
console.log(`tsdl ${version}`);
backend()

// %% [markdown]
// `backend()` lists every backend tsdl considered, fastest first, and why the faster ones were not
// taken. `TSDL_BACKEND=cpu` (or `wasm`, ...) in the environment forces one.
//
// ## Data
//
// Fashion-MNIST comes from Debian's `dataset-fashion-mnist` package when it is installed (the real
// images); elsewhere it is downloaded into `~/.tsdl` like Keras downloads into `~/.keras`.

// %%
const SCALE = process.env.TSDL_SCALE === "smoke" ? "smoke" : "full";
const [[xTrainRaw, yTrain], [xTestRaw, yTest]] = await datasets.fashionMnist.loadData({ standInIfMissing: true });
const N = SCALE === "full" ? 60000 : 3000;
const xTrain = xTrainRaw.slice(0, N).div(255);
const yTrainN = yTrain.slice(0, N);
const xTest = xTestRaw.div(255);
console.log(`scale ${SCALE}: training on ${N} images`);
await display.imageGrid(xTrain.slice(0, 10), yTrainN.slice(0, 10), { classNames: ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"] })

// %% [markdown]
// ## A tiny model
//
// Keras' functional API, almost character for character: layers are called on tensors.

// %%
const input = layers.Input([28, 28]);
let h = layers.Flatten()(input);
h = layers.Dense(64, { activation: "relu" })(h);
h = layers.BatchNormalization()(h);
const output = layers.Dense(10, { activation: "softmax" })(h);
const model = keras.Model(input, output);
model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
model

// %% [markdown]
// `fit` shows Keras' progress bar, updated in place; `liveplot: true` also draws the curves as they grow.

// %%
const history = await model.fit(xTrain, yTrainN, { epochs: SCALE === "full" ? 5 : 2, batchSize: 32, validationSplit: 0.1, liveplot: true });

// %%
const [testLoss, testAccuracy] = await model.evaluate(xTest, yTest, { verbose: 0 });
console.log(`test accuracy ${testAccuracy.toFixed(4)}`);
display.plotHistory(history)
