// The Keras fixture of the optimizer tests: out/keras-optimizers/optimizers.json, written by
// generate.py (Keras 3 itself), regenerated when missing or older than generate.py.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..", "..", "..");

type Values = Record<string, number[]>;

export interface OptimizerCase {
  name: string;
  class: string;
  config: Record<string, unknown>;
  start: Values;
  shapes: Record<string, number[]>;
  grads: Values[];
  after: Values[];
  learning_rates: number[];
  slots: Record<string, Values>;
  iterations: number;
  learning_rate: number;
  exclude: string[] | null;
  finalized?: Values;
}

export interface ScheduleCase {
  name: string;
  class: string;
  config: Record<string, unknown>;
  steps: number[];
  values: number[];
}

let cached: { optimizers: OptimizerCase[]; schedules: ScheduleCase[] } | undefined;

export function kerasFixture(): { optimizers: OptimizerCase[]; schedules: ScheduleCase[] } {
  if (cached) return cached;
  const out = join(ROOT, "out", "keras-optimizers", "optimizers.json");
  const script = join(HERE, "generate.py");
  if (!existsSync(out) || statSync(script).mtimeMs > statSync(out).mtimeMs) {
    const python = join(ROOT, ".venv", "bin", "python");
    if (!existsSync(python)) throw new Error(`optimizer tests: ${python} is missing; run bash scripts/setup-python.sh (npm test does)`);
    const r = spawnSync(python, [script], { stdio: ["ignore", "inherit", "inherit"], cwd: ROOT });
    if (r.status !== 0) throw new Error(`optimizer tests: generate.py failed (exit ${r.status})`);
  }
  cached = JSON.parse(readFileSync(out, "utf8"));
  return cached!;
}

/** Largest difference relative to the largest reference value. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  let scale = 1e-30;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return worst / scale;
}
