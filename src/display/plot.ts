// Plotly figures as MIME bundles, each front end drawing the one it renders best:
//   application/vnd.plotly.v1+json  JupyterLab and Notebook 7 with tsdl's extension (lab/, bundled
//                                   plotly.js, no trust needed) and VS Code draw this;
//   text/html                       front ends without it (classic Notebook, a Lab without the
//                                   extension): a div holding the static SVG, and a script that loads
//                                   plotly.js from the Jupyter server (the copies `tsdl install` puts
//                                   where the server serves static files) once per page, then draws.
//                                   Every figure carries that loader, so a reload, a second tab or a
//                                   re-run always draws; where nothing serves plotly.js (nbconvert's
//                                   HTML, nbviewer, GitHub) the static SVG stays;
//   image/svg+xml                   the same static SVG, for untrusted views and static renderers.
import { displayable, escapeHtml, scriptJson, uniqueId, type MimeBundle } from "./html.js";
import { niceTicks } from "./ticks.js";

/** Where the Jupyter server serves plotly.js (`tsdl install` puts it there). */
export const PLOTLY_URLS = {
  /** Under JupyterLab's / Notebook 7's labextensions URL (page config `fullLabextensionsUrl`). */
  lab: "tsdl-jupyterlab/static/plotly.min.js",
  /** Under classic Notebook's base URL. */
  classic: "nbextensions/tsdl/plotly.min.js",
};

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
    const axisLayout = (axis: string) => fig.layout?.[`${axis[0]}axis${axis.slice(1)}`] as { title?: unknown; dtick?: unknown } | undefined;
    const dtick = (axis: string) => (typeof axisLayout(axis)?.dtick === "number" ? (axisLayout(axis)!.dtick as number) : undefined);
    for (const v of niceTicks(ymin, ymax, { step: dtick(ya) })) {
      parts.push(`<text x="${x0 - 4}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end" font-size="10">${v}</text>`);
      parts.push(`<line x1="${x0}" x2="${x1}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" stroke="#e3e3e3"/>`);
    }
    // An axis of whole numbers (epochs, steps) gets whole-number ticks.
    for (const v of niceTicks(xmin, xmax, { integer: xs.every(Number.isInteger), step: dtick(xa) })) {
      parts.push(`<line x1="${sx(v).toFixed(1)}" x2="${sx(v).toFixed(1)}" y1="${y1}" y2="${y1 + 4}" stroke="#888"/>`);
      parts.push(`<text x="${sx(v).toFixed(1)}" y="${y1 + 15}" text-anchor="middle" font-size="10">${v}</text>`);
    }
    const axisTitle = (axis: string) => titleText(axisLayout(axis)?.title);
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

/** plotly.js 3 draws only `{ text }` titles: a string title (of the figure or an axis) becomes one. */
function plotlyTitles(layout: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...layout };
  if (typeof out.title === "string") out.title = { text: out.title };
  for (const [key, axis] of Object.entries(out)) {
    if (/^[xy]axis\d*$/.test(key) && axis && typeof axis === "object" && typeof (axis as { title?: unknown }).title === "string") out[key] = { ...axis, title: { text: (axis as { title: string }).title } };
  }
  return out;
}

/**
 * The script of a figure's text/html: draws the figure into `id` with plotly.js, which it loads from the
 * Jupyter server the first time in a page (one request per page, shared by every figure in it). Classic
 * Notebook has require.js, so there plotly.js is loaded through it (an AMD build defines a module,
 * plotly.js 3 sets window.Plotly). Where no server serves it, the
 * static SVG stays and nothing is reported: that is the drawing for static views.
 */
function drawScript(id: string, figure: { data: unknown; layout: unknown }): string {
  return `<script type="text/javascript">(function(){var el=document.getElementById(${scriptJson(id)});if(!el)return;var fig=${scriptJson(figure)};var w=window;
function draw(P){el.innerHTML="";P.newPlot(el,fig.data,fig.layout,{responsive:true,displaylogo:false});}
if(w.Plotly&&w.Plotly.newPlot){draw(w.Plotly);return;}
function dir(u){return u.charAt(u.length-1)==="/"?u:u+"/";}
if(!w.__tsdlPlotly){w.__tsdlPlotly=new Promise(function(ok,fail){var urls=[],i=0;
var cfg=document.getElementById("jupyter-config-data");if(cfg){try{var c=JSON.parse(cfg.textContent||"{}");if(c.fullLabextensionsUrl)urls.push(dir(c.fullLabextensionsUrl)+${scriptJson(PLOTLY_URLS.lab)});}catch(e){}}
var base=document.body&&document.body.getAttribute("data-base-url");if(base!==null&&base!==undefined)urls.push(dir(base)+${scriptJson(PLOTLY_URLS.classic)});
function next(){if(i>=urls.length){fail(new Error("plotly.js is not served here"));return;}var url=urls[i++];
if(w.requirejs&&w.define&&w.define.amd){w.requirejs([url],function(P){P=P||w.Plotly;if(P){w.Plotly=P;ok(P);}else next();},next);return;}
var s=document.createElement("script");s.src=url;s.async=true;s.onload=function(){w.Plotly?ok(w.Plotly):next();};s.onerror=next;document.head.appendChild(s);}
next();});}
w.__tsdlPlotly.then(draw,function(){});})();</script>`;
}

/** The MIME bundle of a figure (see the top of this file for who draws which part). */
export function figureBundle(fig: Figure, options: { height?: number } = {}): MimeBundle {
  if (!fig || !Array.isArray(fig.data)) throw new Error(`plot: a figure is { data: [traces], layout? }, got ${JSON.stringify(fig)?.slice(0, 80)}`);
  const height = options.height ?? ((fig.layout?.height as number | undefined) ?? 380);
  const svg = staticSvg(fig, 820, height);
  const id = uniqueId("tsdl-plot");
  const layout = { height, margin: { t: 40, l: 55, r: 20, b: 50 }, ...plotlyTitles(fig.layout ?? {}) };
  const html = `<div id="${id}" class="tsdl-plot" style="width:100%;max-width:980px;min-height:${height}px">${svg}</div>${drawScript(id, { data: fig.data, layout })}`;
  return {
    "application/vnd.plotly.v1+json": { data: fig.data, layout },
    "text/html": html,
    "image/svg+xml": svg,
    "text/plain": `<figure: ${fig.data.length} trace(s)${titleText(fig.layout?.title) ? `, "${titleText(fig.layout?.title)}"` : ""}>`,
  };
}

/** `display.plot({ data, layout })`: any Plotly figure. */
export function plot(fig: Figure) {
  figureBundle(fig); // validate now, so the error points at this call
  let bundle: MimeBundle | undefined;
  return displayable(() => (bundle ??= figureBundle(fig)), { figure: fig });
}
