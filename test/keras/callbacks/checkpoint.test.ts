// ModelCheckpoint (saveBestOnly, saveWeightsOnly, saveFreq in batches, initialValueThreshold, Python
// format templates checked against Python's own str.format), saveWeights/loadWeights, and CSVLogger
// as Keras 3 writes it (sorted keys, val_ columns, NA, append).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { callbacks, keras, layers, optimizers, ready, tf } from "../../../src/index.ts";
import { formatTemplate, type FormatValue } from "../../../src/keras/callbacks/format.ts";

before(async () => {
  await ready();
});

const python = resolve(import.meta.dirname, "..", "..", "..", ".venv", "bin", "python");

test("file-name templates format as Python's str.format (Python is the oracle)", () => {
  const cases: [string, Record<string, FormatValue>][] = [
    ["model-{epoch:02d}-{val_loss:.2f}", { epoch: { int: 3 }, val_loss: 0.123456 }],
    ["{loss}", { loss: 1 }], ["{loss}", { loss: 0.00001234 }], ["{loss}", { loss: 1.2345678901234568e17 }], ["{loss}", { loss: 0.1 }], ["{loss}", { loss: 0.3456789 }],
    ["{loss:.3e}", { loss: 0.000123456 }], ["{loss:g}", { loss: 0.000012345 }], ["{loss:g}", { loss: 123456789 }], ["{loss:.3g}", { loss: 2 }],
    ["{loss:#.3g}", { loss: 2 }], ["{loss:>10.4f}|", { loss: 3.14159 }], ["{loss:<10.2f}|", { loss: -3.14159 }], ["{loss:^11.1f}|", { loss: 2.25 }],
    ["{loss:010.3f}", { loss: -1.5 }], ["{loss:+.2%}", { loss: 0.1234 }], ["{epoch:,}", { epoch: { int: 1234567 } }], ["{loss:,.2f}", { loss: 1234567.891 }],
    ["{epoch:*^7d}", { epoch: { int: 42 } }], ["{epoch:.2f}", { epoch: { int: 4 } }], ["{loss:.3}", { loss: 2 }], ["{loss:.3}", { loss: 0.000012345 }],
    ["{{x}}-{epoch}", { epoch: { int: 1 } }], ["{loss:G}", { loss: 1e-10 }], ["{loss:e}", { loss: 0 }], ["{epoch:x}", { epoch: { int: 255 } }],
    ["{epoch:5}", { epoch: { int: 7 } }], ["{loss:8}", { loss: 0.5 }], ["{loss:.2f}", { loss: 0.125 }], ["{loss:.2f}", { loss: 0.375 }],
    ["{loss:.0f}", { loss: 2.5 }], ["{loss:.0f}", { loss: 3.5 }], ["{loss:.1e}", { loss: 0.125 }], ["{loss:.2g}", { loss: 0.125 }], ["{loss: .3f}", { loss: 1.5 }],
    ["ckpt/{epoch:03d}_{batch}_{val_acc:.4f}.x", { epoch: { int: 12 }, batch: { int: 5 }, val_acc: 0.98765 }],
  ];
  const program = [
    "import json, sys",
    "cases = json.load(sys.stdin)",
    "conv = lambda v: v['int'] if isinstance(v, dict) else float(v)",
    "print(json.dumps([t.format(**{k: conv(v) for k, v in vals.items()}) for t, vals in cases]))",
  ].join("\n");
  const r = spawnSync(python, ["-c", program], { input: JSON.stringify(cases), encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const expected = JSON.parse(r.stdout) as string[];
  cases.forEach(([t, v], i) => assert.equal(formatTemplate(t, v, "test"), expected[i], `${t} with ${JSON.stringify(v)}`));
  assert.throws(() => formatTemplate("m-{epoch}-{val_loss:.2f}", { epoch: { int: 1 }, loss: 0.5 }, "ModelCheckpoint"), /ModelCheckpoint: failed to format the file path "m-\{epoch\}-\{val_loss:\.2f\}": no value for \{val_loss\}; the values are epoch, loss/);
  assert.throws(() => formatTemplate("{loss:d}", { loss: 0.5 }, "ModelCheckpoint"), /unknown format code 'd' for object of type 'float'/);
  assert.throws(() => formatTemplate("{loss:.2q}", { loss: 0.5 }, "ModelCheckpoint"), /invalid format spec ".2q"/);
});

function data() {
  const x = tf.randomNormal([24, 3], 0, 1, "float32", 5);
  const y = tf.matMul(x, tf.tensor2d([[1], [-1], [2]]));
  return { x, y };
}

test("ModelCheckpoint: every epoch with a template, saveBestOnly with a scripted score, saveWeightsOnly + loadWeights, saveFreq in batches", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-ckpt-"));
  const { x, y } = data();
  const model = keras.Sequential([layers.Input([3]), layers.Dense(1)]);
  model.compile({ optimizer: optimizers.SGD({ learningRate: 0.05 }), loss: "mse" });
  const scores = [0.9, 0.5, 0.7, 0.4, 0.45];
  const score = new callbacks.LambdaCallback({ onEpochEnd: (e, logs) => void (logs!.score = scores[e]) });
  const every = new callbacks.ModelCheckpoint(join(dir, "all", "m-{epoch:02d}-{loss:.3f}"));
  const best = new callbacks.ModelCheckpoint(join(dir, "best", "e{epoch}"), { monitor: "score", mode: "min", saveBestOnly: true, saveWeightsOnly: true });
  const threshold = new callbacks.ModelCheckpoint(join(dir, "thr", "e{epoch}"), { monitor: "score", mode: "min", saveBestOnly: true, initialValueThreshold: 0.6 });
  const batches = new callbacks.ModelCheckpoint(join(dir, "batches", "e{epoch}-b{batch}"), { saveFreq: 2, saveWeightsOnly: true });
  const h = await model.fit(x, y, { epochs: 5, batchSize: 8, shuffle: false, verbose: 0, callbacks: [score, every, best, threshold, batches] });
  const losses = h.history.loss;
  assert.deepEqual(readdirSync(join(dir, "all")).sort(), losses.map((l, e) => `m-${String(e + 1).padStart(2, "0")}-${l.toFixed(3)}`).sort());
  assert.deepEqual(readdirSync(join(dir, "best")).sort(), ["e1", "e2", "e4"], "saved when the score improved: 0.9, 0.5, 0.4");
  assert.deepEqual(readdirSync(join(dir, "thr")).sort(), ["e2", "e4"], "the first save must beat 0.6");
  // 3 batches an epoch, a save every 2: batches 2 (epoch 1), 1 and 3 (epoch 2), 2 (epoch 3), ...
  assert.deepEqual(readdirSync(join(dir, "batches")).sort(), ["e1-b2", "e2-b1", "e2-b3", "e3-b2", "e4-b1", "e4-b3", "e5-b2"]);
  assert.ok(existsSync(join(dir, "best", "e4", "weights.json")) && !existsSync(join(dir, "best", "e4", "model.json")), "weights only");
  assert.ok(existsSync(join(dir, "all", readdirSync(join(dir, "all"))[0], "model.json")), "the whole model");
  // The weights of epoch 4 load into a fresh model of the same architecture and give its predictions.
  const fresh = keras.Sequential([layers.Input([3]), layers.Dense(1)]);
  await fresh.loadWeights(join(dir, "best", "e4"));
  const loaded = await keras.models.loadModel(join(dir, "all", `m-04-${losses[3].toFixed(3)}`));
  const [a, b] = [fresh.predict(x), loaded.predict(x)];
  assert.deepEqual(await (await a).data(), await (await b).data());
  const other = keras.Sequential([layers.Input([4]), layers.Dense(1)]);
  await assert.rejects(other.loadWeights(join(dir, "best", "e4")), /loadWeights: weight 0 \(.*\) of model "sequential_\d+" has shape \[4, 1\] but the saved one \(.*\) has \[3, 1\]/);
  await assert.rejects(fresh.loadWeights(join(dir, "nothing")), /loadWeights: .*weights.json is missing or not JSON/);
  assert.throws(() => new callbacks.ModelCheckpoint(join(dir, "x"), { saveFreq: "batch" as never }), /ModelCheckpoint: saveFreq must be "epoch" or a positive integer \(batches\), got "batch"/);
  tf.dispose([x, y, await a, await b]);
});

test("CSVLogger as Keras 3: sorted keys, val_ columns with NA between validations, append writes one header", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-csv-"));
  const { x, y } = data();
  const model = keras.Sequential([layers.Input([3]), layers.Dense(1)]);
  model.compile({ optimizer: optimizers.SGD({ learningRate: 0.05 }), loss: "mse", metrics: ["mae"] });
  const file = join(dir, "log.csv");
  await model.fit(x, y, { epochs: 3, verbose: 0, validationData: [x, y], validationFreq: 2, callbacks: [new callbacks.CSVLogger(file, { append: true })] });
  const first = readFileSync(file, "utf8");
  assert.ok(first.includes("\r\n"), "Python's csv line ends");
  const rows = first.trim().split("\r\n").map((r) => r.split(","));
  assert.deepEqual(rows[0], ["epoch", "loss", "mae", "val_loss", "val_mae"]);
  assert.deepEqual(rows.map((r) => r[0]), ["epoch", "0", "1", "2"]);
  assert.deepEqual([rows[1][3], rows[2][3] === "NA", rows[3][3]], ["NA", false, "NA"], "validation at epoch 2 only");
  await model.fit(x, y, { epochs: 2, initialEpoch: 0, verbose: 0, callbacks: [new callbacks.CSVLogger(file, { append: true })] });
  const all = readFileSync(file, "utf8").trim().split("\r\n");
  assert.equal(all.length, 6, "appended without a second header");
  assert.deepEqual(all[4].split(",").slice(3), ["NA", "NA"], "no validation: NA in the val_ columns added");
  await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new callbacks.CSVLogger(file, { separator: ";" })] });
  assert.equal(readFileSync(file, "utf8"), `epoch;loss;mae;val_loss;val_mae\r\n0;${readFileSync(file, "utf8").split("\r\n")[1].split(";").slice(1).join(";")}\r\n`, "overwritten without append");
  assert.throws(() => new callbacks.CSVLogger(file, { separator: ";;" }), /CSVLogger: separator must be one character, got ";;"/);
  tf.dispose([x, y]);
});

test("ModelCheckpoint, CSVLogger and BackupAndRestore take Keras' keyword form too: the path inside the options object", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-ckpt-kw-"));
  const { x, y } = data();
  const model = keras.Sequential([layers.Input([3]), layers.Dense(1)]);
  model.compile({ optimizer: optimizers.SGD({ learningRate: 0.05 }), loss: "mse" });
  const best = callbacks.ModelCheckpoint({ filepath: join(dir, "best", "e{epoch}"), monitor: "loss", saveBestOnly: true, saveWeightsOnly: true });
  const csv = callbacks.CSVLogger({ filename: join(dir, "log.csv"), separator: ";" });
  const backup = callbacks.BackupAndRestore({ backupDir: join(dir, "backup"), deleteCheckpoint: false });
  await model.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0, callbacks: [best, csv, backup] });
  assert.equal(best.filepath, join(dir, "best", "e{epoch}"));
  assert.ok(best.saveBestOnly && best.saveWeightsOnly);
  assert.deepEqual(readdirSync(join(dir, "best")).sort(), ["e1", "e2", "e3"], "the loss fell every epoch");
  assert.match(readFileSync(join(dir, "log.csv"), "utf8"), /^epoch;loss;val_loss\r\n0;/, "the separator taken from the options");
  assert.ok(existsSync(join(dir, "backup")));
  assert.throws(() => callbacks.ModelCheckpoint({ monitor: "loss" } as never), /ModelCheckpoint: filepath must be a non-empty string, got undefined/);
  assert.throws(() => callbacks.CSVLogger({ filename: "a.csv" }, { append: true }), /CSVLogger: give the options once/);
});
