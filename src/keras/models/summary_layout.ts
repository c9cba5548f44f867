// The layout of Keras 3's summary table, as the `rich` library (15.x) lays out the rich.table.Table
// Keras makes: fixed-width columns shrunk to the table's width, a padding of one space each side of a
// cell, words wrapped onto the next line, a word too long for its cell cut with "…" (rich's default
// overflow "ellipsis"), and rich's HEAVY_HEAD box with a rule between rows (show_lines=True).
//
// Porting note: every character counts as one cell; rich counts East Asian wide characters and
// emoji as two (layer names cannot contain them, model names could).

export type Justify = "left" | "right" | "center" | "default";
export type Overflow = "ellipsis" | "fold";

const cellLen = (s: string) => [...s].length;

/** rich's `set_cell_size`: crop or pad with spaces to exactly `total` cells. */
function setCellSize(s: string, total: number): string {
  const chars = [...s];
  if (chars.length < total) return s + " ".repeat(total - chars.length);
  return chars.slice(0, Math.max(0, total)).join("");
}

/** rich's `chop_cells`: pieces of `width` cells. */
function chopCells(s: string, width: number): string[] {
  const chars = [...s];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += width) out.push(chars.slice(i, i + width).join(""));
  return out;
}

/** rich's `words`: each word with the whitespace around it (leading only for the first), and its start. */
function words(text: string): { start: number; word: string }[] {
  const re = /\s*\S+\s*/y;
  const out: { start: number; word: string }[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) out.push({ start: m.index, word: m[0] });
  return out;
}

/**
 * rich's `divide_line`: where to break `text` into lines of `width` cells. A word that does not fit
 * goes to the next line; a word longer than a whole line is folded across lines (`fold`) or left
 * whole on its own line (to be cut with "…" afterwards).
 */
export function divideLine(text: string, width: number, fold: boolean): number[] {
  const breaks: number[] = [];
  let offset = 0;
  for (let { start, word } of words(text)) {
    const wordLength = cellLen(word.trimEnd());
    if (width - offset >= wordLength) {
      offset += cellLen(word);
    } else if (wordLength > width) {
      if (fold) {
        const pieces = chopCells(word, width);
        pieces.forEach((piece, i) => {
          if (start) breaks.push(start);
          if (i === pieces.length - 1) offset = cellLen(piece);
          else start += piece.length;
        });
      } else {
        if (start) breaks.push(start);
        offset = cellLen(word);
      }
    } else if (offset && start) {
      breaks.push(start);
      offset = cellLen(word);
    }
  }
  return breaks;
}

/** rich's `Text.truncate`: cut to `width` cells (with "…" for ellipsis), padded to `width` when `pad`. */
function truncate(line: string, width: number, overflow: Overflow, pad = false): string {
  const length = cellLen(line);
  let out = line;
  if (length > width) out = overflow === "ellipsis" ? setCellSize(line, width - 1) + "…" : setCellSize(line, width);
  if (pad && length < width) out = line + " ".repeat(width - length);
  return out;
}

/** rich's `Text.rstrip_end`: drop trailing whitespace that sticks out beyond `width`. */
function rstripEnd(line: string, width: number): string {
  const excess = line.length - width;
  if (excess <= 0) return line;
  const ws = /\s+$/.exec(line);
  return ws ? line.slice(0, line.length - Math.min(ws[0].length, excess)) : line;
}

/**
 * rich's `Text.wrap` of plain text: the lines of `text` at `width` cells. Justified lines ("left",
 * "right", "center") are exactly `width` wide; "default" leaves them as they are (console.print).
 */
export function wrapText(text: string, width: number, justify: Justify, overflow: Overflow = "ellipsis"): string[] {
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    const offsets = [0, ...divideLine(paragraph, width, overflow === "fold"), paragraph.length];
    let lines = offsets.slice(1).map((end, i) => rstripEnd(paragraph.slice(offsets[i], end), width));
    if (justify === "left") lines = lines.map((l) => truncate(l, width, overflow, true));
    else if (justify === "right") lines = lines.map((l) => truncate(l.trimEnd(), width, overflow)).map((l) => " ".repeat(Math.max(0, width - cellLen(l))) + l);
    else if (justify === "center") {
      lines = lines.map((l) => {
        const t = truncate(l.trimEnd(), width, overflow);
        const left = " ".repeat(Math.max(0, Math.floor((width - cellLen(t)) / 2))) + t;
        return left + " ".repeat(Math.max(0, width - cellLen(left)));
      });
    }
    out.push(...lines.map((l) => truncate(l, width, overflow)));
  }
  return out;
}

/** Python's round(): halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * rich's `ratio_reduce`: take `total` off `values` in proportion to `ratios`, each at most its maximum.
 * (On Keras' tables the excess is always 3 per column + 1, whose shares never round a half to odd.)
 */
export function ratioReduce(total: number, ratios: number[], maximums: number[], values: number[]): number[] {
  ratios = ratios.map((r, i) => (maximums[i] ? r : 0));
  let totalRatio = ratios.reduce((a, b) => a + b, 0);
  if (!totalRatio) return values.slice();
  let remaining = total;
  return values.map((value, i) => {
    if (ratios[i] && totalRatio > 0) {
      const distributed = Math.min(maximums[i], roundHalfEven((ratios[i] * remaining) / totalRatio));
      remaining -= distributed;
      totalRatio -= ratios[i];
      return value - distributed;
    }
    return value;
  });
}

/**
 * The widths rich gives the columns, padding included, borders not: Keras' widths plus the padding,
 * reduced evenly (rich's last resort for fixed-width columns) until the table fits `lineLength`.
 */
export function tableColumnWidths(kerasWidths: number[], lineLength: number): number[] {
  const maxWidth = lineLength - (kerasWidths.length + 1);
  let widths = kerasWidths.map((w) => Math.min(w + 2, maxWidth));
  const total = widths.reduce((a, b) => a + b, 0);
  if (total > maxWidth) widths = ratioReduce(total - maxWidth, widths.map(() => 1), widths, widths);
  return widths;
}

/** The lines of one row: each cell wrapped, padded by a space each side, shorter cells filled with blank lines. */
function rowLines(cells: string[], widths: number[], justify: Justify[], edges: [string, string, string], header: boolean): string[] {
  // A column narrower than its padding shows nothing (rich renders no lines under one cell wide).
  const wrapped = cells.map((c, i) => (widths[i] - 2 < 1 ? [] : wrapText(c, widths[i] - 2, justify[i]).map((l) => ` ${l} `)));
  const height = Math.max(1, ...wrapped.map((w) => w.length));
  const blank = (i: number) => " ".repeat(widths[i]);
  // rich aligns header cells to the bottom of their row, other cells to the top.
  const filled = wrapped.map((w, i) => (header ? [...Array(height - w.length).fill(blank(i)), ...w] : [...w, ...Array(height - w.length).fill(blank(i))]));
  const [left, mid, right] = edges;
  return Array.from({ length: height }, (_, k) => left + filled.map((f) => f[k]).join(mid) + right);
}

/** The table as rich draws Keras' summary with `box.HEAVY_HEAD` and `show_lines=True`. */
export function renderTable(headers: string[], rows: string[][], kerasWidths: number[], justify: Justify[], lineLength: number): string[] {
  const widths = tableColumnWidths(kerasWidths, lineLength);
  const rule = (l: string, fill: string, mid: string, r: string) => l + widths.map((w) => fill.repeat(w)).join(mid) + r;
  const out = [rule("┏", "━", "┳", "┓"), ...rowLines(headers, widths, justify, ["┃", "┃", "┃"], true), rule("┡", "━", "╇", "┩")];
  rows.forEach((cells, i) => {
    if (i > 0) out.push(rule("├", "─", "┼", "┤"));
    out.push(...rowLines(cells, widths, justify, ["│", "│", "│"], false));
  });
  out.push(rule("└", "─", "┴", "┘"));
  return out;
}
