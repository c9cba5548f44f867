// EarlyStopping: stop when the monitored metric stops improving.
import * as tf from "@tensorflow/tfjs";
import { Callback, checkMode, improves, monitored, type Logs } from "./callback.js";

export interface EarlyStoppingOptions {
  /** Default "val_loss". */
  monitor?: string;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping. Default 0. */
  patience?: number;
  /** Default "auto". */
  mode?: "auto" | "min" | "max";
  /** Stop unless the metric beats this value. Default none. */
  baseline?: number;
  /** Put back the weights of the best epoch when stopping. Default false. */
  restoreBestWeights?: boolean;
  /** 1 prints when it stops. Default 0. */
  verbose?: 0 | 1;
}

export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  readonly baseline: number | undefined;
  readonly verbose: 0 | 1;
  private readonly better: ReturnType<typeof improves>;
  private best = NaN;
  private wait = 0;
  private bestWeights: tf.Tensor[] | undefined;
  /** The epoch training stopped at (0 if it did not stop early). */
  stoppedEpoch = 0;

  constructor(options: EarlyStoppingOptions = {}) {
    super();
    this.monitor = options.monitor ?? "val_loss";
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.patience = options.patience ?? 0;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.baseline = options.baseline;
    this.verbose = options.verbose ?? 0;
    this.better = improves(checkMode("EarlyStopping", options.mode ?? "auto"), this.monitor);
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = NaN;
    this.disposeBest();
  }

  onEpochEnd(epoch: number, logs?: Logs): void {
    const current = monitored("EarlyStopping", this.monitor, logs);
    if (current === undefined) return;
    const reference = Number.isNaN(this.best) ? this.baseline : this.best;
    if (reference === undefined || this.better(current, reference, this.minDelta)) {
      this.best = current;
      this.wait = 0;
      if (this.restoreBestWeights) {
        this.disposeBest();
        this.bestWeights = this.model.getWeights().map((w) => w.clone());
      }
      return;
    }
    this.wait++;
    if (this.wait > this.patience) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
      if (this.restoreBestWeights && this.bestWeights) this.model.setWeights(this.bestWeights);
    }
  }

  onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    this.disposeBest();
  }

  private disposeBest(): void {
    this.bestWeights?.forEach((t) => t.dispose());
    this.bestWeights = undefined;
  }
}
