// Runs Python in the project's .venv (Keras 3 on TensorFlow) with these arguments (["-c", code], or a
// script and its arguments) and `input` as JSON on its standard input, and returns the JSON it prints
// last: the oracle of tests that compare with Keras.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const VENV_PYTHON = join(import.meta.dirname, "..", "..", ".venv", "bin", "python");

export function runKeras<T>(args: string[], input: unknown): T {
  assert.ok(existsSync(VENV_PYTHON), `${VENV_PYTHON} is missing; run bash scripts/setup-python.sh (npm test does)`);
  const r = spawnSync(VENV_PYTHON, args, { input: JSON.stringify(input), encoding: "utf8", env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3", KERAS_BACKEND: "tensorflow" }, maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as T;
}
