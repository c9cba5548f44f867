// What a run of a notebook must show in JupyterLab / Notebook 7, checked in the rendered DOM of its panel
// against what its model holds: every summary table (names left-aligned under Lab's table style), image
// grid (decoded images), progress output (one per fit, updated in place), Plotly figure (drawn by
// plotly.js through tsdl's extension) and reproduction record (tsdl's renderer).
import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import type { JupyterServer } from "./jupyter_server.ts";
import { PANEL, figureOutputs, type CellState } from "./lab_ui.ts";

const REPRODUCTION_MIME = "application/vnd.tsdl.reproduction+json";

export async function panelLocator(page: Page, name: string): Promise<Locator> {
  const id = await page.evaluate(([src, n]) => (0, eval)(src)(n).id as string, [PANEL, name] as const);
  return page.locator(`[id="${id}"]`);
}

function html(o: CellState["outputs"][number]): string {
  const h = o.data?.["text/html"];
  return Array.isArray(h) ? h.join("") : typeof h === "string" ? h : "";
}

function plain(o: CellState["outputs"][number]): string {
  const t = o.data?.["text/plain"] ?? o.text ?? "";
  return Array.isArray(t) ? t.join("") : String(t);
}

/** Waits (up to `timeout`) until `locator` matches `n` elements; returns how many it matches. */
async function settle(locator: Locator, n: number, timeout = 60_000): Promise<number> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const count = await locator.count();
    if (count === n || Date.now() > deadline) return count;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function checkOutputs(page: Page, name: string, cs: CellState[], when: string): Promise<void> {
  const panel = await panelLocator(page, name);
  const outputs = cs.flatMap((c) => c.outputs);
  const say = (what: string) => `${name}, ${when}: ${what}`;

  // Summary tables: the layer names left, the parameter counts right, whatever Lab's CSS says.
  const summaries = outputs.filter((o) => html(o).includes('class="tsdl-summary"')).length;
  assert.equal(await settle(panel.locator(".tsdl-summary table"), summaries), summaries, say(`${summaries} summary tables`));
  if (summaries) {
    const align = await panel.locator(".tsdl-summary table").first().evaluate((t) => {
      const row = t.querySelector("tbody tr")!;
      return [getComputedStyle(row.children[0]).textAlign, getComputedStyle(row.children[2]).textAlign];
    });
    assert.deepEqual(align, ["left", "right"], say("summary: names left, counts right"));
  }

  // Image grids: every tile decoded.
  const grids = outputs.filter((o) => html(o).includes('class="tsdl-image-grid"')).length;
  assert.equal(await settle(panel.locator(".tsdl-image-grid"), grids), grids, say(`${grids} image grids`));
  if (grids) {
    await page.waitForFunction((el) => Array.from(el!.querySelectorAll(".tsdl-image-grid img")).every((i) => (i as HTMLImageElement).complete), await panel.elementHandle(), { timeout: 30_000 });
    const widths = await panel.locator(".tsdl-image-grid img").evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
    assert.ok(widths.length >= grids && widths.every((w) => w > 0), say(`image grid tiles decoded: ${widths}`));
  }

  // Progress: per fit one output, redrawn in place — it holds every epoch of its fit, no other progress
  // output of the cell is an earlier state of it, and no epoch line went to a stream.
  let progress = 0;
  for (const [i, c] of cs.entries()) {
    const texts = c.outputs.filter((o) => html(o).includes('class="tsdl-progress"')).map(plain);
    progress += texts.length;
    // (A download's progress bar is a progress output too; the epoch checks are for training.)
    const training = texts.filter((t) => /^Epoch \d+\/\d+$/m.test(t));
    for (const t of training) {
      const epochs = [...t.matchAll(/^Epoch (\d+)\/(\d+)$/gm)];
      assert.ok(epochs.length >= 1 && epochs[0][1] === "1", say(`cell ${i}: a progress output starts at epoch 1: ${JSON.stringify(t.slice(0, 200))}`));
      const last = epochs[epochs.length - 1];
      assert.equal(last[1], last[2], say(`cell ${i}: the progress output ends with the last epoch (${last[0]})`));
    }
    for (const a of texts) for (const b of texts) if (a !== b) assert.ok(!b.startsWith(a), say(`cell ${i}: progress appended instead of updated in place`));
    const streams = c.outputs.filter((o) => o.output_type === "stream").map(plain).join("");
    assert.doesNotMatch(streams, /^Epoch \d+\/\d+$/m, say(`cell ${i}: epoch lines in a stream output`));
    if (/\.fit(Generator)?\(/.test(c.source) && !/verbose: 0/.test(c.source) && c.outputs.length) assert.ok(training.length >= 1, say(`cell ${i} trains: a progress output`));
  }
  assert.equal(await settle(panel.locator(".tsdl-progress"), progress), progress, say(`${progress} progress outputs on the page`));

  // Figures: every one drawn by plotly.js in tsdl's renderer (interactive), not a static picture.
  const figures = figureOutputs(cs);
  assert.equal(await settle(panel.locator(".tsdl-PlotlyRenderer.js-plotly-plot:has(.main-svg)"), figures, 90_000), figures, say(`${figures} interactive figures`));
  if (figures) {
    const bars = await panel.locator(".tsdl-PlotlyRenderer .modebar").count();
    assert.equal(bars, figures, say("each figure has plotly's mode bar (zoom, pan, save)"));
  }

  // Reproduction records: tsdl's own table.
  const records = outputs.filter((o) => o.data && REPRODUCTION_MIME in o.data).length;
  assert.equal(await settle(panel.locator(".tsdl-ReproductionRenderer table.tsdl-reproduction"), records), records, say(`${records} reproduction records`));
}

/** Whether tsdl's extension is one of the page's federated extensions and its entry script is loaded. */
export async function extensionLoaded(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const config = JSON.parse(document.getElementById("jupyter-config-data")?.textContent ?? "{}") as { federated_extensions?: { name: string }[] };
    const listed = (config.federated_extensions ?? []).some((e) => e.name === "tsdl-jupyterlab");
    const loaded = Array.from(document.querySelectorAll("script[src]")).some((s) => /tsdl-jupyterlab\/static\/remoteEntry\.[0-9a-f]+\.js/.test((s as HTMLScriptElement).src));
    return listed && loaded;
  });
}

/** Ends the notebook's kernel session (REST, as the running-sessions panel does), freeing its memory. */
export async function shutDownKernel(s: JupyterServer, name: string): Promise<void> {
  // With a deadline: a server that stopped answering must not hold the tier's teardown forever.
  const r = await fetch(`${s.url}/api/sessions?token=${s.token}`, { signal: AbortSignal.timeout(15_000) });
  const sessions = (await r.json()) as { id: string; path: string }[];
  for (const session of sessions.filter((x) => x.path === name)) await fetch(`${s.url}/api/sessions/${session.id}?token=${s.token}`, { method: "DELETE", signal: AbortSignal.timeout(15_000) });
}

/** A screenshot of the page scrolled to the notebook's last figure (or its top when it has none). */
export async function screenshotAtLastFigure(page: Page, name: string, path: string): Promise<void> {
  const figures = (await panelLocator(page, name)).locator(".tsdl-PlotlyRenderer");
  if (await figures.count()) await figures.last().scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  await page.screenshot({ path });
}

/**
 * Notebook 7.6.5's own keyboard-shortcuts plugin throws this at every page load, with or without tsdl
 * (the same with a bare server and a Python notebook): its pluginChanged handler reads the schema of a
 * plugin it has not loaded. Only that error, from Notebook's own bundle, is not counted.
 */
export function notebook7OwnError(e: Error): boolean {
  return e.message === "Cannot read properties of undefined (reading 'schema')" && /\/static\/notebook\/notebook_core\.[0-9a-f]+\.js/.test(e.stack ?? "");
}
