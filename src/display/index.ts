// `display`: show values in the notebook, and the displays tsdl draws (tables, image grids, plots,
// live training, Batch Normalization statistics). Importing this module connects them to the library.
import { setSummaryRenderer } from "../keras/models/model.js";
import { setProgressSinkFactory, stdoutSink } from "../keras/callbacks/progbar_logger.js";
import { setLivePlotFactory } from "../keras/models/training.js";
import { display as show, type DisplayOptions } from "./display.js";
import { summaryBundle } from "./summary_table.js";
import { notebookDataProgress, notebookSink, type ShowFunction } from "./progress.js";
import { setProgressRenderer } from "../data/progress.js";
import { LivePlot } from "./live_plot.js";
import { batch, imageGrid } from "./image_grid.js";
import { plot } from "./plot.js";
import { compareHistories, plotHistory } from "./history_plot.js";
import { activationStats, layerWeights } from "./batchnorm_insight.js";
import { reproduction } from "./reproduction.js";

setSummaryRenderer(summaryBundle);
setProgressSinkFactory(() => {
  const hook = (globalThis as unknown as Record<symbol, ShowFunction | undefined>)[Symbol.for("tsdl.display")];
  return hook ? notebookSink(hook) : stdoutSink();
});
setLivePlotFactory(() => new LivePlot());
setProgressRenderer(notebookDataProgress);

/** `display(value)`, plus `display.imageGrid`, `display.plotHistory`, ... */
export const display = Object.assign((value: unknown, options?: DisplayOptions) => show(value, options), {
  imageGrid,
  batch,
  plot,
  plotHistory,
  compareHistories,
  activationStats,
  layerWeights,
  /** A reproduction record (article's number vs this run's), collected by `npm run reproduce`. */
  reproduction,
});

export { LivePlot, type LivePlotOptions } from "./live_plot.js";
export { ActivationPercentiles, type ActivationPercentilesOptions, type ActivationStatsOptions, describeValues } from "./batchnorm_insight.js";
export type { DisplayOptions } from "./display.js";
export type { ReproductionRecord } from "./reproduction.js";
export type { Figure, Trace } from "./plot.js";
export type { ImageGridOptions } from "./image_grid.js";
export type { HistoryLike, PlotHistoryOptions } from "./history_plot.js";
