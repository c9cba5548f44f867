// %% [markdown]
// # Batch Normalization tricks — dogs vs cats
//
// A port of the article on BatchNormalization techniques published in English (seed 000) and in
// Chinese (seed 001, 《BatchNormalization使用技巧》); both versions carry the same code. It feeds 224×224
// photos of cats and dogs from folders through Keras' `ImageDataGenerator`, and compares three models
// that all start with a BN layer on the raw pixels:
//
// 1. **logistic regression with BN**: BN → Flatten → Dense(2, softmax), Adam(lr 0.01);
// 2. **a wide model**: BN → one 2×2 convolution with 100 channels → 16×16 max pooling → Dense(2),
//    Adam(lr 0.001) — the article finds it "much better" than logistic regression;
// 3. **a deep model**: BN → seven blocks of 2×2 convolution (20 channels) and 2×2 pooling → Dense(2),
//    Adam(lr 0.01) — "a little better" again.
//
// Its lesson: BN helps a lot in many models, but not in every model on every dataset. The article gives
// no accuracy numbers, only this ranking (200 epochs each).
//
// **Data.** The small split (`smallData/train` with 1,000 images per class, `smallData/validation` with
// 500) is prepared by `datasets.catsVsDogs.prepareSmallData()` from the public cats-and-dogs archive that
// Keras' own example uses, dropping corrupt files. That archive cannot be downloaded on the machine this
// repository is tested on: there the notebook runs at smoke scale on generated stand-in JPEGs laid out
// like the archive, and says so.

// %%
import { keras, layers, optimizers, datasets, display, backend, preprocessing } from "tsdl";
const { ImageDataGenerator } = preprocessing.image;
const smallData = await datasets.catsVsDogs.prepareSmallData({ standInIfMissing: true });
const REAL = !smallData.standIn;
const SCALE = process.env.TSDL_SCALE === "smoke" || !REAL ? "smoke" : "full";
const EPOCHS = SCALE === "full" ? 200 : 1;
const IMSIZE = 224;
console.log(`data: ${REAL ? "the real cats-and-dogs photos" : "GENERATED STAND-IN images (not real photos)"} in ${smallData.dir}; scale ${SCALE}, ${EPOCHS} epoch(s) per model`);
backend()

// %% [markdown]
// ## The generators
//
// As in the article: pixels rescaled to [0, 1], images resized to 224×224, batches of 10, one-hot labels.

// %%
const trainGenerator = new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(smallData.train, { targetSize: [IMSIZE, IMSIZE], batchSize: 10, classMode: "categorical" });
const validationGenerator = new ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(smallData.validation, { targetSize: [IMSIZE, IMSIZE], batchSize: 10, classMode: "categorical" });
const { value: [X, Y] } = await validationGenerator.next();
console.log(X.shape, Y.shape);
await Y.slice([0, 0], [-1, 1]).reshape([-1]).array()

// %% [markdown]
// A batch of the validation generator, the article's 2×5 grid:

// %%
await display.batch(await validationGenerator.next(), { classNames: trainGenerator.classIndices, cols: 5, scale: 1 })

// %% [markdown]
// At smoke scale an epoch is cut to a few batches (`stepsPerEpoch`); at full scale it is the whole folder.

// %%
const STEPS = SCALE === "full" ? undefined : 4;
async function train(model: ReturnType<typeof keras.Model>, lr: number) {
  model.compile({ loss: "categorical_crossentropy", optimizer: optimizers.Adam({ lr }), metrics: ["accuracy"] });
  return model.fitGenerator(trainGenerator, { epochs: EPOCHS, validationData: validationGenerator, stepsPerEpoch: STEPS, validationSteps: STEPS });
}

// %% [markdown]
// ## 1. Logistic regression with BN

// %%
let inputLayer = layers.Input([IMSIZE, IMSIZE, 3]);
let x = layers.BatchNormalization()(inputLayer);
x = layers.Flatten()(x);
x = layers.Dense(2, { activation: "softmax" })(x);
const model1 = keras.Model(inputLayer, x);
model1.summary();
const history1 = await train(model1, 0.01);

// %% [markdown]
// ## 2. The wide model with BN

// %%
inputLayer = layers.Input([IMSIZE, IMSIZE, 3]);
x = layers.BatchNormalization()(inputLayer);
x = layers.Conv2D(100, [2, 2], { activation: "relu" })(x);
x = layers.MaxPooling2D([16, 16])(x);
x = layers.Flatten()(x);
x = layers.Dense(2, { activation: "softmax" })(x);
const model2 = keras.Model(inputLayer, x);
model2.summary();
const history2 = await train(model2, 0.001);

// %% [markdown]
// ## 3. The deep model with BN

// %%
inputLayer = layers.Input([IMSIZE, IMSIZE, 3]);
x = layers.BatchNormalization()(inputLayer);
for (let i = 0; i < 7; i++) {
  x = layers.Conv2D(20, [2, 2], { padding: "same", activation: "relu" })(x);
  x = layers.MaxPooling2D([2, 2])(x);
}
x = layers.Flatten()(x);
x = layers.Dense(2, { activation: "softmax" })(x);
const model3 = keras.Model(inputLayer, x);
model3.summary();
const history3 = await train(model3, 0.01);

// %% [markdown]
// ## The article's comparison
//
// Validation accuracy of the three models (dashed). The article's claim to check at full scale: wide ≫
// logistic, deep ≥ wide.

// %%
display.compareHistories({ "logistic + BN": history1, "wide + BN": history2, "deep + BN": history3 }, { metrics: ["accuracy"] })

// %%
for (const [name, h] of [["logistic", history1], ["wide", history2], ["deep", history3]] as const) {
  display(display.reproduction({
    article: "seeds 000/001: BatchNormalization tricks (dogs vs cats)",
    metric: `final val_accuracy, ${name} model with BN`,
    reported: null,
    ours: h.history.val_accuracy.at(-1)!,
    dataset: REAL ? "dogs vs cats (real, small split)" : "dogs vs cats stand-in (generated JPEGs, not the real photos)",
    realData: REAL,
    backend: backend().name,
    epochs: EPOCHS,
    scale: SCALE,
    wallTimeS: 0,
    tolerance: 0,
    note: "the article ranks the models (wide much better than logistic, deep a little better) without numbers",
  }));
}
