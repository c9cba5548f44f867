// History: what `fit` returns; `history.history.loss[epoch]`, with Keras' keys.
import { Callback, type Logs } from "./callback.js";

export class History extends Callback {
  /** Per-key lists of epoch values: `loss`, `accuracy`, `val_loss`, `val_accuracy`, ... */
  history: Record<string, number[]> = {};
  /** The epochs run (0-based, as Keras). */
  epoch: number[] = [];

  onTrainBegin(): void {
    this.history = {};
    this.epoch = [];
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }

  toString(): string {
    const keys = Object.keys(this.history);
    return `History(${this.epoch.length} epochs: ${keys.map((k) => `${k}=${this.history[k].at(-1)?.toFixed(4)}`).join(", ")})`;
  }
}
