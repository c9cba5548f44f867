// Progress of long data work (downloads, folder scans, extraction). Data code knows no screen: it reports
// text lines here, and whoever shows them registers a renderer (src/display does: a live line in the
// notebook, one output updated in place). Without one, or outside a notebook, the line is redrawn with `\r`
// on stderr. At most 4 redraws a second.

export interface Progress {
  /** Sets the amount done (and the total, when it becomes known). */
  update(done: number, total?: number): void;
  /** Ends the line with a final message. */
  finish(message?: string): void;
}

/** Where one progress line is drawn: called with the current text, `final` for the last one. */
export type ProgressLine = (text: string, final: boolean, state: { done: number; total: number | undefined }) => void;

/** Makes the drawing of one new progress line, or returns undefined to leave it to stderr. */
export type ProgressRenderer = () => ProgressLine | undefined;

let renderer: ProgressRenderer | undefined;

/** Registers how progress lines are shown (src/display registers the notebook's; undefined: stderr only). */
export function setProgressRenderer(r: ProgressRenderer | undefined): void {
  renderer = r;
}

function bytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

function stderrLine(): ProgressLine {
  let width = 0;
  return (text, final) => {
    process.stderr.write(`\r${text.padEnd(width)}${final ? "\n" : ""}`);
    width = final ? 0 : text.length;
  };
}

/** A progress line labelled `label`; `unit` "bytes" formats sizes. */
export function progress(label: string, unit: "bytes" | "items" = "items", total?: number): Progress {
  const draw = renderer?.() ?? stderrLine();
  const started = performance.now();
  let last = 0;
  const fmt = (n: number) => (unit === "bytes" ? bytes(n) : String(n));
  const line = (done: number) => {
    const secs = (performance.now() - started) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const pct = total ? ` ${((100 * done) / total).toFixed(0).padStart(3)}%` : "";
    return `${label}:${pct} ${fmt(done)}${total ? ` / ${fmt(total)}` : ""} (${unit === "bytes" ? `${bytes(rate)}/s` : `${rate.toFixed(0)}/s`})`;
  };
  let current = 0;
  return {
    update(done, t) {
      current = done;
      if (t !== undefined) total = t;
      const now = performance.now();
      if (now - last < 250) return;
      last = now;
      draw(line(done), false, { done, total });
    },
    finish(message) {
      draw(message ?? line(current), true, { done: current, total });
    },
  };
}
