// `keras`: the Keras namespace, `keras.layers.Dense`, `keras.Model`, `keras.optimizers.SGD`, ...
import * as layers from "./layers/index.js";
import * as optimizers from "./optimizers/index.js";
import * as callbacks from "./callbacks/index.js";
import * as losses from "./losses.js";
import * as metrics from "./metrics.js";
import * as regularizers from "./regularizers.js";
import * as constraints from "./constraints.js";
import * as initializers from "./initializers.js";
import * as ops from "./ops/index.js";
import { activations } from "./activations.js";
import { Model, Sequential, KerasModel, SequentialModel } from "./models/model.js";
import { Input } from "./layers/input.js";
import { loadModel, saveModel } from "./models/saving.js";
import { setRandomSeed, toCategorical } from "./utils.js";
import { padSequences } from "./pad_sequences.js";
import { resetNames } from "./naming.js";
import { datasets, preprocessing, imageDatasetFromDirectory, timeseriesDatasetFromArray } from "../data/index.js";
import { plotModel, modelToDot } from "../display/plot_model.js";
import { loadImg, imgToArray, arrayToImg, saveImg } from "../data/load_img.js";

export { regularizers, constraints, initializers, ops };
export { layers, optimizers, callbacks, losses, metrics, activations, Input, Model, Sequential, KerasModel, SequentialModel, loadModel, toCategorical };
export type { CallableModel, ModelArgs, ModelOptions, SymbolicStructure, SequentialItem } from "./models/model.js";

export { datasets, preprocessing };
export const models = { Model, Sequential, loadModel, saveModel };
/** Keras 3's `keras.saving`: `keras.saving.loadModel("m.keras")` and `keras.saving.saveModel(model, "m.keras")`. */
export const saving = { loadModel, saveModel };
export const utils = { toCategorical, padSequences, setRandomSeed, imageDatasetFromDirectory, timeseriesDatasetFromArray, plotModel, modelToDot, loadImg, imgToArray, arrayToImg, saveImg };
export type { Img, LoadImgOptions } from "../data/load_img.js";
export type { PadSequencesOptions } from "./pad_sequences.js";
export const backend = {
  /** Resets Keras' automatic layer names (`dense`, `dense_1`, ...), as `keras.backend.clear_session()`. */
  clearSession: resetNames,
};
