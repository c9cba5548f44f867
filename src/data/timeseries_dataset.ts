// keras.utils.timeseries_dataset_from_array: windows of a series of timesteps, as batches. Window i
// starts at timestep startIndex + p(i), with p = 0, sequenceStride, 2 * sequenceStride, ..., and takes
// sequenceLength timesteps samplingRate apart; its target is targets[startIndex + p(i)]. Windows end
// at endIndex (exclusive), and there are never more of them than targets.
//
// Porting note: with `shuffle`, the windows' order is numpy's RandomState(seed).shuffle of their starts,
// bit for bit as Keras makes it, but Keras then shuffles again inside a buffer of 8 batches with
// TensorFlow's generator (anew each epoch), which tsdl does not: the batches hold other windows than
// Keras' do. Without `shuffle` they are the same.
import tf from "../tfjs.cjs";
import { BatchDataset, type Element } from "./batch_dataset.js";
import { MT19937 } from "./numpy_random.js";
import { toTensor } from "../keras/models/data_adapter.js";

const WHERE = "timeseriesDatasetFromArray";

export interface TimeseriesDatasetOptions {
  /** Timesteps between the starts of two successive windows. Default 1. */
  sequenceStride?: number;
  /** Timesteps between two successive steps of a window. Default 1. */
  samplingRate?: number;
  /** Windows a batch; null gives one window an element. Default 128. */
  batchSize?: number | null;
  /** Shuffle the windows (see the porting note). Default false. */
  shuffle?: boolean;
  /** The shuffle's seed. Default: a random one. */
  seed?: number;
  /** The first timestep windows may use. Default 0. */
  startIndex?: number;
  /** Windows end before this timestep. Default: the series' length. */
  endIndex?: number;
}

type Series = tf.Tensor | number[] | number[][] | number[][][] | Float32Array | Int32Array;

/**
 * Windows over `data` ([timesteps, ...features]) with their targets (`targets[t]` for the window that
 * starts at t; null: a dataset of windows alone), as batches [batch, sequenceLength, ...features].
 */
export function timeseriesDatasetFromArray(data: Series, targets: Series, sequenceLength: number, options?: TimeseriesDatasetOptions): BatchDataset<[tf.Tensor, tf.Tensor]>;
export function timeseriesDatasetFromArray(data: Series, targets: null, sequenceLength: number, options?: TimeseriesDatasetOptions): BatchDataset<[tf.Tensor]>;
export function timeseriesDatasetFromArray(data: Series, targets: Series | null, sequenceLength: number, options?: TimeseriesDatasetOptions): BatchDataset<[tf.Tensor, tf.Tensor]> | BatchDataset<[tf.Tensor]>;
export function timeseriesDatasetFromArray(data: Series, targets: Series | null, sequenceLength: number, options: TimeseriesDatasetOptions = {}): BatchDataset<Element> {
  const x = asTensor(data, "data");
  const y = targets === null || targets === undefined ? undefined : asTensor(targets, "targets");
  const length = x.shape[0];
  const stride = options.sequenceStride ?? 1;
  const rate = options.samplingRate ?? 1;
  const batchSize = options.batchSize === undefined ? 128 : options.batchSize;
  if (!(Number.isInteger(sequenceLength) && sequenceLength > 0)) throw new Error(`${WHERE}: sequenceLength must be a positive integer, got ${JSON.stringify(sequenceLength)}`);
  if (batchSize !== null && !(Number.isInteger(batchSize) && batchSize > 0)) throw new Error(`${WHERE}: batchSize must be a positive integer or null, got ${JSON.stringify(batchSize)}`);
  // Keras' checks, in its order and words
  const { startIndex, endIndex } = options;
  if (startIndex) {
    if (!Number.isInteger(startIndex) || startIndex < 0) throw new Error(`${WHERE}: startIndex must be 0 or greater, got ${JSON.stringify(startIndex)}`);
    if (startIndex >= length) throw new Error(`${WHERE}: startIndex must be lower than the length of the data, got startIndex=${startIndex} for data of length ${length}`);
  }
  if (endIndex) {
    if (!Number.isInteger(endIndex)) throw new Error(`${WHERE}: endIndex must be an integer, got ${JSON.stringify(endIndex)}`);
    if (startIndex && endIndex <= startIndex) throw new Error(`${WHERE}: endIndex must be higher than startIndex, got startIndex=${startIndex} and endIndex=${endIndex}`);
    if (endIndex >= length) throw new Error(`${WHERE}: endIndex must be lower than the length of the data, got endIndex=${endIndex} for data of length ${length}`);
    if (endIndex <= 0) throw new Error(`${WHERE}: endIndex must be higher than 0, got endIndex=${endIndex}`);
  }
  if (!(Number.isInteger(rate) && rate > 0)) throw new Error(`${WHERE}: samplingRate must be a positive integer, got ${JSON.stringify(rate)}`);
  if (rate >= length) throw new Error(`${WHERE}: samplingRate must be lower than the length of the data, got samplingRate=${rate} for data of length ${length}`);
  if (!(Number.isInteger(stride) && stride > 0)) throw new Error(`${WHERE}: sequenceStride must be a positive integer, got ${JSON.stringify(stride)}`);
  if (stride >= length) throw new Error(`${WHERE}: sequenceStride must be lower than the length of the data, got sequenceStride=${stride} for data of length ${length}`);

  const start = startIndex ?? 0;
  const end = endIndex ?? length;
  let windows = end - start - (sequenceLength - 1) * rate;
  if (y) windows = Math.min(windows, y.shape[0]);
  const starts: number[] = [];
  for (let p = 0; p < windows; p += stride) starts.push(p);
  if (options.shuffle) new MT19937(options.seed ?? Math.floor(Math.random() * 1e6)).shuffle(starts);

  const per = batchSize ?? 1;
  const count = Math.ceil(starts.length / per);
  const element = (b: number): Element =>
    tf.tidy(() => {
      const first = starts.slice(b * per, (b + 1) * per);
      const steps = first.flatMap((p) => Array.from({ length: sequenceLength }, (_, j) => start + p + j * rate));
      let xs = tf.gather(x, tf.tensor1d(steps, "int32"));
      xs = xs.reshape(batchSize === null ? [sequenceLength, ...x.shape.slice(1)] : [first.length, sequenceLength, ...x.shape.slice(1)]);
      if (!y) return [xs];
      let ys = tf.gather(y, tf.tensor1d(first.map((p) => start + p), "int32"));
      if (batchSize === null) ys = ys.reshape(y.shape.slice(1));
      return [xs, ys];
    });
  async function* pass(): AsyncGenerator<Element, void, undefined> {
    for (let b = 0; b < count; b++) yield element(b);
  }
  return new BatchDataset<Element>(pass, count, { classNames: null, filePaths: [] });
}

/** The series as a tensor: a tensor as it is (the caller's, not disposed here), anything else converted once (toTensor) and kept. */
function asTensor(s: Series, what: string): tf.Tensor {
  if (s instanceof tf.Tensor) {
    if (s.rank < 1) throw new Error(`${WHERE}: ${what} must have a time axis (rank 1 or more), got a scalar`);
    return s;
  }
  if (!(Array.isArray(s) || ArrayBuffer.isView(s)) || (s as ArrayLike<unknown>).length === 0) throw new Error(`${WHERE}: ${what} must be a tensor or a non-empty array of timesteps, got ${Array.isArray(s) ? "[]" : typeof s}`);
  return tf.keep(toTensor(s, `${WHERE}: ${what}`));
}
