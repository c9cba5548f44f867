// npm run bench's driver: every seed workload (bench/workloads.ts) on tsdl (wasm + native kernels, and
// wasm alone) and beside it, in the same run, Keras 3.15 on TensorFlow-CPU 2.21, PyTorch 2.13 CPU and
// Debian's PyTorch 1.13; the machine's sgemm peak (torch.mm 4096^3, 2 threads) at the start and the end;
// the image pipeline on each side. Every side of a workload gets the same batches and step counts. Each
// workload group runs in a fresh process per side (peak RSS per workload: VmHWM reset between workloads);
// in a full run each side runs twice, alternating order, and the better run counts (this VM drifts).
// Writes bench/results.json, bench/results.md and the README's bench section (a quick run: only
// out/bench/results-quick.{json,md}); records the load average.
//   node --import tsx bench/run.ts [--quick]        (BENCH_QUICK=1 as --quick; BENCH_REPS=n runs per side;
//                                                    BENCH_ONLY=deep000,wide000 only those workloads)
//   node --import tsx bench/run.ts --report out/bench/raw-full.json   (the tables from a stopped run)
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { cpus, hostname, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { flopsPerSample, WORKLOADS, type WorkloadName } from "./workloads.ts";
import { benchImages, meanFileKB } from "./images.ts";

const ROOT = join(import.meta.dirname, "..");
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let QUICK = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";
let REPS = Number(process.env.BENCH_REPS ?? (QUICK ? 1 : 2));
if (!Number.isInteger(REPS) || REPS < 1) throw new Error(`bench: BENCH_REPS must be a positive integer, got ${JSON.stringify(process.env.BENCH_REPS)}`);
const reportArg = process.argv.indexOf("--report");
/** --report FILE: no runs, only the tables and results from a run's saved measurements (out/bench/raw-*.json, written as it goes). */
const REPORT = reportArg >= 0 ? process.argv[reportArg + 1] : undefined;
const saved: Json | undefined = REPORT ? JSON.parse(readFileSync(REPORT, "utf8")) : undefined;
const started = saved ? saved.started : Date.now();

// ---- load average, sampled through the run ------------------------------------------------------
const load: { t: number; load1: number }[] = [];
const sampleLoad = () => load.push({ t: Math.round((Date.now() - started) / 1000), load1: loadavg()[0] });
if (saved) {
  QUICK = saved.mode === "quick";
  REPS = saved.runsPerSide;
  load.push(...saved.load);
} else sampleLoad();
const loadTimer = saved ? undefined : setInterval(sampleLoad, 5000);

// ---- the sides ----------------------------------------------------------------------------------
type SideKey = "tsdl" | "tsdl-wasm" | "keras" | "torch" | "torch113";
interface Side {
  key: SideKey;
  label: string;
  cmd: string;
  args: string[];
  env?: Record<string, string>;
  tsdl?: boolean;
}
const venvPython = join(ROOT, "out", "bench-venv", "bin", "python");
const node = process.execPath;
const SIDES: Side[] = [
  { key: "tsdl", label: "tsdl, wasm + native kernels", cmd: node, args: ["--import", "tsx", "bench/training.ts"], tsdl: true },
  { key: "tsdl-wasm", label: "tsdl, wasm alone", cmd: node, args: ["--import", "tsx", "bench/training.ts"], env: { TSDL_NATIVE: "0" }, tsdl: true },
  { key: "keras", label: "Keras 3.15 / TF-CPU 2.21", cmd: venvPython, args: ["bench/keras_peer.py"] },
  { key: "torch", label: "PyTorch 2.13 CPU", cmd: venvPython, args: ["bench/torch_peer.py"], env: { OPENBLAS_NUM_THREADS: "1" } },
  { key: "torch113", label: "PyTorch 1.13 (Debian)", cmd: "/usr/bin/python3", args: ["bench/torch_peer.py"], env: { OPENBLAS_NUM_THREADS: "1" } },
];

/** Runs one process; its stdout's JSON lines (anything else is the libraries' chatter), its stderr shown as progress. */
function run(cmd: string, args: string[], env: Record<string, string> = {}, timeoutS = 1800): Promise<{ lines: Json[]; error?: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => {
      err += d;
      for (const line of String(d).split("\n")) if (/^ {2}\S/.test(line)) process.stderr.write(`${line}\n`);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutS * 1000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const lines = out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Json);
      const tail = err.trim().split("\n").slice(-3).join(" | ");
      resolve(code === 0 ? { lines } : { lines, error: `${cmd} ${args.join(" ")} exited with ${signal ?? code}: ${tail}` });
    });
  });
}

/** Why a side cannot run here, if it cannot (by its files: importing TensorFlow only to check costs a minute on a busy machine). */
function available(side: Side): string | undefined {
  if (side.tsdl) return undefined;
  if (!existsSync(side.cmd)) return `${side.cmd} is missing (bench/setup.sh makes it)`;
  if (side.key === "torch113" && !existsSync("/usr/lib/python3/dist-packages/torch")) return "Debian's python3-torch is not installed (bench/setup.sh installs it)";
  if (side.key === "keras" && !existsSync(join(ROOT, ".venv", "bin", "python"))) return "the project's .venv (Keras, TensorFlow) is missing (scripts/setup-python.sh)";
  return undefined;
}

// ---- the plan -----------------------------------------------------------------------------------
interface Steps {
  warmup: number;
  steps: number;
  inferWarmup: number;
  inferSteps: number;
}
// V8 takes a while to optimise tfjs' paths: an MLP's training step falls from about 1.6 to 0.9 ms over its
// first 1,500 steps (seed 003's, measured by 500s: 1589 1273 1139 929 971 959 904), so the MLPs train
// 2,000 steps before the 2,000 measured, and their inference is warmed up as long as it is measured, on
// every side alike.
// The 224x224 models first: they take longest and matter most, so a stopped run (--report) has them.
const PLAN: { workloads: WorkloadName[]; steps: Steps }[] = QUICK
  ? [
      { workloads: ["deep000"], steps: { warmup: 2, steps: 5, inferWarmup: 2, inferSteps: 10 } },
      { workloads: ["wide000"], steps: { warmup: 2, steps: 5, inferWarmup: 2, inferSteps: 10 } },
      { workloads: ["logistic000"], steps: { warmup: 2, steps: 10, inferWarmup: 2, inferSteps: 10 } },
      { workloads: ["cnn002"], steps: { warmup: 4, steps: 8, inferWarmup: 4, inferSteps: 8 } },
      { workloads: ["mlp003", "mlp004bn", "mlp004"], steps: { warmup: 20, steps: 200, inferWarmup: 100, inferSteps: 200 } },
    ]
  : [
      { workloads: ["deep000"], steps: { warmup: 3, steps: 30, inferWarmup: 10, inferSteps: 30 } },
      { workloads: ["wide000"], steps: { warmup: 3, steps: 20, inferWarmup: 10, inferSteps: 20 } },
      { workloads: ["logistic000"], steps: { warmup: 3, steps: 30, inferWarmup: 10, inferSteps: 30 } },
      { workloads: ["cnn002"], steps: { warmup: 12, steps: 32, inferWarmup: 32, inferSteps: 32 } },
      { workloads: ["mlp003", "mlp004bn", "mlp004"], steps: { warmup: 2000, steps: 2000, inferWarmup: 1000, inferSteps: 1000 } },
    ];

// BENCH_ONLY=deep000,wide000: only these workloads (the rest of the run as usual).
const ONLY = process.env.BENCH_ONLY?.split(",").map((w) => w.trim()).filter(Boolean);
for (const w of ONLY ?? []) if (!(w in WORKLOADS)) throw new Error(`bench: BENCH_ONLY names ${JSON.stringify(w)}; expected some of ${Object.keys(WORKLOADS).join(", ")}`);
for (const g of PLAN) g.workloads = g.workloads.filter((w) => !ONLY || ONLY.includes(w));

const images = saved ? saved.images : await benchImages();
const sides: { side: Side; missing?: string }[] = saved ? SIDES.map((side) => ({ side, missing: saved.missing[side.key] })) : SIDES.map((side) => ({ side, missing: available(side) }));
for (const s of sides) if (s.missing) console.error(`${s.side.label}: not run (${s.missing})`);
const live = sides.filter((s) => !s.missing).map((s) => s.side);
const hasTorch = live.some((s) => s.key === "torch");
const errors: string[] = saved?.errors ?? [];
const sgemmRuns: Json[] = saved?.sgemmRuns ?? [];
// raw[workload][side] = list of runs
const raw: Record<string, Partial<Record<SideKey, Json[]>>> = saved?.raw ?? {};
const decodeRuns: Partial<Record<SideKey, Json>> = saved?.decodeRuns ?? {};
let complete: boolean = saved?.complete ?? false;
const rawFile = join(ROOT, "out", "bench", `raw-${QUICK ? "quick" : "full"}.json`);
/** The measurements so far, after every process: a stopped run can still be reported (--report). */
function save() {
  mkdirSync(join(ROOT, "out", "bench"), { recursive: true });
  const missing = Object.fromEntries(sides.filter((s) => s.missing).map((s) => [s.side.key, s.missing]));
  writeFileSync(`${rawFile}.tmp`, JSON.stringify({ mode: QUICK ? "quick" : "full", runsPerSide: REPS, started, elapsedS: (Date.now() - started) / 1000, images, missing, errors, sgemmRuns, raw, decodeRuns, load, complete }));
  renameSync(`${rawFile}.tmp`, rawFile);
}

async function sgemm(): Promise<Json | undefined> {
  const side = live.find((s) => s.key === "torch") ?? live.find((s) => s.key === "torch113");
  if (!side) return undefined;
  const r = await run(side.cmd, [...side.args, "sgemm"], side.env);
  if (r.error) errors.push(r.error);
  return r.lines[0];
}

if (!saved) {
  console.error(`bench: ${QUICK ? "quick" : "full"} run, ${REPS} run(s) per side, sides: ${live.map((s) => s.key).join(", ")}; load average ${loadavg()[0].toFixed(2)}; measurements saved as they come in ${rawFile}`);
  console.error("== sgemm peak (torch.mm 4096^3, 2 threads)");
  const s0 = await sgemm();
  if (s0) sgemmRuns.push({ ...s0, when: "start" });
  save();
  // One pass over the folder takes well under a second: REPS passes a side, alternating, the faster counts.
  const better = (key: SideKey, r: Json | undefined) => {
    if (r && !(decodeRuns[key] && decodeRuns[key]!.decode.samplesPerS >= r.decode.samplesPerS)) decodeRuns[key] = r;
  };
  for (let rep = 0; rep < REPS; rep++) {
    console.error(`== image pipeline: decode + resize to 224x224${REPS > 1 ? ` (run ${rep + 1} of ${REPS})` : ""}`);
    const d = await run(node, ["--import", "tsx", "bench/data_pipeline.ts", "--images", images]);
    if (d.error) errors.push(d.error);
    better("tsdl", d.lines[0]);
    for (const side of live.filter((s) => s.key === "keras" || s.key === "torch")) {
      const p = await run(side.cmd, [...side.args, "decode", "--warmup", "1", "--steps", "1", "--infer-warmup", "1", "--infer-steps", "1", "--images", images], side.env);
      if (p.error) errors.push(p.error);
      better(side.key, p.lines[0]);
    }
    save();
  }
  const add = (side: SideKey, r: Json) => ((raw[r.workload] ??= {})[side] ??= []).push(r);
  for (const group of PLAN.filter((g) => g.workloads.length)) {
    const s = group.steps;
    const common = [...group.workloads, "--warmup", `${s.warmup}`, "--steps", `${s.steps}`, "--infer-warmup", `${s.inferWarmup}`, "--infer-steps", `${s.inferSteps}`, "--images", images];
    for (let rep = 0; rep < REPS; rep++) {
      const order = rep % 2 ? [...live].reverse() : live;
      console.error(`== ${group.workloads.join(", ")}${REPS > 1 ? ` (run ${rep + 1} of ${REPS})` : ""}; load average ${loadavg()[0].toFixed(2)}`);
      for (const side of order) {
        // fit's cost, tensors over 20 epochs (both tsdl sides); deep000 from memory (the default side only)
        const extras = side.tsdl && rep === 0 && !QUICK && !(side.key === "tsdl-wasm" && group.workloads.includes("deep000")) ? ["--extras"] : [];
        const t0 = Date.now();
        const r = await run(side.cmd, [...side.args, ...common, ...extras], side.env);
        if (r.error) {
          errors.push(r.error);
          console.error(`  ${side.key}: ${r.error}`);
        }
        for (const line of r.lines) add(side.key, { ...line, side: side.key, wallS: (Date.now() - t0) / 1000, load1AtEnd: loadavg()[0] });
        save();
      }
    }
  }
  console.error("== sgemm peak again");
  const s1 = await sgemm();
  if (s1) sgemmRuns.push({ ...s1, when: "end" });
  clearInterval(loadTimer);
  sampleLoad();
  complete = true;
  save();
}

// ---- results ------------------------------------------------------------------------------------
const peak = sgemmRuns.length ? Math.max(...sgemmRuns.map((r) => r.gflops as number)) : undefined;
const best = (runs: Json[] | undefined, k: "train" | "infer") => (runs?.length ? Math.max(...runs.map((r) => r[k]?.samplesPerS ?? 0)) : undefined);
const PEERS: SideKey[] = ["keras", "torch", "torch113"];
const missed: string[] = [];
const workloads: Json = {};
for (const [name, spec] of Object.entries(WORKLOADS) as [WorkloadName, (typeof WORKLOADS)[WorkloadName]][]) {
  const flops = flopsPerSample(spec);
  const perSide: Json = {};
  for (const side of SIDES) {
    const runs = raw[name]?.[side.key];
    if (!runs?.length) continue;
    const entry: Json = { runs: runs.length };
    for (const k of ["train", "infer"] as const) {
      const sps = best(runs, k)!;
      const gflops = (sps * flops[k]) / 1e9;
      entry[k] = { samplesPerS: sps, gflops, shareOfPeak: peak ? gflops / peak : null, all: runs.map((r) => r[k]?.samplesPerS) };
    }
    entry.peakRssMiB = Math.max(...runs.map((r) => r.peakRssMiB ?? 0));
    for (const extra of ["trainFromMemory", "fitOverhead", "memory"]) {
      const r = runs.find((x) => x[extra]);
      if (r) entry[extra] = r[extra];
    }
    if (runs[0].versions) entry.versions = runs[0].versions;
    entry.threads = runs[0].threads ?? runs[0].wasmThreads;
    perSide[side.key] = entry;
  }
  const ratios: Json = {};
  for (const tsdlSide of ["tsdl", "tsdl-wasm"] as const) {
    if (!perSide[tsdlSide]) continue;
    ratios[tsdlSide] = {};
    for (const k of ["train", "infer"] as const) {
      const mine = perSide[tsdlSide][k].samplesPerS as number;
      const r: Json = {};
      for (const p of PEERS) if (perSide[p]) r[p] = mine / perSide[p][k].samplesPerS;
      const current = (["keras", "torch"] as const).filter((p) => perSide[p]).map((p) => perSide[p][k].samplesPerS as number);
      if (current.length) r.fasterPeer = mine / Math.max(...current);
      ratios[tsdlSide][k] = r;
      const want = tsdlSide === "tsdl" ? 1 : 0.5;
      if (r.fasterPeer !== undefined && r.fasterPeer < want) missed.push(`${name} ${k} (${tsdlSide}): ${r.fasterPeer.toFixed(2)}x the faster of Keras / PyTorch 2.13 (target ${want}x)`);
      if (tsdlSide === "tsdl" && r.torch113 !== undefined && r.torch113 < 1.5) missed.push(`${name} ${k}: ${r.torch113.toFixed(2)}x PyTorch 1.13 (target 1.5x)`);
    }
  }
  workloads[name] = { title: spec.title, seed: spec.seed, batch: spec.batch, inputShape: spec.inputShape, source: spec.fromDirectory ? "training from flowFromDirectory on the bench JPEGs, inference on in-memory batches" : "in memory", flopsPerSample: flops, sides: perSide, ratios };
}

const decode: Json = {};
for (const [k, r] of Object.entries(decodeRuns)) decode[k] = { imagesPerS: r!.decode.samplesPerS, images: r!.decode.samples, peakRssMiB: r!.peakRssMiB };
if (decode.tsdl && decode.keras) {
  decode.ratioToPil = decode.tsdl.imagesPerS / decode.keras.imagesPerS;
  if (decode.ratioToPil < 2) missed.push(`decode+resize: ${decode.ratioToPil.toFixed(2)}x PIL (Keras' load_img path; target 2x)`);
}
if (decode.tsdl && decode.torch) {
  decode.ratioToDataLoader = decode.tsdl.imagesPerS / decode.torch.imagesPerS;
  if (decode.ratioToDataLoader < 1) missed.push(`decode+resize: ${decode.ratioToDataLoader.toFixed(2)}x the PyTorch DataLoader (target 1x)`);
}
const deep = workloads.deep000?.sides?.tsdl;
const pipeline = deep?.trainFromMemory
  ? { fromDirectoryStepMs: (1000 * 10) / deep.train.samplesPerS, fromMemoryStepMs: (1000 * 10) / deep.trainFromMemory.samplesPerS, overhead: deep.trainFromMemory.samplesPerS / deep.train.samplesPerS - 1 }
  : undefined;
if (pipeline && pipeline.overhead > 0.1) missed.push(`deep000 from flowFromDirectory: ${(100 * pipeline.overhead).toFixed(0)}% slower per step than from memory (target 10%)`);
const fitOverhead = workloads.mlp003?.sides?.tsdl?.fitOverhead;
if (fitOverhead && fitOverhead.overhead > 0.05) missed.push(`fit's own cost: ${(100 * fitOverhead.overhead).toFixed(1)}% over the bare step (target 5%)`);
const memoryFlat = ["mlp003", "cnn002"].every((w) => ["tsdl", "tsdl-wasm"].every((s) => workloads[w]?.sides?.[s]?.memory?.tensorsFlat !== false));
if (!memoryFlat) missed.push("tensors not flat over 20 epochs");

const loads = load.map((l) => l.load1);
const durationS = saved ? saved.elapsedS : (Date.now() - started) / 1000;
const kernelFile = join(import.meta.dirname, "kernel_latency.json");
const results = {
  date: new Date(started).toISOString(),
  mode: QUICK ? "quick" : "full",
  complete,
  runsPerSide: REPS,
  durationS,
  machine: { host: hostname(), cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: totalmem() / 2 ** 30, device: "CPU only (no GPU machine at hand for this run)" },
  loadAverage: { note: "1-minute load average, sampled every 5 s during the run; above the core count the numbers are noise", min: Math.min(...loads), mean: loads.reduce((a, b) => a + b, 0) / loads.length, max: Math.max(...loads), samples: load.map((l) => `${l.t}s ${l.load1.toFixed(2)}`).join(", ") },
  sgemmPeak: { gflops: peak ?? null, how: "torch.mm of two 4096x4096 float32 matrices, 2 threads, best of 3, at the start and the end of the run", runs: sgemmRuns },
  flops: "2 x multiply-adds of every Dense and Conv2D; training = forward + weight gradients + input gradients (none for a layer fed by the data)",
  sides: Object.fromEntries(sides.map(({ side, missing }) => [side.key, { label: side.label, ...(missing ? { missing } : {}) }])),
  workloads,
  data: { images: { dir: "out/bench-images", count: 300, meanKB: meanFileKB(images), size: "about 500x375 (landscape and portrait)" }, decodeResize224: decode, deepFromDirectoryVsMemory: pipeline ?? null },
  fitOverhead: fitOverhead ?? null,
  memoryFlat,
  missedTargets: missed,
  errors,
  kernel: existsSync(kernelFile) ? JSON.parse(readFileSync(kernelFile, "utf8")) : null,
};
// A quick run is a smoke check: its numbers go to out/, not into the committed results.
const outDir = QUICK ? join(ROOT, "out", "bench") : import.meta.dirname;
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, QUICK ? "results-quick.json" : "results.json"), `${JSON.stringify(results, null, 2)}\n`);

// ---- tables -------------------------------------------------------------------------------------
const fmt = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? "—" : n >= 100 ? Math.round(n).toLocaleString("en-US") : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const x = (n: number | undefined) => (n === undefined ? "—" : `${n.toFixed(2)}x`);
const shown = SIDES.filter((s) => Object.values(workloads).some((w: Json) => w.sides[s.key]));
const md: string[] = [];
md.push(`| samples/s | ${shown.map((s) => s.label).join(" | ")} | tsdl ÷ faster of Keras, PyTorch 2.13 | tsdl ÷ PyTorch 1.13 | tsdl wasm alone ÷ faster |`);
md.push(`|---|${shown.map(() => "---:").join("|")}|---:|---:|---:|`);
for (const [name, w] of Object.entries(workloads) as [string, Json][]) {
  for (const k of ["train", "infer"] as const) {
    const cells = shown.map((s) => fmt(w.sides[s.key]?.[k].samplesPerS));
    const miss = (v: number | undefined, want: number) => (v === undefined ? "—" : v < want ? `**${x(v)}**` : x(v));
    md.push(`| ${name} ${k} | ${cells.join(" | ")} | ${miss(w.ratios.tsdl?.[k].fasterPeer, 1)} | ${miss(w.ratios.tsdl?.[k].torch113, 1.5)} | ${miss(w.ratios["tsdl-wasm"]?.[k].fasterPeer, 0.5)} |`);
  }
}
const gf: string[] = [];
gf.push(`| GFLOP/s (share of ${fmt(peak)} GFLOP/s sgemm peak) | ${shown.map((s) => s.label).join(" | ")} |`);
gf.push(`|---|${shown.map(() => "---:").join("|")}|`);
for (const [name, w] of Object.entries(workloads) as [string, Json][])
  for (const k of ["train", "infer"] as const) gf.push(`| ${name} ${k} | ${shown.map((s) => (w.sides[s.key] ? `${fmt(w.sides[s.key][k].gflops)} (${(100 * (w.sides[s.key][k].shareOfPeak ?? NaN)).toFixed(1)}%)` : "—")).join(" | ")} |`);
const rss: string[] = [];
rss.push(`| peak RSS, MiB | ${shown.map((s) => s.label).join(" | ")} |`);
rss.push(`|---|${shown.map(() => "---:").join("|")}|`);
for (const [name, w] of Object.entries(workloads) as [string, Json][]) rss.push(`| ${name} | ${shown.map((s) => fmt(w.sides[s.key]?.peakRssMiB)).join(" | ")} |`);
const notes: string[] = [];
if (decode.tsdl) notes.push(`Decode + resize of the JPEGs to 224x224: tsdl ${fmt(decode.tsdl.imagesPerS)} images/s, PIL through Keras' load_img ${fmt(decode.keras?.imagesPerS)} (${x(decode.ratioToPil)}), PyTorch DataLoader with 2 workers ${fmt(decode.torch?.imagesPerS)} (${x(decode.ratioToDataLoader)}).`);
if (pipeline) notes.push(`Seed 000's deep model: ${pipeline.fromDirectoryStepMs.toFixed(0)} ms a step from flowFromDirectory, ${pipeline.fromMemoryStepMs.toFixed(0)} ms from memory (${pipeline.overhead >= 0 ? "+" : ""}${(100 * pipeline.overhead).toFixed(1)}% a step; target within 10%).`);
if (fitOverhead) notes.push(`fit's own cost over the bare optimizer step (seed 003 MLP, both without metrics): ${(100 * fitOverhead.overhead).toFixed(1)}% (target < 5%; negative is noise) (${fitOverhead.fitStepMs.toFixed(3)} vs ${fitOverhead.bareStepMs.toFixed(3)} ms; fit with the seed's accuracy metric ${fitOverhead.fitWithAccuracyStepMs?.toFixed(3) ?? "?"} ms).`);
notes.push(`Tensors ${memoryFlat ? "flat" : "NOT flat"} over 20 epochs (seed 003 MLP, seed 002 CNN).`);
const date = new Date(started).toISOString();
const header = `${complete ? "" : "PARTIAL (stopped before the end; workloads without numbers did not run): "}${QUICK ? "Quick" : "Full"} run of ${date.slice(0, 16).replace("T", " ")} UTC on ${cpus().length} × ${cpus()[0]?.model?.trim()}, ${REPS} run(s) per side (the better counts), ${Math.round(durationS / 60)} min; 1-minute load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} (mean ${results.loadAverage.mean.toFixed(1)})${results.loadAverage.mean > cpus().length ? ": a busy machine, so these numbers are noise; rerun on a quiet one" : ""}. Batch 32 (seeds 002–004) and 10 (seed 000, trained from flowFromDirectory on 500x375 JPEGs). Ratios under a target in bold.`;
const body = [header, "", md.join("\n"), "", gf.join("\n"), "", rss.join("\n"), "", ...notes.map((n) => `- ${n}`), ...(missed.length ? ["", `Missed targets: ${missed.join("; ")}.`] : [])].join("\n");
writeFileSync(join(outDir, QUICK ? "results-quick.md" : "results.md"), `${body}\n`);
console.log(`\n${body}\n`);
if (errors.length) console.log(`errors:\n${errors.join("\n")}`);
const readme = join(ROOT, "README.md");
const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";
const text = readFileSync(readme, "utf8");
const i = text.indexOf(START);
const j = text.indexOf(END);
if (i >= 0 && j > i && hasTorch && !QUICK) {
  writeFileSync(readme, `${text.slice(0, i + START.length)}\n${body}\n${text.slice(j)}`);
  console.log("updated the bench section of README.md");
} else if (QUICK) console.log("quick run: README.md left as it is");
console.log(`wrote ${join(outDir, QUICK ? "results-quick.{json,md}" : "results.{json,md}")} (${Math.round(durationS)} s)`);
