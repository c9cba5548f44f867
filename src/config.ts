// tsdl's settings, changed at run time: `tsdl.config.tensorLeakHint = true`. One object per process
// (kept on globalThis), so two copies of the library in one process share it.

export interface Config {
  /**
   * In the notebook kernel: after each cell, one line saying how many tensors the cell left alive beyond
   * the ones its variables hold (tensors made by the cell, still allocated, and not reachable from any
   * top-level variable or the cell's value). Default false.
   */
  tensorLeakHint: boolean;
}

const KEY = Symbol.for("tsdl.config");

/** tsdl's settings: `config.tensorLeakHint = true` turns the kernel's leak hint on. */
export const config: Config = ((globalThis as unknown as Record<symbol, Config | undefined>)[KEY] ??= { tensorLeakHint: false });
