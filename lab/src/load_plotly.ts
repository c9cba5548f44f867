// plotly.js, bundled with the extension: a chunk of its own, fetched from the extension's static files
// the first time a figure is drawn in a page (no network beyond the Jupyter server, no trust needed).
import type { Plotly } from "plotly.js-dist-min";

let loading: Promise<Plotly> | undefined;

export function loadPlotly(): Promise<Plotly> {
  loading ??= import(/* webpackChunkName: "plotly" */ "plotly.js-dist-min").then((m) => {
    const mod = m as unknown as { default?: Plotly } & Plotly;
    return mod.default ?? mod;
  });
  return loading;
}
