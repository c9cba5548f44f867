// The real thing: classic Notebook in headless Chromium runs a notebook with tsdl's displays and every
// one of them renders (summary table rows, image grid <img>s with a size, live progress, a Plotly plot
// drawn as SVG). Screenshots land in out/browser/ (ignored by git; CI keeps them as artifacts).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./chromium.ts";
import { startJupyter, type JupyterServer } from "./jupyter_server.ts";

const OUT = resolve(import.meta.dirname, "..", "..", "out", "browser");

const CELLS = [
  `import { keras, layers, display, tf } from "tsdl";\nconst model = keras.Sequential([layers.Flatten({ inputShape: [8, 8] }), layers.Dense(16, { activation: "relu" }), layers.BatchNormalization(), layers.Dense(2, { activation: "softmax" })]);\nmodel.summary();`,
  `const x = tf.randomUniform([10, 8, 8, 3]);\nawait display.imageGrid(x, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1], { classNames: ["cat", "dog"], cols: 5 })`,
  `model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });\nconst xs = tf.randomUniform([256, 8, 8]);\nconst ys = tf.tidy(() => tf.cast(tf.greater(tf.mean(xs, [1, 2]), 0.5), "int32"));\nconst history = await model.fit(xs, ys, { epochs: 3, batchSize: 16, validationSplit: 0.25, liveplot: true });`,
  `display.plotHistory(history)`,
];

let server: JupyterServer;
let browser: Browser;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-browser-"));
  const nb = {
    cells: CELLS.map((source) => ({ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source })),
    metadata: { kernelspec: { name: "tsdl", display_name: "TypeScript (tsdl)", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(join(dir, "displays.ipynb"), JSON.stringify(nb));
  server = await startJupyter("classic", dir);
  browser = await launchChromium();
  mkdirSync(OUT, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Opens a notebook and waits until its kernel is connected. */
export async function openNotebook(page: Page, s: JupyterServer, name: string): Promise<void> {
  await page.goto(`${s.url}/notebooks/${name}?token=${s.token}`);
  await page.waitForFunction(() => (window as any).Jupyter?.notebook?.kernel?.is_connected?.(), null, { timeout: 60_000 });
}

/** Runs every cell and waits until each has an execution count and the kernel is idle (screenshot on failure). */
export async function runAllAndWait(page: Page, timeout: number): Promise<void> {
  await page.evaluate(() => (window as any).Jupyter.notebook.execute_all_cells());
  try {
    await page.waitForFunction(
      () => {
        const nb = (window as any).Jupyter.notebook;
        const done = nb.get_cells().filter((c: any) => c.cell_type === "code").every((c: any) => typeof c.input_prompt_number === "number");
        return done && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null;
      },
      null,
      { timeout, polling: 250 },
    );
  } catch (e) {
    await page.screenshot({ path: join(OUT, "classic-timeout.png"), fullPage: true });
    throw e;
  }
}

test("classic Notebook renders tsdl's summary table, image grid, live progress and plots", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 2400 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await openNotebook(page, server, "displays.ipynb");
  await runAllAndWait(page, 180_000);
  assert.equal(await page.locator(".output_error").count(), 0, await page.locator(".output_error").allInnerTexts().then((t) => t.join("\n")));
  // Summary table: a row per layer.
  assert.equal(await page.locator(".tsdl-summary table tbody tr").count(), 4);
  // Image grid: 10 images, each decoded with a non-zero size, labels under them.
  const sizes = await page.locator(".tsdl-image-grid img").evaluateAll((imgs) => imgs.map((i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).naturalHeight]));
  assert.equal(sizes.length, 10);
  assert.ok(sizes.every(([w, h]) => w > 0 && h > 0), JSON.stringify(sizes));
  assert.deepEqual(await page.locator(".tsdl-image-grid figcaption").allInnerTexts().then((t) => t.slice(0, 2)), ["cat", "dog"]);
  // Live progress: one output, updated in place, ending with Keras' epoch lines.
  const progress = page.locator(".tsdl-progress");
  assert.equal(await progress.count(), 1);
  const progressText = await progress.innerText();
  assert.match(progressText, /Epoch 3\/3\n12\/12 \[==============================\] - \d+s \d+ms\/step( - (val_)?(loss|accuracy): [\d.]+){4}$/);
  // Plots drawn by plotly.js: the live plot and plotHistory, each with SVG.
  await page.waitForFunction(() => document.querySelectorAll(".js-plotly-plot svg.main-svg").length >= 2, null, { timeout: 30_000 });
  const plots = await page.locator(".js-plotly-plot").count();
  assert.ok(plots >= 2, `plots: ${plots}`);
  const traces = await page.locator(".js-plotly-plot").last().locator("g.trace").count();
  assert.ok(traces >= 4, `plotHistory draws train and validation for loss and accuracy (${traces} traces)`);
  await page.screenshot({ path: join(OUT, "classic-displays.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

/** Waits until `n` figures are drawn by plotly.js (each an SVG plotly made), and returns how many are. */
async function drawnFigures(page: Page, n: number): Promise<number> {
  await page.waitForFunction((want) => document.querySelectorAll(".js-plotly-plot svg.main-svg").length >= want, n, { timeout: 30_000 }).catch(() => {});
  return page.locator(".js-plotly-plot:has(svg.main-svg)").count();
}

test("classic Notebook draws the figures again after a save and reload, in a second tab, and after a re-run in the same kernel", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 2400 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await openNotebook(page, server, "displays.ipynb");
  const kernel = await page.evaluate(() => (window as any).Jupyter.notebook.kernel.id);
  if (!(await page.evaluate(() => (window as any).Jupyter.notebook.get_cells().some((c: any) => c.output_area?.outputs?.length)))) await runAllAndWait(page, 180_000);
  await page.evaluate(() => (window as any).Jupyter.notebook.save_notebook());
  await page.waitForFunction(() => !(window as any).Jupyter.notebook.dirty, null, { timeout: 30_000 });
  await page.reload();
  await page.waitForFunction(() => (window as any).Jupyter?.notebook?.kernel?.is_connected?.(), null, { timeout: 60_000 });
  assert.equal(await page.evaluate(() => (window as any).Jupyter.notebook.kernel.id), kernel, "the same kernel");
  assert.equal(await drawnFigures(page, 2), 2, "after the reload: the saved figures draw (plotly.js from /nbextensions/tsdl/)");
  const second = await context.newPage();
  second.on("pageerror", (e) => errors.push(`second tab: ${e}`));
  await openNotebook(second, server, "displays.ipynb");
  assert.equal(await drawnFigures(second, 2), 2, "in a second tab");
  await second.close();
  await runAllAndWait(page, 180_000);
  assert.equal(await drawnFigures(page, 2), 2, "after a re-run in the same kernel");
  assert.equal(await page.evaluate(() => (window as any).Jupyter.notebook.kernel.id), kernel);
  const scripts = await page.locator('script[src*="nbextensions/tsdl/plotly.min.js"]').count();
  assert.ok(scripts <= 1, `plotly.js loaded once per page (${scripts} script elements)`);
  await page.screenshot({ path: join(OUT, "classic-rerun.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});
