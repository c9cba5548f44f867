// Keras' fit / evaluate / predict loops on tfjs: batches, shuffling, validation, callbacks, History.
//
// Metrics are summed on the device and read (asynchronously) only when something shows them: the
// progress bar a few times a second, callbacks that ask for batch logs, and each epoch's end. The loop
// yields to the event loop after every batch, so Kernel > Interrupt and display updates get through.
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../backend/backend.js";
import { accumulateInPlace } from "../../backend/fused_kernels.js";
import { KeyboardInterrupt, interruptSignal } from "../../interrupt.js";
import { Callback, type Logs, type TrainingParams } from "../callbacks/callback.js";
import { History } from "../callbacks/history.js";
import { ProgbarLogger, progressLine } from "../callbacks/progbar_logger.js";
import {
  asList, disposeInputs, madeHere, isBatchSource, numSamples, sliceRows, takeRows, toInputs, toTensor, unpackBatch,
  type BatchSource, type Inputs,
} from "./data_adapter.js";
import type { KerasModel } from "./model.js";
import { shapeText } from "../callable.js";
import { applyConstraints, openPenalties } from "../penalties.js";

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
  /** [x, y] tensors or a batch generator, evaluated after each epoch. */
  validationData?: [Inputs, tf.Tensor] | BatchSource;
  /** Shuffle the samples before each epoch (tensor input). Default true. */
  shuffle?: boolean;
  /** Epoch to start from (for resuming). Default 0. */
  initialEpoch?: number;
  /** Batches per epoch for a generator. Default: its length. */
  stepsPerEpoch?: number;
  /** Batches of validation per epoch for a generator. Default: its length. */
  validationSteps?: number;
  /** Draw the training curves live in the notebook, redrawn after each epoch. Default false. */
  liveplot?: boolean;
}

let livePlotFactory: (() => Callback) | undefined;
/** src/display installs the LivePlot callback that `liveplot: true` adds. */
export function setLivePlotFactory(f: () => Callback): void {
  livePlotFactory = f;
}

export interface EvaluateOptions {
  /** Default 32. */
  batchSize?: number;
  /** 0 silent, 1 progress bar. Default 1 (as Keras). */
  verbose?: 0 | 1;
  /** Batches to use from a generator. Default: its length. */
  steps?: number;
}

export interface PredictOptions {
  /** Default 32. */
  batchSize?: number;
  /** Batches to use from a generator. Default: its length. */
  steps?: number;
}

/** One batch as fit sees it; `owned` batches (from generators or slicing) are disposed after use. */
interface BatchItem {
  x: Inputs;
  y: tf.Tensor | undefined;
  size: number;
}

/** Yields the batches of one pass over tensors or a generator. */
async function* batches(
  data: { x: Inputs; y?: tf.Tensor } | BatchSource,
  batchSize: number,
  shuffle: boolean,
  steps: number | undefined,
  what: string,
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
        const [x, y] = unpackBatch(r.value, what);
        yield { x, y, size: numSamples(x) };
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
      const item = { x: takeRows(data.x, idx), y: data.y ? (tf.gather(data.y, idx) as tf.Tensor) : undefined, size: end - start };
      idx.dispose();
      yield item;
    } else {
      yield { x: sliceRows(data.x, start, end), y: data.y?.slice(start, end - start), size: end - start };
    }
  }
}

/** Sums of loss and metrics (times batch size) kept on the device. */
class Totals {
  private sums: tf.Tensor | undefined;
  samples = 0;
  constructor(readonly keys: string[]) {}
  /** Adds `values[i] * weights[i]` (scalars, which it frees) to the sums. */
  add(values: tf.Tensor[], weights: number[], size: number): void {
    this.sums ??= tf.zeros([values.length]);
    if (!accumulateInPlace(this.sums, values, weights)) {
      const old = this.sums;
      this.sums = tf.tidy(() => tf.add(old, tf.stack(values.map((v, i) => (weights[i] === 1 ? v : tf.mul(v, weights[i]))))));
      old.dispose();
    }
    tf.dispose(values);
    this.samples += size;
  }
  async read(prefix = ""): Promise<Logs> {
    const logs: Logs = {};
    if (!this.sums || this.samples === 0) return logs;
    const v = await this.sums.data();
    this.keys.forEach((k, i) => (logs[prefix + k] = v[i] / this.samples));
    return logs;
  }
  dispose(): void {
    this.sums?.dispose();
    this.sums = undefined;
  }
}

function assertCompiled(model: KerasModel, what: string): asserts model is KerasModel & { optimizer: tf.Optimizer; loss: NonNullable<KerasModel["loss"]> } {
  if (!model.optimizer || !model.loss) {
    throw new Error(`${what}: model "${model.name}" is not compiled; call model.compile({ optimizer, loss, metrics }) first`);
  }
}

/** Keras-style shape checks of tensor data against the model, before any work starts. */
function checkData(model: KerasModel, x: Inputs, y: tf.Tensor | undefined, what: string): void {
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
  if (!y) return;
  const n = xs[0].shape[0];
  if (y.shape[0] !== n) throw new Error(`${what}: x has ${n} samples but y has ${y.shape[0]}; they must match`);
  const out = model.outputs[0].shape;
  const lossName = model.loss?.name;
  if (lossName === "categorical_crossentropy" && (y.rank === 1 || y.shape[y.rank - 1] !== out[out.length - 1])) {
    throw new Error(
      `${what}: labels of shape ${shapeText(y.shape)} do not fit the output ${shapeText(out)} with loss "categorical_crossentropy", which needs one-hot labels; ` +
        `use loss "sparse_categorical_crossentropy" for class indices, or utils.toCategorical(y, ${out[out.length - 1]})`,
    );
  }
  if (lossName === "sparse_categorical_crossentropy" && y.rank > 1 && y.shape[y.rank - 1] !== 1) {
    throw new Error(
      `${what}: labels of shape ${shapeText(y.shape)} look one-hot, but loss "sparse_categorical_crossentropy" needs class indices of shape [${n}]; use loss "categorical_crossentropy"`,
    );
  }
}

function verbosity(v: FitOptions["verbose"]): 0 | 1 | 2 {
  if (v === undefined || v === "auto") return 1;
  if (v !== 0 && v !== 1 && v !== 2) throw new Error(`fit: verbose must be 0, 1, 2 or "auto", got ${JSON.stringify(v)}`);
  return v;
}

function positiveInt(what: string, v: number | undefined, fallback: number): number {
  const n = v ?? fallback;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${what} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
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

/** One training step; returns [mean loss, ...metric sums] (scalars on the device). */
function trainStep(model: KerasModel & { optimizer: tf.Optimizer; loss: NonNullable<KerasModel["loss"]> }, variables: tf.Variable[], x: Inputs, y: tf.Tensor): tf.Tensor[] {
  let yPred: tf.Tensor | undefined;
  // Keras' compute_loss: the data loss plus the weight and activity regularization penalties.
  const penalties = openPenalties();
  let loss: tf.Scalar;
  try {
    loss = model.optimizer.minimize(
      () => {
        yPred = tf.keep(singleOutput(model, forward(model, x, true)));
        const penalty = penalties.total(model.tf);
        const data = tf.mean(model.loss.fn(y, yPred)) as tf.Scalar;
        return penalty ? (tf.add(data, penalty) as tf.Scalar) : data;
      },
      true,
      variables,
    )!;
  } finally {
    penalties.close();
  }
  applyConstraints(model.tf.trainableWeights); // Keras 3: right after the optimizer's update
  // Metrics from the same predictions, after the step and off the gradient tape (as Keras, they see
  // the predictions made before the update).
  const metrics = tf.tidy(() => model.metrics.map((m) => tf.sum(m.fn(y, yPred!))));
  yPred!.dispose();
  return [loss, ...metrics];
}

/**
 * The model's output. A Sequential model of single-tensor layers runs layer by layer (what it is),
 * skipping tfjs-layers' graph executor, which costs a tenth of an MLP's batch.
 */
function forward(model: KerasModel, x: Inputs, training: boolean): tf.Tensor | tf.Tensor[] {
  if (model.tf instanceof tf.Sequential && x instanceof tf.Tensor) {
    let h: tf.Tensor = x;
    for (const layer of model.tf.layers) {
      if (layer.getClassName() === "InputLayer") continue;
      h = layer.apply(h, { training }) as tf.Tensor;
    }
    return h;
  }
  return model.tf.apply(x, { training }) as tf.Tensor;
}

/** The one output that compile's loss applies to (a loss per output is not there yet). */
function singleOutput(model: KerasModel, y: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (!Array.isArray(y)) return y;
  if (y.length === 1) return y[0];
  tf.dispose(y);
  throw new Error(`fit/evaluate: model "${model.name}" has ${y.length} outputs; training it needs a loss per output, which tsdl does not have yet (predict works)`);
}

/** One evaluation step; returns [loss sum, ...metric sums]. */
function evalStep(model: KerasModel & { loss: NonNullable<KerasModel["loss"]> }, x: Inputs, y: tf.Tensor): tf.Tensor[] {
  const penalties = openPenalties();
  try {
    return tf.tidy(() => {
      const yPred = singleOutput(model, forward(model, x, false));
      // As Keras, the reported loss includes the regularization penalties (once per sample here).
      const penalty = penalties.total(model.tf);
      const data = tf.sum(model.loss.fn(y, yPred));
      return [penalty ? tf.add(data, tf.mul(penalty, yPred.shape[0])) : data, ...model.metrics.map((m) => tf.sum(m.fn(y, yPred)))];
    });
  } finally {
    penalties.close();
  }
}

function stepsOf(data: unknown, given: number | undefined, what: string): number | undefined {
  if (given !== undefined) return positiveInt(`${what}: steps`, given, 1);
  const len = (data as { length?: unknown }).length;
  return typeof len === "number" && len > 0 ? len : undefined;
}

export async function fitModel(model: KerasModel, xArg: unknown, yArg: unknown, options: FitOptions): Promise<History> {
  await ready();
  assertCompiled(model, "fit");
  const epochs = positiveInt("fit: epochs", options.epochs, 1);
  const batchSize = positiveInt("fit: batchSize", options.batchSize, 32);
  const verbose = verbosity(options.verbose);
  const initialEpoch = options.initialEpoch ?? 0;
  const metricKeys = ["loss", ...model.metrics.map((m) => m.name)];

  let train: { x: Inputs; y: tf.Tensor } | BatchSource;
  let validation: { x: Inputs; y: tf.Tensor } | BatchSource | undefined;
  const owned: Inputs[] = []; // tensors this call made (splits, conversions), freed at the end
  let steps: number | undefined;
  let samples: number | undefined;
  if (isBatchSource(xArg)) {
    if (options.validationSplit) throw new Error("fit: validationSplit needs tensors; with a generator pass validationData");
    train = xArg;
    steps = stepsOf(xArg, options.stepsPerEpoch, "fit");
  } else {
    if (yArg === undefined) throw new Error("fit: y is required with tensor data: model.fit(x, y, options)");
    let x = toInputs(xArg, "fit: x", model.inputNames);
    let y = toTensor(yArg, "fit: y");
    owned.push(...madeHere(x, xArg));
    if (y !== yArg) owned.push(y);
    checkData(model, x, y, "fit");
    const split = options.validationSplit ?? 0;
    if (split) {
      if (!(split > 0 && split < 1)) throw new Error(`fit: validationSplit must be in (0, 1), got ${JSON.stringify(split)}`);
      if (options.validationData) throw new Error("fit: give validationSplit or validationData, not both");
      const n = numSamples(x);
      const cut = Math.floor(n * (1 - split));
      validation = { x: sliceRows(x, cut, n), y: y.slice(cut, n - cut) };
      x = sliceRows(x, 0, cut);
      y = y.slice(0, cut);
      owned.push(validation.x, validation.y, x, y);
    }
    train = { x, y };
    samples = numSamples(x);
    steps = Math.ceil(samples / batchSize);
  }
  if (options.validationData) {
    const v = options.validationData;
    if (isBatchSource(v)) validation = v;
    else {
      if (!Array.isArray(v) || v.length < 2) throw new Error("fit: validationData must be [x, y] or a batch generator");
      const vx = toInputs(v[0], "fit: validationData x", model.inputNames);
      const vy = toTensor(v[1], "fit: validationData y");
      checkData(model, vx, vy, "fit (validationData)");
      validation = { x: vx, y: vy };
    }
  }

  const history = new History();
  const progbar = verbose ? new ProgbarLogger() : undefined;
  const live = options.liveplot && livePlotFactory ? [livePlotFactory()] : [];
  const callbacks: Callback[] = [history, ...(progbar ? [progbar] : []), ...live, ...(options.callbacks ?? [])];
  for (const cb of options.callbacks ?? []) {
    if (!(cb instanceof Callback)) throw new Error(`fit: every callback must extend keras.callbacks.Callback, got ${cb === null ? "null" : typeof cb}`);
  }
  const params: TrainingParams = { epochs, steps, verbose, samples, metrics: metricKeys };
  const batchLogsWanted = callbacks.filter((c) => c !== history && c !== progbar && !live.includes(c) && c.onBatchEnd !== Callback.prototype.onBatchEnd);
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
  try {
    await call((cb) => cb.onTrainBegin());
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
      await call((cb) => cb.onEpochBegin(epoch));
      variables = model.tf.trainableWeights.map((w) => w.read() as tf.Variable);
      const totals = new Totals(metricKeys);
      let step = 0;
      try {
        for await (const b of batches(train, batchSize, options.shuffle ?? true, steps, "fit")) {
          if (signal.aborted) {
            disposeInputs(b.x);
            b.y?.dispose();
            throw new KeyboardInterrupt(
              `training interrupted in epoch ${epoch + 1}/${epochs} at batch ${step}${steps ? `/${steps}` : ""}; ` +
                `the model keeps the weights of the last finished batch, and model.history has the ${history.epoch.length} finished epoch(s)`,
            );
          }
          if (!b.y) throw new Error("fit: the generator yielded a batch without labels; expected [x, y]");
          try {
            if (step === 0 && isBatchSource(train)) {
              checkData(model, b.x, b.y, "fit (generator batch)");
              variables = model.tf.trainableWeights.map((w) => w.read() as tf.Variable); // built by the first batch
            }
            for (const cb of onBatchBegin) await cb.onBatchBegin(step);
            const values = trainStep(model as never, variables, b.x, b.y);
            totals.add(values, values.map((_, i) => (i === 0 ? b.size : 1)), b.size);
          } finally {
            // Every batch is this loop's own: a gather, a slice, or what a generator handed over.
            disposeInputs(b.x);
            b.y.dispose();
          }
          const wantLogs = batchLogsWanted.length > 0 || (progbar?.wantsBatchLogs(step) ?? false);
          const logs = wantLogs ? await totals.read() : undefined;
          for (const cb of onBatchEnd) await cb.onBatchEnd(step, logs);
          step++;
          await maybeYield(); // interrupts and display updates get in every 10 ms
          if (model.stopTraining) break;
        }
        if (step === 0) throw new Error("fit: the training data yielded no batches");
        if (params.steps === undefined) params.steps = step;
        const logs = await totals.read();
        if (validation) Object.assign(logs, await evaluateLoop(model as never, validation, batchSize, options.validationSteps, "val_"));
        await call((cb) => cb.onEpochEnd(epoch, logs));
      } finally {
        totals.dispose();
      }
    }
    // Keras: after the last epoch an optimizer with useEma puts the weights' moving averages in place.
    (model.optimizer as { finalizeVariableValues?: (v: tf.LayerVariable[]) => void }).finalizeVariableValues?.(model.tf.trainableWeights);
    await call((cb) => cb.onTrainEnd());
  } catch (e) {
    if (e instanceof KeyboardInterrupt && verbose) process.stdout.write("\n");
    throw e;
  } finally {
    for (const t of owned) disposeInputs(t);
  }
  return history;
}

async function evaluateLoop(
  model: KerasModel & { loss: NonNullable<KerasModel["loss"]> },
  data: { x: Inputs; y: tf.Tensor } | BatchSource,
  batchSize: number,
  steps: number | undefined,
  prefix: string,
): Promise<Logs> {
  const totals = new Totals(["loss", ...model.metrics.map((m) => m.name)]);
  const signal = interruptSignal();
  const maybeYield = throttledYield();
  try {
    for await (const b of batches(data, batchSize, false, isBatchSource(data) ? stepsOf(data, steps, "evaluate") : undefined, "evaluate")) {
      try {
        if (signal.aborted) throw new KeyboardInterrupt("evaluation interrupted");
        if (!b.y) throw new Error("evaluate: the generator yielded a batch without labels; expected [x, y]");
        const values = evalStep(model, b.x, b.y);
        totals.add(values, values.map(() => 1), b.size);
      } finally {
        disposeInputs(b.x);
        b.y?.dispose();
      }
      await maybeYield();
    }
    return await totals.read(prefix);
  } finally {
    totals.dispose();
  }
}

export async function evaluateModel(model: KerasModel, xArg: unknown, yArg: unknown, options: EvaluateOptions): Promise<number[]> {
  await ready();
  assertCompiled(model, "evaluate");
  const batchSize = positiveInt("evaluate: batchSize", options.batchSize, 32);
  let data: { x: Inputs; y: tf.Tensor } | BatchSource;
  const owned: Inputs[] = [];
  if (isBatchSource(xArg)) data = xArg;
  else {
    if (yArg === undefined) throw new Error("evaluate: y is required with tensor data: model.evaluate(x, y)");
    const x = toInputs(xArg, "evaluate: x", model.inputNames);
    const y = toTensor(yArg, "evaluate: y");
    owned.push(...madeHere(x, xArg));
    if (y !== yArg) owned.push(y);
    checkData(model, x, y, "evaluate");
    data = { x, y };
  }
  const started = performance.now();
  try {
    const logs = await evaluateLoop(model, data, batchSize, options.steps, "");
    if ((options.verbose ?? 1) === 1) {
      const n = isBatchSource(data) ? undefined : Math.ceil(numSamples(data.x) / batchSize);
      console.log(progressLine(n ?? 0, n, (performance.now() - started) / 1000, logs, 1, true));
    }
    return ["loss", ...model.metrics.map((m) => m.name)].map((k) => logs[k]);
  } finally {
    for (const t of owned) disposeInputs(t);
  }
}

export async function predictModel(model: KerasModel, xArg: unknown, options: PredictOptions): Promise<tf.Tensor | tf.Tensor[]> {
  await ready();
  const batchSize = positiveInt("predict: batchSize", options.batchSize, 32);
  let data: { x: Inputs } | BatchSource;
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
  try {
    for await (const b of batches(data, batchSize, false, isBatchSource(data) ? stepsOf(data, options.steps, "predict") : undefined, "predict")) {
      try {
        if (signal.aborted) throw new KeyboardInterrupt("prediction interrupted");
        parts.push(asList(tf.tidy(() => forward(model, b.x, false))));
      } finally {
        disposeInputs(b.x);
        b.y?.dispose();
      }
      await maybeYield();
    }
    if (parts.length === 0) throw new Error("predict: the data yielded no batches");
    const outs = parts[0].map((_, o) => (parts.length === 1 ? parts[0][o] : tf.concat(parts.map((p) => p[o]), 0)));
    if (parts.length > 1) parts.forEach((p) => tf.dispose(p));
    return outs.length === 1 ? outs[0] : outs;
  } catch (e) {
    parts.forEach((p) => tf.dispose(p));
    throw e;
  } finally {
    if (owned) tf.dispose(owned);
  }
}
