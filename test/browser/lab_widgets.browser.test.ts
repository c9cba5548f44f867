// Widgets in JupyterLab 4 through the standard manager (jupyterlab_widgets 3.0 from .venv), driven in
// the page: a slider dragged with the mouse reaches the kernel (its observer runs, w.value reads it in the
// next cell), a Button's click runs its kernel handler, the notebook saved with Lab's "save widget state"
// setting reopens (a fresh kernel, the page reloaded) showing the last state, a kernel restart leaves no
// widget error in the page, Stop beside fit's progress bar ends training, and an Output captures prints
// and displays. Screenshots: out/browser/lab-widgets-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./chromium.ts";
import { startJupyter, VENV_PYTHON, type JupyterServer } from "./jupyter_server.ts";
import { cells, openNotebook, PANEL, save, waitForIdleKernel } from "./lab_ui.ts";

const OUT = resolve(import.meta.dirname, "..", "..", "out", "browser");
const NAME = "widgets.ipynb";
const SCHEMA = join(resolve(import.meta.dirname, "..", ".."), ".venv/lib/python3.11/site-packages/ipywidgets/state.schema.json");

const SOURCES = [
  'import { widgets } from "tsdl";\nconst s = new widgets.IntSlider({ value: 10, max: 50, description: "steps" });\nconst seen: number[] = [];\ns.observe((c) => seen.push(c.new), "value");\ns',
  'let clicks = 0;\nconst b = new widgets.Button({ description: "Count", buttonStyle: "info", onClick: () => { clicks++; } });\nb',
  "console.log(`value=${s.value} seen=${seen.length ? seen[seen.length - 1] : \"none\"} clicks=${clicks}`)",
  'import { keras, layers, tf } from "tsdl";\nconst x = tf.randomUniform([256, 8], -1, 1, "float32", 1);\nconst y = x.sum(1, true);\nconst m = keras.Sequential([keras.Input([8]), layers.Dense(32, { activation: "relu" }), layers.Dense(1)]);\nm.compile({ loss: "mse", optimizer: "sgd" });\nconst h = await m.fit(x, y, { epochs: 2000, batchSize: 8, controls: true });\n`epochs in the History: ${h.epoch.length}`',
  "const h2 = await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });\n`trained again: ${h2.epoch.length} epochs`",
  'import { display } from "tsdl";\nconst out = new widgets.Output({ layout: { border: "1px solid #999" } });\ndisplay(out);\nconsole.log("printed before");\nawait out.capture(() => { console.log("printed inside"); display(new widgets.Label({ value: "a label inside" })); });\nconsole.log("printed after");',
];

let server: JupyterServer;
let browser: Browser;
let page: Page;
let dir: string;
const pageErrors: string[] = [];
const consoleErrors: string[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "tsdl-lab-widgets-"));
  const nb = {
    cells: SOURCES.map((source) => ({ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source })),
    metadata: { kernelspec: { name: "tsdl", display_name: "TypeScript (tsdl)", language: "typescript" }, language_info: { name: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(join(dir, NAME), JSON.stringify(nb));
  server = await startJupyter("lab", dir);
  // Lab's "Save Jupyter widget state in notebook" setting (jupyterlab-manager's saveState), read by the page.
  const settings = join(server.env.JUPYTERLAB_SETTINGS_DIR!, "@jupyter-widgets", "jupyterlab-manager");
  mkdirSync(settings, { recursive: true });
  writeFileSync(join(settings, "plugin.jupyterlab-settings"), JSON.stringify({ saveState: true }));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  mkdirSync(OUT, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function runCell(index: number): Promise<void> {
  await page.evaluate(
    async ([src, n, i]) => {
      const p = (0, eval)(src)(n);
      p.content.activeCellIndex = i;
      await (window as any).jupyterapp.commands.execute("notebook:run-cell");
    },
    [PANEL, NAME, index] as const,
  );
  await waitFor(async () => (await cells(page, NAME))[index].count !== null && !/\*/.test((await cells(page, NAME))[index].prompt), `cell ${index} ran`);
  await waitForIdleKernel(page, NAME, 60_000);
}

/** Starts a cell without waiting for it. */
async function startCell(index: number): Promise<void> {
  await page.evaluate(
    ([src, n, i]) => {
      const p = (0, eval)(src)(n);
      p.content.activeCellIndex = i;
      void (window as any).jupyterapp.commands.execute("notebook:run-cell");
    },
    [PANEL, NAME, index] as const,
  );
}

async function printed(index: number): Promise<string> {
  return (await cells(page, NAME))[index].outputs.map((o) => o.text ?? "").join("");
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Widget errors the page shows (the manager's "Error displaying widget" and the like). */
function widgetErrorsInPage(): Promise<string[]> {
  return page.locator(".jp-OutputArea-output").evaluateAll((els) => els.map((e) => e.textContent ?? "").filter((t) => /Error displaying widget|model not found|Failed to (load|create) (model|view)/i.test(t)));
}

const readout = () => page.locator(".widget-slider .widget-readout").first();

test("a slider dragged in the page reaches the kernel: its observer runs and s.value in the next cell is the new value; a click runs the Button's handler", async () => {
  await openNotebook(page, server, NAME);
  await runCell(0);
  await runCell(1);
  const handle = page.locator(".widget-slider .noUi-handle").first();
  await handle.waitFor({ timeout: 30_000 });
  assert.equal((await readout().innerText()).trim(), "10");
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  for (let dx = 5; dx <= 40; dx += 5) await page.mouse.move(box.x + box.width / 2 + dx, box.y + box.height / 2);
  await page.mouse.up();
  const shown = Number((await readout().innerText()).trim());
  assert.ok(shown > 10 && shown < 50, `the readout moved: ${shown}`);
  const button = page.locator(".widget-button", { hasText: "Count" });
  await button.click();
  await button.click();
  await page.waitForTimeout(500);
  await runCell(2);
  assert.equal((await printed(2)).trim(), `value=${shown} seen=${shown} clicks=2`);
  await page.screenshot({ path: join(OUT, "lab-widgets-moved.png") });
  assert.deepEqual(await widgetErrorsInPage(), []);
  assert.deepEqual(pageErrors, []);
});

test("saved with the widget state, the notebook reopens with a fresh kernel showing the last state", async () => {
  const shown = Number((await readout().innerText()).trim());
  await save(page, NAME);
  const saved = JSON.parse(readFileSync(join(dir, NAME), "utf8"));
  const ws = saved.metadata.widgets?.["application/vnd.jupyter.widget-state+json"];
  assert.ok(ws, `widget state in the metadata: ${JSON.stringify(saved.metadata)}`);
  const models = Object.values(ws.state) as { model_name: string; state: Record<string, unknown> }[];
  const slider = models.find((m) => m.model_name === "IntSliderModel");
  assert.equal(slider?.state.value, shown);
  assert.ok(models.some((m) => m.model_name === "ButtonModel" && m.state.description === "Count"));
  // The saved state is valid against the schema ipywidgets ships (state.schema.json).
  const check = spawnSync(VENV_PYTHON, ["-c", "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2]))['metadata']['widgets']['application/vnd.jupyter.widget-state+json'], json.load(open(sys.argv[1]))); print('valid')", SCHEMA, join(dir, NAME)], { encoding: "utf8" });
  assert.equal(check.stdout.trim(), "valid", check.stderr);
  // A fresh kernel: the views can only come from the notebook's metadata.
  const sessions = (await (await fetch(`${server.url}/api/sessions?token=${server.token}`)).json()) as { id: string }[];
  for (const s of sessions) await fetch(`${server.url}/api/sessions/${s.id}?token=${server.token}`, { method: "DELETE" });
  await page.reload();
  await waitForIdleKernel(page, NAME, 120_000);
  await readout().waitFor({ timeout: 30_000 });
  assert.equal(Number((await readout().innerText()).trim()), shown);
  assert.equal(await page.locator(".widget-button", { hasText: "Count" }).count(), 1);
  await page.screenshot({ path: join(OUT, "lab-widgets-reopened.png") });
  assert.deepEqual(await widgetErrorsInPage(), []);
});

test("a kernel restart leaves no widget error in the page; new widgets work in the new kernel", async () => {
  await runCell(0);
  await runCell(1);
  const errorsBefore = consoleErrors.length;
  await page.evaluate(async ([src, n]) => (0, eval)(src)(n).sessionContext.session.kernel.restart(), [PANEL, NAME] as const);
  await page.waitForTimeout(1000);
  await waitForIdleKernel(page, NAME, 60_000);
  await page.waitForTimeout(2000);
  assert.deepEqual(await widgetErrorsInPage(), []);
  await runCell(0);
  await runCell(1);
  await page.locator(".widget-button", { hasText: "Count" }).last().click();
  await page.waitForTimeout(500);
  await runCell(2);
  assert.equal((await printed(2)).trim(), "value=10 seen=none clicks=1");
  await page.screenshot({ path: join(OUT, "lab-widgets-restarted.png") });
  assert.deepEqual(await widgetErrorsInPage(), []);
  assert.deepEqual(consoleErrors.slice(errorsBefore).filter((e) => /widget|comm/i.test(e)), []);
  assert.deepEqual(pageErrors, []);
});

test("Stop beside fit's progress bar ends training within two batches; the kernel stays and trains again", async () => {
  await startCell(3);
  const stop = page.locator(".widget-button", { hasText: "Stop" }).last();
  await stop.waitFor({ timeout: 60_000 });
  // Training is under way: the progress bar has passed epoch 2.
  await waitFor(async () => /Epoch ([3-9]|\d\d+)\/2000/.test(await page.locator(".jp-Cell").nth(3).innerText()), "epoch 3 begins", 60_000);
  await page.screenshot({ path: join(OUT, "lab-widgets-fit-running.png") });
  await stop.click();
  await waitFor(async () => (await cells(page, NAME))[3].outputs.some((o) => o.output_type === "execute_result"), "fit returns after Stop", 30_000);
  const outs = (await cells(page, NAME))[3].outputs;
  const text = outs.map((o) => o.text ?? "").join("") + (await page.locator(".jp-Cell").nth(3).innerText());
  const m = /stopped by the Stop button in epoch (\d+), after batch (\d+) of it \((\d+) batches in this fit, (\d+) after the click\); the History has the (\d+) finished epoch/.exec(text);
  assert.ok(m, text);
  assert.ok(Number(m[4]) <= 2, `batches after the click: ${m[4]}`);
  assert.equal(Number(m[3]), (Number(m[1]) - 1) * 32 + Number(m[2]), "32 batches an epoch");
  const result = outs.find((o) => o.output_type === "execute_result")!;
  assert.equal((result.data as Record<string, string>)["text/plain"], `'epochs in the History: ${m[5]}'`);
  assert.equal(Number(m[5]), Number(m[1]) - 1);
  assert.equal(await stop.isDisabled(), true);
  await page.screenshot({ path: join(OUT, "lab-widgets-fit-stopped.png") });
  await runCell(4);
  const again = (await cells(page, NAME))[4].outputs.find((o) => o.output_type === "execute_result");
  assert.equal((again?.data as Record<string, string>)?.["text/plain"], "'trained again: 2 epochs'");
  assert.deepEqual(await widgetErrorsInPage(), []);
  assert.deepEqual(pageErrors, []);
});

test("Output captures the prints and displays made inside out.capture(...); those before and after stay in the cell", async () => {
  await runCell(5);
  // The Output's view holds an output area of its own, inside the cell's.
  const widget = page.locator(".jp-Cell").nth(5).locator(".jp-OutputArea .jp-OutputArea");
  await waitFor(async () => /printed inside/.test(await widget.innerText()), "the print inside capture shows in the Output");
  assert.equal(await widget.locator(".widget-label", { hasText: "a label inside" }).count(), 1);
  assert.doesNotMatch(await widget.innerText(), /printed (before|after)/);
  const streams = (await cells(page, NAME))[5].outputs.filter((o) => o.output_type === "stream").map((o) => o.text).join("");
  assert.equal(streams, "printed before\nprinted after\n");
  await page.locator(".jp-Cell").nth(5).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(OUT, "lab-widgets-output.png") });
  assert.deepEqual(pageErrors, []);
});
