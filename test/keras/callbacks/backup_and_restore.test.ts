// BackupAndRestore: a child process running a seeded fit is killed with SIGKILL in the middle of
// epoch 4 (after 3 epochs were backed up); a new process resumes at epoch 4 and ends with the same
// History and weights as an uninterrupted seeded run (weights, optimizer state, epoch, History and
// the random generator come back). In process: an interrupted fit resumes the same way; a finished
// fit deletes the backup; saveFreq in batches; errors.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { callbacks, keras, layers, optimizers, ready, tf, utils } from "../../../src/index.ts";
import { requestInterrupt, resetInterrupt, KeyboardInterrupt } from "../../../src/index.ts";

before(async () => {
  await ready();
});

const HERE = import.meta.dirname;
const ROOT = resolve(HERE, "..", "..", "..");
const CHILD = join(HERE, "backup_child.ts");

interface ChildResult {
  history: Record<string, number[]>;
  epochs: number[];
  ran: number[];
  weights: number[][];
}

function runChild(dir: string, mode: "full" | "resume", out: string): ChildResult {
  const r = spawnSync(process.execPath, ["--import", "tsx", CHILD, dir, mode, out], { cwd: ROOT, encoding: "utf8", timeout: 240_000 });
  assert.equal(r.status, 0, `child (${mode}) failed: ${r.stderr}`);
  return JSON.parse(readFileSync(out, "utf8"));
}

function crashChild(dir: string): Promise<{ signal: NodeJS.Signals | null }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, dir, "crash", join(dir, "unused.json")], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.stdout.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) child.kill("SIGKILL");
    });
    child.on("exit", (code, signal) => (signal ? done({ signal }) : fail(new Error(`the child exited (${code}) before it could be killed: ${err}`))));
  });
}

test("a process killed with SIGKILL mid-fit resumes in a new process and ends with the uninterrupted run's History and weights", { timeout: 600_000 }, async () => {
  const base = mkdtempSync(join(tmpdir(), "tsdl-backup-"));
  const full = runChild(join(base, "full"), "full", join(base, "full.json"));
  assert.deepEqual(full.ran, [0, 1, 2, 3, 4, 5]);
  assert.ok(!existsSync(join(base, "full")), "a finished fit deletes its backup");

  const dir = join(base, "crashed");
  const { signal } = await crashChild(dir);
  assert.equal(signal, "SIGKILL");
  const pointer = JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8")) as { folder: string };
  const meta = JSON.parse(readFileSync(join(dir, pointer.folder, "metadata.json"), "utf8")) as { epoch: number; history: { epoch: number[] } };
  assert.equal(meta.epoch, 3, "the backup is of the 3 finished epochs");
  assert.deepEqual(meta.history.epoch, [0, 1, 2]);

  const resumed = runChild(dir, "resume", join(base, "resumed.json"));
  assert.deepEqual(resumed.ran, [3, 4, 5], "the new process ran only the epochs after the backup");
  assert.deepEqual(resumed.epochs, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(Object.keys(resumed.history), ["accuracy", "loss", "val_accuracy", "val_loss"]);
  for (const k of Object.keys(full.history)) assert.deepEqual(resumed.history[k], full.history[k], `History ${k}`);
  assert.deepEqual(resumed.weights, full.weights, "final weights");
  assert.ok(!existsSync(dir), "the resumed fit finished and deleted the backup");
});

function seededModel() {
  utils.setRandomSeed(99);
  keras.backend.clearSession();
  const x = tf.randomNormal([48, 5], 0, 1, "float32", 3);
  const y = tf.tidy(() => tf.greater(tf.sum(x, -1), 0).toFloat());
  const model = keras.Sequential([layers.Input([5]), layers.Dense(8, { activation: "tanh" }), layers.Dropout(0.2), layers.Dense(1, { activation: "sigmoid" })]);
  model.compile({ optimizer: optimizers.RMSprop({ learningRate: 0.01 }), loss: "binary_crossentropy", metrics: ["accuracy", "auc"] });
  return { x, y, model };
}

test("in process: an interrupted fit keeps its backup and the next fit resumes to the uninterrupted History", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-backup-int-"));
  const a = seededModel();
  const reference = await a.model.fit(a.x, a.y, { epochs: 5, batchSize: 8, verbose: 0 });
  const b = seededModel();
  let epoch = 0;
  const interrupt = new callbacks.LambdaCallback({ onEpochBegin: (e) => void (epoch = e), onBatchEnd: (batch) => void (epoch === 2 && batch === 3 && requestInterrupt()) });
  const backup = new callbacks.BackupAndRestore(join(dir, "b"));
  await assert.rejects(b.model.fit(b.x, b.y, { epochs: 5, batchSize: 8, verbose: 0, callbacks: [backup, interrupt] }), (e) => e instanceof KeyboardInterrupt);
  resetInterrupt();
  assert.ok(existsSync(join(dir, "b", "checkpoint.json")), "the backup stays after an interrupt");
  // The same model goes on from epoch 2 (the random generator is put back where epoch 2 began).
  const counts: number[] = [];
  const h = await b.model.fit(b.x, b.y, { epochs: 5, batchSize: 8, verbose: 0, callbacks: [backup, new callbacks.LambdaCallback({ onEpochEnd: () => void counts.push(tf.memory().numTensors) })] });
  assert.deepEqual(h.epoch, [0, 1, 2, 3, 4]);
  assert.equal(counts.length, 3, "ran epochs 3 to 5");
  assert.ok(counts.every((n) => n === counts[0]), `tensors flat across epochs: ${counts}`);
  for (const k of Object.keys(reference.history)) assert.deepEqual(h.history[k], reference.history[k], `History ${k}`);
  assert.ok(!existsSync(join(dir, "b")));
  tf.dispose([a.x, a.y, b.x, b.y]);
});

test("saveFreq in batches backs up mid-epoch (resuming restarts that epoch, as Keras); deleteCheckpoint false keeps the backup", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-backup-freq-"));
  const { x, y, model } = seededModel();
  const backup = new callbacks.BackupAndRestore(join(dir, "b"), { saveFreq: 4, deleteCheckpoint: false });
  await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [backup] });
  const files = readdirSync(join(dir, "b"));
  assert.equal(files.filter((f) => f.startsWith("backup-")).length, 1, `one backup folder kept: ${files}`);
  const pointer = JSON.parse(readFileSync(join(dir, "b", "checkpoint.json"), "utf8")) as { folder: string };
  const meta = JSON.parse(readFileSync(join(dir, "b", pointer.folder, "metadata.json"), "utf8")) as { epoch: number; batch: number };
  // 6 batches an epoch, a backup every 4: batch 4 of epoch 0, batch 2 and 6 of epoch 1.
  assert.deepEqual([meta.epoch, meta.batch], [1, 6]);
  assert.throws(() => new callbacks.BackupAndRestore(""), /BackupAndRestore: backupDir must be a non-empty folder name, got ""/);
  assert.throws(() => new callbacks.BackupAndRestore(dir, { saveFreq: 0 }), /BackupAndRestore: saveFreq must be "epoch" or a positive integer \(batches\), got 0/);
  tf.dispose([x, y]);
});
