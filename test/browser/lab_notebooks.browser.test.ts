// Every notebook of notebooks/ opened in JupyterLab 4 (headless Chromium) and run through Lab's UI at smoke
// scale: its summary tables, image grids, progress (one output per fit, updated in place) and Plotly
// figures (drawn by plotly.js through tsdl's extension) render, with no error output and no page error.
// Then it is saved, the page reloaded — the saved figures draw again — and run again from the reloaded
// page in the same kernel: the new figures are interactive too. Screenshots: out/browser/lab-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./chromium.ts";
import { startJupyter, type JupyterServer } from "./jupyter_server.ts";
import { cells, errorsOf, figureOutputs, kernelId, runAll, save, waitForIdleKernel, type CellState } from "./lab_ui.ts";
import { checkOutputs, extensionLoaded, screenshotAtLastFigure, shutDownKernel } from "./lab_checks.ts";

const ROOT = resolve(import.meta.dirname, "..", "..");
const OUT = join(ROOT, "out", "browser");
const NOTEBOOKS = readdirSync(join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();

let server: JupyterServer;
let browser: Browser;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-lab-"));
  for (const nb of NOTEBOOKS) copyFileSync(join(ROOT, "notebooks", nb), join(dir, nb));
  server = await startJupyter("lab", dir);
  browser = await launchChromium();
  mkdirSync(OUT, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const name of NOTEBOOKS) {
  const short = name.replace(/\.ipynb$/, "");
  test(`JupyterLab runs ${name}: tables, image grids, progress in place, interactive figures; after save + reload and after a re-run too`, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    // A workspace of its own per notebook: a reload restores this notebook only.
    const url = `${server.url}/lab/workspaces/${short.slice(0, 2)}/tree/${name}?token=${server.token}`;
    try {
      await page.goto(url);
      await waitForIdleKernel(page, name, 120_000);
      assert.ok(await extensionLoaded(page), "tsdl-jupyterlab is among the page's federated extensions and its remoteEntry loaded");
      const kernel = await kernelId(page, name);

      await runAll(page, name, 600_000);
      const ran = await cells(page, name);
      await checkRun(page, name, ran, "run");
      await screenshotAtLastFigure(page, name, join(OUT, `lab-${short}-run.png`));

      await save(page, name);
      const saved = JSON.parse(readFileSync(join(server.dir, name), "utf8")) as { cells: { outputs?: { data?: Record<string, unknown> }[] }[] };
      const savedFigures = saved.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data?.["application/vnd.plotly.v1+json"]).length;
      assert.equal(savedFigures, figureOutputs(ran), "the saved file holds every figure");

      await page.reload();
      await waitForIdleKernel(page, name, 120_000);
      assert.equal(await kernelId(page, name), kernel, "the reloaded page is connected to the same kernel");
      const reloaded = await cells(page, name);
      await checkOutputs(page, name, reloaded, "after reload");
      await screenshotAtLastFigure(page, name, join(OUT, `lab-${short}-reloaded.png`));

      await runAll(page, name, 600_000);
      assert.equal(await kernelId(page, name), kernel, "re-run in the same kernel");
      const rerun = await cells(page, name);
      assert.ok(rerun.filter((c) => c.type === "code").every((c) => (c.count ?? 0) > Math.max(...ran.map((r) => r.count ?? 0))), "every cell ran again in the same kernel (counts go on)");
      await checkRun(page, name, rerun, "re-run");
      await screenshotAtLastFigure(page, name, join(OUT, `lab-${short}-rerun.png`));
      assert.deepEqual(pageErrors, [], "no page error");
    } catch (e) {
      await page.screenshot({ path: join(OUT, `lab-${short}-failure.png`) }).catch(() => {});
      throw e;
    } finally {
      await shutDownKernel(server, name);
      await page.close();
    }
  });
}

async function checkRun(page: Page, name: string, cs: CellState[], when: string): Promise<void> {
  const code = cs.filter((c) => c.type === "code");
  assert.deepEqual(errorsOf(cs), [], `${when}: no error output`);
  assert.ok(code.every((c) => typeof c.count === "number"), `${when}: every code cell ran (${code.map((c) => c.count).join(", ")})`);
  await checkOutputs(page, name, cs, when);
}

