// Per-op timings (tf.profile) of one fit epoch and one predict of a seed-000 model (logistic, wide, deep)
// on random data, batch 10: node --import tsx bench/seed000_op_profile.ts [logistic|wide|deep]
import * as tf from "@tensorflow/tfjs";
import { ready } from "../src/index.ts";
import { MODELS } from "./models.ts";
import type { WorkloadName } from "./workloads.ts";
await ready();
const name = process.argv[2] ?? "logistic";
const make = MODELS[`${name}000` as WorkloadName];
if (!make) throw new Error(`bench/seed000_op_profile.ts: unknown model ${JSON.stringify(name)}; expected logistic, wide or deep`);
const m = make(); // bench/models.ts, as the bench trains it
const x = tf.randomUniform([50, 224, 224, 3]);
const y = tf.oneHot(tf.randomUniform([50], 0, 2, "int32"), 2).toFloat();
await m.fit(x, y, { epochs: 2, batchSize: 10, verbose: 0 });
for (const phase of ["fit", "predict"]) {
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    if (phase === "fit") await m.fit(x, y, { epochs: 1, batchSize: 10, verbose: 0 });
    else (await m.predict(x, { batchSize: 10 })).dispose();
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
  console.log(`${phase}: wall ${wall.toFixed(0)} ms (profiled), kernels ${total.toFixed(0)} ms, ${info.kernels.length} kernel calls`);
  for (const [k, [t, n]] of [...by].sort((a, b) => b[1][0] - a[1][0]).slice(0, 14)) console.log(`  ${t.toFixed(1).padStart(8)} ms ${String(n).padStart(4)}x ${k}`);
}
