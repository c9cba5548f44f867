// Output (ipywidgets' Output): an output area of its own. Prints and displays made inside
// `out.capture(fn)` go there (the front end routes every output of the request being handled while
// msg_id names it, as ipywidgets' `with out:` does); appendStdout, appendStderr and appendDisplayData
// add outputs to its state directly (they are also saved with the notebook's widget state).
import { commManager } from "../kernel/comms.js";
import { toBundle } from "../kernel/mime_bundle.js";
import { DOMWidget, type DOMWidgetOptions } from "./domwidget.js";
import { Widget } from "./widget.js";

export type OutputEntry =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | { output_type: "display_data"; data: Record<string, unknown>; metadata: Record<string, unknown> };

export interface Output {
  /** The request whose outputs go here now ("" when none). */
  msgId: string;
  outputs: OutputEntry[];
}

export class Output extends DOMWidget {
  static spec = Widget.extend(DOMWidget.spec, {
    modelName: "OutputModel",
    modelModule: "@jupyter-widgets/output",
    modelModuleVersion: "1.0.0",
    viewName: "OutputView",
    viewModule: "@jupyter-widgets/output",
    viewModuleVersion: "1.0.0",
    traits: { msg_id: "", outputs: [] },
  });

  constructor(options: DOMWidgetOptions = {}) {
    super(options);
  }

  /**
   * Runs `fn` with its prints and displays going to this output; resolves (with fn's value) once they are
   * sent. Outputs made after an `await` inside fn go where the kernel sends them then.
   */
  async capture<T>(fn: () => T | Promise<T>): Promise<T> {
    const manager = commManager();
    const id = manager?.parentMsgId();
    const before = this.msgId;
    // Displays and prints asked for before this call go out first, to where they belong (displays are
    // sent asynchronously: one made just before, e.g. display(out) itself, would otherwise land inside).
    await manager?.flush();
    if (id) this.msgId = id;
    try {
      return await fn();
    } finally {
      await manager?.flush();
      if (id) this.msgId = before;
    }
  }

  /** Clears this output; with `wait`, only when the next output comes (no flicker). */
  async clearOutput(options: { wait?: boolean } = {}): Promise<void> {
    const clear = (globalThis as unknown as Record<symbol, ((o?: { wait?: boolean }) => void) | undefined>)[Symbol.for("tsdl.clearOutput")];
    if (clear && commManager()?.parentMsgId()) await this.capture(() => clear(options));
    this.outputs = [];
  }

  appendStdout(text: string): void {
    this.outputs = [...this.outputs, { output_type: "stream", name: "stdout", text }];
  }

  appendStderr(text: string): void {
    this.outputs = [...this.outputs, { output_type: "stream", name: "stderr", text }];
  }

  /** Adds a value's display (its MIME bundle, as display() would show it). */
  async appendDisplayData(value: unknown): Promise<void> {
    this.outputs = [...this.outputs, { output_type: "display_data", data: await toBundle(value), metadata: {} }];
  }
}
