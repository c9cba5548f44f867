// Plotly figures as MIME bundles:
//   application/vnd.plotly.v1+json  JupyterLab (with plotly's extension) and VS Code draw this;
//   text/html                       classic Notebook: a div drawn by plotly.js (inlined once per kernel
//                                   session, when trusted), holding a static SVG until it is drawn;
//   image/svg+xml                   the same static SVG, for untrusted views, GitHub and nbconvert.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { displayable, escapeHtml, scriptJson, uniqueId, type MimeBundle } from "./html.js";

export interface Trace {
  x?: (number | string)[];
  y: number[];
  name?: string;
  type?: "scatter" | "bar";
  mode?: "lines" | "markers" | "lines+markers";
  xaxis?: string;
  yaxis?: string;
  line?: { color?: string; dash?: "solid" | "dash" | "dot" | "dashdot"; width?: number };
  marker?: { color?: string };
  showlegend?: boolean;
  legendgroup?: string;
  [key: string]: unknown;
}

export interface Figure {
  data: Trace[];
  layout?: Record<string, unknown> & { title?: string | { text: string }; grid?: { rows: number; columns: number; pattern?: string } };
}

/** Plotly's default colour cycle. */
export const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

let plotlyInlined = false;

/** Forces the next figure to carry plotly.js again (after the output that loaded it was cleared). */
export function reloadPlotly(): void {
  plotlyInlined = false;
}

function plotlyScript(): string {
  const file = createRequire(import.meta.url).resolve("plotly.js-dist-min/plotly.min.js");
  const code = readFileSync(file, "utf8").replace(/<\/script/gi, "<\\/script");
  // Classic Notebook has require.js: plotly's UMD header would register an anonymous AMD module
  // instead of window.Plotly. Hide `define` while it runs.
  return `<script type="text/javascript">(function(){var define=undefined,exports=undefined,module=undefined;\n${code}\n}).call(window);</script>`;
}

function titleText(t: unknown): string | undefined {
  if (typeof t === "string") return t;
  if (t && typeof t === "object" && typeof (t as { text?: unknown }).text === "string") return (t as { text: string }).text;
  return undefined;
}

/** A static SVG of line/marker traces, one panel per (xaxis, yaxis) pair: the fallback drawing. */
export function staticSvg(fig: Figure, width = 820, height = 360): string {
  const panels = new Map<string, Trace[]>();
  for (const t of fig.data) {
    const key = `${t.xaxis ?? "x"}|${t.yaxis ?? "y"}`;
    panels.set(key, [...(panels.get(key) ?? []), t]);
  }
  const keys = [...panels.keys()];
  const n = Math.max(1, keys.length);
  const top = 34;
  const pw = (width - 20) / n;
  const parts: string[] = [];
  const title = titleText(fig.layout?.title);
  if (title) parts.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${escapeHtml(title)}</text>`);
  keys.forEach((key, p) => {
    const traces = panels.get(key)!;
    const [xa, ya] = key.split("|");
    const x0 = 20 + p * pw + 45;
    const x1 = 20 + (p + 1) * pw - 15;
    const y0 = top;
    const y1 = height - 60;
    const ys = traces.flatMap((t) => t.y.filter((v) => Number.isFinite(v)));
    const xs = traces.flatMap((t) => (t.x ?? t.y.map((_, i) => i)).map(Number).filter((v) => Number.isFinite(v)));
    if (!ys.length) return;
    let [ymin, ymax] = [Math.min(...ys), Math.max(...ys)];
    if (ymin === ymax) [ymin, ymax] = [ymin - 1, ymax + 1];
    let [xmin, xmax] = [Math.min(...xs), Math.max(...xs)];
    if (xmin === xmax) [xmin, xmax] = [xmin - 1, xmax + 1];
    const sx = (v: number) => x0 + ((v - xmin) / (xmax - xmin)) * (x1 - x0);
    const sy = (v: number) => y1 - ((v - ymin) / (ymax - ymin)) * (y1 - y0);
    parts.push(`<rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" fill="#f8f9fb" stroke="#ccc"/>`);
    for (let i = 0; i <= 4; i++) {
      const v = ymin + ((ymax - ymin) * i) / 4;
      parts.push(`<text x="${x0 - 4}" y="${sy(v) + 4}" text-anchor="end" font-size="10">${+v.toPrecision(3)}</text>`);
      parts.push(`<line x1="${x0}" x2="${x1}" y1="${sy(v)}" y2="${sy(v)}" stroke="#e3e3e3"/>`);
    }
    for (let i = 0; i <= 4; i++) {
      const v = xmin + ((xmax - xmin) * i) / 4;
      parts.push(`<text x="${sx(v)}" y="${y1 + 14}" text-anchor="middle" font-size="10">${+v.toPrecision(3)}</text>`);
    }
    const axisTitle = (axis: string) => titleText((fig.layout?.[`${axis[0]}axis${axis.slice(1)}`] as { title?: unknown } | undefined)?.title);
    const xt = axisTitle(xa);
    const yt = axisTitle(ya);
    if (xt) parts.push(`<text x="${(x0 + x1) / 2}" y="${y1 + 30}" text-anchor="middle" font-size="11">${escapeHtml(xt)}</text>`);
    if (yt) parts.push(`<text x="${x0 - 36}" y="${(y0 + y1) / 2}" text-anchor="middle" font-size="11" transform="rotate(-90 ${x0 - 36} ${(y0 + y1) / 2})">${escapeHtml(yt)}</text>`);
    traces.forEach((t, i) => {
      const color = t.line?.color ?? t.marker?.color ?? COLORS[i % COLORS.length];
      const pts = t.y.map((v, j) => [Number((t.x ?? [])[j] ?? j), v]).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
      const dash = t.line?.dash === "dash" ? ' stroke-dasharray="6 4"' : t.line?.dash === "dot" ? ' stroke-dasharray="2 3"' : "";
      if ((t.mode ?? "lines") !== "markers") parts.push(`<polyline fill="none" stroke="${escapeHtml(color)}" stroke-width="2"${dash} points="${pts.map(([a, b]) => `${sx(a).toFixed(1)},${sy(b).toFixed(1)}`).join(" ")}"/>`);
      if ((t.mode ?? "lines").includes("markers")) for (const [a, b] of pts) parts.push(`<circle cx="${sx(a).toFixed(1)}" cy="${sy(b).toFixed(1)}" r="2.5" fill="${escapeHtml(color)}"/>`);
    });
  });
  const named = fig.data.filter((t) => t.name && t.showlegend !== false);
  const seen = new Set<string>();
  let lx = 60;
  for (const [i, t] of named.entries()) {
    if (seen.has(t.name!)) continue;
    seen.add(t.name!);
    const color = t.line?.color ?? t.marker?.color ?? COLORS[i % COLORS.length];
    parts.push(`<line x1="${lx}" x2="${lx + 18}" y1="${height - 14}" y2="${height - 14}" stroke="${escapeHtml(color)}" stroke-width="2"/><text x="${lx + 22}" y="${height - 10}" font-size="11">${escapeHtml(t.name)}</text>`);
    lx += 34 + 7 * t.name!.length;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">${parts.join("")}</svg>`;
}

/** The MIME bundle of a figure. `includePlotly` inlines plotly.js (the first figure of a session). */
export function figureBundle(fig: Figure, options: { includePlotly?: boolean; height?: number } = {}): MimeBundle {
  if (!fig || !Array.isArray(fig.data)) throw new Error(`plot: a figure is { data: [traces], layout? }, got ${JSON.stringify(fig)?.slice(0, 80)}`);
  const height = options.height ?? ((fig.layout?.height as number | undefined) ?? 380);
  const svg = staticSvg(fig, 820, height);
  const id = uniqueId("tsdl-plot");
  const layout = { height, margin: { t: 40, l: 55, r: 20, b: 50 }, ...fig.layout };
  const draw = `<script type="text/javascript">(function(){var el=document.getElementById(${scriptJson(id)});var fig=${scriptJson({ data: fig.data, layout })};var n=0;
function draw(){if(!el)return;if(window.Plotly){el.innerHTML="";window.Plotly.newPlot(el,fig.data,fig.layout,{responsive:true,displaylogo:false});}else if(n++<400){setTimeout(draw,50);}}draw();})();</script>`;
  const html = `${options.includePlotly ? plotlyScript() : ""}<div id="${id}" class="tsdl-plot" style="width:100%;max-width:980px;min-height:${height}px">${svg}</div>${draw}`;
  return {
    "application/vnd.plotly.v1+json": { data: fig.data, layout },
    "text/html": html,
    "image/svg+xml": svg,
    "text/plain": `<figure: ${fig.data.length} trace(s)${titleText(fig.layout?.title) ? `, "${titleText(fig.layout?.title)}"` : ""}>`,
  };
}

/** The bundle for the next figure shown in this session (plotly.js comes along the first time). */
export function sessionFigureBundle(fig: Figure): MimeBundle {
  const bundle = figureBundle(fig, { includePlotly: !plotlyInlined });
  plotlyInlined = true;
  return bundle;
}

/**
 * plotly.js as an output of its own, once per session (undefined after): for figures that are redrawn
 * in place (LivePlot), whose output must not be the one that carries the library.
 */
export function takePlotlyLoader(): MimeBundle | undefined {
  if (plotlyInlined) return undefined;
  plotlyInlined = true;
  return { "text/html": plotlyScript(), "text/plain": "(plotly.js loaded for this session's figures)" };
}

/** `display.plot({ data, layout })`: any Plotly figure. */
export function plot(fig: Figure) {
  figureBundle(fig); // validate now, so the error points at this call
  let bundle: MimeBundle | undefined;
  return displayable(() => (bundle ??= sessionFigureBundle(fig)), { figure: fig });
}
