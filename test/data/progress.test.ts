// Data progress lines reach the screen through a registered renderer: src/data imports nothing from
// src/display; src/display registers the notebook's drawing (one output updated in place); without a
// notebook the line goes to stderr.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { progress, setProgressRenderer, type ProgressRenderer } from "../../src/data/progress.ts";
import { notebookDataProgress } from "../../src/display/progress.ts";
import "../../src/display/index.ts";

const DATA = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "data");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? sources(join(dir, f)) : f.endsWith(".ts") ? [join(dir, f)] : []));
}

test("no file of src/data imports src/display", () => {
  const offenders = sources(DATA).filter((f) => /from\s+["'][./]*\/display\//.test(readFileSync(f, "utf8")) || /import\(["'][./]*\/display\//.test(readFileSync(f, "utf8")));
  assert.deepEqual(offenders, []);
});

test("the notebook renderer that src/display registers draws one output, updated in place, with Keras-like text and a bar", () => {
  const shown: { bundle: Record<string, unknown>; options?: { displayId?: string; update?: boolean } }[] = [];
  const g = globalThis as unknown as Record<symbol, unknown>;
  g[Symbol.for("tsdl.display")] = (value: unknown, options?: { displayId?: string; update?: boolean }) => {
    shown.push({ bundle: (value as Record<symbol, () => Record<string, unknown>>)[Symbol.for("Jupyter.display")](), options });
  };
  try {
    const bar = progress("Downloading x.zip", "items", 10); // src/display/index.ts registered notebookDataProgress
    bar.update(4);
    bar.finish("Downloaded x.zip");
    assert.equal(shown.length, 2);
    assert.equal(shown[0].options?.update, false);
    assert.equal(shown[1].options?.update, true);
    assert.equal(shown[0].options?.displayId, shown[1].options?.displayId);
    assert.match(String(shown[0].bundle["text/plain"]), /^Downloading x.zip:  40% 4 \/ 10/);
    assert.match(String(shown[0].bundle["text/html"]), /<progress value="4" max="10"/);
    assert.equal(shown[1].bundle["text/plain"], "Downloaded x.zip");
  } finally {
    delete g[Symbol.for("tsdl.display")];
  }
});

test("outside a notebook, or with no renderer, the line goes to stderr; a custom renderer gets every line", () => {
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((s: string) => (written.push(s), true)) as typeof process.stderr.write;
  try {
    assert.equal(notebookDataProgress(), undefined);
    progress("Scanning d", "items").finish("Scanned d: 3 files");
    setProgressRenderer(undefined);
    progress("Scanning e", "items").finish("Scanned e: 1 files");
  } finally {
    process.stderr.write = write;
  }
  assert.deepEqual(written, ["\rScanned d: 3 files\n", "\rScanned e: 1 files\n"]);
  const lines: [string, boolean][] = [];
  const renderer: ProgressRenderer = () => (text, final) => void lines.push([text, final]);
  setProgressRenderer(renderer);
  try {
    const bar = progress("Reading", "bytes", 2048);
    bar.update(1024);
    bar.finish();
  } finally {
    setProgressRenderer(notebookDataProgress);
  }
  assert.equal(lines.length, 2);
  assert.match(lines[0][0], /^Reading:  50% 1.0 KiB \/ 2.0 KiB/);
  assert.deepEqual(lines.map((l) => l[1]), [false, true]);
});
