// Python's str.format for file-name templates, as Keras' ModelCheckpoint fills them:
// `model-{epoch:02d}-{val_loss:.2f}` with the epoch (an integer) and the logs (floats). Fields take
// Python's format spec: [[fill]align][sign][#][0][width][,|_][.precision][type], types d, f, F, e,
// E, g, G, %, n and none; `{{` and `}}` are braces.
// Rounding is Python's: to nearest, a value exactly halfway (0.125 to 2 places) to even.

/** A value to format: integers (epoch, batch) are Python ints, other numbers Python floats. */
export type FormatValue = { int: number } | number;

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

/** Python's repr of a float: the shortest round-trip digits, scientific below 1e-4 and from 1e16. */
export function floatRepr(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = v.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  const s = String(v); // JavaScript writes fixed notation in this range, with the same shortest digits
  return s.includes(".") ? s : `${s}.0`;
}

/** Whether the exact decimal expansion of `digits` (from toFixed/toExponential with extra places) is a tie after `keep` digits of the fraction, and the kept last digit is even. */
function tieToEven(exact: string, keep: number): boolean {
  const [, frac = ""] = exact.split("e")[0].split(".");
  const rest = frac.slice(keep);
  if (!/^50*$/.test(rest)) return false;
  const last = keep === 0 ? exact.split(".")[0].slice(-1) : frac[keep - 1];
  return Number(last) % 2 === 0;
}

/** toFixed with Python's round-half-even on exact ties (toFixed rounds them up). */
function fixed(v: number, p: number): string {
  if (p < 100 && v !== 0 && tieToEven(v.toFixed(Math.min(100, p + 60)), p)) {
    const exact = v.toFixed(Math.min(100, p + 60));
    return exact.slice(0, exact.indexOf(".") + (p === 0 ? 0 : p + 1));
  }
  return v.toFixed(p);
}

/** toExponential with Python's round-half-even on exact ties. */
function toExp(v: number, p: number): string {
  if (p < 100 && v !== 0) {
    const exact = v.toExponential(Math.min(100, p + 40));
    if (tieToEven(exact, p)) {
      const [m, e] = exact.split("e");
      return `${m.slice(0, m.indexOf(".") + (p === 0 ? 0 : p + 1))}e${e}`;
    }
  }
  return v.toExponential(p);
}

function exponential(v: number, precision: number, upper: boolean): string {
  const [m, e] = toExp(v, precision).split("e");
  const exp = Number(e);
  const s = `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return upper ? s.toUpperCase() : s;
}

/** Python's general format ('g'): fixed or scientific by the exponent, trailing zeros dropped unless '#'. */
function general(v: number, precision: number, alternate: boolean, upper: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (v === 0) return alternate ? `0.${"0".repeat(p - 1)}` : "0";
  const exp = Number(toExp(v, p - 1).split("e")[1]);
  let s: string;
  if (exp >= -4 && exp < p) {
    s = fixed(v, p - 1 - exp);
    if (!alternate && s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  } else {
    s = exponential(v, p - 1, upper);
    if (!alternate) s = s.replace(/\.?0+e/, "e").replace(/\.?0+E/, "E");
  }
  return upper ? s.toUpperCase() : s;
}

function group(intPart: string, sep: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** Formats one value by a Python format spec (`where` names the template in errors). */
export function formatValue(value: FormatValue, spec: string, where: string): string {
  const m = SPEC.exec(spec);
  if (!m) throw new Error(`${where}: invalid format spec ${JSON.stringify(spec)}`);
  const [, fillChar, alignChar, sign, alt, zero, widthText, grouping, precisionText, typeChar] = m;
  const isInt = typeof value === "object";
  const v = isInt ? value.int : value;
  const type = typeChar ?? "";
  if (isInt && (type === "" || type === "d" || type === "n") && precisionText !== undefined) throw new Error(`${where}: precision not allowed in integer format specifier ${JSON.stringify(spec)}`);
  if (!isInt && "bcdoxX".includes(type) && type !== "") throw new Error(`${where}: unknown format code '${type}' for object of type 'float' in ${JSON.stringify(spec)}`);
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  const negative = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  let body: string;
  if (!Number.isFinite(a)) body = Number.isNaN(a) ? "nan" : "inf";
  else if (isInt) {
    body = type === "x" ? a.toString(16) : type === "X" ? a.toString(16).toUpperCase() : type === "o" ? a.toString(8) : type === "b" ? a.toString(2) : "";
    if (body === "") {
      if ("eEfFgG%".includes(type) && type !== "") return formatValue(v, spec, where);
      body = String(a);
    }
  } else if (type === "f" || type === "F") body = fixed(a, precision ?? 6);
  else if (type === "e" || type === "E") body = exponential(a, precision ?? 6, type === "E");
  else if (type === "g" || type === "G" || type === "n") body = general(a, precision ?? 6, alt !== undefined, type === "G");
  else if (type === "%") body = `${fixed(a * 100, precision ?? 6)}%`;
  else if (precision === undefined) body = floatRepr(a);
  else {
    // No type with a precision: 'g', but fixed notation keeps at least one decimal.
    body = general(a, precision, alt !== undefined, false);
    if (/^\d+$/.test(body)) body += ".0";
  }
  if (grouping && Number.isFinite(a)) {
    const [i, f] = body.split(/(?=[.eE%])/);
    body = group(i, grouping) + (f ?? "") + body.slice(i.length + (f ?? "").length);
  }
  const signText = negative ? "-" : sign === "+" ? "+" : sign === " " ? " " : "";
  const width = widthText === undefined ? 0 : Number(widthText);
  const align = alignChar ?? (zero && !alignChar ? "=" : ">");
  const fill = fillChar ?? (zero && !alignChar ? "0" : " ");
  const len = signText.length + body.length;
  if (len >= width) return signText + body;
  const pad = width - len;
  if (align === "=") return signText + fill.repeat(pad) + body;
  if (align === "<") return signText + body + fill.repeat(pad);
  if (align === "^") return fill.repeat(Math.floor(pad / 2)) + signText + body + fill.repeat(pad - Math.floor(pad / 2));
  return fill.repeat(pad) + signText + body;
}

/**
 * Python's `template.format(**values)`: `{name}` and `{name:spec}` fields, `{{`/`}}` for braces. A
 * field whose name is not in `values` is an error naming the keys there are (Keras' KeyError).
 */
export function formatTemplate(template: string, values: Record<string, FormatValue>, where: string): string {
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch === "{" && template[i + 1] === "{") {
      out += "{";
      i++;
    } else if (ch === "}" && template[i + 1] === "}") {
      out += "}";
      i++;
    } else if (ch === "{") {
      const end = template.indexOf("}", i);
      if (end < 0) throw new Error(`${where}: unmatched "{" in ${JSON.stringify(template)}`);
      const field = template.slice(i + 1, end);
      const colon = field.indexOf(":");
      const name = colon < 0 ? field : field.slice(0, colon);
      const spec = colon < 0 ? "" : field.slice(colon + 1);
      if (!(name in values)) {
        throw new Error(`${where}: failed to format the file path ${JSON.stringify(template)}: no value for {${name}}; the values are ${Object.keys(values).join(", ")}`);
      }
      out += formatValue(values[name], spec, where);
      i = end;
    } else if (ch === "}") {
      throw new Error(`${where}: single "}" in ${JSON.stringify(template)} (write "}}" for a brace)`);
    } else out += ch;
  }
  return out;
}
