// keras.Model: a tfjs LayersModel with Keras' compile/fit/evaluate/predict, names and summary.
import tf from "../../tfjs.cjs";
import { assertReady } from "../../backend/backend.js";
import { callable, callLayer, unwrapLayer, type Callable } from "../callable.js";
import type { ResolvedLoss } from "../losses.js";
import type { ResolvedMetric } from "../metrics.js";
import { CompiledTraining, type LossSpec, type MetricsSpec } from "./compile_utils.js";
import { autoName, uniqueName } from "../naming.js";
import { getOptimizer } from "../optimizers/index.js";
import type { History } from "../callbacks/history.js";
import { summaryData, summaryText, terminalColumns, type SummaryData, type SummaryOptions } from "./summary.js";
import {
  evaluateModel, fitModel, outputNamesOf, predictModel, predictOnBatch, testOnBatch, trainOnBatch,
  type EvaluateOptions, type FitOptions, type OnBatchOptions, type PredictOptions,
} from "./training.js";
import type { Logs } from "../callbacks/callback.js";
import { saveModel } from "./saving.js";
import { loadWeights, saveWeights } from "./weights_io.js";
import { dropPlan } from "./plan_cache.js";
import type { BatchSource, Inputs } from "./data_adapter.js";

/** Model input data: a tensor, a list in the model's input order, or a dict keyed by input names. */
export type ModelInputs = Inputs | Record<string, tf.Tensor>;

export interface CompileOptions {
  /** An optimizer object (`optimizers.Adam({ learningRate: 0.01 })`) or Keras' name: "sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "lion". Default "rmsprop". */
  optimizer?: string | tf.Optimizer;
  /**
   * Keras' name ("categorical_crossentropy", "mse", "huber", ... or "crossentropy", chosen by the
   * shapes), a Loss object (`losses.CategoricalCrossentropy({ fromLogits: true })`) or a function
   * (yTrue, yPred) => per-sample values. With several outputs: one loss for all, a list in output
   * order, or a dict by output name (`model.outputNames`); null for an output without a loss.
   */
  loss: LossSpec;
  /** With several losses: a weight per output (a list in order or a dict by output name). Default 1 each. */
  lossWeights?: number | number[] | Record<string, number>;
  /**
   * e.g. ["accuracy"], [metrics.AUC()], ["mse"]. With several outputs: a list per output (in order)
   * or a dict by output name. History keys are the names, `<output>_<name>` with several outputs. Default none.
   */
  metrics?: MetricsSpec;
  /** Metrics that take the sample weights (and classWeight), as Keras' weighted_metrics. Default none. */
  weightedMetrics?: MetricsSpec;
}

/** A display bundle renderer registered by src/display (keeps this file free of HTML). */
type SummaryRenderer = (d: SummaryData, options?: SummaryOptions) => Record<string, unknown>;
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
  /** What compile was given as the loss: its name ("custom" for objects, functions and per-output losses). */
  loss: ResolvedLoss | undefined;
  /** The metrics compile was given by name (what a saved model compiles again with). */
  metrics: ResolvedMetric[] = [];
  /** The losses, metrics and History keys compile set up (built from the first batch). */
  compiled: CompiledTraining | undefined;
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

  /** Names of the outputs when the model was made with a dict of outputs (else the output layers' names). */
  outputNames: string[] | undefined;

  /**
   * The layers, callable, with Keras' `variables` (a Sequential's implicit input layer is left out).
   * Porting note: a model used as a layer is listed as its tfjs model (callable, with its weights).
   */
  get layers(): Callable<tf.layers.Layer>[] {
    return this.rawLayers().map((l) => callable(l));
  }

  /** Names of the inputs (the names of their input layers), the keys of a dict of inputs to fit or predict. */
  get inputNames(): string[] {
    return this.tf.inputs.map((t) => t.sourceLayer.name);
  }

  /** Whether training updates the weights; `false` freezes every layer (takes effect at the next fit). */
  get trainable(): boolean {
    return this.tf.trainable;
  }

  set trainable(v: boolean) {
    setTrainable(this.tf, v);
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

  get nonTrainableWeights(): tf.LayerVariable[] {
    return this.tf.nonTrainableWeights;
  }

  /** Every weight: trainable first, then non-trainable, as Keras orders `model.weights`. */
  get weights(): tf.LayerVariable[] {
    return this.tf.weights;
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
    const compiled = new CompiledTraining({ loss: options.loss, lossWeights: options.lossWeights, metrics: options.metrics, weightedMetrics: options.weightedMetrics }, outputNamesOf(this), this.outputNames !== undefined);
    this.optimizer = getOptimizer(options.optimizer ?? "rmsprop");
    this.compiled = compiled;
    // Porting note: a saved model keeps its compile settings only for a loss given by name (and
    // metrics given by name): Loss and Metric objects, functions and per-output losses are saved as
    // "custom", and loadModel returns such a model uncompiled.
    this.loss = { name: typeof options.loss === "string" ? options.loss : "custom" };
    const flat = compiled.numOutputs === 1 && Array.isArray(options.metrics) ? (options.metrics as unknown[]).flat() : [];
    this.metrics = flat.filter((m): m is string => typeof m === "string").map((name) => ({ name }));
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

  /** Whether `v` is a dict of labels keyed by output names (rather than an options object). */
  private isLabelDict(v: unknown): boolean {
    if (v === null || typeof v !== "object" || Array.isArray(v) || v instanceof tf.Tensor) return false;
    const names = outputNamesOf(this);
    const keys = Object.keys(v);
    return keys.length > 0 && keys.every((k) => names.includes(k));
  }

  private isOptions(v: unknown): boolean {
    return v !== undefined && !(v instanceof tf.Tensor) && !Array.isArray(v) && !ArrayBuffer.isView(v) && !this.isLabelDict(v);
  }

  /**
   * Trains; `x` is a tensor (with `y`), or a batch generator (Keras' fit_generator). With several
   * outputs `y` is a list in output order or a dict by output name.
   */
  fit(x: ModelInputs | BatchSource | number[] | number[][], y?: tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor> | number[] | FitOptions, options?: FitOptions): Promise<History> {
    if (this.isOptions(y)) return fitModel(this, x, undefined, y as FitOptions);
    return fitModel(this, x, y, options ?? {});
  }

  /** Keras 2's name for fit on a generator. */
  fitGenerator(generator: BatchSource, options: FitOptions = {}): Promise<History> {
    return fitModel(this, generator, undefined, options);
  }

  /**
   * `[loss, ...metrics]`, averaged over the samples (Keras' order: loss, the metrics, each output's
   * loss, then the other keys sorted), or the logs as a dict with `{ returnDict: true }`.
   * Porting note: always a list, also without metrics (Keras returns a bare number then).
   */
  evaluate(x: ModelInputs | BatchSource, y: unknown, options: EvaluateOptions & { returnDict: true }): Promise<Logs>;
  evaluate(x: ModelInputs | BatchSource, options: EvaluateOptions & { returnDict: true }): Promise<Logs>;
  evaluate(x: ModelInputs | BatchSource, y?: tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor> | number[] | EvaluateOptions, options?: EvaluateOptions): Promise<number[]>;
  evaluate(x: ModelInputs | BatchSource, y?: unknown, options?: EvaluateOptions): Promise<number[] | Logs> {
    if (this.isOptions(y)) return evaluateModel(this, x, undefined, y as EvaluateOptions);
    return evaluateModel(this, x, y, options ?? {});
  }

  /** Keras' train_on_batch: one optimizer step on (x, y); the batch's `[loss, ...metrics]` (or a dict with returnDict). */
  trainOnBatch(x: ModelInputs, y: tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor>, options: OnBatchOptions & { returnDict: true }): Promise<Logs>;
  trainOnBatch(x: ModelInputs, y: tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor>, options?: OnBatchOptions): Promise<number[]>;
  trainOnBatch(x: ModelInputs, y: tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor>, options?: OnBatchOptions): Promise<number[] | Logs> {
    return trainOnBatch(this, x, y, options);
  }

  /** Keras' test_on_batch: the batch's `[loss, ...metrics]` in inference mode (or a dict with returnDict). */
  testOnBatch(x: ModelInputs, y: tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor>, options: OnBatchOptions & { returnDict: true }): Promise<Logs>;
  testOnBatch(x: ModelInputs, y: tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor>, options?: OnBatchOptions): Promise<number[]>;
  testOnBatch(x: ModelInputs, y: tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor>, options?: OnBatchOptions): Promise<number[] | Logs> {
    return testOnBatch(this, x, y, options);
  }

  /** Keras' predict_on_batch: the outputs for one batch (one tensor, or one per output). */
  predictOnBatch<T extends tf.Tensor | tf.Tensor[] = tf.Tensor>(x: ModelInputs): Promise<T> {
    return predictOnBatch(this, x) as Promise<T>;
  }

  /**
   * Outputs for `x`, computed in batches in inference mode: one tensor, or one per output for a model
   * with several (`model.predict<tf.Tensor[]>(x)`). `x` may be a dict keyed by input names.
   *
   * Porting note: like Keras' compiled predict function, the model keeps what predict prepares (for a
   * chain of layers, BatchNormalization folded into the Dense beside it) from call to call, while its
   * weights stay the same: after the first predict, `tf.memory().numTensors` is higher by those
   * tensors, a constant number that later calls do not add to; dispose() frees them.
   */
  predict<T extends tf.Tensor | tf.Tensor[] = tf.Tensor>(x: ModelInputs | BatchSource, options: PredictOptions = {}): Promise<T> {
    return predictModel(this, x, options) as Promise<T>;
  }

  /** The summary's rows and totals (what `summary()` shows). */
  summaryData(): SummaryData {
    return summaryData(this.tf, this.rawLayers(), false, this.optimizer);
  }

  /** Shows Keras' summary table: as a table in a notebook, as text on a terminal (as wide as the terminal, as Keras). */
  summary(options: SummaryOptions = {}): void {
    const show = (globalThis as unknown as Record<symbol, ((v: unknown) => void) | undefined>)[DISPLAY];
    if (show) show(this.summaryBundle(options));
    else console.log(summaryText(this.summaryData(), { columns: terminalColumns(), ...options }));
  }

  private summaryBundle(options: SummaryOptions = {}): { [k: symbol]: () => Record<string, unknown> } {
    const data = this.summaryData();
    return { [Symbol.for("Jupyter.display")]: () => (summaryRenderer ? summaryRenderer(data, options) : { "text/plain": summaryText(data, options) }) };
  }

  /** Saves the architecture, weights and compile settings to the folder `path` (TF.js layers format). */
  save(path: string): Promise<void> {
    return saveModel(this, path);
  }

  /** Keras' save_weights: every weight (not the architecture or optimizer) into the folder `path`. */
  saveWeights(path: string): Promise<void> {
    return saveWeights(this, path);
  }

  /** Keras' load_weights: the weights saveWeights wrote, into this model (the same architecture). */
  loadWeights(path: string): Promise<void> {
    return loadWeights(this, path);
  }

  toString(): string {
    return summaryText(this.summaryData());
  }

  [Symbol.for("Jupyter.display")](): Record<string, unknown> {
    return this.summaryBundle()[Symbol.for("Jupyter.display")]();
  }

  /** Frees the model's weights and optimizer state. */
  dispose(): void {
    // tfjs counts a reference per call of a layer but a model's dispose releases one per layer: a layer
    // called twice in this model (a shared layer) would keep its weights. Release every call made here.
    const calls = new Map<tf.layers.Layer, number>();
    const byDepth = (this.tf as unknown as { nodesByDepth?: Record<string, { outboundLayer: tf.layers.Layer }[]> }).nodesByDepth ?? {};
    for (const nodes of Object.values(byDepth)) for (const n of nodes) calls.set(n.outboundLayer, (calls.get(n.outboundLayer) ?? 0) + 1);
    dropPlan(this.tf);
    this.tf.dispose();
    for (const [layer, n] of calls) {
      for (let i = 1; i < n && (layer as unknown as { _refCount: number | null })._refCount! > 0; i++) layer.dispose();
    }
    this.optimizer?.dispose();
  }
}

export interface ModelOptions {
  /** Default Keras 3's automatic name: `functional`, `functional_1`, ... (`sequential`, ... for Sequential). */
  name?: string;
  /** Whether the model's weights are trained. Default true. */
  trainable?: boolean;
}

/** Keras' `trainable` on a model: the model and every layer in it, nested models included. */
function setTrainable(layer: tf.layers.Layer, v: boolean): void {
  layer.trainable = v;
  for (const l of (layer as Partial<tf.LayersModel>).layers ?? []) setTrainable(l, v);
}

/** Model inputs or outputs as Keras takes them: one tensor, a list, or a dict by name. */
export type SymbolicStructure = tf.SymbolicTensor | tf.SymbolicTensor[] | Record<string, tf.SymbolicTensor>;

/** Keras' keyword form: `keras.Model({ inputs, outputs, name })`. */
export interface ModelArgs extends ModelOptions {
  inputs: SymbolicStructure;
  outputs: SymbolicStructure;
}

/** A model that can also be called like a layer: `model(x)`, as a block inside another model. */
export type CallableModel<M extends KerasModel = KerasModel> = M & {
  (x: tf.SymbolicTensor | tf.SymbolicTensor[], options?: { training?: boolean }): tf.SymbolicTensor | tf.SymbolicTensor[];
  (x: tf.Tensor | tf.Tensor[], options?: { training?: boolean }): tf.Tensor | tf.Tensor[];
};

/** Makes a KerasModel callable (`model(x)` applies it as a layer), one wrapper per model. */
function callableModel<M extends KerasModel>(model: M): CallableModel<M> {
  const target = function () {} as unknown as object;
  const proxy = new Proxy(target, {
    apply(_t, _this, args: unknown[]) {
      if (model instanceof SequentialModel) model.buildFrom(args[0]);
      return callLayer(model.tf, args[0] as tf.SymbolicTensor, args[1] as { training?: boolean } | undefined);
    },
    get(_t, prop) {
      const v = Reflect.get(model, prop, model);
      return typeof v === "function" && prop !== "constructor" ? v.bind(model) : v;
    },
    set(_t, prop, value) {
      return Reflect.set(model, prop, value, model);
    },
    has(_t, prop) {
      return Reflect.has(model, prop);
    },
    getPrototypeOf() {
      return Reflect.getPrototypeOf(model);
    },
  }) as CallableModel<M>;
  return proxy;
}

function flatten(what: string, v: SymbolicStructure | undefined): { list: tf.SymbolicTensor[]; names?: string[] } {
  if (v instanceof tf.SymbolicTensor) return { list: [v] };
  if (Array.isArray(v)) return { list: v };
  if (v && typeof v === "object" && !(v instanceof tf.Tensor)) {
    const names = Object.keys(v).sort(); // Keras 3 flattens a dict in the order of its sorted keys
    return { list: names.map((k) => (v as Record<string, tf.SymbolicTensor>)[k]), names };
  }
  throw new Error(`Model: ${what} must be symbolic tensors from keras.Input(...) and layer calls (one, a list or a dict), got ${describe(v)}`);
}

/**
 * `keras.Model(inputs, outputs, { name })` or `keras.Model({ inputs, outputs, name })`: a functional
 * model (no `new`, as Keras' call reads). Inputs and outputs may be one tensor, a list or a dict.
 * As in Keras 3, a dict of inputs or outputs is taken in the order of its sorted keys.
 */
export function Model(inputs: SymbolicStructure | ModelArgs, outputs?: SymbolicStructure, options: ModelOptions = {}): CallableModel {
  assertReady();
  if (outputs === undefined && inputs && typeof inputs === "object" && !(inputs instanceof tf.SymbolicTensor) && !Array.isArray(inputs) && "inputs" in inputs) {
    const { inputs: i, outputs: o, ...rest } = inputs as ModelArgs;
    if (o === undefined) throw new Error(`Model: outputs is required, e.g. keras.Model({ inputs, outputs })`);
    return Model(i, o, { ...rest, ...options });
  }
  if (outputs === undefined) throw new Error(`Model: outputs is required: keras.Model(inputs, outputs)`);
  const ins = flatten("inputs", inputs as SymbolicStructure);
  const outs = flatten("outputs", outputs);
  for (const [what, v] of [["inputs", ins.list], ["outputs", outs.list]] as const) {
    if (v.length === 0 || !v.every((t) => t instanceof tf.SymbolicTensor)) {
      throw new Error(`Model: ${what} must be symbolic tensors from keras.Input(...) and layer calls, got ${describe(v)}`);
    }
  }
  for (const t of ins.list) {
    if (t.sourceLayer.getClassName() !== "InputLayer") {
      throw new Error(`Model: every input must come straight from keras.Input(...); "${t.sourceLayer.name}" (${t.sourceLayer.getClassName()}) is a layer's output`);
    }
  }
  const name = options.name ?? uniqueName("functional");
  let m: tf.LayersModel;
  try {
    m = tf.model({ inputs: ins.list, outputs: outs.list, name });
  } catch (e) {
    throw new Error(`Model "${name}": ${(e as Error).message}`);
  }
  if (options.trainable === false) setTrainable(m, false);
  const model = new KerasModel(m);
  if (outs.names) model.outputNames = outs.names;
  return callableModel(model);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(describe).join(", ")}]`;
  if (v instanceof tf.Tensor) return `a concrete tensor of shape [${v.shape.join(", ")}]`;
  if (v instanceof tf.SymbolicTensor) return `a symbolic tensor of shape [${v.shape.join(", ")}]`;
  return v === null ? "null" : typeof v;
}

/** What a Sequential model takes: layers, a model, or `keras.Input(...)` first. */
export type SequentialItem = tf.layers.Layer | Callable<tf.layers.Layer> | KerasModel | tf.SymbolicTensor;

/** Sequential: a stack of layers, `Sequential([keras.Input([28, 28]), Flatten(), Dense(10)])`. */
export class SequentialModel extends KerasModel {
  declare readonly tf: tf.Sequential;

  constructor(model: tf.Sequential) {
    super(model);
  }

  protected rawLayers(): tf.layers.Layer[] {
    return this.tf.layers.filter((l) => l.getClassName() !== "InputLayer");
  }

  /** Layers added before the model knows its input shape (Keras builds such a model on first use). */
  private pending: tf.layers.Layer[] = [];

  /** Appends a layer (or a model); `keras.Input(...)` is accepted as the first item. */
  add(item: SequentialItem): void {
    if (item instanceof tf.SymbolicTensor) {
      if (this.tf.outputs.length > 0 || this.tf.layers.length > 0 || this.pending.length > 0) {
        throw new Error(`Sequential.add: keras.Input(...) can only come first in model "${this.name}"`);
      }
      if (item.sourceLayer.getClassName() !== "InputLayer") {
        throw new Error(`Sequential.add: expected a layer or keras.Input(...), got the output of layer "${item.sourceLayer.name}"; use keras.Model(inputs, outputs) for a graph of layers`);
      }
      uniqueName("functional"); // Keras 3 builds a functional model inside a Sequential: the count moves on
      this.tf.add(item.sourceLayer);
      return;
    }
    const raw = item instanceof KerasModel ? item.tf : unwrapLayer(item as tf.layers.Layer);
    if (!(raw instanceof tf.layers.Layer)) throw new Error(`Sequential.add: expected a layer (e.g. layers.Dense(10)) or keras.Input(...), got ${describe(item)}`);
    if (this.tf.outputs.length === 0) {
      const shape = (raw as unknown as { batchInputShape?: (number | null)[] }).batchInputShape;
      if (!shape || this.pending.length > 0) {
        // No input shape yet: as Keras, the model is built when it first sees data (or by build()).
        this.pending.push(raw);
        return;
      }
      this.addInput(shape, raw.dtype);
    }
    this.addBuilt(raw);
  }

  /** Whether the model knows its input shape (Keras' `built`). */
  get built(): boolean {
    return this.tf.outputs.length > 0;
  }

  /** Builds a model made without an input shape: `model.build([null, 28, 28])` (the batch axis first). */
  build(inputShape: (number | null)[]): void {
    if (this.built) return;
    if (!Array.isArray(inputShape) || inputShape.length < 1) throw new Error(`Sequential.build: inputShape must be the full shape with the batch axis first, e.g. [null, 784], got ${JSON.stringify(inputShape)}`);
    if (this.pending.length === 0) throw new Error(`Sequential.build: model "${this.name}" has no layers to build`);
    this.addInput(inputShape, this.pending[0].dtype);
    const layers = this.pending;
    this.pending = [];
    for (const l of layers) this.addBuilt(l);
  }

  /** Builds the model from the first data it is given (fit, evaluate, predict, or a call). */
  buildFrom(x: unknown): void {
    if (this.built || this.pending.length === 0) return;
    const t = Array.isArray(x) ? x[0] : x;
    if (t instanceof tf.Tensor || t instanceof tf.SymbolicTensor) this.build([null, ...t.shape.slice(1)]);
  }

  private addInput(batchShape: (number | null)[], dtype: tf.DataType): void {
    // Keras 3 makes an InputLayer `input_layer` and counts a functional model when it builds.
    uniqueName("functional");
    this.tf.add(tf.input({ batchShape, name: autoName("InputLayer"), dtype }).sourceLayer);
  }

  private addBuilt(raw: tf.layers.Layer): void {
    try {
      this.tf.add(raw);
    } catch (e) {
      throw sequentialError(e, raw);
    }
  }

  summaryData(): SummaryData {
    // Not built yet (no input shape): Keras lists the layers with `?` shapes and `0 (unbuilt)`.
    return summaryData(this.tf, this.built ? this.rawLayers() : this.pending, true, this.optimizer);
  }
}

function sequentialError(e: unknown, layer: tf.layers.Layer): Error {
  const message = (e as Error)?.message ?? String(e);
  if (/first layer in a Sequential model must get an `inputShape`/i.test(message)) {
    return new Error(`Sequential: the first layer ("${layer.name}") needs the shape of one sample: start with keras.Input([...]), e.g. keras.Sequential([keras.Input([28, 28]), layers.Flatten(), ...]), or pass { inputShape: [...] } to it`);
  }
  return e as Error;
}

/** `keras.Sequential([keras.Input([28, 28, 1]), layers.Conv2D(32, 3), ...], { name })`. */
export function Sequential(layers: SequentialItem[] = [], options: ModelOptions = {}): CallableModel<SequentialModel> {
  assertReady();
  if (!Array.isArray(layers)) throw new Error(`Sequential: expected an array of layers, got ${describe(layers)}`);
  const model = new SequentialModel(tf.sequential({ name: options.name ?? uniqueName("sequential") }));
  const proxy = callableModel(model);
  for (const l of layers) model.add(l);
  if (options.trainable === false) setTrainable(model.tf, false);
  return proxy;
}
