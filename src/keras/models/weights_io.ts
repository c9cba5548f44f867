// model.saveWeights(path) / model.loadWeights(path): every weight of a model (trainable first, as
// model.weights orders them) in a folder: weights.json (names, shapes, dtypes) and weights.bin,
// written to a temporary folder and renamed into place. ModelCheckpoint({ saveWeightsOnly }) and
// BackupAndRestore write them; loadWeights checks that the folder fits the model.
//
// Porting note: Keras writes one `.weights.h5` file (HDF5, by layer path); tsdl writes a folder in
// tfjs' weights encoding, matched by position, with every shape checked.
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import tf from "../../tfjs.cjs";
import type { KerasModel } from "./model.js";

interface WeightsManifest {
  format: "tsdl-weights";
  weights: tf.io.WeightsManifestEntry[];
  /** The model's weight names (Keras' paths), in order. */
  names: string[];
}

/** Encodes tensors by position (`0`, `1`, ...) into a manifest and bytes. */
export async function encodeTensors(tensors: tf.Tensor[]): Promise<{ specs: tf.io.WeightsManifestEntry[]; data: Buffer }> {
  const { data, specs } = await tf.io.encodeWeights(tensors.map((tensor, i) => ({ name: String(i), tensor })));
  return { specs, data: Buffer.from(data) };
}

/** Decodes what encodeTensors wrote (the tensors are the caller's to dispose). */
export function decodeTensors(data: Buffer, specs: tf.io.WeightsManifestEntry[], where: string): tf.Tensor[] {
  const expected = specs.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * (w.dtype === "float32" || w.dtype === "int32" ? 4 : 1), 0);
  if (data.byteLength !== expected) throw new Error(`${where}: the data has ${data.byteLength} bytes but the manifest describes ${expected}; the files are damaged`);
  const map = tf.io.decodeWeights(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength), specs);
  return specs.map((s) => map[s.name]);
}

/** Writes `files` into the folder `dir` atomically (a temporary folder renamed into place). */
export async function writeFolder(dir: string, files: Record<string, string | Buffer>, where: string): Promise<void> {
  const target = resolve(dir);
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    await mkdir(tmp, { recursive: true });
    for (const [name, content] of Object.entries(files)) await writeFile(join(tmp, name), content);
    await mkdir(dirname(target), { recursive: true });
    if (existsSync(target)) await rm(target, { recursive: true });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw new Error(`${where}: could not write ${target}: ${(e as Error).message}`);
  }
}

/** Keras' `model.save_weights`: every weight of the model into the folder `path`. */
export async function saveWeights(model: KerasModel, path: string): Promise<void> {
  if (typeof path !== "string" || !path) throw new Error(`saveWeights: path must be a folder name, got ${JSON.stringify(path)}`);
  const weights = model.weights;
  const { specs, data } = await encodeTensors(weights.map((w) => w.read()));
  const manifest: WeightsManifest = { format: "tsdl-weights", weights: specs, names: weights.map((w) => w.originalName ?? w.name) };
  await writeFolder(path, { "weights.json": JSON.stringify(manifest), "weights.bin": data }, "saveWeights");
}

/** Reads the weights saveWeights wrote (in the model's weight order; yours to dispose). */
export async function readWeights(path: string, where = "loadWeights"): Promise<{ tensors: tf.Tensor[]; names: string[] }> {
  const dir = resolve(path);
  let manifest: WeightsManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, "weights.json"), "utf8"));
  } catch (e) {
    throw new Error(`${where}: ${join(dir, "weights.json")} is missing or not JSON (expected a folder written by saveWeights): ${(e as Error).message}`);
  }
  if (manifest.format !== "tsdl-weights") throw new Error(`${where}: ${dir} is not a weights folder written by saveWeights`);
  return { tensors: decodeTensors(await readFile(join(dir, "weights.bin")), manifest.weights, where), names: manifest.names };
}

/** Keras' `model.load_weights`: the weights of the folder `path` into the model (count and shapes must fit). */
export async function loadWeights(model: KerasModel, path: string): Promise<void> {
  const { tensors, names } = await readWeights(path);
  try {
    setAllWeights(model, tensors, names, "loadWeights");
  } finally {
    tf.dispose(tensors);
  }
}

/** Sets every weight, checking the count and each shape against the model's. */
export function setAllWeights(model: KerasModel, tensors: tf.Tensor[], names: string[] | undefined, where: string): void {
  const weights = model.weights;
  if (tensors.length !== weights.length) {
    throw new Error(`${where}: the saved weights are ${tensors.length} tensors but model "${model.name}" has ${weights.length} weights${weights.length === 0 ? " (build the model first)" : ""}`);
  }
  weights.forEach((w, i) => {
    if (!tf.util.arraysEqual(w.shape as number[], tensors[i].shape)) {
      throw new Error(`${where}: weight ${i} (${w.name}) of model "${model.name}" has shape [${w.shape.join(", ")}] but the saved one${names?.[i] ? ` (${names[i]})` : ""} has [${tensors[i].shape.join(", ")}]`);
    }
  });
  model.setWeights(tensors);
}
