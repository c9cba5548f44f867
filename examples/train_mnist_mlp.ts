// A plain script, as a Keras user writes one: import, load Fashion-MNIST, build, compile, fit, evaluate.
// No `await ready()`: `import ... from "tsdl"` chooses the compute backend before this module runs, as
// the notebook kernel does, and `backend()` says which one.
//
//   npx tsx examples/train_mnist_mlp.ts            (or: node --import tsx examples/train_mnist_mlp.ts)
//   SAMPLES=60000 EPOCHS=5 npx tsx examples/train_mnist_mlp.ts
//
// The real Fashion-MNIST comes from Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist) or
// a download; where neither works, a generated stand-in (said plainly, and not the real data).
import { backend, keras, layers } from "tsdl";

const samples = Number(process.env.SAMPLES ?? 6000);
const epochs = Number(process.env.EPOCHS ?? 3);

console.log(`backend: ${backend()}`);

const data = await keras.datasets.fashionMnist.loadData({ standInIfMissing: true });
const [[xAll, yAll], [xTestAll, yTest]] = data;
const xTrain = xAll.slice(0, samples).div(255);
const yTrain = yAll.slice(0, samples);
const xTest = xTestAll.div(255);

const model = keras.Sequential([
  layers.Input([28, 28]),
  layers.Flatten(),
  layers.Dense(128, { activation: "relu" }),
  layers.Dropout(0.2),
  layers.Dense(10, { activation: "softmax" }),
]);
model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });

const history = await model.fit(xTrain, yTrain, { epochs, batchSize: 128, validationSplit: 0.1, verbose: 0 });
const losses = history.history.loss.map((l) => Number(l).toFixed(4));
console.log(`trained on ${samples} ${data.standIn ? "STAND-IN " : ""}images for ${epochs} epochs: loss ${losses.join(" -> ")}`);

const [testLoss, testAccuracy] = await model.evaluate(xTest, yTest, { verbose: 0 });
console.log(`test loss ${testLoss.toFixed(4)}, test accuracy ${testAccuracy.toFixed(4)}`);
