// The part of plotly.js (the npm package plotly.js-dist-min, which ships no types) that tsdl's
// renderer uses.
declare module "plotly.js-dist-min" {
  export interface PlotlyFigure {
    data: Record<string, unknown>[];
    layout?: Record<string, unknown>;
    config?: Record<string, unknown>;
    frames?: Record<string, unknown>[];
  }
  export interface Plotly {
    react(root: HTMLElement, data: PlotlyFigure["data"], layout?: PlotlyFigure["layout"], config?: PlotlyFigure["config"]): Promise<HTMLElement>;
    purge(root: HTMLElement): void;
    Plots: { resize(root: HTMLElement): Promise<void> | void };
  }
  const plotly: Plotly;
  export default plotly;
}
