// Per-op timings (tf.profile) of one fit epoch and one predict of any seed workload (bench/workloads.ts)
// on random data in memory, at its batch size, as bench/models.ts compiles it:
//   node --import tsx bench/op_profile.ts <workload> [--top N]
// e.g. mlp004bn, cnn002, deep000. The times include tfjs' dispatch of each kernel, so the small kernels
// of an MLP step read high; the ranking, and the counts per step, are what it is for.
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../src/index.ts";
import { MODELS } from "./models.ts";
import { WORKLOADS, type WorkloadName } from "./workloads.ts";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "14" } } });
const name = positionals[0] as WorkloadName;
if (!(name in WORKLOADS)) throw new Error(`bench/op_profile.ts: unknown workload ${JSON.stringify(positionals[0])}; expected one of ${Object.keys(WORKLOADS).join(", ")}`);
const top = Number(values.top);
if (!Number.isInteger(top) || top < 1) throw new Error(`bench/op_profile.ts: --top must be a positive integer, got ${JSON.stringify(values.top)}`);
await ready();
const spec = WORKLOADS[name];
const steps = spec.poolBatches;
const n = steps * spec.batch;
const m = MODELS[name]();
const x = tf.randomUniform([n, ...spec.inputShape]);
const labels = tf.randomUniform([n], 0, spec.classes, "int32");
const y = spec.sparseLabels ? labels.toFloat() : tf.oneHot(labels, spec.classes).toFloat();
// Warm: the training plans, predict's plan and its products' split-or-not trials (native/matmul.cc).
await m.fit(x, y, { epochs: Math.max(2, Math.ceil(40 / steps)), batchSize: spec.batch, verbose: 0 });
for (let i = 0; i < 2; i++) ((await m.predict(x, { batchSize: spec.batch })) as tf.Tensor).dispose();
for (const phase of ["fit", "predict"]) {
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    if (phase === "fit") await m.fit(x, y, { epochs: 1, batchSize: spec.batch, verbose: 0 });
    else ((await m.predict(x, { batchSize: spec.batch })) as tf.Tensor).dispose();
  });
  const wall = performance.now() - t0;
  const by = new Map<string, [number, number]>();
  for (const k of info.kernels) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    const e = by.get(key) ?? [0, 0];
    e[0] += k.kernelTimeMs as number;
    e[1]++;
    by.set(key, e);
  }
  const total = info.kernels.reduce((s, k) => s + (k.kernelTimeMs as number), 0);
  console.log(`${name} ${phase}, batch ${spec.batch}, per step: wall ${(wall / steps).toFixed(2)} ms (profiled), kernels ${(total / steps).toFixed(2)} ms, ${(info.kernels.length / steps).toFixed(1)} kernel calls`);
  for (const [k, [t, c]] of [...by].sort((a, b) => b[1][0] - a[1][0]).slice(0, top)) console.log(`  ${(t / steps).toFixed(3).padStart(9)} ms ${(c / steps).toFixed(1).padStart(5)}x ${k}`);
}
