// LambdaCallback: a callback from plain functions, `LambdaCallback({ onEpochEnd: (epoch, logs) => ... })`.
import { Callback, type Logs } from "./callback.js";

export interface LambdaCallbackOptions {
  onTrainBegin?: (logs?: Logs) => void | Promise<void>;
  onTrainEnd?: (logs?: Logs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onBatchBegin?: (batch: number, logs?: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs?: Logs) => void | Promise<void>;
}

export class LambdaCallback extends Callback {
  constructor(private readonly hooks: LambdaCallbackOptions) {
    super();
  }
  onTrainBegin(logs?: Logs) { return this.hooks.onTrainBegin?.(logs); }
  onTrainEnd(logs?: Logs) { return this.hooks.onTrainEnd?.(logs); }
  onEpochBegin(epoch: number, logs?: Logs) { return this.hooks.onEpochBegin?.(epoch, logs); }
  onEpochEnd(epoch: number, logs?: Logs) { return this.hooks.onEpochEnd?.(epoch, logs); }
  onBatchBegin(batch: number, logs?: Logs) { return this.hooks.onBatchBegin?.(batch, logs); }
  onBatchEnd(batch: number, logs?: Logs) { return this.hooks.onBatchEnd?.(batch, logs); }
}
