// keras.Model: a tfjs LayersModel with Keras' compile/fit/evaluate/predict, names and summary.
import * as tf from "@tensorflow/tfjs";
import { assertReady } from "../../backend/backend.js";
import { callable, unwrapLayer, type Callable } from "../callable.js";
import { getLoss, type LossFunction, type ResolvedLoss } from "../losses.js";
import { getMetric, type MetricFunction, type ResolvedMetric } from "../metrics.js";
import { uniqueName } from "../naming.js";
import { getOptimizer } from "../optimizers/index.js";
import type { History } from "../callbacks/history.js";
import { summaryData, summaryText, type SummaryData } from "./summary.js";
import { evaluateModel, fitModel, predictModel, type EvaluateOptions, type FitOptions, type PredictOptions } from "./training.js";
import { saveModel } from "./saving.js";
import type { BatchSource, Inputs } from "./data_adapter.js";

export interface CompileOptions {
  /** An optimizer object (`optimizers.Adam({ lr: 0.01 })`) or Keras' name: "adam", "sgd", "rmsprop". */
  optimizer: string | tf.Optimizer;
  /** Keras' name ("categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy", "mse", "mae") or a function. */
  loss: string | LossFunction;
  /** e.g. ["accuracy"]. Default none. */
  metrics?: (string | MetricFunction)[];
}

/** A display bundle renderer registered by src/display (keeps this file free of HTML). */
type SummaryRenderer = (d: SummaryData) => Record<string, unknown>;
let summaryRenderer: SummaryRenderer | undefined;
export function setSummaryRenderer(r: SummaryRenderer): void {
  summaryRenderer = r;
}

/** How `summary()` shows its table: the kernel installs a display function; elsewhere it prints. */
const DISPLAY = Symbol.for("tsdl.display");

export class KerasModel {
  /** The underlying tfjs model. */
  readonly tf: tf.LayersModel;
  optimizer: tf.Optimizer | undefined;
  loss: ResolvedLoss | undefined;
  metrics: ResolvedMetric[] = [];
  /** Set by a callback to stop `fit` after the current batch. */
  stopTraining = false;
  /** The History of the last `fit` (also after an interrupted one). */
  history: History | undefined;

  constructor(model: tf.LayersModel) {
    this.tf = model;
  }

  get name(): string {
    return this.tf.name;
  }

  /** The layers, callable, with Keras' `variables` (a Sequential's implicit input layer is left out). */
  get layers(): Callable<tf.layers.Layer>[] {
    return this.rawLayers().map((l) => callable(l));
  }

  protected rawLayers(): tf.layers.Layer[] {
    return this.tf.layers;
  }

  get inputs(): tf.SymbolicTensor[] {
    return this.tf.inputs;
  }

  get outputs(): tf.SymbolicTensor[] {
    return this.tf.outputs;
  }

  /** A layer by name or by index in `layers`. */
  getLayer(nameOrIndex: string | number): Callable<tf.layers.Layer> {
    const layers = this.rawLayers();
    const layer = typeof nameOrIndex === "number" ? layers[nameOrIndex] : layers.find((l) => l.name === nameOrIndex);
    if (!layer) {
      throw new Error(`getLayer: model "${this.name}" has no layer ${JSON.stringify(nameOrIndex)}; its layers are ${layers.map((l) => l.name).join(", ")}`);
    }
    return callable(layer);
  }

  countParams(): number {
    return this.tf.countParams();
  }

  get trainableWeights(): tf.LayerVariable[] {
    return this.tf.trainableWeights;
  }

  /** The current weights as new tensors (yours to dispose). */
  getWeights(): tf.Tensor[] {
    return this.tf.weights.map((w) => w.read().clone());
  }

  setWeights(weights: tf.Tensor[]): void {
    this.tf.setWeights(weights);
  }

  compile(options: CompileOptions): void {
    if (!options || typeof options !== "object") throw new Error(`compile: expected { optimizer, loss, metrics? }, got ${JSON.stringify(options)}`);
    if (options.loss === undefined) throw new Error(`compile: loss is required, e.g. "categorical_crossentropy"`);
    const loss = getLoss(options.loss);
    const metrics = (options.metrics ?? []).map((m) => getMetric(m, loss));
    this.optimizer = getOptimizer(options.optimizer ?? "rmsprop");
    this.loss = loss;
    this.metrics = metrics;
  }

  /** The optimizer's learning rate (read and set by ReduceLROnPlateau and LearningRateScheduler). */
  get learningRate(): number {
    const lr = (this.optimizer as unknown as { learningRate?: number } | undefined)?.learningRate;
    if (lr === undefined) throw new Error(`model "${this.name}" is not compiled with an optimizer that has a learning rate`);
    return lr;
  }

  set learningRate(lr: number) {
    if (!this.optimizer) throw new Error(`model "${this.name}" is not compiled: call compile() before setting the learning rate`);
    (this.optimizer as unknown as { learningRate: number }).learningRate = lr;
  }

  /** Trains; `x` is a tensor (with `y`), or a batch generator (Keras' fit_generator). */
  fit(x: Inputs | BatchSource | number[] | number[][], y?: tf.Tensor | number[] | FitOptions, options?: FitOptions): Promise<History> {
    if (y !== undefined && !(y instanceof tf.Tensor) && !Array.isArray(y)) return fitModel(this, x, undefined, y);
    return fitModel(this, x, y as tf.Tensor | undefined, options ?? {});
  }

  /** Keras 2's name for fit on a generator. */
  fitGenerator(generator: BatchSource, options: FitOptions = {}): Promise<History> {
    return fitModel(this, generator, undefined, options);
  }

  /**
   * `[loss, ...metrics]`, averaged over the samples.
   * Porting note: always a list, also without metrics (Keras returns a bare number then).
   */
  evaluate(x: Inputs | BatchSource, y?: tf.Tensor | EvaluateOptions, options?: EvaluateOptions): Promise<number[]> {
    if (y !== undefined && !(y instanceof tf.Tensor)) return evaluateModel(this, x, undefined, y);
    return evaluateModel(this, x, y, options ?? {});
  }

  /** Outputs for `x`, computed in batches in inference mode. */
  predict(x: Inputs | BatchSource, options: PredictOptions = {}): Promise<tf.Tensor> {
    return predictModel(this, x, options);
  }

  /** The summary's rows and totals (what `summary()` shows). */
  summaryData(): SummaryData {
    return summaryData(this.tf, this.rawLayers(), false);
  }

  /** Shows Keras' summary table: as a table in a notebook, as text on a terminal. */
  summary(): void {
    const show = (globalThis as unknown as Record<symbol, ((v: unknown) => void) | undefined>)[DISPLAY];
    if (show) show(this.summaryBundle());
    else console.log(summaryText(this.summaryData()));
  }

  private summaryBundle(): { [k: symbol]: () => Record<string, unknown> } {
    const data = this.summaryData();
    return { [Symbol.for("Jupyter.display")]: () => (summaryRenderer ? summaryRenderer(data) : { "text/plain": summaryText(data) }) };
  }

  /** Saves the architecture, weights and compile settings to the folder `path` (TF.js layers format). */
  save(path: string): Promise<void> {
    return saveModel(this, path);
  }

  toString(): string {
    return summaryText(this.summaryData());
  }

  [Symbol.for("Jupyter.display")](): Record<string, unknown> {
    return this.summaryBundle()[Symbol.for("Jupyter.display")]();
  }

  /** Frees the model's weights and optimizer state. */
  dispose(): void {
    this.tf.dispose();
    this.optimizer?.dispose();
  }
}

export interface ModelOptions {
  /** Default Keras' automatic name: `model`, `model_1`, ... */
  name?: string;
}

/** `keras.Model(inputs, outputs)`: a functional model (no `new`, as Keras' call reads). */
export function Model(inputs: tf.SymbolicTensor | tf.SymbolicTensor[], outputs: tf.SymbolicTensor | tf.SymbolicTensor[], options: ModelOptions = {}): KerasModel {
  assertReady();
  for (const [what, v] of [["inputs", inputs], ["outputs", outputs]] as const) {
    const list = Array.isArray(v) ? v : [v];
    if (list.length === 0 || !list.every((t) => t instanceof tf.SymbolicTensor)) {
      throw new Error(`Model: ${what} must be symbolic tensors from layers.Input(...) and layer calls, got ${describe(v)}`);
    }
  }
  return new KerasModel(tf.model({ inputs, outputs, name: options.name ?? uniqueName("model") }));
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(describe).join(", ")}]`;
  if (v instanceof tf.Tensor) return `a concrete tensor of shape [${v.shape.join(", ")}]`;
  return v === null ? "null" : typeof v;
}

/** Sequential: a stack of layers, `Sequential([Flatten({ inputShape: [28, 28] }), Dense(10)])`. */
export class SequentialModel extends KerasModel {
  declare readonly tf: tf.Sequential;

  constructor(model: tf.Sequential) {
    super(model);
  }

  protected rawLayers(): tf.layers.Layer[] {
    return this.tf.layers.filter((l) => l.getClassName() !== "InputLayer");
  }

  /** Appends a layer. */
  add(layer: tf.layers.Layer | Callable<tf.layers.Layer>): void {
    const raw = unwrapLayer(layer);
    if (!(raw instanceof tf.layers.Layer)) throw new Error(`Sequential.add: expected a layer (e.g. layers.Dense(10)), got ${describe(layer)}`);
    try {
      this.tf.add(raw);
    } catch (e) {
      throw sequentialError(e, raw);
    }
  }

  summaryData(): SummaryData {
    return summaryData(this.tf, this.rawLayers(), true);
  }
}

function sequentialError(e: unknown, layer: tf.layers.Layer): Error {
  const message = (e as Error)?.message ?? String(e);
  if (/first layer in a Sequential model must get an `inputShape`/i.test(message)) {
    return new Error(`Sequential: the first layer ("${layer.name}") needs the shape of one sample: pass { inputShape: [...] } to it, e.g. layers.Flatten({ inputShape: [28, 28] })`);
  }
  return e as Error;
}

export function Sequential(layers: (tf.layers.Layer | Callable<tf.layers.Layer>)[] = [], options: ModelOptions = {}): SequentialModel {
  assertReady();
  if (!Array.isArray(layers)) throw new Error(`Sequential: expected an array of layers, got ${describe(layers)}`);
  const model = new SequentialModel(tf.sequential({ name: options.name ?? uniqueName("sequential") }));
  for (const l of layers) model.add(l);
  return model;
}
