// Cancellation shared by the host (the notebook kernel, a CLI) and long-running library calls.
//
// The kernel owns SIGINT. When the user interrupts, it aborts the current signal; `fit`, `evaluate`,
// dataset downloads and scans check it between steps and stop with a KeyboardInterrupt error, leaving
// the model with the weights of the last finished step. The signal lives on globalThis so that two copies
// of the library in one process still share it.
const KEY = Symbol.for("tsdl.interrupt");

interface Holder {
  controller: AbortController;
}

function holder(): Holder {
  const g = globalThis as unknown as Record<symbol, Holder | undefined>;
  return (g[KEY] ??= { controller: new AbortController() });
}

/** The signal long-running work checks. */
export function interruptSignal(): AbortSignal {
  return holder().controller.signal;
}

/** Aborts the current signal (the host calls this on Kernel > Interrupt or Ctrl-C). */
export function requestInterrupt(): void {
  holder().controller.abort();
}

/** A fresh signal for the next cell or command. */
export function resetInterrupt(): void {
  holder().controller = new AbortController();
}

/** Thrown when work stops because the user interrupted it (Python's name, as Jupyter users know it). */
export class KeyboardInterrupt extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyboardInterrupt";
  }
}

/** Throws KeyboardInterrupt if an interrupt was requested. */
export function throwIfInterrupted(what: string): void {
  if (interruptSignal().aborted) throw new KeyboardInterrupt(`${what} interrupted`);
}
