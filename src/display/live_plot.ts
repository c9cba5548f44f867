// LivePlot: the training curves drawn while fit runs, one output redrawn after every epoch
// (`fit(x, y, { liveplot: true })` adds one).
import { Callback, type Logs } from "../keras/callbacks/callback.js";
import { comparisonFigure } from "./history_plot.js";
import { uniqueId } from "./html.js";
import { figureBundle, type Figure } from "./plot.js";
import type { ShowFunction } from "./progress.js";

export interface LivePlotOptions {
  /** Which metrics get a panel. Default: all of them. */
  metrics?: string[];
  title?: string;
}

function hook(): ShowFunction | undefined {
  return (globalThis as unknown as Record<symbol, ShowFunction | undefined>)[Symbol.for("tsdl.display")];
}

export class LivePlot extends Callback {
  private history: Record<string, number[]> = {};
  private readonly id = uniqueId("tsdl-liveplot");
  private shown = false;

  constructor(private readonly options: LivePlotOptions = {}) {
    super();
  }

  /** The figure of what has been recorded so far. */
  figure(): Figure {
    return comparisonFigure({ "": { history: this.history } }, this.options);
  }

  onTrainBegin(): void {
    this.history = {};
    this.shown = false;
  }

  onEpochEnd(_epoch: number, logs: Logs = {}): void {
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
    const show = hook();
    if (!show) return; // on a terminal the progress bar says it all
    const bundle = figureBundle(this.figure());
    show({ [Symbol.for("Jupyter.display")]: () => bundle }, { displayId: this.id, update: this.shown });
    this.shown = true;
  }
}
