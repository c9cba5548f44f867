// A notebook of notebooks/ in Notebook 7 (headless Chromium): run through its UI at smoke scale, its
// outputs render as in JupyterLab (tsdl's extension loads in Notebook 7 too), then saved and the page
// reloaded (the saved figures draw), run again from the reloaded page in the same kernel (the new figures
// are interactive), and opened in a second tab beside the first (its figures draw there too).
// Screenshots: out/browser/notebook7-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { launchChromium } from "./chromium.ts";
import { startJupyter, type JupyterServer } from "./jupyter_server.ts";
import { cells, errorsOf, kernelId, openNotebook, runAll, save, waitForIdleKernel } from "./lab_ui.ts";
import { checkOutputs, extensionLoaded, notebook7OwnError, screenshotAtLastFigure, shutDownKernel } from "./lab_checks.ts";

const ROOT = resolve(import.meta.dirname, "..", "..");
const OUT = join(ROOT, "out", "browser");
const NAME = "00_getting_started.ipynb";

let server: JupyterServer;
let browser: Browser;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-nb7-"));
  copyFileSync(join(ROOT, "notebooks", NAME), join(dir, NAME));
  server = await startJupyter("notebook7", dir);
  browser = await launchChromium();
  mkdirSync(OUT, { recursive: true });
});

after(async () => {
  await shutDownKernel(server, NAME).catch(() => {});
  await browser?.close();
  await server?.stop();
});

test(`Notebook 7 runs ${NAME}; its figures are interactive after save + reload, after a re-run in the same kernel, and in a second tab`, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1600 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => notebook7OwnError(e) || pageErrors.push(String(e)));
  try {
    await openNotebook(page, server, NAME);
    assert.ok(await extensionLoaded(page), "tsdl-jupyterlab is loaded in Notebook 7's page");
    const kernel = await kernelId(page, NAME);
    await runAll(page, NAME, 600_000);
    let cs = await cells(page, NAME);
    assert.deepEqual(errorsOf(cs), []);
    await checkOutputs(page, NAME, cs, "run");
    await screenshotAtLastFigure(page, NAME, join(OUT, "notebook7-run.png"));

    await save(page, NAME);
    await page.reload();
    await waitForIdleKernel(page, NAME, 120_000);
    assert.equal(await kernelId(page, NAME), kernel, "the reloaded page is connected to the same kernel");
    await checkOutputs(page, NAME, await cells(page, NAME), "after reload");
    await screenshotAtLastFigure(page, NAME, join(OUT, "notebook7-reloaded.png"));

    await runAll(page, NAME, 600_000);
    assert.equal(await kernelId(page, NAME), kernel, "re-run in the same kernel");
    cs = await cells(page, NAME);
    assert.deepEqual(errorsOf(cs), []);
    await checkOutputs(page, NAME, cs, "re-run");
    await screenshotAtLastFigure(page, NAME, join(OUT, "notebook7-rerun.png"));
    await save(page, NAME);

    const second = await context.newPage();
    second.on("pageerror", (e) => notebook7OwnError(e) || pageErrors.push(`second tab: ${e}`));
    await openNotebook(second, server, NAME);
    assert.equal(await kernelId(second, NAME), kernel, "the second tab shares the kernel");
    await checkOutputs(second, NAME, await cells(second, NAME), "second tab");
    await screenshotAtLastFigure(second, NAME, join(OUT, "notebook7-second-tab.png"));
    await second.close();
    assert.deepEqual(pageErrors, [], "no page error");
  } catch (e) {
    await page.screenshot({ path: join(OUT, "notebook7-failure.png") }).catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});
