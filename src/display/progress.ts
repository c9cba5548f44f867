// Live training progress in a notebook: one output, updated in place (display_id), with Keras' text
// lines and an HTML progress bar. ProgbarLogger throttles the updates (at most 4 a second).
import type { ProgressSink } from "../keras/callbacks/progbar_logger.js";
import { escapeHtml, uniqueId, type MimeBundle } from "./html.js";

export type ShowFunction = (value: unknown, options?: { displayId?: string; update?: boolean }) => void;

/** The bundle of the progress output: finished lines, the current line, and a bar. */
export function progressBundle(lines: string[], current: string, progress?: { current: number; target: number | undefined }): MimeBundle {
  const text = [...lines, ...(current ? [current] : [])].join("\n");
  const bar = progress?.target
    ? `<progress value="${progress.current}" max="${progress.target}" style="width:300px;vertical-align:middle"></progress> <span>${progress.current}/${progress.target}</span>`
    : "";
  return {
    "text/plain": text,
    "text/html": `<div class="tsdl-progress">${bar}<pre style="margin:2px 0;font-size:12px;line-height:1.25">${escapeHtml(text)}</pre></div>`,
  };
}

/** A sink that keeps one notebook output up to date. */
export function notebookSink(show: ShowFunction): ProgressSink {
  const id = uniqueId("tsdl-progress");
  const lines: string[] = [];
  let shown = false;
  return {
    write(line, final, progress) {
      if (final) lines.push(line);
      const bundle = progressBundle(lines, final ? "" : line, final ? undefined : progress);
      show({ [Symbol.for("Jupyter.display")]: () => bundle }, { displayId: id, update: shown });
      shown = true;
    },
  };
}

/**
 * The notebook's drawing of data progress lines (downloads, folder scans): one output updated in place.
 * Registered with src/data's setProgressRenderer by src/display/index.ts; outside a notebook (no display
 * hook) it returns undefined and the data code writes to stderr.
 */
export function notebookDataProgress(): ((text: string, final: boolean, state: { done: number; total: number | undefined }) => void) | undefined {
  const show = (globalThis as unknown as Record<symbol, ShowFunction | undefined>)[Symbol.for("tsdl.display")];
  if (!show) return undefined;
  const id = uniqueId("tsdl-data-progress");
  let shown = false;
  return (text, final, { done, total }) => {
    const b = progressBundle(final ? [text] : [], final ? "" : text, !final && total ? { current: done, target: total } : undefined);
    show({ [Symbol.for("Jupyter.display")]: () => b }, { displayId: id, update: shown });
    shown = true;
  };
}
