// EarlyStopping as Keras 3 (keras/src/callbacks/early_stopping.py): stop when the monitored metric
// has not improved for `patience` epochs (counted from startFromEpoch); with a baseline, epochs that
// do not beat it count as without improvement; restoreBestWeights puts back the weights of the best
// epoch when training ends (whether or not it stopped early).
import type * as tf from "@tensorflow/tfjs";
import type { Logs } from "./callback.js";
import { MonitorCallback, type Mode } from "./monitor_callback.js";

export interface EarlyStoppingOptions {
  /** The logs key watched. Default "val_loss". */
  monitor?: string;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping. Default 0. */
  patience?: number;
  /** "auto" (default: loss down, a metric its own way), "min" or "max". */
  mode?: Mode;
  /** Epochs not beating it count as without improvement (training stops after patience of them). Default none. */
  baseline?: number;
  /** Put back the weights of the best epoch when training ends. Default false. */
  restoreBestWeights?: boolean;
  /** Epochs to wait before watching (a warm-up). Default 0. */
  startFromEpoch?: number;
  /** 1 prints when it stops and restores. Default 0. */
  verbose?: 0 | 1;
}

function nonNegativeInt(option: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || (v as number) < 0) throw new Error(`EarlyStopping: ${option} must be an integer >= 0, got ${JSON.stringify(v)}`);
  return v as number;
}

export class EarlyStopping extends MonitorCallback {
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  readonly baseline: number | undefined;
  readonly startFromEpoch: number;
  readonly verbose: 0 | 1;
  /** Epochs since the last improvement. */
  wait = 0;
  /** The epoch training stopped at (0 if it did not stop early). */
  stoppedEpoch = 0;
  /** The epoch of the best value. */
  bestEpoch = 0;
  private bestWeights: tf.Tensor[] | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    super("EarlyStopping", options);
    this.patience = nonNegativeInt("patience", options.patience, 0);
    this.startFromEpoch = nonNegativeInt("startFromEpoch", options.startFromEpoch, 0);
    if (options.baseline !== undefined && options.baseline !== null && !(typeof options.baseline === "number" && Number.isFinite(options.baseline))) {
      throw new Error(`EarlyStopping: baseline must be a number, got ${JSON.stringify(options.baseline)}`);
    }
    this.baseline = options.baseline ?? undefined;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.verbose = options.verbose ?? 0;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = undefined;
    this.bestEpoch = 0;
    this.disposeBest();
  }

  onEpochEnd(epoch: number, logs?: Logs): void {
    const current = this.monitored(logs);
    if (current === undefined || epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && !this.bestWeights) {
      this.bestWeights = this.model.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) {
        this.disposeBest();
        this.bestWeights = this.model.getWeights();
      }
      // Keras: only an improvement on the baseline too resets the wait.
      if (this.baseline === undefined || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights) {
      if (this.verbose) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.model.setWeights(this.bestWeights);
    }
    this.disposeBest();
  }

  private disposeBest(): void {
    this.bestWeights?.forEach((t) => t.dispose());
    this.bestWeights = undefined;
  }
}
