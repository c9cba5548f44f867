// npm run reproduce [-- NAME...]: runs notebooks at full scale (the articles' settings) in place, so they
// are saved with the outputs of a real run, then writes REPRODUCTION.md from the reproduction records of
// every notebook in notebooks/. `-- --collect` only rewrites REPRODUCTION.md from the saved outputs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const NOTEBOOKS = join(ROOT, "notebooks");
import { REPRODUCTION_MIME as MIME, type ReproductionRecord } from "../src/display/reproduction.ts";


function notebooks(): string[] {
  return readdirSync(NOTEBOOKS).filter((f) => f.endsWith(".ipynb")).sort();
}

function run(name: string): number {
  const prefix = mkdtempSync(join(tmpdir(), "tsdl-reproduce-"));
  execFileSync(process.execPath, [join(ROOT, "dist", "cli.js"), "install", "--prefix", prefix], { stdio: "ignore" });
  const started = Date.now();
  console.log(`running ${name} at full scale...`);
  // nbconvert from the project's .venv (scripts/setup-python.sh makes it).
  const venv = join(ROOT, ".venv", "bin");
  execFileSync(join(venv, "python"), ["-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace", "--ExecutePreprocessor.timeout=-1", join(NOTEBOOKS, name)], {
    stdio: "inherit",
    env: { ...process.env, PATH: `${venv}:${process.env.PATH}`, TSDL_SCALE: "full", JUPYTER_PATH: join(prefix, "share", "jupyter") },
  });
  const seconds = (Date.now() - started) / 1000;
  console.log(`${name}: ${seconds.toFixed(0)} s`);
  return seconds;
}

function records(name: string): ReproductionRecord[] {
  const nb = JSON.parse(readFileSync(join(NOTEBOOKS, name), "utf8")) as { cells: { outputs?: { data?: Record<string, unknown> }[] }[] };
  return nb.cells.flatMap((c) => (c.outputs ?? []).map((o) => o.data?.[MIME] as ReproductionRecord | undefined).filter((r): r is ReproductionRecord => !!r));
}

function verdict(r: ReproductionRecord): string {
  if (!r.realData) return "**not reproduced here**: the real dataset is not on this machine; the run used a generated stand-in";
  if (r.scale !== "full") return "not a reproduction: smoke scale";
  if (r.reported === null) return "no number in the article to compare with; recorded for reference";
  const diff = r.ours - r.reported;
  if (Math.abs(diff) <= r.tolerance) return `reproduced: within ±${r.tolerance} (${diff >= 0 ? "+" : ""}${diff.toFixed(4)})`;
  return `not reproduced: ${diff >= 0 ? "+" : ""}${diff.toFixed(4)} from the article, tolerance ±${r.tolerance}${r.note ? ` (${r.note})` : ""}`;
}

function write(): void {
  const rows: string[] = [];
  for (const name of notebooks()) {
    for (const r of records(name)) {
      rows.push(
        `| ${name.replace(/\.ipynb$/, "")} | ${r.article} | ${r.metric} | ${r.reported ?? "—"} | ${r.realData ? r.ours.toFixed(4) : "— (stand-in run)"} | ${r.dataset} | ${r.backend} | ${r.epochs} (${r.scale}) | ${r.wallTimeS ? `${r.wallTimeS.toFixed(0)} s` : "—"} | ${verdict(r)} |`,
      );
    }
  }
  const text = `# Reproduction of the articles' numbers

Written by \`npm run reproduce\` from the reproduction records saved in each notebook's outputs
(notebooks run at \`TSDL_SCALE=full\`, the articles' settings, on this machine: 2 CPU cores, no GPU).
A notebook whose dataset cannot be had here (MNIST, CIFAR-10, dogs vs cats) runs on a generated
stand-in in the dataset's own format at smoke scale, and its row says "not reproduced here": no number is
invented for it. Wall time is the training time measured inside the notebook.

| notebook | article | quantity | reported | ours | dataset | backend | epochs | wall time | verdict |
|---|---|---|---|---|---|---|---|---|---|
${rows.join("\n")}
`;
  writeFileSync(join(ROOT, "REPRODUCTION.md"), text);
  console.log(`wrote REPRODUCTION.md (${rows.length} rows)`);
}

const args = process.argv.slice(2);
if (!args.includes("--collect")) {
  const wanted = args.filter((a) => !a.startsWith("--"));
  const chosen = wanted.length ? notebooks().filter((n) => wanted.some((w) => n.startsWith(w) || n === w)) : notebooks();
  if (wanted.length && !chosen.length) throw new Error(`reproduce: no notebook matches ${wanted.join(", ")}; notebooks are ${notebooks().join(", ")}`);
  for (const n of chosen) run(n);
}
write();
