// Values to Jupyter MIME bundles: anything with `[Symbol.for("Jupyter.display")]()` (Deno's convention)
// gives its own bundle; everything else is shown as text, as Node's REPL would print it.
import { inspect } from "node:util";
import { isTensorLike, tensorBundle } from "../display/tensor_view.js";

export type MimeBundle = Record<string, unknown>;

const DISPLAY = Symbol.for("Jupyter.display");

export function hasRichDisplay(value: unknown): boolean {
  return value != null && (typeof value === "object" || typeof value === "function") && typeof (value as Record<symbol, unknown>)[DISPLAY] === "function";
}

function plainText(value: unknown): string {
  // tfjs tensors print their values with toString(); inspect() would show their internals.
  const ctor = (value as { constructor?: { name?: string } } | null)?.constructor?.name;
  if (value && typeof value === "object" && (ctor === "Tensor" || ctor === "Variable") && "shape" in value) {
    try {
      return String(value);
    } catch {
      const t = value as { shape: number[]; dtype: string };
      return `Tensor shape=[${t.shape.join(", ")}] dtype=${t.dtype} (values on the device: read them with await t.array())`;
    }
  }
  return inspect(value, { depth: 4, colors: false, maxArrayLength: 100, breakLength: 100 });
}

/**
 * The bundle for a value; a failing display method is reported in the bundle, never thrown. Tensors show
 * their shape and dtype, their values as numpy prints them, a table (2-D) or an image (image shapes).
 */
export async function toBundle(value: unknown): Promise<MimeBundle> {
  if (!hasRichDisplay(value) && isTensorLike(value)) {
    try {
      return await tensorBundle(value);
    } catch {
      return { "text/plain": plainText(value) };
    }
  }
  if (hasRichDisplay(value)) {
    const bundle = (await (value as Record<symbol, () => MimeBundle | Promise<MimeBundle>>)[DISPLAY]()) ?? {};
    if (typeof bundle !== "object") throw new TypeError(`[Symbol.for("Jupyter.display")]() must return a MIME bundle object, got ${typeof bundle}`);
    return "text/plain" in bundle ? bundle : { ...bundle, "text/plain": plainText(value) };
  }
  return { "text/plain": plainText(value) };
}
