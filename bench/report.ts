// Merges the benchmark outputs into bench/results.json and prints the tables with tsdl/PyTorch ratios.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { cpus, hostname } from "node:os";
import { join } from "node:path";

const [tsdlFile, tsdlWasmFile, torchFile, dataFile, tsdlAgainFile, torchAgainFile, tsdlWasmAgainFile] = process.argv.slice(2);
const read = (f: string | undefined) => (f && existsSync(f) && readFileSync(f, "utf8").trim() ? JSON.parse(readFileSync(f, "utf8").trim().split("\n").pop()!) : undefined);
interface MemoryRun {
  tensors: number[];
  rssMiB: number[];
  wasmHeapMiB: number[];
  tensorsFlat: boolean;
  rssGrowthAfterEpoch2MiB: number;
}
type Run = { mlp: Record<string, number>; cnn: Record<string, number>; rssMiB: number; peakRssMiB?: number; memory?: { mlp: MemoryRun; cnn: MemoryRun } } | { error: string };
type Throughput = { mlp: Record<string, number>; cnn: Record<string, number> };

/** Each side ran twice, alternating: keep the better throughput of each measurement (and say so). */
function best<T extends Throughput>(a: T | undefined, b: Throughput | undefined): T | undefined {
  if (!a || !b || "error" in a || "error" in b) return a;
  const out = structuredClone(a) as T & { runs?: number };
  for (const net of ["mlp", "cnn"] as const)
    for (const k of ["trainSamplesPerS", "inferSamplesPerS"]) out[net][k] = Math.max(a[net][k], b[net][k]);
  out.runs = 2;
  return out;
}

const tsdl = { ...read(tsdlFile), ...read(tsdlWasmFile) } as Record<string, Run>;
const again = { ...read(tsdlAgainFile), ...read(tsdlWasmAgainFile) } as Record<string, Run>;
for (const [k, r] of Object.entries(again)) if (tsdl[k]) tsdl[k] = best(tsdl[k] as Throughput, r as Throughput) as Run;
const torch = best(read(torchFile), read(torchAgainFile)) as { torch: string; threads: number; mlp: Record<string, number>; cnn: Record<string, number>; peakRssMiB?: number } | undefined;
const data = read(dataFile);
const kernelFile = join(import.meta.dirname, "kernel_latency.json");
const kernel = existsSync(kernelFile) ? JSON.parse(readFileSync(kernelFile, "utf8")) : undefined;

const rows: string[] = [];
const fmt = (n: number | undefined) => (n === undefined ? "—" : n >= 100 ? n.toFixed(0) : n.toFixed(2));
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(3)}x` : "—");
rows.push(`${"backend".padEnd(12)} ${"MLP train".padStart(10)} ${"MLP infer".padStart(10)} ${"CNN train".padStart(10)} ${"CNN infer".padStart(10)}   ratios to PyTorch (train/infer, MLP; CNN)`);
for (const [name, r] of Object.entries(tsdl)) {
  if ("error" in r) {
    rows.push(`${name.padEnd(12)} ${r.error}`);
    continue;
  }
  rows.push(
    `${name.padEnd(12)} ${fmt(r.mlp.trainSamplesPerS).padStart(10)} ${fmt(r.mlp.inferSamplesPerS).padStart(10)} ${fmt(r.cnn.trainSamplesPerS).padStart(10)} ${fmt(r.cnn.inferSamplesPerS).padStart(10)}   ` +
      `${ratio(r.mlp.trainSamplesPerS, torch?.mlp.trainSamplesPerS)}/${ratio(r.mlp.inferSamplesPerS, torch?.mlp.inferSamplesPerS)}; ${ratio(r.cnn.trainSamplesPerS, torch?.cnn.trainSamplesPerS)}/${ratio(r.cnn.inferSamplesPerS, torch?.cnn.inferSamplesPerS)}`,
  );
}
if (torch) rows.push(`${"pytorch".padEnd(12)} ${fmt(torch.mlp.trainSamplesPerS).padStart(10)} ${fmt(torch.mlp.inferSamplesPerS).padStart(10)} ${fmt(torch.cnn.trainSamplesPerS).padStart(10)} ${fmt(torch.cnn.inferSamplesPerS).padStart(10)}   (torch ${torch.torch}, ${torch.threads} threads)`);
else rows.push("pytorch      not available (install Debian's python3-torch)");
console.log("samples/s, batch 32 (tsdl on wasm and PyTorch: the better of two alternating runs each)");
console.log(rows.join("\n"));
for (const [name, r] of Object.entries(tsdl)) {
  const o = (r as { fitOverhead?: { bareStepMs: number; fitStepMs: number; overhead: number } }).fitOverhead;
  if (o) console.log(`fit overhead (${name}, MLP): ${o.fitStepMs.toFixed(2)} ms/step in fit vs ${o.bareStepMs.toFixed(2)} ms bare (${(100 * o.overhead).toFixed(1)}%; target < 10%)`);
}
for (const [name, r] of Object.entries(tsdl)) {
  if ("error" in r) continue;
  for (const net of ["mlp", "cnn"] as const) {
    const m = r.memory?.[net];
    if (m) console.log(`memory (${name}, ${net.toUpperCase()}, ${m.tensors.length} epochs): tensors ${m.tensorsFlat ? `flat at ${m.tensors[0]}` : `NOT flat: ${m.tensors.join(" ")}`}; RSS ${m.rssMiB[0]} -> ${m.rssMiB[m.rssMiB.length - 1]} MiB (${m.rssGrowthAfterEpoch2MiB >= 0 ? "+" : ""}${m.rssGrowthAfterEpoch2MiB.toFixed(1)} MiB after epoch 2); wasm heap ${m.wasmHeapMiB[0]} -> ${m.wasmHeapMiB[m.wasmHeapMiB.length - 1]} MiB`);
  }
  if (r.peakRssMiB) console.log(`peak RSS (${name}): ${r.peakRssMiB.toFixed(0)} MiB`);
}
if (torch?.peakRssMiB) console.log(`peak RSS (pytorch): ${torch.peakRssMiB.toFixed(0)} MiB`);
if (data) {
  console.log(`decode+resize to 224x224: tsdl ${fmt(data.decodeResize224.tsdlImagesPerS)} images/s, PIL ${fmt(data.decodeResize224.pilImagesPerS)} images/s (${data.decodeResize224.ratio.toFixed(2)}x)`);
  console.log(`time per step: generator ${data.stepTime.generatorStepMs.toFixed(1)} ms, in memory ${data.stepTime.memoryStepMs.toFixed(1)} ms (${(100 * data.stepTime.overhead).toFixed(1)}% overhead)`);
}
// The README's table, between its markers, from this run.
const readme = join(import.meta.dirname, "..", "README.md");
const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";
if (existsSync(readme) && torch) {
  const text = readFileSync(readme, "utf8");
  const i = text.indexOf(START);
  const j = text.indexOf(END);
  if (i >= 0 && j > i) {
    const label: Record<string, string> = { "wasm+native": "tsdl, wasm + native kernels (default)", wasm: "tsdl, wasm without the addon", cpu: "tsdl, plain JS" };
    const md = [
      "| | MLP train | MLP infer | CNN train | CNN infer |",
      "|---|---:|---:|---:|---:|",
      ...Object.entries(tsdl)
        .filter(([, r]) => !("error" in r))
        .sort(([a], [b]) => Object.keys(label).indexOf(a) - Object.keys(label).indexOf(b))
        .map(([name, r]) => {
          const t = r as Throughput & { wasmThreads?: number };
          const cell = (net: "mlp" | "cnn", k: string) => `${fmt(t[net][k])} (${ratio(t[net][k], torch[net][k])})`;
          const threads = t.wasmThreads && t.wasmThreads > 1 ? `, ${t.wasmThreads} threads` : "";
          return `| ${label[name] ?? name}${threads} | ${cell("mlp", "trainSamplesPerS")} | ${cell("mlp", "inferSamplesPerS")} | ${cell("cnn", "trainSamplesPerS")} | ${cell("cnn", "inferSamplesPerS")} |`;
        }),
      `| PyTorch ${torch.torch}, ${torch.threads} threads | ${fmt(torch.mlp.trainSamplesPerS)} | ${fmt(torch.mlp.inferSamplesPerS)} | ${fmt(torch.cnn.trainSamplesPerS)} | ${fmt(torch.cnn.inferSamplesPerS)} |`,
    ];
    const notes: string[] = [];
    const costs = Object.entries(tsdl).flatMap(([name, r]) => {
      const o = (r as { fitOverhead?: { overhead: number } }).fitOverhead;
      return o ? [`${(100 * o.overhead).toFixed(1)}% (${name})`] : [];
    });
    if (costs.length) notes.push(`fit's own cost over the bare optimizer step ${costs.join(", ")}`);
    const flat = Object.values(tsdl).every((r) => !("memory" in r) || !r.memory || (r.memory.mlp.tensorsFlat && r.memory.cnn.tensorsFlat));
    notes.push(`tensors ${flat ? "flat" : "NOT flat"} over 20 epochs`);
    const peak = (tsdl["wasm+native"] as { peakRssMiB?: number } | undefined)?.peakRssMiB;
    if (peak && torch.peakRssMiB) notes.push(`peak RSS ${peak.toFixed(0)} MiB (PyTorch ${torch.peakRssMiB.toFixed(0)} MiB)`);
    const body = `${md.join("\n")}\n\nsamples/s (ratio to PyTorch), ${new Date().toISOString().slice(0, 10)}; ${notes.join("; ")}.`;
    writeFileSync(readme, `${text.slice(0, i + START.length)}\n${body}\n${text.slice(j)}`);
    console.log("updated the table in README.md");
  }
}

const out = { date: new Date().toISOString().slice(0, 10), machine: { host: hostname(), cpus: cpus().length, cpu: cpus()[0]?.model, device: "CPU only (no GPU)" }, batch: 32, tsdl, pytorch: torch ?? null, data: data ?? null, kernel: kernel ?? null };
writeFileSync(join(import.meta.dirname, "results.json"), JSON.stringify(out, null, 2) + "\n");
console.log("wrote bench/results.json");
