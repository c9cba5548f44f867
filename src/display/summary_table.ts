// model.summary() in a notebook: Keras 3's table as HTML (the same columns and values as Keras' text,
// untruncated) with Keras' text (src/keras/models/summary.ts) as its text/plain twin.
//
// JupyterLab right-aligns every table cell of an output (`:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td`,
// which outranks a class selector) and fixes the table layout: each cell says its alignment in a
// style attribute, which no stylesheet rule outranks.
import { nestedPrefix, rowCells, summaryRows, summaryText, thousands, totalLines, type SummaryData, type SummaryOptions } from "../keras/models/summary.js";
import { escapeHtml, type MimeBundle } from "./html.js";

// rich's colours in Keras' summary: class names color(33), numbers color(34), None color(45).
const CLASS_COLOR = "#0087ff";
const NUMBER_COLOR = "#00af00";
const NONE_COLOR = "#00d7ff";

const FONT = "font-family:var(--jp-code-font-family,monospace);font-size:var(--jp-code-font-size,12px)";
const CELL = "padding:2px 8px;vertical-align:top;white-space:pre-wrap;line-height:1.4";
// class "num" on the counts: the JupyterLab extension's stylesheet (lab/style) right-aligns those too.
const cellStyle = (align: string, extra = "") => `style="text-align:${align};${CELL};${extra}"${align === "right" ? ' class="num"' : ""}`;

const span = (color: string, text: string) => `<span style="color:${color}">${text}</span>`;

/** Numbers and None coloured as rich colours them in Keras' shapes and connections. */
function highlight(text: string): string {
  return escapeHtml(text).replace(/\bNone\b|\b\d[\d,]*\b/g, (m) => span(m === "None" ? NONE_COLOR : NUMBER_COLOR, m));
}

export function summaryHtml(d: SummaryData, options: SummaryOptions = {}): string {
  const head = ["Layer (type)", "Output Shape", "Param #", ...(d.functional ? ["Connected to"] : []), ...(options.showTrainable ? ["Trainable"] : [])];
  const align = head.map((h) => (h === "Param #" ? "right" : h === "Trainable" ? "center" : "left"));
  const rule = "border-bottom:1px solid var(--jp-border-color2,#ddd)";
  const headRule = "border-bottom:2px solid var(--jp-border-color1,#999);font-weight:bold";
  const rows = summaryRows(d, options)
    .map(({ row: r, level }) => {
      const cells = rowCells(d, r, options, level);
      const html = cells.map((c, i) => {
        if (i === 0) return `${escapeHtml(nestedPrefix(level))}${escapeHtml(r.name)} (${span(CLASS_COLOR, escapeHtml(r.className))})`;
        if (head[i] === "Connected to") return r.connectedTo.length ? r.connectedTo.map(highlight).join(",<br>") : "-";
        if (head[i] === "Param #") return r.built ? span(NUMBER_COLOR, thousands(r.params)) : `${span(NUMBER_COLOR, "0")} (unbuilt)`;
        if (head[i] === "Trainable") return `<b>${c}</b>`;
        return highlight(c);
      });
      return `<tr>${html.map((h, i) => `<td ${cellStyle(align[i], rule)}>${h}</td>`).join("")}</tr>`;
    })
    .join("\n");
  const totals = totalLines(d)
    .map(([label, value]) => {
      const [n, size] = [value.slice(0, value.indexOf(" (")), value.slice(value.indexOf(" ("))];
      return `<div style="text-align:left;white-space:pre"> <b>${label}:</b> ${span(NUMBER_COLOR, n)}${escapeHtml(size)}</div>`;
    })
    .join("\n");
  return `<div class="tsdl-summary" style="${FONT};text-align:left">
<div style="text-align:left;font-weight:bold;padding:4px 0">Model: "${escapeHtml(d.modelName)}"</div>
<table style="border-collapse:collapse;table-layout:auto;margin:0 0 4px 0;${FONT}">
<thead><tr>${head.map((h, i) => `<th ${cellStyle(align[i], headRule)}>${h}</th>`).join("")}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
${totals}
</div>`;
}

/** The bundle a notebook shows: Keras' text as text/plain, the table as text/html. */
export function summaryBundle(d: SummaryData, options: SummaryOptions = {}): MimeBundle {
  return { "text/plain": summaryText(d, options), "text/html": summaryHtml(d, options) };
}
