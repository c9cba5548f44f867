// Widgets in Notebook 7 (the same jupyterlab_widgets manager as in Lab): a slider, a button, a progress
// bar and a dropdown made in a tsdl cell are drawn with their values, and the page has no error but
// Notebook 7.6.5's own (see notebook7_notebook.browser.test.ts). Screenshot: out/browser/notebook7-widgets.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { launchChromium } from "./chromium.ts";
import { notebook7OwnError } from "./lab_checks.ts";
import { startJupyter, type JupyterServer } from "./jupyter_server.ts";
import { cells, errorsOf, openNotebook, runAll } from "./lab_ui.ts";

const OUT = resolve(import.meta.dirname, "..", "..", "out", "browser");
const NAME = "widgets.ipynb";
const SOURCE = [
  'import { widgets } from "tsdl";',
  'const s = widgets.IntSlider({ value: 4, max: 10, description: "n" });',
  "widgets.VBox([s, widgets.Button({ description: \"go\" }), widgets.IntProgress({ value: 7, max: 10 }), widgets.Dropdown({ options: [\"a\", \"b\"], value: \"b\" })])",
].join("\n");

let server: JupyterServer;
let browser: Browser;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-nb7-widgets-"));
  const cell = { cell_type: "code", id: "w1", metadata: {}, execution_count: null, outputs: [], source: SOURCE };
  writeFileSync(join(dir, NAME), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "tsdl", display_name: "TypeScript (tsdl)", language: "typescript" } }, cells: [cell] }));
  server = await startJupyter("notebook7", dir);
  browser = await launchChromium();
  mkdirSync(OUT, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("Notebook 7 draws tsdl's widgets with their values", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => notebook7OwnError(e) || pageErrors.push(String(e)));
  await openNotebook(page, server, NAME);
  await runAll(page, NAME, 180_000);
  assert.deepEqual(errorsOf(await cells(page, NAME)), []);
  await page.locator(".widget-slider").first().waitFor({ timeout: 60_000 });
  assert.equal((await page.locator(".widget-slider .widget-readout").first().innerText()).trim(), "4");
  assert.equal(await page.locator(".widget-button", { hasText: "go" }).count(), 1);
  assert.equal(await page.locator(".widget-dropdown select").inputValue(), "b", "the dropdown shows its value");
  assert.ok((await page.locator(".progress-bar").first().getAttribute("style"))?.includes("70"), "the progress bar at 7 of 10");
  await page.screenshot({ path: join(OUT, "notebook7-widgets.png") });
  assert.deepEqual(pageErrors, []);
});
