// The callback protocol of Keras' fit: hooks at train/epoch/batch begin and end, with logs of numbers.
import type { KerasModel } from "../models/model.js";

/** Metric values by Keras key: `loss`, `accuracy`, `val_loss`, `val_accuracy`, ... */
export type Logs = Record<string, number>;

export interface TrainingParams {
  epochs: number;
  /** Batches per epoch (undefined when a generator has no length). */
  steps: number | undefined;
  verbose: 0 | 1 | 2;
  /** Samples per epoch when training on tensors. */
  samples?: number;
  /** The metric keys this fit reports, in order. */
  metrics: string[];
}

/**
 * Base class of callbacks: override the hooks you need (each may be async).
 * `this.model` is the model being trained; set `this.model.stopTraining = true` to stop after the epoch.
 */
export class Callback {
  model!: KerasModel;
  params!: TrainingParams;
  setModel(model: KerasModel): void {
    this.model = model;
  }
  setParams(params: TrainingParams): void {
    this.params = params;
  }
  onTrainBegin(_logs?: Logs): void | Promise<void> {}
  onTrainEnd(_logs?: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  onBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
}

/** Which way a monitored quantity improves: Keras' "auto" picks max for accuracy-like names. */
export function improves(mode: "auto" | "min" | "max", monitor: string): (current: number, best: number, minDelta: number) => boolean {
  const max = mode === "max" || (mode === "auto" && /acc|auc|precision|recall/.test(monitor));
  return max ? (c, b, d) => c - d > b : (c, b, d) => c + d < b;
}

export function checkMode(where: string, mode: string): "auto" | "min" | "max" {
  if (mode !== "auto" && mode !== "min" && mode !== "max") throw new Error(`${where}: mode must be "auto", "min" or "max", got ${JSON.stringify(mode)}`);
  return mode;
}

/** The monitored value, or a warning naming the keys that exist (as Keras warns). */
export function monitored(where: string, monitor: string, logs: Logs | undefined): number | undefined {
  const v = logs?.[monitor];
  if (v === undefined) {
    console.warn(`${where}: the monitored metric ${JSON.stringify(monitor)} is not available; available metrics are: ${Object.keys(logs ?? {}).join(", ")}`);
  }
  return v;
}
