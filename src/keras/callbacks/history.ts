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

  /**
   * A notebook cell ending in `await model.fit(...)` shows this one line, as Keras shows its History,
   * not the callback's model and parameters.
   */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/plain": this.toString() };
  }

  /** console.log(history): the epochs and the per-key lists, without the model the callback holds. */
  [Symbol.for("nodejs.util.inspect.custom")](_depth: number, options: object, inspect: (v: unknown, o: object) => string): string {
    return `History ${inspect({ epoch: this.epoch, history: this.history }, options)}`;
  }
}
