// Progress of long data work (downloads, folder scans, extraction): a live line in the notebook (one
// output updated in place) or a `\r`-redrawn line on the terminal's stderr. At most 4 redraws a second.
import { progressBundle, type ShowFunction } from "../display/progress.js";
import { uniqueId } from "../display/html.js";

export interface Progress {
  /** Sets the amount done (and the total, when it becomes known). */
  update(done: number, total?: number): void;
  /** Ends the line with a final message. */
  finish(message?: string): void;
}

function bytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

/** A progress line labelled `label`; `unit` "bytes" formats sizes. */
export function progress(label: string, unit: "bytes" | "items" = "items", total?: number): Progress {
  const show = (globalThis as unknown as Record<symbol, ShowFunction | undefined>)[Symbol.for("tsdl.display")];
  const id = uniqueId("tsdl-data-progress");
  const started = performance.now();
  let last = 0;
  let shown = false;
  let width = 0;
  const fmt = (n: number) => (unit === "bytes" ? bytes(n) : String(n));
  const line = (done: number) => {
    const secs = (performance.now() - started) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const pct = total ? ` ${((100 * done) / total).toFixed(0).padStart(3)}%` : "";
    return `${label}:${pct} ${fmt(done)}${total ? ` / ${fmt(total)}` : ""} (${unit === "bytes" ? `${bytes(rate)}/s` : `${rate.toFixed(0)}/s`})`;
  };
  const draw = (text: string, final: boolean, done: number) => {
    if (show) {
      const b = progressBundle(final ? [text] : [], final ? "" : text, !final && total ? { current: done, target: total } : undefined);
      show({ [Symbol.for("Jupyter.display")]: () => b }, { displayId: id, update: shown });
      shown = true;
    } else {
      process.stderr.write(`\r${text.padEnd(width)}${final ? "\n" : ""}`);
      width = final ? 0 : text.length;
    }
  };
  let current = 0;
  return {
    update(done, t) {
      current = done;
      if (t !== undefined) total = t;
      const now = performance.now();
      if (now - last < 250) return;
      last = now;
      draw(line(done), false, done);
    },
    finish(message) {
      draw(message ?? line(current), true, current);
    },
  };
}
