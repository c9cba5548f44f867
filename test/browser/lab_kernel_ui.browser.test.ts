// The tsdl kernel in JupyterLab's UI, driven as a user drives it: the launcher card with the kernel's
// logo, TypeScript highlighting (CodeMirror 6's TypeScript language), completion on Tab, the Shift+Tab
// tooltip and the contextual help (inspect), interrupt and restart from the notebook toolbar, and no
// debugger offered (the kernel says debugger: false). Screenshots: out/browser/lab-kernel-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./chromium.ts";
import { spawnSync } from "node:child_process";
import { startJupyter, VENV_PYTHON, type JupyterServer } from "./jupyter_server.ts";
import { cells, menu, PANEL, waitForIdleKernel } from "./lab_ui.ts";
void cells;

const OUT = resolve(import.meta.dirname, "..", "..", "out", "browser");
const NAME = "Untitled.ipynb";

let server: JupyterServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  server = await startJupyter("lab", mkdtempSync(join(tmpdir(), "tsdl-lab-ui-")));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  mkdirSync(OUT, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Replaces the active cell's text by typing it (the editor focused, as after a click). */
async function typeInCell(text: string): Promise<void> {
  const editor = page.locator(".jp-Notebook .jp-Cell.jp-mod-active .cm-content");
  await editor.click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  await page.keyboard.type(text);
}

function activeSource(): Promise<string> {
  return page.evaluate(([src, n]) => (0, eval)(src)(n).content.activeCell.model.sharedModel.getSource() as string, [PANEL, NAME] as const);
}

/** The outputs of the active cell (nbformat JSON). */
function activeOutputs(): Promise<{ output_type: string; ename?: string; evalue?: string }[]> {
  return page.evaluate(([src, n]) => (0, eval)(src)(n).content.activeCell.model.outputs.toJSON(), [PANEL, NAME] as const);
}

function kernelStatus(): Promise<string> {
  return page.evaluate(([src, n]) => (0, eval)(src)(n).sessionContext.session.kernel.status as string, [PANEL, NAME] as const);
}

test("jupyter labextension list (from .venv) lists tsdl's extension, enabled and OK", () => {
  const r = spawnSync(VENV_PYTHON, ["-m", "jupyter", "labextension", "list"], { env: server.env, encoding: "utf8" });
  const out = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, "");
  assert.equal(r.status, 0, out);
  assert.match(out, /^\s*tsdl-jupyterlab v0\.1\.0 enabled OK\s*$/m, out);
  assert.doesNotMatch(out, /Fail to get yarn configuration|Error/, out);
});

test("the launcher shows the kernel with its logo; a notebook made from it gets TypeScript highlighting and no debugger", async () => {
  await page.goto(`${server.url}/lab?token=${server.token}`);
  const card = page.locator('.jp-LauncherCard[data-category="Notebook"][title="TypeScript (tsdl)"]');
  await card.waitFor({ timeout: 60_000 });
  const logo = card.locator("img");
  await page.waitForFunction((img) => (img as HTMLImageElement).complete, await logo.elementHandle());
  assert.match((await logo.getAttribute("src")) ?? "", /\/kernelspecs\/tsdl\/logo-64x64\.png$/);
  assert.deepEqual(await logo.evaluate((i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).naturalHeight]), [64, 64]);
  await page.screenshot({ path: join(OUT, "lab-kernel-launcher.png") });
  await card.click();
  await waitForIdleKernel(page, NAME, 120_000);
  await typeInCell("const answer: number = 42;");
  assert.equal(await page.locator(".jp-Notebook .jp-Cell.jp-mod-active .cm-content").getAttribute("data-language"), "typescript", "CodeMirror's TypeScript language");
  assert.equal(await page.evaluate(([src, n]) => (0, eval)(src)(n).content.activeCell.model.mimeType, [PANEL, NAME] as const), "application/typescript");
  const debug = page.locator('[data-jp-item-name="debugger-icon"] jp-button');
  assert.equal(await debug.getAttribute("aria-disabled"), "true", "the debugger toggle is off for this kernel");
});

test("Tab completes from the kernel: its matches are offered, the chosen one inserted", async () => {
  await typeInCell("Math.ab");
  await page.keyboard.press("Tab");
  const items = page.locator(".jp-Completer .jp-Completer-item");
  await items.first().waitFor({ timeout: 20_000 });
  assert.deepEqual((await items.allInnerTexts()).map((t) => t.trim()), ["abs"]);
  await page.keyboard.press("Enter");
  await waitFor(async () => (await activeSource()) === "Math.abs", "choosing abs makes Math.abs");
  await typeInCell("const longVariableName = 1;\nconst longVariableOther = 2;\nlongVariab");
  await page.keyboard.press("Tab");
  await items.first().waitFor({ timeout: 20_000 });
  const offered = await items.allInnerTexts();
  assert.ok(offered.some((t) => t.includes("longVariableName")) && offered.some((t) => t.includes("longVariableOther")), `offered: ${offered.join(", ")}`);
  await page.screenshot({ path: join(OUT, "lab-kernel-completion.png") });
  await page.keyboard.press("Escape");
});

test("Shift+Tab shows the signature in a tooltip; the contextual help follows the cursor", async () => {
  await typeInCell("Math.max");
  await page.keyboard.press("Shift+Tab");
  const tooltip = page.locator(".jp-Tooltip");
  await tooltip.waitFor({ timeout: 20_000 });
  assert.match(await tooltip.innerText(), /max\(\.\.\.values: number\[\]\): number/);
  await page.screenshot({ path: join(OUT, "lab-kernel-tooltip.png") });
  await page.keyboard.press("Escape");
  await menu(page, "Help", "Show Contextual Help");
  const inspector = page.locator(".jp-Inspector");
  await inspector.waitFor({ timeout: 20_000 });
  await typeInCell("Math.min");
  await waitFor(async () => /min\(\.\.\.values: number\[\]\): number/.test(await inspector.innerText()), "the contextual help shows Math.min's signature");
  await page.screenshot({ path: join(OUT, "lab-kernel-contextual-help.png") });
});

test("the toolbar's interrupt stops an endless loop; its restart gives a fresh kernel", async () => {
  await typeInCell("let spins = 0;\nwhile (true) spins++;");
  await page.locator('[data-jp-item-name="run"] jp-button').click();
  await waitFor(async () => (await kernelStatus()) === "busy", "the loop runs");
  await page.waitForTimeout(1000);
  await page.locator('[data-jp-item-name="interrupt"] jp-button').click();
  await waitForIdleKernel(page, NAME, 30_000);
  const interrupted = (await cells(page, NAME)).flatMap((c) => c.outputs).filter((o) => o.output_type === "error");
  assert.equal(interrupted[0]?.ename, "KeyboardInterrupt", JSON.stringify(interrupted));

  await typeInCell("const kept = 1;\nkept");
  await page.keyboard.press("Control+Enter");
  await waitFor(async () => (await activeOutputs()).some((o) => o.output_type === "execute_result"), "kept is 1");
  await page.locator('[data-jp-item-name="restart"] jp-button').click();
  await page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click();
  await page.waitForTimeout(1000);
  await waitForIdleKernel(page, NAME, 60_000);
  await typeInCell("kept");
  await page.keyboard.press("Control+Enter");
  await waitFor(async () => (await activeOutputs()).some((o) => o.output_type === "error"), "an error: kept is gone");
  const gone = (await activeOutputs()).find((o) => o.output_type === "error");
  assert.match(String(gone?.evalue), /Cannot find name 'kept'/, "a fresh kernel after the restart");
  await page.screenshot({ path: join(OUT, "lab-kernel-restarted.png") });
  assert.deepEqual(pageErrors, []);
});

async function waitFor(condition: () => Promise<boolean>, what: string, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test("a figure follows its panel's width: closing the left sidebar widens it", async () => {
  await typeInCell('import { display } from "tsdl";\ndisplay.plot({ data: [{ x: [1, 2, 3], y: [3, 1, 2], name: "a" }], layout: { title: "resize" } })');
  await page.keyboard.press("Control+Enter");
  const figure = page.locator(".jp-Cell.jp-mod-active .tsdl-PlotlyRenderer.js-plotly-plot");
  await figure
    .locator(".main-svg")
    .first()
    .waitFor({ timeout: 60_000 })
    .catch(async (e) => {
      throw new Error(`${(e as Error).message}\nthe cell's outputs: ${JSON.stringify(await activeOutputs()).slice(0, 2000)}\nthe server's log: ${server.log().slice(-3000)}`);
    });
  const width = () => figure.evaluate((el) => [el.clientWidth, Number(el.querySelector(".main-svg")!.getAttribute("width"))]);
  const [before, svgBefore] = await width();
  assert.ok(Math.abs(before - svgBefore) <= 2, `the figure fills its output (${svgBefore} of ${before} px)`);
  await page.keyboard.press("Escape"); // command mode: Ctrl+B is Lab's "Show Left Sidebar" toggle
  await page.keyboard.press("Control+b");
  await waitFor(async () => (await width())[0] > before + 100, "the output is wider without the sidebar");
  await waitFor(async () => {
    const [now, svg] = await width();
    return Math.abs(now - svg) <= 2;
  }, "plotly.js redrew the figure at the new width");
  await page.screenshot({ path: join(OUT, "lab-kernel-resized.png") });
});
