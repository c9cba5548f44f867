// A notebook of notebooks/ opened as saved (not run) in classic Notebook in headless Chromium: once
// trusted, its saved outputs render: the summary table, the image grid and the Plotly curves.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { launchChromium } from "./chromium.ts";
import { startJupyter, type JupyterServer } from "./jupyter_server.ts";

const ROOT = resolve(import.meta.dirname, "..", "..");
const OUT = join(ROOT, "out", "browser");
const NAME = "00_getting_started.ipynb";

let server: JupyterServer;
let browser: Browser;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-saved-"));
  copyFileSync(join(ROOT, "notebooks", NAME), join(dir, NAME));
  server = await startJupyter("classic", dir);
  // Trust it as its author would (what `jupyter trust` does), with the server's own secret, so its scripts run.
  const sign = "import sys, nbformat; from nbformat.sign import NotebookNotary\nnb = nbformat.read(sys.argv[1], as_version=4); NotebookNotary(data_dir=sys.argv[2]).sign(nb)";
  mkdirSync(server.dataDir, { recursive: true });
  execFileSync("/usr/bin/python3", ["-c", sign, join(dir, NAME), server.dataDir], { stdio: "inherit" });
  browser = await launchChromium();
  mkdirSync(OUT, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test(`the saved outputs of notebooks/${NAME} render: table, image grid and curves`, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 2000 } });
  await page.goto(`${server.url}/notebooks/${NAME}?token=${server.token}`);
  await page.waitForFunction(() => (window as any).Jupyter?.notebook?._fully_loaded, null, { timeout: 60_000 });
  assert.ok(await page.evaluate(() => (window as any).Jupyter.notebook.trusted), "the notebook is trusted");
  assert.ok((await page.locator(".tsdl-summary table tbody tr").count()) >= 4, "summary rows");
  const sizes = await page.locator(".tsdl-image-grid img").evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
  assert.ok(sizes.length >= 10 && sizes.every((w) => w > 0), `image grid: ${sizes}`);
  await page.waitForFunction(() => document.querySelectorAll(".js-plotly-plot svg.main-svg").length >= 1, null, { timeout: 30_000 });
  assert.equal(await page.locator(".output_error").count(), 0);
  await page.screenshot({ path: join(OUT, "classic-saved-00_getting_started.png"), fullPage: true });
  await page.close();
});
