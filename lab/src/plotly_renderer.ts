// application/vnd.plotly.v1+json drawn by plotly.js: interactive in every page and tab, after a reload and
// from a saved notebook, redrawn in place when a live plot updates, resized with the panel it is in.
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import type { Plotly, PlotlyFigure } from "plotly.js-dist-min";
import { loadPlotly } from "./load_plotly";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

function isFigure(v: unknown): v is PlotlyFigure {
  return !!v && typeof v === "object" && Array.isArray((v as { data?: unknown }).data);
}

export class PlotlyRenderer extends Widget implements IRenderMime.IRenderer {
  private plotly: Plotly | undefined;
  private observer: ResizeObserver | undefined;
  private frame = 0;
  private drawnWidth = 0;

  constructor(private readonly mimeType: string) {
    super();
    this.addClass("tsdl-PlotlyRenderer");
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const figure = model.data[this.mimeType];
    if (!isFigure(figure)) {
      this.showError(`this ${this.mimeType} output is not a Plotly figure ({ data: [traces], layout })`);
      return;
    }
    const plotly = (this.plotly ??= await loadPlotly());
    // The figure fills the output's width; its height is the figure's own.
    const layout: Record<string, unknown> = { ...(figure.layout ?? {}), autosize: true };
    delete layout.width;
    const height = typeof layout.height === "number" ? layout.height : undefined;
    if (height) this.node.style.minHeight = `${height}px`;
    try {
      await plotly.react(this.node, figure.data, layout, { displaylogo: false, responsive: false, ...(figure.config ?? {}) });
    } catch (e) {
      this.showError(`plotly.js could not draw this figure: ${(e as Error).message}`);
      return;
    }
    this.drawnWidth = this.node.clientWidth;
    this.observer ??= new ResizeObserver(() => this.scheduleResize());
    this.observer.observe(this.node);
  }

  protected onAfterShow(): void {
    this.scheduleResize();
  }

  protected onResize(): void {
    this.scheduleResize();
  }

  /** One resize per animation frame, and only when the width really changed (never while hidden). */
  private scheduleResize(): void {
    if (this.frame || !this.plotly) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const width = this.node.clientWidth;
      if (!this.plotly || !this.isVisible || width === 0 || width === this.drawnWidth) return;
      this.drawnWidth = width;
      void this.plotly.Plots.resize(this.node);
    });
  }

  private showError(text: string): void {
    this.node.textContent = "";
    const pre = document.createElement("pre");
    pre.className = "tsdl-PlotlyRenderer-error";
    pre.textContent = `tsdl: ${text}`;
    this.node.appendChild(pre);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.observer?.disconnect();
    if (this.frame) cancelAnimationFrame(this.frame);
    this.plotly?.purge(this.node);
    super.dispose();
  }
}

export const plotlyRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [PLOTLY_MIME],
  // Before text/html (50): the figure's JSON draws without trust and without scripts.
  defaultRank: 10,
  createRenderer: (options) => new PlotlyRenderer(options.mimeType),
};
