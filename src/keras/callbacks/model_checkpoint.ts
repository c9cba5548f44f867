// ModelCheckpoint: save the model after each epoch (or only when the metric improves).
import { Callback, checkMode, improves, monitored, type Logs } from "./callback.js";

export interface ModelCheckpointOptions {
  /** Default "val_loss". */
  monitor?: string;
  /** Only save when the monitored metric improves. Default false. */
  saveBestOnly?: boolean;
  /** Default "auto". */
  mode?: "auto" | "min" | "max";
  /** 1 prints each save. Default 0. */
  verbose?: 0 | 1;
}

/** `filepath` may hold Keras placeholders: `ckpt/epoch{epoch:02d}-{val_loss:.2f}`. */
export class ModelCheckpoint extends Callback {
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  readonly verbose: 0 | 1;
  private readonly better: ReturnType<typeof improves>;
  private best = NaN;

  constructor(readonly filepath: string, options: ModelCheckpointOptions = {}) {
    super();
    if (typeof filepath !== "string" || !filepath) throw new Error(`ModelCheckpoint: filepath must be a non-empty string, got ${JSON.stringify(filepath)}`);
    this.monitor = options.monitor ?? "val_loss";
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.verbose = options.verbose ?? 0;
    this.better = improves(checkMode("ModelCheckpoint", options.mode ?? "auto"), this.monitor);
  }

  async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const path = formatPath(this.filepath, epoch + 1, logs);
    if (this.saveBestOnly) {
      const current = monitored("ModelCheckpoint", this.monitor, logs);
      if (current === undefined) return;
      if (!Number.isNaN(this.best) && !this.better(current, this.best, 0)) return;
      if (this.verbose) console.log(`Epoch ${epoch + 1}: ${this.monitor} improved from ${this.best} to ${current}, saving model to ${path}`);
      this.best = current;
    } else if (this.verbose) {
      console.log(`Epoch ${epoch + 1}: saving model to ${path}`);
    }
    await this.model.save(path);
  }
}

/** Python format fields as Keras uses them: `{epoch:02d}`, `{val_loss:.4f}`, `{loss}`. */
export function formatPath(template: string, epoch: number, logs: Logs): string {
  return template.replace(/\{(\w+)(?::(0?)(\d*)(?:\.(\d+))?([df]))?\}/g, (whole, key: string, zero: string, width: string, precision: string, type: string) => {
    const value = key === "epoch" ? epoch : logs[key];
    if (value === undefined) return whole;
    let s = type === "f" ? value.toFixed(precision ? Number(precision) : 6) : type === "d" ? String(Math.trunc(value)) : String(value);
    if (width) s = s.padStart(Number(width), zero ? "0" : " ");
    return s;
  });
}
