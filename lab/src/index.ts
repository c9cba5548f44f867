// tsdl's JupyterLab / Notebook 7 extension (a prebuilt, federated MIME extension): renderers for the
// output types tsdl's kernel sends that Lab does not draw itself, and styles that fit tsdl's HTML outputs
// to Lab's (style/index.css).
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { PLOTLY_MIME, plotlyRendererFactory } from "./plotly_renderer";
import { REPRODUCTION_MIME, reproductionRendererFactory } from "./reproduction_renderer";

const extensions: IRenderMime.IExtension[] = [
  {
    id: "tsdl-jupyterlab:plotly",
    description: `Draws ${PLOTLY_MIME} with plotly.js, bundled (no network, no trust needed).`,
    rendererFactory: plotlyRendererFactory,
    rank: 10,
    dataType: "json",
  },
  {
    id: "tsdl-jupyterlab:reproduction",
    description: `Shows tsdl's reproduction records (${REPRODUCTION_MIME}) as a table.`,
    rendererFactory: reproductionRendererFactory,
    rank: 10,
    dataType: "json",
  },
];

export default extensions;
