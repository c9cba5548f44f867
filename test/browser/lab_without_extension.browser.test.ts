// JupyterLab without tsdl's extension (installed but disabled, as in a Lab that lacks it): a figure falls
// back to its text/html, whose script loads plotly.js from the Jupyter server itself (the extension's
// static folder, /lab/extensions/tsdl-jupyterlab/static/plotly.min.js) once per page, and draws; after a
// save and reload the saved figures draw again. Screenshot: out/browser/lab-without-extension.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./chromium.ts";
import { startJupyter, type JupyterServer } from "./jupyter_server.ts";
import { errorsOf, cells, openNotebook, runAll, save, waitForIdleKernel } from "./lab_ui.ts";
import { shutDownKernel } from "./lab_checks.ts";

const OUT = resolve(import.meta.dirname, "..", "..", "out", "browser");
const NAME = "figures.ipynb";
const CELLS = [
  `import { display } from "tsdl";\ndisplay.plot({ data: [{ x: [1, 2, 3], y: [0.5, 0.7, 0.9], name: "accuracy" }], layout: { title: "one" } })`,
  `display.plot({ data: [{ x: [1, 2, 3, 4], y: [1.2, 0.8, 0.6, 0.5], name: "loss" }], layout: { title: "two" } })`,
];

let server: JupyterServer;
let browser: Browser;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-lab-noext-"));
  const nb = { cells: CELLS.map((source) => ({ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source })), metadata: { kernelspec: { name: "tsdl", display_name: "TypeScript (tsdl)", language: "typescript" } }, nbformat: 4, nbformat_minor: 5 };
  writeFileSync(join(dir, NAME), JSON.stringify(nb));
  server = await startJupyter("lab", dir, { disableExtension: true });
  browser = await launchChromium();
  mkdirSync(OUT, { recursive: true });
});

after(async () => {
  await shutDownKernel(server, NAME).catch(() => {});
  await browser?.close();
  await server?.stop();
});

async function htmlFigures(page: Page, n: number): Promise<number> {
  await page.waitForFunction((want) => document.querySelectorAll(".tsdl-plot.js-plotly-plot .main-svg").length >= want, n, { timeout: 60_000 }).catch(() => {});
  return page.locator(".tsdl-plot.js-plotly-plot:has(.main-svg)").count();
}

test("without the extension, figures draw from their HTML with plotly.js served by the Jupyter server, after a reload too", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1200 } });
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  const plotlyRequests: string[] = [];
  page.on("request", (r) => /plotly\.min\.js/.test(r.url()) && plotlyRequests.push(new URL(r.url()).pathname));
  await openNotebook(page, server, NAME);
  const disabled = await page.evaluate(() => JSON.parse(document.getElementById("jupyter-config-data")?.textContent ?? "{}").disabledExtensions as string[]);
  assert.ok(disabled.includes("tsdl-jupyterlab"), `the extension is disabled here (${disabled})`);
  await runAll(page, NAME, 180_000);
  assert.deepEqual(errorsOf(await cells(page, NAME)), []);
  assert.equal(await htmlFigures(page, 2), 2, "both figures drawn by plotly.js from their HTML");
  assert.equal(await page.locator(".tsdl-PlotlyRenderer").count(), 0, "no tsdl renderer in this Lab");
  assert.deepEqual(plotlyRequests, ["/lab/extensions/tsdl-jupyterlab/static/plotly.min.js"], "plotly.js fetched once, from the server");
  await page.screenshot({ path: join(OUT, "lab-without-extension.png") });
  await save(page, NAME);
  await page.reload();
  await waitForIdleKernel(page, NAME, 120_000);
  assert.equal(await htmlFigures(page, 2), 2, "the saved figures draw after the reload");
  assert.deepEqual(pageErrors, []);
  await page.close();
});
