// Small helpers for the HTML in MIME bundles: every interpolated text goes through escapeHtml.

export type MimeBundle = Record<string, unknown>;

export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** An object that Jupyter (and tsdl's kernel) shows with this bundle. */
export function displayable<T extends object>(bundle: () => MimeBundle | Promise<MimeBundle>, extra?: T): T & { [k: symbol]: () => MimeBundle | Promise<MimeBundle> } {
  return Object.assign(Object.create(null), extra ?? {}, { [Symbol.for("Jupyter.display")]: bundle });
}

let counter = 0;
/** An id unique in this kernel session and across sessions, for DOM ids and display ids. */
export function uniqueId(prefix: string): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
}

/** JSON that is safe inside a <script> element. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
