// ReduceLROnPlateau: multiply the learning rate by `factor` when the metric stops improving.
import { Callback, checkMode, improves, monitored, type Logs } from "./callback.js";

export interface ReduceLROnPlateauOptions {
  /** Default "val_loss". */
  monitor?: string;
  /** New rate = rate * factor. Default 0.1. */
  factor?: number;
  /** Epochs without improvement before reducing. Default 10. */
  patience?: number;
  /** Default "auto". */
  mode?: "auto" | "min" | "max";
  /** Smallest change that counts as an improvement. Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction. Default 0. */
  cooldown?: number;
  /** Lower bound of the rate. Default 0. */
  minLr?: number;
  /** 1 prints each reduction. Default 0. */
  verbose?: 0 | 1;
}

export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  readonly verbose: 0 | 1;
  private readonly better: ReturnType<typeof improves>;
  private best = NaN;
  private wait = 0;
  private cooldownLeft = 0;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    super();
    this.monitor = options.monitor ?? "val_loss";
    this.factor = options.factor ?? 0.1;
    if (!(this.factor < 1 && this.factor > 0)) throw new Error(`ReduceLROnPlateau: factor must be in (0, 1), got ${JSON.stringify(options.factor)}`);
    this.patience = options.patience ?? 10;
    this.minDelta = options.minDelta ?? 1e-4;
    this.cooldown = options.cooldown ?? 0;
    this.minLr = options.minLr ?? 0;
    this.verbose = options.verbose ?? 0;
    this.better = improves(checkMode("ReduceLROnPlateau", options.mode ?? "auto"), this.monitor);
  }

  onTrainBegin(): void {
    this.best = NaN;
    this.wait = 0;
    this.cooldownLeft = 0;
  }

  onEpochEnd(epoch: number, logs?: Logs): void {
    const current = monitored("ReduceLROnPlateau", this.monitor, logs);
    if (current === undefined) return;
    if (logs) logs.lr = this.model.learningRate;
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.wait = 0;
    }
    if (Number.isNaN(this.best) || this.better(current, this.best, this.minDelta)) {
      this.best = current;
      this.wait = 0;
      return;
    }
    if (this.cooldownLeft > 0) return;
    this.wait++;
    if (this.wait >= this.patience) {
      const old = this.model.learningRate;
      const next = Math.max(old * this.factor, this.minLr);
      if (old > this.minLr) {
        this.model.learningRate = next;
        if (this.verbose) console.log(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${next}.`);
        this.cooldownLeft = this.cooldown;
        this.wait = 0;
      }
    }
  }
}
