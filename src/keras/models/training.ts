// Keras' fit / evaluate / predict loops on tfjs: batches, shuffling, validation, callbacks, History;
// trainOnBatch / testOnBatch / predictOnBatch.
//
// Metrics are kept as Keras 3 keeps them (stateful over the epoch: sums on the device, one state
// vector for all, see metrics_state.ts) and read (asynchronously) only when something shows them: the
// progress bar a few times a second, callbacks that ask for batch logs, and each epoch's end. The loop
// yields to the event loop after every batch, so Kernel > Interrupt and display updates get through.
//
// Keras 3's loss and logs: the loss of a batch is the sum over outputs of lossWeight x the output's
// loss (reduced with the sample weights) plus the regularization penalties; the `loss` of an epoch is
// the mean of the batches' losses weighted by batch size, and with several losses each output's
// (unweighted) loss is `<output>_loss`. Metrics see no sample weights (weightedMetrics do). Logs keys
// are sorted, as Keras 3's callbacks get them.
import tf from "../../tfjs.cjs";
import { rowsOf } from "../../backend/row_view.js";
import { usePlan } from "./plan_cache.js";
import { ready } from "../../backend/backend.js";
import { KeyboardInterrupt, interruptSignal } from "../../interrupt.js";
import { Callback, type Logs, type TrainingParams } from "../callbacks/callback.js";
import { History } from "../callbacks/history.js";
import { ProgbarLogger, progressLine } from "../callbacks/progbar_logger.js";
import {
  asList, disposeInputs, madeHere, isBatchSource, numSamples, sliceRows, takeRows, toInputs, toTensor, unpackBatch,
  type BatchSource, type Inputs, type Targets,
} from "./data_adapter.js";
import type { KerasModel } from "./model.js";
import { shapeText } from "../callable.js";
import { applyConstraints, openPenalties } from "../penalties.js";
import type { CompiledTraining, StateUpdate } from "./compile_utils.js";
import { MetricsState, sortedLogs } from "./metrics_state.js";
import { dropLogits } from "../logits.js";
import { plainRelu, trainingPlan } from "./training_plan.js";

/** Sample weights: one tensor ([samples], for every output), or one per output (a list in output order or a dict by output name). */
export type SampleWeight = tf.Tensor | number[] | (tf.Tensor | null)[] | Record<string, tf.Tensor>;

export interface FitOptions {
  /** Default 1. */
  epochs?: number;
  /** Samples per batch (tensor input only). Default 32. */
  batchSize?: number;
  /** 0 silent, 1 progress bar, 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2 | "auto";
  /** Extra callbacks (History and the progress bar are always there). */
  callbacks?: Callback[];
  /** Fraction of the samples, taken from the end before shuffling, held out for validation. */
  validationSplit?: number;
  /** [x, y] or [x, y, sampleWeight] tensors, or a batch generator, evaluated after each epoch (see validationFreq). */
  validationData?: [Inputs | Record<string, tf.Tensor>, unknown] | [Inputs | Record<string, tf.Tensor>, unknown, SampleWeight] | BatchSource;
  /** Shuffle the samples before each epoch (tensor input). Default true. */
  shuffle?: boolean;
  /**
   * Class index -> weight, for a model with one output: each sample's loss is weighted by its class's
   * weight (classes not listed weigh 1), as Keras' class_weight. Not with sampleWeight.
   */
  classWeight?: Record<number, number>;
  /** Each sample's weight in the loss (and in weightedMetrics): a [samples] tensor, or one per output. */
  sampleWeight?: SampleWeight;
  /** Epoch to start from (for resuming). Default 0. */
  initialEpoch?: number;
  /** Batches per epoch for a generator. Default: its length. */
  stepsPerEpoch?: number;
  /** Batches of validation per epoch for a generator. Default: its length. */
  validationSteps?: number;
  /** Samples per validation batch. Default batchSize. */
  validationBatchSize?: number;
  /** Validate every n-th epoch (1 = every epoch), or at the listed epochs (1-based, as Keras). Default 1. */
  validationFreq?: number | number[];
  /** Draw the training curves live in the notebook, redrawn after each epoch. Default false. */
  liveplot?: boolean;
  /**
   * Controls shown beside the progress bar (src/widgets/training_controls.ts): a Stop button that ends
   * training at the next batch (weights kept, the History of the finished epochs returned), and with
   * `{ learningRate: true }` a learning-rate slider that takes effect from the next batch. Default false.
   */
  controls?: boolean | { learningRate?: boolean };
}

/** What fit asks of the controls each batch. */
export interface TrainingControls {
  /** True once Stop was pressed. */
  readonly stopRequested: boolean;
  /** Called when fit stopped for it (epoch and batch where, epochs finished). */
  stopped(epoch: number, batchesDone: number, finishedEpochs: number): void;
  /** The callback that draws and updates the controls. */
  callback: Callback;
}

let controlsFactory: ((model: KerasModel, options: { learningRate: boolean }) => TrainingControls) | undefined;
/** src/widgets installs the controls that `controls: true` adds. */
export function setTrainingControlsFactory(f: (model: KerasModel, options: { learningRate: boolean }) => TrainingControls): void {
  controlsFactory = f;
}

let livePlotFactory: (() => Callback) | undefined;
/** src/display installs the LivePlot callback that `liveplot: true` adds. */
export function setLivePlotFactory(f: () => Callback): void {
  livePlotFactory = f;
}

export interface EvaluateOptions {
  /** Default 32. */
  batchSize?: number;
  /**
   * 0 silent, 1 the progress line, 2 one line without the bar, "auto" 1. Default "auto" (as Keras).
   * Porting note: the line is printed once, at the end.
   */
  verbose?: 0 | 1 | 2 | "auto";
  /** Batches to use from a generator. Default: its length. */
  steps?: number;
  /** Each sample's weight in the loss (and weightedMetrics). */
  sampleWeight?: SampleWeight;
  /** Return the logs as a dict (Keras' return_dict) instead of a list. Default false. */
  returnDict?: boolean;
}

export interface PredictOptions {
  /** Default 32. */
  batchSize?: number;
  /**
   * 1 or 2: a line at the end with the steps and the time per step; 0 or "auto": silent. Default "auto".
   * Porting note: Keras' "auto" shows a progress bar; tsdl's predict is silent unless asked.
   */
  verbose?: 0 | 1 | 2 | "auto";
  /** Batches to use from a generator. Default: its length. */
  steps?: number;
}

export interface OnBatchOptions {
  /** Each sample's weight in the loss. */
  sampleWeight?: SampleWeight;
  /** Class index -> weight (trainOnBatch only). */
  classWeight?: Record<number, number>;
  /** Return the logs as a dict instead of a list. Default false. */
  returnDict?: boolean;
}

/** Tensor data as fit holds it: inputs, labels per output, sample weights per output. */
interface TensorData {
  x: Inputs;
  y?: tf.Tensor[];
  sw?: tf.Tensor[];
}

/** One batch as fit sees it; every batch is the loop's own (slices, gathers, or handed over by a generator) and is disposed after use. */
interface BatchItem {
  x: Inputs;
  y: tf.Tensor[] | undefined;
  sw: tf.Tensor[] | undefined;
  size: number;
}

/** Keras' output names: those of the dict the model was made with, else the output layers' names. */
export function outputNamesOf(model: KerasModel): string[] {
  if (model.outputNames) return model.outputNames;
  // A Sequential not built yet has one output, named once built (a single output's name is not in any key).
  return model.outputs.length ? model.outputs.map((t) => t.sourceLayer.name) : ["output_0"];
}

/** Labels (or weights) as one tensor per output: a tensor, a list in output order, or a dict by output name. */
function perOutput(model: KerasModel, v: unknown, what: string): tf.Tensor[] {
  const names = outputNamesOf(model);
  if (v instanceof tf.Tensor) return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((t) => t instanceof tf.Tensor)) return v as tf.Tensor[];
  if (v !== null && typeof v === "object" && !Array.isArray(v) && !ArrayBuffer.isView(v)) {
    const dict = v as Record<string, unknown>;
    const unknown = Object.keys(dict).filter((k) => !names.includes(k));
    if (unknown.length) throw new Error(`${what}: the dict's keys must be the model's output names (${names.join(", ")}); unknown ${unknown.join(", ")}`);
    const missing = names.filter((k) => !(k in dict));
    if (missing.length) throw new Error(`${what}: the dict's keys must be the model's output names (${names.join(", ")}); missing ${missing.join(", ")}`);
    return names.map((k) => toTensor(dict[k], `${what}["${k}"]`));
  }
  return [toTensor(v, what)];
}

/** Sample weights per output (one tensor repeated for every output). */
function weightsPerOutput(model: KerasModel, v: unknown, what: string): tf.Tensor[] {
  const n = model.outputs.length;
  if (v instanceof tf.Tensor || (Array.isArray(v) && !v.some((t) => t instanceof tf.Tensor))) {
    const t = toTensor(v, what);
    return Array.from({ length: n }, () => t);
  }
  return perOutput(model, v, what);
}

/** Keras' class_weight: each sample weighs its class's weight (the argmax of one-hot labels, else the rounded label). */
function classWeights(y: tf.Tensor, classWeight: Record<number, number>, what: string): tf.Tensor {
  const entries = Object.entries(classWeight).map(([k, w]) => [Number(k), w] as const);
  for (const [k, w] of entries) {
    if (!Number.isInteger(k) || k < 0) throw new Error(`${what}: classWeight keys must be class indices (integers >= 0), got ${JSON.stringify(String(k))}`);
    if (typeof w !== "number" || !Number.isFinite(w)) throw new Error(`${what}: classWeight values must be numbers, got ${JSON.stringify(w)} for class ${k}`);
  }
  return tf.tidy(() => {
    const classes = y.rank >= 2 ? (y.shape[y.rank - 1] !== 1 ? tf.argMax(y, -1) : tf.round(tf.squeeze(y, [-1]))) : tf.round(y);
    const ids = tf.cast(tf.reshape(classes, [-1]), "int32");
    const size = Math.max(2, y.rank >= 2 ? y.shape[y.rank - 1]! : 0, ...entries.map(([k]) => k + 1));
    const table = Array.from({ length: size }, (_, c) => classWeight[c] ?? 1);
    // Labels outside the table (none in valid data) weigh 1, as classes not listed.
    const inside = tf.logicalAnd(tf.greaterEqual(ids, 0), tf.less(ids, size));
    const w = tf.gather(tf.tensor1d(table), tf.where(inside, ids, tf.zerosLike(ids)));
    return tf.where(inside, w, tf.onesLike(w));
  });
}

/** Yields the batches of one pass over tensors or a generator. */
async function* batches(
  data: TensorData | BatchSource,
  batchSize: number,
  shuffle: boolean,
  steps: number | undefined,
  what: string,
  model: KerasModel,
  classWeight?: Record<number, number>,
): AsyncGenerator<BatchItem> {
  if (isBatchSource(data)) {
    const it = data[Symbol.asyncIterator]();
    let finished = false;
    try {
      for (let i = 0; steps === undefined || i < steps; i++) {
        const r = await it.next();
        if (r.done) {
          finished = true;
          if (steps !== undefined && i < steps) {
            console.warn(`${what}: the generator ran out after ${i} batches (expected ${steps}); the epoch ends here`);
          }
          break;
        }
        const [x, y, sw] = unpackBatch(r.value, what);
        const ys = y === undefined ? undefined : perOutput(model, y, `${what}: a batch's y`);
        let sws = sw === undefined ? undefined : weightsPerOutput(model, sw, `${what}: a batch's sample weights`);
        if (classWeight && ys) {
          if (sws) throw new Error(`${what}: give classWeight or sample weights, not both`);
          sws = [classWeights(ys[0], classWeight, what)];
        }
        yield { x, y: ys, sw: sws, size: numSamples(x) };
      }
    } finally {
      // A pass of its own (a dataset makes a new iterator per pass) left before its end (steps below its
      // length, an error, an interrupt) is closed, so that it frees the batches it decoded ahead. A
      // source that is its own iterator (a generator, ImageDataGenerator's) goes on next epoch.
      if (!finished && (it as unknown) !== data) await it.return?.(undefined);
    }
    return;
  }
  const n = numSamples(data.x);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (shuffle) tf.util.shuffle(order);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    if (shuffle) {
      const idx = tf.tensor1d(order.subarray(start, end), "int32");
      const take = (t: tf.Tensor) => tf.gather(t, idx) as tf.Tensor;
      const item = { x: takeRows(data.x, idx), y: data.y?.map(take), sw: data.sw?.map(take), size: end - start };
      idx.dispose();
      yield item;
    } else {
      const slice = (t: tf.Tensor) => rowsOf(t, start, end - start);
      yield { x: sliceRows(data.x, start, end), y: data.y?.map(slice), sw: data.sw?.map(slice), size: end - start };
    }
  }
}

function disposeBatch(b: BatchItem): void {
  disposeInputs(b.x);
  if (b.y) tf.dispose(b.y);
  if (b.sw) tf.dispose([...new Set(b.sw)]);
}

function assertCompiled(model: KerasModel, what: string): asserts model is KerasModel & { optimizer: tf.Optimizer; compiled: CompiledTraining } {
  if (!model.optimizer || !model.compiled) {
    throw new Error(`${what}: model "${model.name}" is not compiled; call model.compile({ optimizer, loss, metrics }) first`);
  }
}

/** Keras-style shape checks of tensor data against the model, before any work starts. */
function checkData(model: KerasModel, x: Inputs, ys: tf.Tensor[] | undefined, what: string, sw?: tf.Tensor[]): void {
  (model as { buildFrom?: (x: unknown) => void }).buildFrom?.(x); // a Sequential made without an input shape
  const xs = asList(x);
  if (xs.length !== model.inputs.length) {
    throw new Error(`${what}: model "${model.name}" has ${model.inputs.length} input(s) but got ${xs.length} tensor(s)`);
  }
  xs.forEach((t, i) => {
    const expected = model.inputs[i].shape;
    const ok = t.rank === expected.length && expected.every((d, j) => d == null || d === t.shape[j]);
    if (!ok) {
      const err = new Error(`Input ${i} of layer "${model.name}" is incompatible: expected shape ${shapeText(expected)}, got ${shapeText(t.shape)}`);
      err.name = "ValueError";
      throw err;
    }
  });
  if (!ys) return;
  const n = xs[0].shape[0];
  const names = outputNamesOf(model);
  if (ys.length !== model.outputs.length) {
    throw new Error(`${what}: model "${model.name}" has ${model.outputs.length} output(s) (${names.join(", ")}) but got ${ys.length} label tensor(s); give one per output (a list in order, or a dict by output name)`);
  }
  for (const [i, t] of (sw ?? []).entries()) {
    if (t.shape[0] !== n) throw new Error(`${what}: x has ${n} samples but the sample weights${sw!.length > 1 ? ` of output "${names[i]}"` : ""} have ${t.shape[0]}; they must match`);
  }
  ys.forEach((y, i) => {
    const of = ys.length > 1 ? ` of output "${names[i]}"` : "";
    if (y.shape[0] !== n) throw new Error(`${what}: x has ${n} samples but y${of} has ${y.shape[0]}; they must match`);
    const out = model.outputs[i].shape;
    const spec = model.compiled?.lossSpecOf(i);
    const lossName = typeof spec === "string" ? spec : (spec as { name?: string } | null | undefined)?.name;
    if (lossName === "categorical_crossentropy" && (y.rank === 1 || y.shape[y.rank - 1] !== out[out.length - 1])) {
      throw new Error(
        `${what}: labels${of} of shape ${shapeText(y.shape)} do not fit the output ${shapeText(out)} with loss "categorical_crossentropy", which needs one-hot labels; ` +
          `use loss "sparse_categorical_crossentropy" for class indices, or utils.toCategorical(y, ${out[out.length - 1]})`,
      );
    }
    if (lossName === "sparse_categorical_crossentropy" && y.rank > 1 && y.shape[y.rank - 1] !== 1 && y.rank === out.length) {
      throw new Error(
        `${what}: labels${of} of shape ${shapeText(y.shape)} look one-hot, but loss "sparse_categorical_crossentropy" needs class indices of shape [${n}]; use loss "categorical_crossentropy"`,
      );
    }
  });
}

function verbosity(v: FitOptions["verbose"], what = "fit", auto: 0 | 1 = 1): 0 | 1 | 2 {
  if (v === undefined || v === "auto") return auto;
  if (v !== 0 && v !== 1 && v !== 2) throw new Error(`${what}: verbose must be 0, 1, 2 or "auto", got ${JSON.stringify(v)}`);
  return v;
}

function positiveInt(what: string, v: number | undefined, fallback: number): number {
  const n = v ?? fallback;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${what} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

/** Keras' `_should_eval`: every n-th epoch, or the listed (1-based) epochs. */
function validationEpochs(freq: FitOptions["validationFreq"]): (epoch: number) => boolean {
  if (freq === undefined) return () => true;
  if (typeof freq === "number") {
    if (!Number.isInteger(freq) || freq < 1) throw new Error(`fit: validationFreq must be a positive integer or a list of epochs (1-based), got ${JSON.stringify(freq)}`);
    return (epoch) => (epoch + 1) % freq === 0;
  }
  if (Array.isArray(freq) && freq.every((e) => Number.isInteger(e))) return (epoch) => freq.includes(epoch + 1);
  throw new Error(`fit: validationFreq must be a positive integer or a list of epochs (1-based), got ${JSON.stringify(freq)}`);
}

/** Lets the event loop run (interrupts, display updates) between batches. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const YIELD_EVERY_MS = 10;

/** A yield at most every 10 ms: batches take well under a millisecond on small models. */
function throttledYield(): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    if (performance.now() - last < YIELD_EVERY_MS) return undefined;
    return yieldToEventLoop().then(() => void (last = performance.now()));
  };
}

type Compiled = KerasModel & { optimizer: tf.Optimizer; compiled: CompiledTraining };

/** One training step; returns what it adds to the metric state (tensors on the device). */
function trainStep(model: Compiled, variables: tf.Variable[], x: Inputs, ys: tf.Tensor[], sw: tf.Tensor[] | undefined, size: number): StateUpdate {
  let preds: tf.Tensor[] = [];
  let perOutput: tf.Scalar[] = [];
  const compiled = model.compiled;
  // Keras' compute_loss: the data loss plus the weight and activity regularization penalties.
  const penalties = openPenalties();
  let loss: tf.Scalar;
  // The loss of the model's outputs: the predictions and the loss per output kept for the metrics.
  const lossOf = (outputs: tf.Tensor | tf.Tensor[]) => {
    preds = asList(outputs).map((t) => tf.keep(t));
    compiled.build(ys, preds);
    const { total, perOutput: po } = compiled.computeLoss(ys, preds, sw);
    perOutput = po.map((t) => tf.keep(t));
    const penalty = penalties.total(model.tf);
    return penalty ? (tf.add(total, penalty) as tf.Scalar) : total;
  };
  try {
    const plan = x instanceof tf.Tensor && lossScaleOf(model.optimizer) === null ? trainingPlan(model.tf, variables) : undefined;
    loss = plan
      ? plan.step(x as tf.Tensor, {
          withTape: lossOf,
          // (The plan takes no model with regularization penalties: trainingPlan checks its layers.)
          withGradient: (output, wrt) => {
            compiled.build(ys, [output]);
            const r = compiled.lossWithGradient(ys, [output], sw, wrt);
            if (!r) return undefined;
            preds = [tf.keep(output)];
            perOutput = r.perOutput.map((t) => tf.keep(t));
            return { value: r.total, gradient: r.gradient };
          },
        }, model.optimizer, variables)
      : model.optimizer.minimize(() => lossOf(forward(model, x, true)), true, variables)!;
  } catch (e) {
    tf.dispose([...preds, ...perOutput]);
    throw e;
  } finally {
    penalties.close();
  }
  applyConstraints(model.tf.trainableWeights); // Keras 3: right after the optimizer's update
  // Metrics from the same predictions, after the step and off the gradient tape (as Keras, they see
  // the predictions made before the update).
  try {
    return tf.tidy(() => compiled.stateUpdate(ys, preds, sw, tf.keep(loss), perOutput.map((t) => tf.keep(t)), size) as never) as StateUpdate;
  } finally {
    tf.dispose(preds);
  }
}

/**
 * The model's outputs. A Sequential model of single-tensor layers runs layer by layer (what it is),
 * skipping tfjs-layers' graph executor, which costs a tenth of an MLP's batch. In training, a
 * BatchNormalization followed by a plain relu (Activation("relu"), ReLU()) runs as one layer
 * (fuseRelu: one kernel each way instead of two).
 */
function forward(model: KerasModel, x: Inputs, training: boolean): tf.Tensor | tf.Tensor[] {
  if (model.tf instanceof tf.Sequential && x instanceof tf.Tensor) {
    let h: tf.Tensor = x;
    const ls = model.tf.layers;
    for (let i = 0; i < ls.length; i++) {
      const layer = ls[i];
      if (layer.getClassName() === "InputLayer") continue;
      if (training && layer.getClassName() === "BatchNormalization" && i + 1 < ls.length && plainRelu(ls[i + 1])) {
        h = layer.apply(h, { training, fuseRelu: true }) as tf.Tensor;
        i++;
        continue;
      }
      h = layer.apply(h, { training }) as tf.Tensor;
    }
    return h;
  }
  return model.tf.apply(x, { training }) as tf.Tensor;
}

/** An optimizer's lossScaleFactor (tsdl's optimizers; null for others and when it is off). */
const lossScaleOf = (o: tf.Optimizer) => (o as { lossScaleFactor?: number | null }).lossScaleFactor ?? null;

/** One evaluation step; returns what it adds to the metric state. */
function evalStep(model: Compiled, x: Inputs, ys: tf.Tensor[], sw: tf.Tensor[] | undefined, size: number): StateUpdate {
  const penalties = openPenalties();
  try {
    return tf.tidy(() => {
      const preds = asList(forward(model, x, false));
      model.compiled.build(ys, preds);
      const { total, perOutput } = model.compiled.computeLoss(ys, preds, sw);
      // As Keras, the reported loss includes the regularization penalties.
      const penalty = penalties.total(model.tf);
      const loss = penalty ? (tf.add(total, penalty) as tf.Scalar) : total;
      return model.compiled.stateUpdate(ys, preds, sw, loss, perOutput, size) as never;
    }) as StateUpdate;
  } finally {
    penalties.close();
  }
}

function stepsOf(data: unknown, given: number | undefined, what: string): number | undefined {
  if (given !== undefined) return positiveInt(`${what}: steps`, given, 1);
  const len = (data as { length?: unknown }).length;
  return typeof len === "number" && len > 0 ? len : undefined;
}

/** Epochs a callback asked fit to start from (BackupAndRestore, set in onTrainBegin; Keras' `_initial_epoch`). */
const resumeEpochs = new WeakMap<KerasModel, number>();
export function setInitialEpoch(model: KerasModel, epoch: number): void {
  resumeEpochs.set(model, epoch);
}

/** Tensor data for fit/evaluate: converted, checked, sample weights from classWeight; `owned` collects what is made here. */
function tensorData(model: KerasModel, xArg: unknown, yArg: unknown, swArg: unknown, classWeight: Record<number, number> | undefined, what: string, owned: tf.Tensor[]): Required<Pick<TensorData, "x" | "y">> & TensorData {
  if (yArg === undefined) throw new Error(`${what}: y is required with tensor data: model.${what.split(" ")[0]}(x, y, options)`);
  const x = toInputs(xArg, `${what}: x`, model.inputNames);
  owned.push(...madeHere(x, xArg));
  const y = perOutput(model, yArg, `${what}: y`);
  owned.push(...y.filter((t) => !(t === yArg || (Array.isArray(yArg) && yArg.includes(t)) || (yArg && typeof yArg === "object" && Object.values(yArg).includes(t)))));
  let sw: tf.Tensor[] | undefined;
  if (swArg !== undefined && swArg !== null) {
    sw = weightsPerOutput(model, swArg, `${what}: sampleWeight`);
    for (const t of new Set(sw)) if (!(t === swArg || (Array.isArray(swArg) && swArg.includes(t)) || (typeof swArg === "object" && Object.values(swArg).includes(t)))) owned.push(t);
  }
  if (classWeight) {
    if (sw) throw new Error(`${what}: give classWeight or sampleWeight, not both`);
    if (model.outputs.length > 1) throw new Error(`${what}: classWeight is only supported for models with a single output; use sampleWeight per output`);
    sw = [classWeights(y[0], classWeight, what)];
    owned.push(sw[0]);
  }
  checkData(model, x, y, what, sw);
  return { x, y, sw };
}

export async function fitModel(model: KerasModel, xArg: unknown, yArg: unknown, options: FitOptions): Promise<History> {
  await ready();
  assertCompiled(model, "fit");
  const epochs = positiveInt("fit: epochs", options.epochs, 1);
  const batchSize = positiveInt("fit: batchSize", options.batchSize, 32);
  const validationBatchSize = positiveInt("fit: validationBatchSize", options.validationBatchSize, batchSize);
  const verbose = verbosity(options.verbose);
  const shouldValidate = validationEpochs(options.validationFreq);
  let initialEpoch = options.initialEpoch ?? 0;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new Error(`fit: initialEpoch must be an integer >= 0, got ${JSON.stringify(options.initialEpoch)}`);

  let train: TensorData | BatchSource;
  let validation: TensorData | BatchSource | undefined;
  const owned: tf.Tensor[] = []; // tensors this call made (splits, conversions), freed at the end
  let steps: number | undefined;
  let samples: number | undefined;
  const generatorClassWeight = isBatchSource(xArg) ? options.classWeight : undefined;
  if (isBatchSource(xArg)) {
    if (options.validationSplit) throw new Error("fit: validationSplit needs tensors; with a generator pass validationData");
    if (options.sampleWeight) throw new Error("fit: sampleWeight needs tensors; a generator gives each batch's weights as [x, y, sampleWeight]");
    if (options.classWeight && model.outputs.length > 1) throw new Error("fit: classWeight is only supported for models with a single output; use sample weights per output");
    train = xArg;
    steps = stepsOf(xArg, options.stepsPerEpoch, "fit");
  } else {
    const data = tensorData(model, xArg, yArg, options.sampleWeight, options.classWeight, "fit", owned);
    let { x, y, sw } = data;
    const split = options.validationSplit ?? 0;
    if (split) {
      if (!(split > 0 && split < 1)) throw new Error(`fit: validationSplit must be in (0, 1), got ${JSON.stringify(split)}`);
      if (options.validationData) throw new Error("fit: give validationSplit or validationData, not both");
      const n = numSamples(x);
      const cut = Math.floor(n * (1 - split));
      const tail = (t: tf.Tensor) => t.slice(cut, n - cut);
      const head = (t: tf.Tensor) => t.slice(0, cut);
      // Keras splits the sample weights with the data; weights from classWeight stay with training.
      const valSw = sw && !options.classWeight ? sw.map(tail) : undefined;
      validation = { x: sliceRows(x, cut, n), y: y.map(tail), sw: valSw };
      x = sliceRows(x, 0, cut);
      y = y.map(head);
      sw = sw?.map(head);
      owned.push(...asList(validation.x), ...validation.y!, ...(valSw ?? []), ...asList(x), ...y, ...(sw ?? []));
    }
    train = { x, y, sw };
    samples = numSamples(x);
    steps = Math.ceil(samples / batchSize);
  }
  if (options.validationData) {
    const v = options.validationData;
    if (isBatchSource(v)) validation = v;
    else {
      if (!Array.isArray(v) || v.length < 2) throw new Error("fit: validationData must be [x, y], [x, y, sampleWeight] or a batch generator");
      validation = tensorData(model, v[0], v[1], v[2], undefined, "fit (validationData)", owned);
    }
  }

  const history = new History();
  const progbar = verbose ? new ProgbarLogger() : undefined;
  const live = options.liveplot && livePlotFactory ? [livePlotFactory()] : [];
  if (options.controls && !controlsFactory) throw new Error("fit: controls need tsdl's widgets (import them from \"tsdl\")");
  const controls = options.controls ? controlsFactory!(model, { learningRate: typeof options.controls === "object" && options.controls.learningRate === true }) : undefined;
  // The controls draw before the progress bar, so they sit beside it.
  const callbacks: Callback[] = [history, ...(controls ? [controls.callback] : []), ...(progbar ? [progbar] : []), ...live, ...(options.callbacks ?? [])];
  for (const cb of options.callbacks ?? []) {
    if (!(cb instanceof Callback)) throw new Error(`fit: every callback must extend keras.callbacks.Callback, got ${cb === null ? "null" : typeof cb}`);
  }
  const params: TrainingParams = { epochs, steps, verbose, samples, metrics: ["loss"] };
  const batchLogsWanted = callbacks.filter((c) => c !== history && c !== progbar && c !== controls?.callback && !live.includes(c) && c.onBatchEnd !== Callback.prototype.onBatchEnd);
  for (const cb of callbacks) {
    cb.setModel(model);
    cb.setParams(params);
  }
  model.stopTraining = false;
  model.history = history;
  const signal = interruptSignal();
  const call = async (f: (cb: Callback) => void | Promise<void>) => {
    for (const cb of callbacks) await f(cb);
  };
  // Per batch, only the callbacks that do something then are called (no await per no-op).
  const onBatchBegin = callbacks.filter((c) => c.onBatchBegin !== Callback.prototype.onBatchBegin);
  const onBatchEnd = callbacks.filter((c) => c.onBatchEnd !== Callback.prototype.onBatchEnd);
  const maybeYield = throttledYield();
  // The trainable variables as of this call (as Keras, a change of `trainable` takes effect at the next
  // compile or fit), read each epoch since callbacks may swap weights between epochs.
  let variables: tf.Variable[] = [];
  let lastLogs: Logs | undefined;
  try {
    resumeEpochs.delete(model);
    await call((cb) => cb.onTrainBegin());
    initialEpoch = resumeEpochs.get(model) ?? initialEpoch;
    resumeEpochs.delete(model);
    let stopPressed = false;
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining && !stopPressed; epoch++) {
      await call((cb) => cb.onEpochBegin(epoch));
      variables = model.tf.trainableWeights.map((w) => w.read() as tf.Variable);
      let state: MetricsState | undefined;
      let step = 0;
      try {
        for await (const b of batches(train, batchSize, options.shuffle ?? true, steps, "fit", model, generatorClassWeight)) {
          if (signal.aborted) {
            disposeBatch(b);
            throw new KeyboardInterrupt(
              `training interrupted in epoch ${epoch + 1}/${epochs} at batch ${step}${steps ? `/${steps}` : ""}; ` +
                `the model keeps the weights of the last finished batch, and model.history has the ${history.epoch.length} finished epoch(s)`,
            );
          }
          try {
            if (!b.y) throw new Error("fit: the generator yielded a batch without labels; expected [x, y]");
            if (step === 0 && isBatchSource(train)) {
              checkData(model, b.x, b.y, "fit (generator batch)", b.sw);
              variables = model.tf.trainableWeights.map((w) => w.read() as tf.Variable); // built by the first batch
            }
            for (const cb of onBatchBegin) await cb.onBatchBegin(step);
            const update = trainStep(model, variables, b.x, b.y, b.sw, b.size);
            if (!state) {
              state = new MetricsState(model.compiled.trackers());
              params.metrics = model.compiled.trackers().map((t) => t.key);
            }
            state.add(update);
          } finally {
            // Every batch is this loop's own: a gather, a slice, or what a generator handed over.
            disposeBatch(b);
          }
          const wantLogs = batchLogsWanted.length > 0 || (progbar?.wantsBatchLogs(step) ?? false);
          const logs = wantLogs ? await state!.read() : undefined;
          for (const cb of onBatchEnd) await cb.onBatchEnd(step, logs);
          step++;
          await maybeYield(); // interrupts and display updates get in every 10 ms
          if (model.stopTraining) break;
          if (controls?.stopRequested) {
            // As an interrupt: this epoch is not finished, so it is not in the History.
            stopPressed = true;
            controls.stopped(epoch, step, history.epoch.length);
            break;
          }
        }
        if (stopPressed) break;
        if (step === 0) throw new Error("fit: the training data yielded no batches");
        if (params.steps === undefined) params.steps = step;
        const logs = await state!.read();
        if (validation && shouldValidate(epoch)) {
          Object.assign(logs, await evaluateLoop(model, validation, validationBatchSize, options.validationSteps, "val_"));
        }
        lastLogs = sortedLogs(logs);
        await call((cb) => cb.onEpochEnd(epoch, lastLogs));
      } finally {
        state?.dispose();
      }
    }
    // Keras: after the last epoch an optimizer with useEma puts the weights' moving averages in place.
    if (epochs > 0) (model.optimizer as { finalizeVariableValues?: (v: tf.LayerVariable[]) => void }).finalizeVariableValues?.(model.tf.trainableWeights);
    await call((cb) => cb.onTrainEnd(lastLogs));
  } catch (e) {
    if (e instanceof KeyboardInterrupt && verbose) process.stdout.write("\n");
    throw e;
  } finally {
    tf.dispose([...new Set(owned)]);
  }
  return history;
}

async function evaluateLoop(model: Compiled, data: TensorData | BatchSource, batchSize: number, steps: number | undefined, prefix: string): Promise<Logs> {
  let state: MetricsState | undefined;
  const signal = interruptSignal();
  const maybeYield = throttledYield();
  let first = true;
  try {
    for await (const b of batches(data, batchSize, false, isBatchSource(data) ? stepsOf(data, steps, "evaluate") : undefined, "evaluate", model)) {
      try {
        if (signal.aborted) throw new KeyboardInterrupt("evaluation interrupted");
        if (!b.y) throw new Error("evaluate: the generator yielded a batch without labels; expected [x, y]");
        if (first && isBatchSource(data)) checkData(model, b.x, b.y, "evaluate (generator batch)", b.sw);
        first = false;
        const update = evalStep(model, b.x, b.y, b.sw, b.size);
        state ??= new MetricsState(model.compiled.trackers());
        state.add(update);
      } finally {
        disposeBatch(b);
      }
      await maybeYield();
    }
    return state ? await state.read(prefix) : {};
  } finally {
    state?.dispose();
  }
}

/** Keras' evaluate: the logs as a list in Keras' order (loss first), or as a dict with returnDict. */
export async function evaluateModel(model: KerasModel, xArg: unknown, yArg: unknown, options: EvaluateOptions): Promise<number[] | Logs> {
  await ready();
  assertCompiled(model, "evaluate");
  const batchSize = positiveInt("evaluate: batchSize", options.batchSize, 32);
  const verbose = verbosity(options.verbose, "evaluate");
  let data: TensorData | BatchSource;
  const owned: tf.Tensor[] = [];
  if (isBatchSource(xArg)) data = xArg;
  else data = tensorData(model, xArg, yArg, options.sampleWeight, undefined, "evaluate", owned);
  const started = performance.now();
  try {
    const logs = await evaluateLoop(model, data, batchSize, options.steps, "");
    if (verbose) {
      const n = isBatchSource(data) ? undefined : Math.ceil(numSamples(data.x) / batchSize);
      console.log(progressLine(n ?? 0, n, (performance.now() - started) / 1000, logs, verbose, true));
    }
    if (options.returnDict) return logs;
    return model.compiled.orderedKeys(logs).map((k) => logs[k]);
  } finally {
    tf.dispose([...new Set(owned)]);
  }
}

/** Keras' train_on_batch: one step on one batch; the loss and metrics of that batch. */
export async function trainOnBatch(model: KerasModel, xArg: unknown, yArg: unknown, options: OnBatchOptions = {}): Promise<number[] | Logs> {
  await ready();
  assertCompiled(model, "trainOnBatch");
  const owned: tf.Tensor[] = [];
  const { x, y, sw } = tensorData(model, xArg, yArg, options.sampleWeight, options.classWeight, "trainOnBatch", owned);
  let state: MetricsState | undefined;
  try {
    const variables = model.tf.trainableWeights.map((w) => w.read() as tf.Variable);
    const update = trainStep(model, variables, x, y, sw, numSamples(x));
    state = new MetricsState(model.compiled.trackers());
    state.add(update);
    const logs = await state.read();
    return options.returnDict ? logs : model.compiled.orderedKeys(logs).map((k) => logs[k]);
  } finally {
    state?.dispose();
    tf.dispose([...new Set(owned)]);
  }
}

/** Keras' test_on_batch: the loss and metrics of one batch, in inference mode. */
export async function testOnBatch(model: KerasModel, xArg: unknown, yArg: unknown, options: OnBatchOptions = {}): Promise<number[] | Logs> {
  await ready();
  assertCompiled(model, "testOnBatch");
  const owned: tf.Tensor[] = [];
  const { x, y, sw } = tensorData(model, xArg, yArg, options.sampleWeight, undefined, "testOnBatch", owned);
  let state: MetricsState | undefined;
  try {
    const update = evalStep(model, x, y, sw, numSamples(x));
    state = new MetricsState(model.compiled.trackers());
    state.add(update);
    const logs = await state.read();
    return options.returnDict ? logs : model.compiled.orderedKeys(logs).map((k) => logs[k]);
  } finally {
    state?.dispose();
    tf.dispose([...new Set(owned)]);
  }
}

/** Keras' predict_on_batch: the outputs for one batch, in inference mode (one tensor, or one per output). */
export async function predictOnBatch(model: KerasModel, xArg: unknown): Promise<tf.Tensor | tf.Tensor[]> {
  await ready();
  const x = toInputs(xArg, "predictOnBatch: x", model.inputNames);
  const owned = madeHere(x, xArg);
  try {
    checkData(model, x, undefined, "predictOnBatch");
    const outs = asList(tf.tidy(() => forward(model, x, false)));
    outs.forEach(dropLogits); // Keras gives arrays: no logits behind them
    return outs.length === 1 ? outs[0] : outs;
  } finally {
    tf.dispose(owned);
  }
}

export async function predictModel(model: KerasModel, xArg: unknown, options: PredictOptions): Promise<tf.Tensor | tf.Tensor[]> {
  await ready();
  const batchSize = positiveInt("predict: batchSize", options.batchSize, 32);
  const verbose = verbosity(options.verbose, "predict", 0);
  const started = performance.now();
  let data: TensorData | BatchSource;
  let owned: tf.Tensor[] | undefined;
  if (isBatchSource(xArg)) data = xArg;
  else {
    const x = toInputs(xArg, "predict: x", model.inputNames);
    owned = madeHere(x, xArg);
    checkData(model, x, undefined, "predict");
    data = { x };
  }
  const parts: tf.Tensor[][] = []; // per batch, one tensor per model output
  const signal = interruptSignal();
  const maybeYield = throttledYield();
  // A Sequential model's layers (or a functional chain's) as few ops as they can be (inference_plan.ts),
  // kept by the model from call to call while its weights stay the same (plan_cache.ts).
  const use = await usePlan(model.tf, isBatchSource(data) ? Infinity : numSamples(data.x));
  const plan = use?.plan;
  try {
    for await (const b of batches(data, batchSize, false, isBatchSource(data) ? stepsOf(data, options.steps, "predict") : undefined, "predict", model)) {
      try {
        if (signal.aborted) throw new KeyboardInterrupt("prediction interrupted");
        const x = b.x;
        const outs = asList(tf.tidy(() => (plan && x instanceof tf.Tensor ? plan.run(x) : forward(model, x, false))));
        outs.forEach(dropLogits); // Keras gives arrays: no logits behind them
        parts.push(outs);
      } finally {
        disposeBatch(b);
      }
      await maybeYield();
    }
    if (parts.length === 0) throw new Error("predict: the data yielded no batches");
    if (verbose) console.log(progressLine(parts.length, parts.length, (performance.now() - started) / 1000, undefined, verbose, true));
    const outs = parts[0].map((_, o) => (parts.length === 1 ? parts[0][o] : tf.concat(parts.map((p) => p[o]), 0)));
    if (parts.length > 1) parts.forEach((p) => tf.dispose(p));
    return outs.length === 1 ? outs[0] : outs;
  } catch (e) {
    parts.forEach((p) => tf.dispose(p));
    throw e;
  } finally {
    use?.release();
    if (owned) tf.dispose(owned);
  }
}

export type { Targets };
