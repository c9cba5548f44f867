// Tensors as cell values: a header with shape and dtype, the values as numpy prints them (its print
// options' defaults: 8 digits, summarised with `...` beyond 1000 elements, 3 items at each edge, lines of
// 75 characters), a 2-D tensor as an HTML table summarised the same way, and an image for tensors of
// image shape ([h, w, 1|3|4], or [n, h, w, c] with a few images).
//
// The formatting functions are pure (shape, dtype and values in, text out); tensorBundle reads a tensor
// (duck-typed: this module imports no tfjs) and encodes the image with sharp, loaded on first use.
import { escapeHtml } from "./html.js";

/** numpy's print options (np.get_printoptions() defaults). */
export const PRINT_OPTIONS = { precision: 8, threshold: 1000, edgeItems: 3, lineWidth: 75 };

export type Values = ArrayLike<number> | ArrayLike<string> | ArrayLike<boolean>;

/** Reads element `index` (one number per axis) of a tensor's values. */
type At = (index: number[]) => number | string | boolean;

function strides(shape: number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

function accessor(shape: number[], values: Values): At {
  const st = strides(shape);
  return (index) => {
    let flat = 0;
    for (let i = 0; i < index.length; i++) flat += index[i] * st[i];
    return values[flat];
  };
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The indices shown along an axis of length n: all, or the first and last `edge` around a gap (-1). */
export function shownIndices(n: number, summarise: boolean, edge = PRINT_OPTIONS.edgeItems): number[] {
  if (!summarise || 2 * edge >= n) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: edge }, (_, i) => i), -1, ...Array.from({ length: edge }, (_, i) => n - edge + i)];
}

/** Every element the summarised view shows, in order. */
function shownValues(shape: number[], at: At, summarise: boolean): (number | string | boolean)[] {
  const out: (number | string | boolean)[] = [];
  const axes = shape.map((n) => shownIndices(n, summarise).filter((i) => i >= 0));
  const walk = (index: number[]) => {
    if (index.length === shape.length) return void out.push(at(index));
    for (const i of axes[index.length]) walk([...index, i]);
  };
  walk([]);
  return out;
}

// ---- numbers as numpy writes them ------------------------------------------------------------------

/**
 * The shortest digits that read back as the same float32 (or float64) value, each candidate rounded half
 * to even from the exact value (a tie between two that read back is settled as numpy settles it).
 */
function shortest(v: number, float32: boolean): { digits: string; exp: number } {
  for (let p = 1; p <= 17; p++) {
    const r = rounded(v, p);
    const back = Number(`${r.digits[0]}.${r.digits.slice(1)}e${r.exp}`);
    if ((float32 ? Math.fround(back) : back) === v) return { digits: r.digits.replace(/(.)0+$/, "$1"), exp: r.exp };
  }
  return rounded(v, 17);
}

/** `keep` significant digits of a value's exact decimal expansion, rounded half to even (as numpy's Dragon4). */
function rounded(a: number, keep: number): { digits: string; exp: number } {
  const [mant, e] = a.toExponential(100).split("e"); // 101 significant digits: exact for float32 values
  // A leading 0 takes a carry (9.99 -> 10.0); `exp` is the exponent of the first digit.
  const digits = "0" + mant.replace(".", "");
  const exp = Number(e) + 1;
  const n = keep + 1;
  if (n <= 1) return { digits: "0", exp: 0 }; // smaller than half the last place kept
  const head = digits.slice(0, n).split("").map(Number);
  const next = digits[n] ?? "0";
  const tail = digits.slice(n + 1);
  if (next > "5" || (next === "5" && (/[1-9]/.test(tail) || head[n - 1] % 2 === 1))) {
    let i = n - 1;
    while (i >= 0 && head[i] === 9) head[i--] = 0;
    if (i >= 0) head[i]++;
  }
  const out = head.join("");
  if (/^0+$/.test(out)) return { digits: "0", exp: 0 };
  return out[0] !== "0" ? { digits: out.slice(0, keep), exp } : { digits: out.slice(1), exp: exp - 1 };
}

/** Positional, unique digits, at most `precision` after the point, trailing zeros dropped ("1.", "0.25"). */
function positional(v: number, precision: number, float32: boolean): string {
  const sign = v < 0 || Object.is(v, -0) ? "-" : "";
  const a = Math.abs(v);
  if (a === 0) return `${sign}0.`;
  let { digits, exp } = shortest(a, float32);
  if (digits.length - 1 - exp > precision) {
    ({ digits, exp } = rounded(a, exp + 1 + precision));
    digits = digits.replace(/0+$/, "") || "0";
    if (digits === "0") return `${sign}0.`;
  }
  let int: string;
  let frac: string;
  if (exp >= 0) {
    int = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
    frac = digits.slice(exp + 1);
  } else {
    int = "0";
    frac = "0".repeat(-exp - 1) + digits;
  }
  return `${sign}${int}.${frac}`;
}

/** Scientific: `frac` digits after the point, or (frac undefined) the unique ones, at most `precision`. */
function scientific(v: number, precision: number, float32: boolean, frac?: number): { int: string; frac: string; exp: number } {
  const sign = v < 0 || Object.is(v, -0) ? "-" : "";
  const a = Math.abs(v);
  if (a === 0) return { int: `${sign}0`, frac: frac === undefined ? "" : "0".repeat(frac), exp: 0 };
  let { digits, exp } = shortest(a, float32);
  if (frac !== undefined ? digits.length - 1 !== frac : digits.length - 1 > precision) {
    // More of the exact value (numpy's min_digits) or fewer digits, rounded half to even.
    ({ digits, exp } = rounded(a, (frac ?? precision) + 1));
    if (frac === undefined) digits = digits.replace(/0+$/, "") || "0";
  }
  return { int: sign + digits[0], frac: digits.slice(1), exp };
}

/** One formatter for all shown values, as numpy's FloatingFormat / IntegerFormat / BoolFormat pick it. */
export function elementFormatter(dtype: string, shown: (number | string | boolean)[], precision = PRINT_OPTIONS.precision): (v: number | string | boolean) => string {
  if (dtype === "string") return (v) => `'${String(v).replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  if (dtype === "bool") return (v) => (v ? "true" : "false").padStart(5);
  if (dtype === "int32") {
    const width = Math.max(1, ...shown.map((v) => String(v).length));
    return (v) => String(v).padStart(width);
  }
  const float32 = dtype !== "float64";
  const nums = shown as number[];
  const finite = nums.filter((v) => Number.isFinite(v));
  const nonZero = finite.map(Math.abs).filter((v) => v !== 0);
  let exp = false;
  if (nonZero.length) {
    const max = Math.max(...nonZero);
    const min = Math.min(...nonZero);
    // numpy 2: scientific from 10 ** min(8, the dtype's decimal precision) up (1e6 for float32).
    exp = max >= (float32 ? 1e6 : 1e8) || min < 1e-4 || max / min > 1e3;
  }
  let padLeft = 0;
  let padRight = 0;
  let element: (x: number) => string;
  if (exp) {
    const parts = finite.map((v) => scientific(v, precision, float32));
    const fracLen = Math.max(0, ...parts.map((p) => p.frac.length));
    const expLen = Math.max(2, ...parts.map((p) => String(Math.abs(p.exp)).length));
    padLeft = Math.max(0, ...parts.map((p) => p.int.length));
    padRight = fracLen + 2 + expLen;
    element = (x) => {
      // Every element gets fracLen digits: its unique ones, then more of its exact value (numpy's min_digits).
      const p = scientific(x, precision, float32, fracLen);
      return `${p.int.padStart(padLeft)}.${p.frac.padEnd(fracLen, "0")}e${p.exp < 0 ? "-" : "+"}${String(Math.abs(p.exp)).padStart(expLen, "0")}`;
    };
  } else {
    const strs = finite.map((v) => positional(v, precision, float32).split("."));
    padLeft = Math.max(0, ...strs.map((s) => s[0].length));
    padRight = Math.max(0, ...strs.map((s) => s[1].length));
    element = (x) => {
      const [int, frac] = positional(x, precision, float32).split(".");
      return `${int.padStart(padLeft)}.${frac.padEnd(padRight)}`;
    };
  }
  if (finite.length !== nums.length) {
    // Room for "nan", "inf" and "-inf" in the same width (numpy's rule).
    const negInf = nums.some((v) => v === -Infinity) ? 1 : 0;
    padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + negInf - (padRight + 1));
  }
  if (finite.length === 0) padLeft = padRight = 0;
  const special = (v: number) => (Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf");
  return (v) => {
    const x = v as number;
    if (!Number.isFinite(x)) {
      const t = special(x);
      return " ".repeat(Math.max(0, padLeft + padRight + 1 - t.length)) + t;
    }
    return element(x);
  };
}

// ---- the text ----------------------------------------------------------------------------------------

/** numpy's `np.array2string(a, separator=", ")` for these values. */
export function arrayText(shape: number[], dtype: string, values: Values, options = PRINT_OPTIONS): string {
  return arrayTextAt(shape, dtype, accessor(shape, values), options);
}

function arrayTextAt(shape: number[], dtype: string, at: At, options = PRINT_OPTIONS): string {
  const summarise = size(shape) > options.threshold;
  const fmt = elementFormatter(dtype, shownValues(shape, at, summarise), options.precision);
  if (shape.length === 0) return fmt(at([]));
  if (size(shape) === 0) return "[]";
  const separator = ", ";
  const extend = (s: string, line: string, word: string, width: number, prefix: string): [string, string] => {
    if (line.length + word.length > width && line.length > prefix.length) {
      s += line.replace(/\s+$/, "") + "\n";
      line = prefix;
    }
    return [s, line + word];
  };
  const recurse = (index: number[], hanging: string, width: number): string => {
    const axis = index.length;
    const left = shape.length - axis;
    const nextHanging = hanging + " ";
    const nextWidth = width - 1;
    const shown = shownIndices(shape[axis], summarise, options.edgeItems);
    let s = "";
    if (left === 1) {
      const elemWidth = width - 1;
      let line = hanging;
      shown.forEach((i, k) => {
        const word = i < 0 ? "..." : fmt(at([...index, i]));
        [s, line] = extend(s, line, word, elemWidth, hanging);
        if (k < shown.length - 1) line += separator;
      });
      s += line;
    } else {
      const lineSep = separator.trimEnd() + "\n".repeat(left - 1);
      shown.forEach((i, k) => {
        const nested = i < 0 ? "..." : recurse([...index, i], nextHanging, nextWidth);
        s += hanging + nested + (k < shown.length - 1 ? lineSep : "");
      });
    }
    return "[" + s.slice(hanging.length) + "]";
  };
  return recurse([], " ", options.lineWidth);
}

/** `Tensor shape=[2, 3] dtype=float32` */
export function tensorHeader(shape: number[], dtype: string, name = "Tensor"): string {
  return `${name} shape=[${shape.join(", ")}] dtype=${dtype}`;
}

/** The text/plain of a tensor: its header, then its values as numpy prints them. */
export function tensorText(shape: number[], dtype: string, values: Values, name = "Tensor"): string {
  return `${tensorHeader(shape, dtype, name)}\n${arrayText(shape, dtype, values)}`;
}

// ---- the table ---------------------------------------------------------------------------------------

const CELL = 'style="text-align:right;font-family:monospace;padding:1px 6px"';
const HEAD = 'style="text-align:right;font-family:monospace;padding:1px 6px;color:#777;font-weight:normal"';

/** A 2-D tensor as an HTML table, summarised as numpy summarises it (`...` rows and columns). */
export function tensorTable(shape: number[], dtype: string, values: Values, name = "Tensor"): string {
  if (shape.length !== 2) throw new Error(`tensorTable: a 2-D tensor is needed, got shape [${shape.join(", ")}]`);
  const at = accessor(shape, values);
  const summarise = size(shape) > PRINT_OPTIONS.threshold;
  const fmt = elementFormatter(dtype, shownValues(shape, at, summarise));
  const rows = shownIndices(shape[0], summarise);
  const cols = shownIndices(shape[1], summarise);
  const head = `<tr><th ${HEAD}></th>${cols.map((j) => `<th ${HEAD}>${j < 0 ? "..." : j}</th>`).join("")}</tr>`;
  const body = rows
    .map((i) => `<tr><th ${HEAD}>${i < 0 ? "..." : i}</th>${cols.map((j) => `<td ${CELL}>${i < 0 || j < 0 ? "..." : escapeHtml(fmt(at([i, j])).trim())}</td>`).join("")}</tr>`)
    .join("");
  return `<div class="tsdl-tensor"><div style="font-family:monospace">${escapeHtml(tensorHeader(shape, dtype, name))}</div><table><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

// ---- the image ---------------------------------------------------------------------------------------

/** At most this many images of a 4-D tensor are drawn. */
export const MAX_IMAGES = 16;
/** Smaller sides than this are not taken for images (a [4, 4, 3] tensor is numbers, not a picture). */
export const MIN_IMAGE_SIDE = 8;

/** [n, h, w, c] when the shape is an image ([h, w, c]) or a few ([n, h, w, c]), c being 1, 3 or 4. */
export function imageLayout(shape: number[], dtype: string): { n: number; h: number; w: number; c: 1 | 3 | 4 } | undefined {
  if (dtype === "string" || dtype === "complex64") return undefined;
  const s = shape.length === 3 ? [1, ...shape] : shape.length === 4 ? shape : undefined;
  if (!s) return undefined;
  const [n, h, w, c] = s;
  if (n < 1 || n > MAX_IMAGES || h < MIN_IMAGE_SIDE || w < MIN_IMAGE_SIDE || (c !== 1 && c !== 3 && c !== 4)) return undefined;
  return { n, h, w, c: c as 1 | 3 | 4 };
}

export interface Pixels {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Uint8Array;
  /** How values became 0..255 bytes. */
  scaling: string;
}

/**
 * The pixels of an image-shaped tensor: images side by side (8 to a row, 2-pixel gaps), values to bytes
 * by their range (0..1 times 255, 0..255 as they are, anything else stretched from its min to its max),
 * small images enlarged (nearest neighbour) to at least 64 pixels a side.
 */
export function imagePixels(shape: number[], dtype: string, values: ArrayLike<number>): Pixels | undefined {
  const layout = imageLayout(shape, dtype);
  if (!layout) return undefined;
  const { n, h, w, c } = layout;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min === Infinity) min = max = 0;
  let scale: (v: number) => number;
  let scaling: string;
  if (dtype === "bool") {
    scale = (v) => (v ? 255 : 0);
    scaling = "false/true as black/white";
  } else if (min >= 0 && max <= 1.001 && dtype !== "int32") {
    // (a little over 1 is rounding, as in tf.linspace(0, 1, n))
    scale = (v) => v * 255;
    scaling = "values 0..1 times 255";
  } else if (min >= 0 && max <= 255) {
    scale = (v) => v;
    scaling = "values 0..255 as they are";
  } else {
    const span = max - min || 1;
    scale = (v) => ((v - min) / span) * 255;
    scaling = `values stretched from their range ${min}..${max} to 0..255`;
  }
  const zoom = Math.max(1, Math.ceil(64 / Math.max(h, w)));
  const perRow = Math.min(n, 8);
  const gridRows = Math.ceil(n / perRow);
  const gap = n > 1 ? 2 : 0;
  const tileW = w * zoom;
  const tileH = h * zoom;
  const width = perRow * tileW + (perRow - 1) * gap;
  const height = gridRows * tileH + (gridRows - 1) * gap;
  const data = new Uint8Array(width * height * c).fill(255);
  for (let k = 0; k < n; k++) {
    const ox = (k % perRow) * (tileW + gap);
    const oy = Math.floor(k / perRow) * (tileH + gap);
    for (let y = 0; y < tileH; y++) {
      const sy = Math.floor(y / zoom);
      for (let x = 0; x < tileW; x++) {
        const sx = Math.floor(x / zoom);
        const src = ((k * h + sy) * w + sx) * c;
        const dst = ((oy + y) * width + ox + x) * c;
        for (let ch = 0; ch < c; ch++) {
          const v = Number(values[src + ch]);
          data[dst + ch] = Number.isFinite(v) ? Math.max(0, Math.min(255, Math.round(scale(v)))) : 0;
        }
      }
    }
  }
  return { width, height, channels: c, data, scaling };
}

// ---- the bundle --------------------------------------------------------------------------------------

interface TensorLike {
  shape: number[];
  dtype: string;
  isDisposed?: boolean;
  data(): Promise<Values>;
}

/** A tfjs Tensor or Variable (by its shape, dtype and data(); tfjs is not imported here). */
export function isTensorLike(value: unknown): value is TensorLike {
  const v = value as Partial<TensorLike> | null;
  const ctor = (value as { constructor?: { name?: string } } | null)?.constructor?.name;
  return !!v && typeof v === "object" && Array.isArray(v.shape) && typeof v.dtype === "string" && typeof v.data === "function" && (ctor === "Tensor" || ctor === "Variable" || "dataId" in v);
}

/** Elements read from a tensor for its display at most; beyond, the text says so and shows no values. */
export const MAX_DISPLAY_ELEMENTS = 50_000_000;

/** The MIME bundle of a tensor: text/plain always, text/html for 2-D, image/png for image shapes. */
export async function tensorBundle(t: TensorLike): Promise<Record<string, unknown>> {
  const name = t.constructor?.name === "Variable" ? "Variable" : "Tensor";
  const { shape, dtype } = t;
  if (t.isDisposed) return { "text/plain": `${tensorHeader(shape, dtype, name)} (disposed)` };
  if (size(shape) > MAX_DISPLAY_ELEMENTS) return { "text/plain": `${tensorHeader(shape, dtype, name)} (${size(shape).toLocaleString("en-US")} elements: too many to read for a display; slice it first)` };
  if (dtype === "complex64") return { "text/plain": `${tensorHeader(shape, dtype, name)}\n${String(t)}` };
  const values = await t.data();
  const bundle: Record<string, unknown> = { "text/plain": tensorText(shape, dtype, values, name) };
  if (shape.length === 2) bundle["text/html"] = tensorTable(shape, dtype, values, name);
  const pixels = dtype === "string" ? undefined : imagePixels(shape, dtype, values as ArrayLike<number>);
  if (pixels) {
    const { default: sharp } = await import("sharp");
    const png = await sharp(Buffer.from(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength), { raw: { width: pixels.width, height: pixels.height, channels: pixels.channels } })
      .png()
      .toBuffer();
    bundle["image/png"] = png.toString("base64");
    bundle["text/plain"] += `\n(also shown as an image: ${pixels.scaling})`;
  }
  return bundle;
}
