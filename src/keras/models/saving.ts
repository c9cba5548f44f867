// model.save(path) / models.loadModel(path): the TF.js layers format (model.json + weights.bin) in a
// folder, written to a temporary folder first and renamed into place, so a failed save leaves nothing
// half-written. model.json also records the compile settings, so a loaded model can train on, and
// (tsdl's optimizers) the optimizer's state: its iterations in model.json, its slots (moments, EMA
// averages) in optimizer.bin, by position of the trainable weight, so training continues as if
// the model had never been saved. Folders written before (no optimizer state) still load.
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import tf from "../../tfjs.cjs";
import { ready } from "../../backend/backend.js";
import { fixedClass as registerBatchNormalization } from "../layers/batch_normalization.js";
import { dropoutClass as registerDropout } from "../layers/dropout.js";
import { denseClass as registerDense } from "../layers/dense.js";
import { conv2dClass as registerConv2D } from "../layers/conv2d.js";
import { registerConvolutionalClasses } from "../layers/convolutional/register.js";
import type { KerasModel } from "./model.js";
import { Optimizer as KerasOptimizer, restoreOptimizer } from "../optimizers/index.js";

interface TrainingMetadata {
  loss?: string;
  metrics?: string[];
  optimizer?: { className: string; config: tf.serialization.ConfigDict; format?: string };
  /** tsdl's optimizers: iterations, and the slots in `paths` (`i/slot` for trainable weight i). */
  optimizerState?: { iterations: number; paths: string[]; weights: tf.io.WeightsManifestEntry[] };
}

export async function saveModel(model: KerasModel, path: string): Promise<void> {
  if (typeof path !== "string" || !path) throw new Error(`save: path must be a folder name, got ${JSON.stringify(path)}`);
  const dir = resolve(path);
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  const training: TrainingMetadata = {};
  if (model.loss && model.loss.name !== "custom") training.loss = model.loss.name;
  if (model.metrics.length) training.metrics = model.metrics.map((m) => m.name);
  if (model.optimizer) {
    const cls = model.optimizer.getClassName();
    training.optimizer = { className: cls, config: model.optimizer.getConfig() };
  }
  let optimizerData: Buffer | undefined;
  if (model.optimizer instanceof KerasOptimizer) {
    training.optimizer!.format = "keras3";
    const state = model.optimizer.exportState(model.tf.trainableWeights);
    const { data, specs } = await tf.io.encodeWeights(state.tensors);
    optimizerData = Buffer.from(data);
    training.optimizerState = { iterations: state.iterations, paths: ["optimizer.bin"], weights: specs };
  }
  await model.tf.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData
        ? Buffer.concat((Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData]).map((b) => Buffer.from(b)))
        : Buffer.alloc(0);
      const json = {
        modelTopology: artifacts.modelTopology,
        format: "layers-model",
        generatedBy: "tsdl",
        convertedBy: null,
        weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs ?? [] }],
        userDefinedMetadata: { tsdl: { kind: model.constructor.name === "SequentialModel" ? "Sequential" : "Model", training } },
      };
      try {
        await mkdir(tmp, { recursive: true });
        await writeFile(join(tmp, "model.json"), JSON.stringify(json));
        await writeFile(join(tmp, "weights.bin"), weightData);
        if (optimizerData) await writeFile(join(tmp, "optimizer.bin"), optimizerData);
        await mkdir(dirname(dir), { recursive: true });
        if (existsSync(dir)) await rm(dir, { recursive: true });
        await rename(tmp, dir);
      } catch (e) {
        await rm(tmp, { recursive: true, force: true });
        throw new Error(`save: could not write the model to ${dir}: ${(e as Error).message}`);
      }
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: weightData.byteLength } };
    }),
  );
}

export async function loadModel(path: string): Promise<KerasModel> {
  await ready();
  const dir = resolve(path);
  let json: {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    userDefinedMetadata?: { tsdl?: { kind?: string; training?: TrainingMetadata } };
  };
  try {
    json = JSON.parse(await readFile(join(dir, "model.json"), "utf8"));
  } catch (e) {
    throw new Error(`loadModel: ${join(dir, "model.json")} is missing or not JSON (expected a folder written by model.save): ${(e as Error).message}`);
  }
  const buffers = await Promise.all(json.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(join(dir, p))));
  const data = Buffer.concat(buffers);
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const expected = weightSpecs.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (data.byteLength !== expected) {
    throw new Error(`loadModel: the weights in ${dir} have ${data.byteLength} bytes but model.json describes ${expected}; the folder is damaged`);
  }
  registerBatchNormalization();
  registerDropout();
  registerDense();
  registerConv2D();
  registerConvolutionalClasses(); // Conv1D, Conv1DTranspose, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D
  const tfModel = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) }),
  );
  const { KerasModel, SequentialModel } = await import("./model.js");
  const model = json.userDefinedMetadata?.tsdl?.kind === "Sequential" || tfModel instanceof tf.Sequential ? new SequentialModel(tfModel as tf.Sequential) : new KerasModel(tfModel);
  const training = json.userDefinedMetadata?.tsdl?.training;
  if (training?.loss && training.optimizer) {
    const optimizer = restoreOptimizer(training.optimizer);
    if (optimizer) {
      model.compile({ optimizer, loss: training.loss, metrics: training.metrics });
      if (training.optimizerState && optimizer instanceof KerasOptimizer) await restoreOptimizerState(dir, model, optimizer, training.optimizerState);
    }
  }
  return model;
}

/** Puts the saved slots and iterations into the loaded model's optimizer; a damaged or mismatched state is skipped with a warning (as Keras does). */
async function restoreOptimizerState(dir: string, model: KerasModel, optimizer: KerasOptimizer, state: NonNullable<TrainingMetadata["optimizerState"]>): Promise<void> {
  let tensors: tf.NamedTensorMap = {};
  try {
    const data = Buffer.concat(await Promise.all(state.paths.map((p) => readFile(join(dir, p)))));
    const expected = state.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
    if (data.byteLength !== expected) throw new Error(`${state.paths.join(", ")} has ${data.byteLength} bytes, model.json describes ${expected}`);
    tensors = tf.io.decodeWeights(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength), state.weights);
    optimizer.importState(model.tf.trainableWeights, state.iterations, Object.entries(tensors).map(([name, tensor]) => ({ name, tensor })));
  } catch (e) {
    console.warn(`loadModel: the optimizer's saved state in ${dir} was not restored (${(e as Error).message}); training goes on from a fresh optimizer state`);
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
