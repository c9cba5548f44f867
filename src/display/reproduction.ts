// A notebook's reproduction record: what the article reported, what this run got, on which data.
// `npm run reproduce` collects these from executed notebooks into REPRODUCTION.md.
import { displayable, escapeHtml } from "./html.js";

export const REPRODUCTION_MIME = "application/vnd.tsdl.reproduction+json";

export interface ReproductionRecord {
  /** The article (seed) and the quantity, e.g. "seed 004: validation accuracy after 10 epochs, with BN". */
  article: string;
  metric: string;
  /** The article's number, or null where it gives none. */
  reported: number | null;
  ours: number;
  /** "Fashion-MNIST (real, Debian)", "MNIST stand-in (generated, not the real data)", ... */
  dataset: string;
  /** Whether the dataset is the real one (a stand-in cannot reproduce anything). */
  realData: boolean;
  backend: string;
  epochs: number;
  scale: string;
  wallTimeS: number;
  /** Largest |ours - reported| still counted as reproduced. */
  tolerance: number;
  note?: string;
}

/** Shows the record as a small table and carries it for REPRODUCTION.md. */
export function reproduction(record: ReproductionRecord) {
  const rows = Object.entries(record)
    .map(([k, v]) => `<tr><th style="text-align:left;padding:1px 8px">${escapeHtml(k)}</th><td style="padding:1px 8px;text-align:left">${escapeHtml(typeof v === "number" ? +v.toFixed(4) : v)}</td></tr>`)
    .join("");
  const text = Object.entries(record).map(([k, v]) => `${k}: ${typeof v === "number" ? +v.toFixed(4) : v}`).join("\n");
  return displayable(() => ({ [REPRODUCTION_MIME]: record, "text/html": `<table class="tsdl-reproduction">${rows}</table>`, "text/plain": text }), { record });
}
