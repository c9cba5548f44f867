// Driving a notebook in JupyterLab 4 or Notebook 7 the way a user does (menus, toolbar, keyboard), and
// reading what it shows: the rendered DOM, and the notebook's model through window.jupyterapp (the
// servers run with expose_app_in_browser) for what the DOM cannot say (execution counts, output types).
import type { Page } from "playwright-core";
import type { JupyterServer } from "./jupyter_server.ts";

/** A notebook's URL in its front end. */
export function notebookUrl(s: JupyterServer, name: string): string {
  return s.frontend === "lab" ? `${s.url}/lab/tree/${encodeURIComponent(name)}?token=${s.token}` : `${s.url}/notebooks/${encodeURIComponent(name)}?token=${s.token}`;
}

/** In the page: the notebook panel of `name` (an argument, as page functions cannot close over it). */
export const PANEL = `(name) => { const app = window.jupyterapp; if (!app) return undefined; for (const w of app.shell.widgets("main")) if (w.context && w.context.path === name) return w; return undefined; }`;

/** Opens the notebook and waits until it is loaded and its kernel is connected and idle. */
export async function openNotebook(page: Page, s: JupyterServer, name: string): Promise<void> {
  await page.goto(notebookUrl(s, name));
  await waitForIdleKernel(page, name, 120_000);
}

export async function waitForIdleKernel(page: Page, name: string, timeout: number): Promise<void> {
  await page.waitForFunction(
    ([panelSrc, n]) => {
      const p = (0, eval)(panelSrc)(n);
      const k = p?.sessionContext?.session?.kernel;
      return !!(p?.context?.isReady && k && k.connectionStatus === "connected" && k.status === "idle");
    },
    [PANEL, name] as const,
    { timeout, polling: 250 },
  );
}

/** The kernel's id, to tell a reconnection to the same kernel from a new one. */
export function kernelId(page: Page, name: string): Promise<string> {
  return page.evaluate(([panelSrc, n]) => (0, eval)(panelSrc)(n).sessionContext.session.kernel.id as string, [PANEL, name] as const);
}

/** Clicks a main-menu entry, e.g. menu(page, "Run", "Run All Cells"). */
export async function menu(page: Page, top: string, item: string): Promise<void> {
  await page.locator(".lm-MenuBar .lm-MenuBar-item", { hasText: new RegExp(`^${top}$`) }).first().click();
  await page.locator(".lm-Menu:not(.lm-MenuBar) .lm-Menu-item", { hasText: item }).first().click();
}

export interface CellState {
  type: string;
  source: string;
  count: number | null;
  prompt: string;
  outputs: { output_type: string; data?: Record<string, unknown>; text?: string; name?: string; ename?: string; evalue?: string }[];
}

/** Every cell's type, source, execution count, prompt and outputs (nbformat JSON), from the model. */
export function cells(page: Page, name: string): Promise<CellState[]> {
  return page.evaluate(
    ([panelSrc, n]) =>
      (0, eval)(panelSrc)(n).content.widgets.map((w: any) => ({
        type: w.model.type,
        source: w.model.sharedModel.getSource(),
        count: w.model.type === "code" ? w.model.executionCount : null,
        prompt: w.node.querySelector(".jp-InputPrompt")?.textContent ?? "",
        outputs: w.model.type === "code" ? w.model.outputs.toJSON() : [],
      })),
    [PANEL, name] as const,
  );
}

/** In the page: whether a code cell runs or waits to ([*]), and whether the kernel is idle. */
const RUN_STATE = `(name) => { const p = (${PANEL})(name); const running = p.content.widgets.some((w) => w.model.type === "code" && /\\*/.test(w.node.querySelector(".jp-InputPrompt")?.textContent ?? "")); return { running, idle: p.sessionContext.session?.kernel?.status === "idle" }; }`;

/** Run > Run All Cells, then waits until nothing runs or waits to run and the kernel is idle. */
export async function runAll(page: Page, name: string, timeout: number): Promise<void> {
  await menu(page, "Run", "Run All Cells");
  // Started: the kernel is busy or a code cell is queued ([*]) — then done: none is, twice in a row.
  await page.waitForFunction(([src, n]) => ((r) => r.running || !r.idle)((0, eval)(src)(n)), [RUN_STATE, name] as const, { timeout: 30_000, polling: 50 });
  let quiet = 0;
  const deadline = Date.now() + timeout;
  while (quiet < 2) {
    if (Date.now() > deadline) throw new Error(`${name}: still running after ${timeout / 1000} s`);
    await page.waitForTimeout(500);
    const r = await page.evaluate(([src, n]) => (0, eval)(src)(n) as { running: boolean; idle: boolean }, [RUN_STATE, name] as const);
    quiet = !r.running && r.idle ? quiet + 1 : 0;
  }
}

/** Saves with the keyboard (Accel+S) and waits until the notebook is no longer dirty. */
export async function save(page: Page, name: string): Promise<void> {
  await page.locator(".jp-Notebook").first().click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Control+s");
  await page.waitForFunction(([panelSrc, n]) => !(0, eval)(panelSrc)(n).context.model.dirty, [PANEL, name] as const, { timeout: 30_000 });
}

/** How many figures plotly.js has drawn (interactive: an SVG plotly made, with its mode bar). */
export function interactiveFigures(page: Page): Promise<number> {
  return page.locator(".js-plotly-plot .main-svg").evaluateAll((svgs) => new Set(svgs.map((s) => s.closest(".js-plotly-plot"))).size);
}

/** Waits until `n` figures are drawn by plotly.js, and returns how many are. */
export async function waitForFigures(page: Page, n: number, timeout = 60_000): Promise<number> {
  await page.waitForFunction((want) => new Set(Array.from(document.querySelectorAll(".js-plotly-plot .main-svg")).map((s) => s.closest(".js-plotly-plot"))).size >= want, n, { timeout, polling: 250 }).catch(() => {});
  return interactiveFigures(page);
}

/** The number of Plotly figure outputs in the model. */
export function figureOutputs(cs: CellState[]): number {
  return cs.flatMap((c) => c.outputs).filter((o) => o.data && "application/vnd.plotly.v1+json" in o.data).length;
}

/** Error outputs and stderr that is not tsdl's own notice, for a failure message. */
export function errorsOf(cs: CellState[]): string[] {
  return cs.flatMap((c, i) => c.outputs.filter((o) => o.output_type === "error").map((o) => `cell ${i}: ${o.ename}: ${o.evalue}`));
}
