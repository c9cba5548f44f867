// model.summary() as an HTML table with Keras' text table as its text/plain twin.
import { memorySize, summaryText, thousands, type SummaryData } from "../keras/models/summary.js";
import { escapeHtml, type MimeBundle } from "./html.js";

const STYLE = `<style>
.tsdl-summary table{border-collapse:collapse;font-family:var(--jp-code-font-family,monospace);font-size:12px}
.tsdl-summary th,.tsdl-summary td{padding:2px 10px;text-align:left;border-bottom:1px solid #ddd}
.tsdl-summary td.num,.tsdl-summary th.num{text-align:right}
.tsdl-summary caption{text-align:left;font-weight:bold;padding:4px 0}
</style>`;

export function summaryHtml(d: SummaryData): string {
  const head = ["Layer (type)", "Output Shape", "Param #", ...(d.functional ? ["Connected to"] : [])];
  const rows = d.rows
    .map((r) => {
      const cells = [
        `<td>${escapeHtml(r.name)} (${escapeHtml(r.className)})</td>`,
        `<td>${escapeHtml(r.outputShape)}</td>`,
        `<td class="num">${thousands(r.params)}</td>`,
        ...(d.functional ? [`<td>${r.connectedTo.map(escapeHtml).join("<br>")}</td>`] : []),
      ];
      return `<tr>${cells.join("")}</tr>`;
    })
    .join("\n");
  const span = d.functional ? 2 : 1;
  const total = (label: string, n: number) => `<tr class="tsdl-total"><td colspan="2"><b>${label}:</b></td><td class="num" colspan="${span}">${thousands(n)} (${memorySize(n)})</td></tr>`;
  return `${STYLE}<div class="tsdl-summary"><table>
<caption>Model: "${escapeHtml(d.modelName)}"</caption>
<thead><tr>${head.map((h, i) => `<th${i === 2 ? ' class="num"' : ""}>${h}</th>`).join("")}</tr></thead>
<tbody>
${rows}
</tbody>
<tfoot>
${total("Total params", d.totalParams)}
${total("Trainable params", d.trainableParams)}
${total("Non-trainable params", d.nonTrainableParams)}
</tfoot></table></div>`;
}

export function summaryBundle(d: SummaryData): MimeBundle {
  return { "text/plain": summaryText(d), "text/html": summaryHtml(d) };
}
