// BackupAndRestore as Keras 3 (keras/src/callbacks/backup_and_restore.py): back up the training
// state into `backupDir` after every epoch (or every `saveFreq` batches); a fit that starts with a
// backup there (after an interrupt, or in a new process after a crash) restores it and goes on from
// the epoch after the last one backed up; a fit that ends normally deletes the backup.
//
// A backup holds every weight, the optimizer's state (slots, iterations, a learning rate that a
// callback changed), the next epoch, the History so far and the position of keras.utils.setRandomSeed's
// generator, in a folder of its own; a small pointer file, replaced atomically (written, then renamed),
// names the complete one, so a process killed while writing leaves the previous backup in force.
//
// Porting notes: Keras restores weights, optimizer and epoch; tsdl also restores the History (so the
// History of a resumed fit is that of an uninterrupted one, where Keras' holds only the epochs after
// resuming) and the seeded random generator (so shuffling and dropout go on as uninterrupted: a
// seeded run resumed equals the uninterrupted run). A backup made mid-epoch (saveFreq in batches)
// restarts that epoch, as Keras does, from the weights of that batch and the random state of the
// epoch's start.
import { existsSync } from "node:fs";
import { readFile, readdir, rename, rm, writeFile, mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import tf from "../../tfjs.cjs";
import { Callback, type Logs } from "./callback.js";
import { randomState, setRandomState } from "../random_seed.js";
import { Optimizer as KerasOptimizer } from "../optimizers/index.js";
import { decodeTensors, encodeTensors, setAllWeights } from "../models/weights_io.js";
import { setInitialEpoch } from "../models/training.js";
import { pathArgument } from "./path_argument.js";

export interface BackupAndRestoreOptions {
  /** "epoch" (default): back up after each epoch; a number: every that many batches. */
  saveFreq?: "epoch" | number;
  /** Delete the backup when training ends normally. Default true. */
  deleteCheckpoint?: boolean;
}

interface Metadata {
  format: "tsdl-backup";
  /** The epoch to run next (0-based). */
  epoch: number;
  /** Batches of that epoch done when a mid-epoch backup was made (0 after an epoch). */
  batch: number;
  history: { history: Record<string, number[]>; epoch: number[] };
  randomState?: number[];
  weights: tf.io.WeightsManifestEntry[];
  optimizer?: { iterations: number; names: string[]; weights: tf.io.WeightsManifestEntry[]; learningRate?: number };
}

const POINTER = "checkpoint.json";

export class BackupAndRestore extends Callback {
  readonly backupDir: string;
  readonly saveFreq: "epoch" | number;
  readonly deleteCheckpoint: boolean;
  private currentEpoch = 0;
  private lastBatch = 0;
  private batchesSinceSave = 0;
  private epochRandomState: number[] | undefined;
  private saves = 0;

  /** `BackupAndRestore(backupDir, options)`, or Keras' keyword form `BackupAndRestore({ backupDir, ...options })`. */
  constructor(backupDir: string | (BackupAndRestoreOptions & { backupDir: string }), options?: BackupAndRestoreOptions) {
    super();
    const [dir, opts] = pathArgument("BackupAndRestore", "backupDir", backupDir, options);
    if (typeof dir !== "string" || !dir) throw new Error(`BackupAndRestore: backupDir must be a non-empty folder name, got ${JSON.stringify(dir)}`);
    options = opts;
    const freq = options.saveFreq ?? "epoch";
    if (freq !== "epoch" && !(Number.isInteger(freq) && (freq as number) > 0)) {
      throw new Error(`BackupAndRestore: saveFreq must be "epoch" or a positive integer (batches), got ${JSON.stringify(options.saveFreq)}`);
    }
    this.backupDir = resolve(dir);
    this.saveFreq = freq;
    this.deleteCheckpoint = options.deleteCheckpoint ?? true;
  }

  /** Restores a backup if there is one: weights, optimizer, History, random state; fit goes on from its epoch. */
  async onTrainBegin(): Promise<void> {
    this.currentEpoch = 0;
    this.lastBatch = 0;
    this.batchesSinceSave = 0;
    const pointer = join(this.backupDir, POINTER);
    if (!existsSync(pointer)) return;
    if (this.model.weights.length === 0) {
      throw new Error(`BackupAndRestore: model "${this.model.name}" must be built before fit restores a backup into it; build it first (call it on data, or give it an input shape)`);
    }
    const { folder } = JSON.parse(await readFile(pointer, "utf8")) as { folder: string };
    const dir = join(this.backupDir, folder);
    const meta = JSON.parse(await readFile(join(dir, "metadata.json"), "utf8")) as Metadata;
    if (meta.format !== "tsdl-backup") throw new Error(`BackupAndRestore: ${dir} is not a tsdl backup`);
    const weights = decodeTensors(await readFile(join(dir, "weights.bin")), meta.weights, "BackupAndRestore");
    try {
      setAllWeights(this.model, weights, undefined, "BackupAndRestore");
    } finally {
      tf.dispose(weights);
    }
    if (meta.optimizer) {
      const optimizer = this.model.optimizer;
      if (!(optimizer instanceof KerasOptimizer)) {
        console.warn(`BackupAndRestore: the backup has an optimizer state but model "${this.model.name}" is compiled with an optimizer that cannot take it; it starts afresh`);
      } else {
        const slots = decodeTensors(await readFile(join(dir, "optimizer.bin")), meta.optimizer.weights, "BackupAndRestore");
        try {
          optimizer.importState(this.model.tf.trainableWeights, meta.optimizer.iterations, slots.map((tensor, i) => ({ name: meta.optimizer!.names[i], tensor })));
        } finally {
          tf.dispose(slots);
        }
        if (meta.optimizer.learningRate !== undefined) this.model.learningRate = meta.optimizer.learningRate;
      }
    }
    const history = this.model.history;
    if (history) {
      history.history = meta.history.history;
      history.epoch = meta.history.epoch;
    }
    if (meta.randomState) setRandomState(meta.randomState);
    setInitialEpoch(this.model, meta.epoch);
    this.currentEpoch = meta.epoch;
  }

  onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
    this.epochRandomState = randomState();
  }

  async onBatchEnd(batch: number): Promise<void> {
    if (this.saveFreq === "epoch") return;
    this.batchesSinceSave += batch <= this.lastBatch ? batch + 1 : batch - this.lastBatch;
    this.lastBatch = batch;
    if (this.batchesSinceSave >= this.saveFreq) {
      this.batchesSinceSave = 0;
      await this.backup(this.currentEpoch, batch + 1, this.epochRandomState);
    }
  }

  async onEpochEnd(epoch: number, _logs?: Logs): Promise<void> {
    this.currentEpoch = epoch + 1;
    this.lastBatch = 0;
    if (this.saveFreq === "epoch") await this.backup(epoch + 1, 0, randomState());
  }

  async onTrainEnd(): Promise<void> {
    if (this.deleteCheckpoint && existsSync(this.backupDir)) await rm(this.backupDir, { recursive: true, force: true });
  }

  /** Writes a backup folder, then points the pointer file at it, then deletes the older folders. */
  private async backup(nextEpoch: number, batch: number, random: number[] | undefined): Promise<void> {
    const model = this.model;
    const history = model.history;
    const w = await encodeTensors(model.weights.map((v) => v.read()));
    const meta: Metadata = {
      format: "tsdl-backup",
      epoch: nextEpoch,
      batch,
      history: { history: history?.history ?? {}, epoch: history?.epoch ?? [] },
      ...(random ? { randomState: random } : {}),
      weights: w.specs,
    };
    const files: Record<string, string | Buffer> = { "weights.bin": w.data };
    if (model.optimizer instanceof KerasOptimizer) {
      const state = model.optimizer.exportState(model.tf.trainableWeights);
      const o = await encodeTensors(state.tensors.map((t) => t.tensor));
      const lr = (model.optimizer as unknown as { learningRate?: unknown }).learningRate;
      meta.optimizer = { iterations: state.iterations, names: state.tensors.map((t) => t.name), weights: o.specs, ...(typeof lr === "number" ? { learningRate: lr } : {}) };
      files["optimizer.bin"] = o.data;
    }
    files["metadata.json"] = JSON.stringify(meta);
    const folder = `backup-${process.pid}-${Date.now()}-${this.saves++}`;
    const dir = join(this.backupDir, folder);
    await mkdir(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
    const tmp = join(this.backupDir, `${POINTER}.tmp-${process.pid}`);
    await writeFile(tmp, JSON.stringify({ folder }));
    await rename(tmp, join(this.backupDir, POINTER));
    for (const f of await readdir(this.backupDir)) {
      if (f !== folder && f !== POINTER && f.startsWith("backup-")) await rm(join(this.backupDir, f), { recursive: true, force: true });
    }
  }
}
