// ModelCheckpoint as Keras 3 (keras/src/callbacks/model_checkpoint.py): save the model (or only its
// weights) after every epoch or every `saveFreq` batches, or only when the monitored metric improves;
// the path is a Python format template filled with the epoch (1-based), the batch and the logs:
// `ckpt/model-{epoch:02d}-{val_loss:.2f}`.
//
// Porting note: tsdl saves a folder (model.save's TF.js format, or saveWeights' folder), so the path
// needs no `.keras` / `.weights.h5` ending (Keras requires one).
import type { Logs } from "./callback.js";
import { formatTemplate, type FormatValue } from "./format.js";
import { MonitorCallback, type Mode } from "./monitor_callback.js";
import { pathArgument } from "./path_argument.js";

export interface ModelCheckpointOptions {
  /** The logs key saveBestOnly watches. Default "val_loss". */
  monitor?: string;
  /** Save only when the monitored metric improves. Default false. */
  saveBestOnly?: boolean;
  /** Save the weights only (model.saveWeights) instead of the whole model (model.save). Default false. */
  saveWeightsOnly?: boolean;
  /** "auto" (default), "min" or "max". */
  mode?: Mode;
  /** "epoch" (default): after each epoch; a number: every that many batches. */
  saveFreq?: "epoch" | number;
  /** With saveBestOnly: the value to beat at first. Default none. */
  initialValueThreshold?: number;
  /** 1 prints each save. Default 0. */
  verbose?: 0 | 1;
}

export class ModelCheckpoint extends MonitorCallback {
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly saveFreq: "epoch" | number;
  readonly verbose: 0 | 1;
  private currentEpoch = 0;
  private batchesSinceSave = 0;
  private lastBatch: number | undefined;

  readonly filepath: string;

  /** `ModelCheckpoint(filepath, options)`, or Keras' keyword form `ModelCheckpoint({ filepath, ...options })`. */
  constructor(filepath: string | (ModelCheckpointOptions & { filepath: string }), options?: ModelCheckpointOptions) {
    const [path, opts] = pathArgument("ModelCheckpoint", "filepath", filepath, options);
    super("ModelCheckpoint", opts, opts.initialValueThreshold);
    if (typeof path !== "string" || !path) throw new Error(`ModelCheckpoint: filepath must be a non-empty string, got ${JSON.stringify(path)}`);
    this.filepath = path;
    options = opts;
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.saveWeightsOnly = options.saveWeightsOnly ?? false;
    const freq = options.saveFreq ?? "epoch";
    if (freq !== "epoch" && !(Number.isInteger(freq) && (freq as number) > 0)) throw new Error(`ModelCheckpoint: saveFreq must be "epoch" or a positive integer (batches), got ${JSON.stringify(options.saveFreq)}`);
    this.saveFreq = freq;
    this.verbose = options.verbose ?? 0;
  }

  onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
  }

  async onBatchEnd(batch: number, logs?: Logs): Promise<void> {
    if (this.saveFreq === "epoch") return;
    this.batchesSinceSave += this.lastBatch === undefined || batch <= this.lastBatch ? batch + 1 : batch - this.lastBatch;
    this.lastBatch = batch;
    if (this.batchesSinceSave >= this.saveFreq) {
      this.batchesSinceSave = 0;
      await this.save(this.currentEpoch, batch, logs ?? {});
    }
  }

  async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (this.saveFreq === "epoch") await this.save(epoch, undefined, logs);
  }

  /** The path for an epoch (0-based) and batch: the template filled as Keras fills it. */
  filePath(epoch: number, batch: number | undefined, logs: Logs): string {
    const values: Record<string, FormatValue> = { ...logs, epoch: { int: epoch + 1 } };
    if (batch !== undefined && !("batch" in logs)) values.batch = { int: batch + 1 };
    return formatTemplate(this.filepath, values, "ModelCheckpoint");
  }

  private async save(epoch: number, batch: number | undefined, logs: Logs): Promise<void> {
    const path = this.filePath(epoch, batch, logs);
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        console.warn(`ModelCheckpoint: can save the best model only with ${this.monitor} available; saving anyway`);
      } else {
        const bestText = this.best === undefined ? "None" : this.best.toFixed(5);
        if (!this.isImprovement(current, this.best)) {
          if (this.verbose) console.log(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${bestText}`);
          return;
        }
        if (this.verbose) console.log(`\nEpoch ${epoch + 1}: ${this.monitor} improved from ${bestText} to ${current.toFixed(5)}, saving model to ${path}`);
        this.best = current;
      }
    } else if (this.verbose) {
      console.log(`\nEpoch ${epoch + 1}: saving model to ${path}`);
    }
    if (this.saveWeightsOnly) await this.model.saveWeights(path);
    else await this.model.save(path);
  }
}
