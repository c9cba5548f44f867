// application/vnd.tsdl.reproduction+json (display.reproduction in tsdl): a notebook's reproduction record,
// the article's number beside this run's, as a table in Lab's own style.
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";

export const REPRODUCTION_MIME = "application/vnd.tsdl.reproduction+json";

/** The record's fields in the order they are read; any others follow. */
const FIELDS: [key: string, label: string][] = [
  ["article", "article"],
  ["metric", "quantity"],
  ["reported", "reported"],
  ["ours", "ours"],
  ["tolerance", "tolerance"],
  ["dataset", "dataset"],
  ["realData", "real data"],
  ["backend", "backend"],
  ["epochs", "epochs"],
  ["scale", "scale"],
  ["wallTimeS", "wall time (s)"],
  ["note", "note"],
];

function text(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") return String(+v.toFixed(4));
  if (typeof v === "boolean") return v ? "yes" : "no";
  return typeof v === "string" ? v : JSON.stringify(v);
}

export class ReproductionRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(private readonly mimeType: string) {
    super();
    this.addClass("tsdl-ReproductionRenderer");
    this.addClass("jp-RenderedHTMLCommon");
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const record = model.data[this.mimeType];
    this.node.textContent = "";
    if (!record || typeof record !== "object" || Array.isArray(record)) {
      this.node.textContent = `tsdl: this ${this.mimeType} output is not a reproduction record (an object)`;
      return;
    }
    const r = record as Record<string, unknown>;
    const known = new Set(FIELDS.map(([k]) => k));
    const rows = [...FIELDS.filter(([k]) => k in r), ...Object.keys(r).filter((k) => !known.has(k)).map((k): [string, string] => [k, k])];
    const table = document.createElement("table");
    table.className = "tsdl-reproduction";
    const caption = table.createCaption();
    caption.textContent = "Reproduction record";
    const body = table.createTBody();
    for (const [key, label] of rows) {
      const tr = body.insertRow();
      tr.dataset.field = key;
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = label;
      tr.appendChild(th);
      tr.insertCell().textContent = text(r[key]);
    }
    if (r.realData === false) table.classList.add("tsdl-mod-standIn");
    this.node.appendChild(table);
  }
}

export const reproductionRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [REPRODUCTION_MIME],
  defaultRank: 10,
  createRenderer: (options) => new ReproductionRenderer(options.mimeType),
};
