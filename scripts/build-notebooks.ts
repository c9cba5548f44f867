// Builds notebooks/*.ipynb from their sources in notebooks/src/*.ts (percent format: `// %%` starts a
// code cell, `// %% [markdown]` a markdown cell whose lines start with `// `). Outputs are kept when a
// cell's source is unchanged, so a built notebook keeps the outputs of its last real run.
import { readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const SRC = join(ROOT, "notebooks", "src");

interface Cell {
  cell_type: "code" | "markdown";
  metadata: Record<string, unknown>;
  source: string;
  outputs?: unknown[];
  execution_count?: number | null;
}

export function parsePercent(text: string): Cell[] {
  const cells: Cell[] = [];
  for (const chunk of text.split(/^\/\/ %%/m).slice(1)) {
    const [head, ...rest] = chunk.split("\n");
    const body = rest.join("\n").replace(/\s+$/, "");
    if (head.trim() === "[markdown]") {
      cells.push({ cell_type: "markdown", metadata: {}, source: body.split("\n").map((l) => l.replace(/^\/\/ ?/, "")).join("\n") });
    } else {
      cells.push({ cell_type: "code", metadata: {}, source: body, outputs: [], execution_count: null });
    }
  }
  return cells;
}

function build(file: string): string {
  const name = file.replace(/\.ts$/, "");
  const out = join(ROOT, "notebooks", `${name}.ipynb`);
  const cells = parsePercent(readFileSync(join(SRC, file), "utf8"));
  if (existsSync(out)) {
    const old = JSON.parse(readFileSync(out, "utf8")) as { cells: (Cell & { source: string | string[] })[] };
    const bySource = new Map(old.cells.filter((c) => c.cell_type === "code").map((c) => [Array.isArray(c.source) ? c.source.join("") : c.source, c]));
    for (const c of cells) {
      const prev = c.cell_type === "code" ? bySource.get(c.source) : undefined;
      if (prev) (c.outputs = prev.outputs), (c.execution_count = prev.execution_count);
    }
  }
  const nb = {
    cells: cells.map((c, i) => ({ ...c, id: `${name.slice(0, 2)}-${String(i).padStart(2, "0")}` })),
    metadata: {
      kernelspec: { name: "tsdl", display_name: "TypeScript (tsdl)", language: "typescript" },
      language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript", codemirror_mode: "typescript" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(out, JSON.stringify(nb, null, 1) + "\n");
  return out;
}

for (const f of readdirSync(SRC).filter((f) => f.endsWith(".ts")).sort()) console.log(`built ${build(f)}`);
