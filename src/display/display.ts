// display(value): show a value richly in the notebook (through the kernel), or as text elsewhere.
import { inspect } from "node:util";
import type { MimeBundle } from "./html.js";

export interface DisplayOptions {
  /** Names this output, so that a later `display(v, { displayId, update: true })` replaces it. */
  displayId?: string;
  /** Replace the output named `displayId` instead of adding one. */
  update?: boolean;
}

type Hook = (value: unknown, options?: DisplayOptions) => void;

/** Shows `value`: its `[Symbol.for("Jupyter.display")]()` bundle, else text. */
export function display(value: unknown, options: DisplayOptions = {}): void {
  const hook = (globalThis as unknown as Record<symbol, Hook | undefined>)[Symbol.for("tsdl.display")];
  if (hook) return hook(value, options);
  const f = (value as Record<symbol, (() => MimeBundle | Promise<MimeBundle>) | undefined> | null)?.[Symbol.for("Jupyter.display")];
  if (typeof f !== "function") {
    console.log(typeof value === "string" ? value : inspect(value, { depth: 4 }));
    return;
  }
  void Promise.resolve(f.call(value)).then((b) => console.log(typeof b["text/plain"] === "string" ? b["text/plain"] : inspect(value, { depth: 2 })));
}
