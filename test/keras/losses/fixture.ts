// The Keras fixture of the losses, metrics and training-loop tests: out/keras-training/training.json,
// written by generate.py (Keras 3 itself), regenerated when missing or older than generate.py.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { tf } from "../../../src/index.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..", "..", "..");

export interface ArrayFixture {
  shape: number[];
  dtype: string;
  data: number[];
}

export interface LossCase {
  name: string;
  class: string;
  config: Record<string, unknown>;
  y_true: ArrayFixture;
  y_pred: ArrayFixture;
  sample_weight: ArrayFixture;
  keras_name: string;
  value: ArrayFixture;
  weighted: ArrayFixture | null;
  none: ArrayFixture;
  function?: { name: string; kwargs: Record<string, unknown>; value: ArrayFixture };
}

export interface MetricCase {
  name: string;
  class: string;
  config: Record<string, unknown>;
  keras_name: string;
  batches: { y_true: ArrayFixture; y_pred: ArrayFixture; sample_weight: ArrayFixture | null; result: ArrayFixture }[];
}

export interface FitSpec {
  inputs: { name: string; shape: number[] }[];
  nodes: { name: string; class?: string; units?: number; input: string | string[]; activation?: string | null }[];
  outputs: string[] | Record<string, string>;
  labels: Record<string, string>;
  y_as?: "list" | "dict";
  loss: unknown;
  loss_weights?: number[] | Record<string, number>;
  metrics?: unknown;
  weighted_metrics?: unknown;
  epochs?: number;
  batch_size?: number;
  lr?: number;
  samples?: number;
  sample_weight?: boolean;
  class_weight?: Record<string, number>;
  validation_split?: number;
  validation_data?: boolean;
  validation_freq?: number | number[];
}

export type LogValue = number | number[];

export interface FitCase {
  name: string;
  spec: FitSpec;
  weights: Record<string, ArrayFixture[]>;
  output_names: string[];
  x: Record<string, ArrayFixture>;
  y: Record<string, ArrayFixture>;
  val: { x: Record<string, ArrayFixture>; y: Record<string, ArrayFixture> } | null;
  sample_weight: ArrayFixture | null;
  history: Record<string, LogValue[]>;
  evaluate: LogValue[];
  evaluate_dict: Record<string, LogValue>;
  train_on_batch: Record<string, LogValue>;
  test_on_batch: Record<string, LogValue>;
  predict_on_batch: ArrayFixture[];
}

export interface EarlyStoppingCase {
  name: string;
  values: number[];
  options: Record<string, unknown>;
  epochs_run: number;
  stopped_epoch: number;
  best_epoch: number;
  best: number | null;
}

export interface TrainingFixture {
  early_stopping: EarlyStoppingCase[];
  losses: LossCase[];
  metrics: MetricCase[];
  metric_auto_names: string[];
  fits: FitCase[];
}

let cached: TrainingFixture | undefined;

export function kerasTraining(): TrainingFixture {
  if (cached) return cached;
  const out = join(ROOT, "out", "keras-training", "training.json");
  const script = join(HERE, "generate.py");
  if (!existsSync(out) || statSync(script).mtimeMs > statSync(out).mtimeMs) {
    const python = join(ROOT, ".venv", "bin", "python");
    if (!existsSync(python)) throw new Error(`training tests: ${python} is missing; run bash scripts/setup-python.sh (npm test does)`);
    const r = spawnSync(python, [script], { stdio: ["ignore", "inherit", "inherit"], cwd: ROOT });
    if (r.status !== 0) throw new Error(`training tests: generate.py failed (exit ${r.status})`);
  }
  cached = JSON.parse(readFileSync(out, "utf8"));
  return cached!;
}

export function tensorOf(a: ArrayFixture): tf.Tensor {
  return tf.tensor(a.data, a.shape, a.dtype.startsWith("int") ? "int32" : "float32");
}

/** Keras' snake_case options as tsdl's camelCase ones. */
export function camel(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}

/** Largest difference relative to max(1, |reference|) entry by entry (absolute below 1). */
export function closeTo(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    worst = Math.max(worst, Math.abs(a - e) / Math.max(1, Math.abs(e)));
  }
  return worst;
}
