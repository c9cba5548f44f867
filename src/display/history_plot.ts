// Training curves: display.plotHistory(history) (loss and accuracy, train vs validation, seed 004's two
// panels) and display.compareHistories({ "No BN": h1, "With BN": h2 }).
import { COLORS, plot, type Figure, type Trace } from "./plot.js";

/** A Keras History, or its `.history` record. */
export type HistoryLike = { history: Record<string, number[]> } | Record<string, number[]>;

function record(h: HistoryLike, where: string): Record<string, number[]> {
  const r = (h as { history?: unknown }).history;
  const rec = (r && typeof r === "object" ? r : h) as Record<string, unknown>;
  if (!rec || typeof rec !== "object" || !Object.values(rec).every(Array.isArray)) {
    throw new Error(`${where}: expected a History (what fit returns) or its .history record, got ${typeof h}`);
  }
  return rec as Record<string, number[]>;
}

/** Panels: each base metric (loss, accuracy, ...) found, in Keras' order. */
function baseMetrics(records: Record<string, number[]>[], wanted?: string[]): string[] {
  if (wanted) return wanted;
  const keys = new Set<string>();
  for (const r of records) for (const k of Object.keys(r)) if (!k.startsWith("val_") && k !== "lr") keys.add(k);
  return [...keys];
}

function titleCase(s: string): string {
  return s.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

function panelLayout(metrics: string[], epochs: number, title?: string): Figure["layout"] {
  const layout: Record<string, unknown> = { grid: { rows: 1, columns: metrics.length, pattern: "independent" }, legend: { orientation: "h", y: -0.2 } };
  if (title) layout.title = { text: title };
  metrics.forEach((m, i) => {
    const suffix = i === 0 ? "" : String(i + 1);
    layout[`xaxis${suffix}`] = { title: { text: "Epoch" }, ...(epochs <= 15 ? { dtick: 1 } : {}) };
    layout[`yaxis${suffix}`] = { title: { text: titleCase(m) } };
  });
  return layout as Figure["layout"];
}

export interface PlotHistoryOptions {
  /** Which metrics get a panel. Default: every metric in the history (loss, accuracy, ...). */
  metrics?: string[];
  title?: string;
}

/** The figure of one history: a panel per metric, training solid, validation dashed. */
export function historyFigure(history: HistoryLike, options: PlotHistoryOptions = {}): Figure {
  return comparisonFigure({ "": history }, options);
}

/** The figure comparing histories: a panel per metric, a colour per history, validation dashed. */
export function comparisonFigure(histories: Record<string, HistoryLike>, options: PlotHistoryOptions = {}): Figure {
  const entries = Object.entries(histories).map(([name, h]) => [name, record(h, "compareHistories")] as const);
  if (!entries.length) throw new Error("compareHistories: give at least one history, e.g. { 'No BN': h1, 'With BN': h2 }");
  const metrics = baseMetrics(entries.map(([, r]) => r), options.metrics);
  const data: Trace[] = [];
  metrics.forEach((m, panel) => {
    const axis = panel === 0 ? "" : String(panel + 1);
    entries.forEach(([name, r], i) => {
      const color = COLORS[i % COLORS.length];
      for (const [key, label, dash] of [[m, "train", "solid"], [`val_${m}`, "validation", "dash"]] as const) {
        const y = r[key];
        if (!y) continue;
        data.push({
          x: y.map((_, e) => e + 1),
          y,
          name: name ? `${name} (${label})` : label,
          legendgroup: `${name}-${label}`,
          showlegend: panel === 0,
          mode: y.length > 30 ? "lines" : "lines+markers",
          line: { color: name ? color : label === "train" ? COLORS[0] : COLORS[1], dash },
          xaxis: `x${axis}`,
          yaxis: `y${axis}`,
        });
      }
    });
  });
  const epochs = Math.max(0, ...data.map((t) => t.y.length));
  return { data, layout: panelLayout(metrics, epochs, options.title) };
}

/** `display.plotHistory(history)`: the history's curves (show it as a cell's value or with display()). */
export function plotHistory(history: HistoryLike, options: PlotHistoryOptions = {}) {
  return plot(historyFigure(history, options));
}

/** `display.compareHistories({ "No BN": h1, "With BN": h2 })`. */
export function compareHistories(histories: Record<string, HistoryLike>, options: PlotHistoryOptions = {}) {
  return plot(comparisonFigure(histories, options));
}
