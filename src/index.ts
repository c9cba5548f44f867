// tsdl: deep learning in TypeScript notebooks. The public surface.
//
//   import { keras, layers, tf } from "tsdl";
//   const x = layers.Input([28, 28]);
//   const y = layers.Dense(10, { activation: "softmax" })(layers.Flatten()(x));
//   const model = keras.Model(x, y);
// First: clear errors for tensors too large for the backend, installed before tfjs is loaded.
import "./backend/memory.js";
import tf from "./tfjs.cjs";
import * as kerasModule from "./keras/index.js";
import * as widgetsModule from "./widgets/index.js";

export { tf };
export { ready, backend, describeBackend, type BackendReport, type BackendAttempt, type BackendName } from "./backend/backend.js";
export { ResourceExhaustedError } from "./backend/memory.js";
export { config, type Config } from "./config.js";
export { KeyboardInterrupt, interruptSignal, requestInterrupt, resetInterrupt } from "./interrupt.js";
export { layers, optimizers, callbacks, losses, metrics, activations, regularizers, constraints, initializers, ops, models, utils, Model, Sequential, loadModel } from "./keras/index.js";
export type { KerasModel, SequentialModel } from "./keras/index.js";
export type { Callable, LayerCallOptions } from "./keras/callable.js";
export type { KerasVariable } from "./keras/variables.js";
export type { CompileOptions } from "./keras/models/model.js";
export type { FitOptions, EvaluateOptions, PredictOptions } from "./keras/models/training.js";
export type { BatchSource, Batch, Inputs } from "./keras/models/data_adapter.js";
export type { SummaryData, SummaryRow } from "./keras/models/summary.js";
export { summaryText } from "./keras/models/summary.js";

export { clearOutput, input } from "./display/kernel_io.js";
export { display, LivePlot, ActivationPercentiles, describeValues } from "./display/index.js";
export type { DisplayOptions, Figure, Trace, ImageGridOptions, HistoryLike, PlotHistoryOptions, LivePlotOptions, ActivationPercentilesOptions, ActivationStatsOptions } from "./display/index.js";

export { datasets, preprocessing, standIn, ImageDataGenerator, download, DownloadError, tsdlHome, type Dataset, type LoadOptions } from "./data/index.js";
export type { DirectoryIterator, ArrayIterator, ImageDataGeneratorOptions, FlowFromDirectoryOptions, FlowOptions, ClassMode, SmallData, SmallDataOptions } from "./data/index.js";
export type { BatchDataset, ImageDatasetOptions, ImageDatasetResult, LabelMode, Interpolation } from "./data/index.js";
export type { ModelPlot, PlotModelOptions } from "./display/plot_model.js";

/** The Keras namespace: `keras.layers`, `keras.Model`, `keras.optimizers`, `keras.callbacks`, ... */
export const keras = kerasModule;

/** Interactive widgets (ipywidgets 8.1's models): `widgets.IntSlider`, `widgets.Button`, `widgets.interact`, ... */
export const widgets = widgetsModule;

/** tsdl's version (from package.json). */
export { version } from "./version.js";
