// The TypeScript engine behind each cell: tslab's converter (in the kernel's TypeScript process,
// ts_server.cts, reached through ts_client.ts) type-checks a cell against the declarations of the cells
// before it and turns it into CommonJS; this file runs the result, keeps the declarations, and turns what
// happened into values and structured errors for the protocol layer.
//
// `import ... from "tsdl"` works from any folder: the converter's TypeScript sees this package under
// `<notebook folder>/node_modules/tsdl` (a virtual mount, unless a real one is there), and at run time
// `require("tsdl")` returns the very module the kernel loaded (one backend, one display hook).
import Module, { createRequire } from "node:module";
import { dirname, extname, join, resolve } from "node:path";
import vm from "node:vm";
import type * as TsdlModule from "../index.js";
import { interruptSignal, KeyboardInterrupt } from "../interrupt.js";
import type { TypeScriptServer } from "./ts_client.js";
import { trace } from "./trace.js";

interface Diagnostic {
  start: { line: number; character: number };
  messageText: string;
  code: number;
  fileName?: string;
}
interface ConvertResult {
  output?: string;
  declOutput?: string;
  diagnostics: Diagnostic[];
  lastExpressionVar?: string;
  hasToplevelAwait?: boolean;
  sideOutputs?: { path: string; data: string }[];
}

/** The outcome of one cell. */
export type CellOutcome =
  | { status: "ok"; hasValue: boolean; value?: unknown }
  | { status: "error"; ename: string; evalue: string; traceback: string[] };

/** Where the kernel's own files and this package are (dist/kernel/.. is the package root). */
export const packageRoot = resolve(dirname(new URL(import.meta.url).pathname), "..", "..");

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === "object" || typeof v === "function") && typeof (v as { then?: unknown }).then === "function";
}

const INTERRUPTED_BEFORE = "the cell was interrupted before it started";

function interruptedBeforeStart(): CellOutcome {
  return { status: "error", ename: "KeyboardInterrupt", evalue: INTERRUPTED_BEFORE, traceback: [`\x1b[31mKeyboardInterrupt\x1b[0m: ${INTERRUPTED_BEFORE}`] };
}

/** Resolves with `work`, or rejects when the current interrupt signal aborts (the work goes on, unheard). */
function unlessInterrupted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new KeyboardInterrupt(INTERRUPTED_BEFORE));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new KeyboardInterrupt(INTERRUPTED_BEFORE));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (v) => (signal.removeEventListener("abort", onAbort), resolve(v)),
      (e) => (signal.removeEventListener("abort", onAbort), reject(e)),
    );
  });
}

/** A cell's `exports`: named imports become plain, rewritable values (TypeScript emits getters). */
function cellExports(): Record<string, unknown> {
  const store: Record<string, unknown> = {};
  return new Proxy(store, {
    defineProperty(_t, prop, attrs) {
      if (prop === "__esModule") return true;
      store[prop as string] = attrs.get ? attrs.get() : attrs.value;
      return true;
    },
  });
}

export class TypeScriptEngine {
  private prevDecl = "";
  private readonly exports = cellExports();
  private readonly sideOutputs = new Map<string, string>();
  private readonly sideModules = new Map<string, NodeJS.Module>();
  private readonly baseRequire: NodeJS.Require;
  private interruptCurrent: ((e: Error) => void) | undefined;
  /** The library, once the kernel has loaded it (cells are type-checked before, and run after). */
  private tsdl: typeof TsdlModule | undefined;

  constructor(
    readonly cwd: string,
    private readonly server: TypeScriptServer,
    private readonly tsdlReady: Promise<typeof TsdlModule>,
  ) {
    tsdlReady.then(
      (m) => (this.tsdl = m),
      () => {},
    );
    this.baseRequire = createRequire(join(cwd, "__cell__.js"));
    const g = globalThis as unknown as Record<string, unknown>;
    g.__tsdl_cell__ = { exports: this.exports, require: this.makeRequire(this.baseRequire, cwd) };
  }

  /** The values of the cells' top-level variables (what the leak hint counts as held). */
  variables(): unknown[] {
    return Object.values(this.exports);
  }

  /** require for cells: `tsdl` is the kernel's own instance; local .ts files the converter compiled load from memory. */
  private makeRequire(base: NodeJS.Require, dir: string): NodeJS.Require {
    const fn = ((id: string) => {
      if (id === "tsdl") return this.tsdl;
      if (id.startsWith(".")) {
        let file = resolve(dir, id);
        if (extname(file) === "") file += ".js";
        const cached = this.sideModules.get(file);
        if (cached) return cached.exports;
        const code = this.sideOutputs.get(file);
        if (code !== undefined) {
          const mod = new Module(file) as NodeJS.Module & { _compile(code: string, file: string): void; paths: string[] };
          mod.filename = file;
          mod.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(dirname(file));
          mod.require = this.makeRequire(createRequire(file), dirname(file));
          this.sideModules.set(file, mod);
          mod._compile(code, file);
          return mod.exports;
        }
      }
      return base(id);
    }) as NodeJS.Require;
    return Object.assign(fn, { resolve: base.resolve, cache: base.cache, main: base.main, extensions: base.extensions });
  }

  /**
   * Type-checks and runs one cell. `name` is the cell's name in tracebacks, e.g. `cell[3]`. The cell is
   * type-checked while the kernel may still be loading tsdl; it runs once tsdl is loaded, right after
   * `beforeRun`.
   */
  async run(src: string, name: string, hooks: { beforeRun?: () => void } = {}): Promise<CellOutcome> {
    const signal = interruptSignal();
    let converted: ConvertResult;
    try {
      converted = await unlessInterrupted(this.server.request<ConvertResult>({ op: "convert", prevDecl: this.prevDecl, src }), signal);
    } catch (e) {
      if (e instanceof KeyboardInterrupt) return interruptedBeforeStart();
      return errorOutcome(e, name);
    }
    for (const out of converted.sideOutputs ?? []) {
      this.sideModules.delete(out.path);
      this.sideOutputs.set(out.path, out.data);
    }
    trace(`${name} type-checked`);
    if (converted.diagnostics.length > 0) return typeErrors(converted.diagnostics, src, name);
    if (!converted.output) {
      this.prevDecl = converted.declOutput ?? "";
      return { status: "ok", hasValue: false };
    }
    try {
      await unlessInterrupted(this.tsdlReady, signal);
    } catch (e) {
      if (e instanceof KeyboardInterrupt) return interruptedBeforeStart();
      const evalue = `the kernel could not load tsdl: ${(e as Error)?.message ?? e}`;
      return { status: "error", ename: "KernelStartError", evalue, traceback: [`\x1b[31mKernelStartError\x1b[0m: ${evalue}`] };
    }
    // Let a Ctrl-C that arrived while the cell was being type-checked run its handler, and honour it.
    await new Promise((resolve) => setImmediate(resolve));
    if (signal.aborted) return interruptedBeforeStart();
    trace(`${name} runs (tsdl loaded)`);
    hooks.beforeRun?.();
    const wrapped = (converted.hasToplevelAwait ? "(async function (exports, require) { " : "(function (exports, require) { ") + converted.output + "\n})(__tsdl_cell__.exports, __tsdl_cell__.require)";
    let ret: unknown;
    try {
      ret = vm.runInThisContext(wrapped, { filename: name, breakOnSigint: true });
      if (converted.hasToplevelAwait) {
        const cell = ret as Promise<unknown>;
        const interrupted = new Promise<never>((_, reject) => (this.interruptCurrent = reject));
        try {
          await Promise.race([cell, interrupted]);
        } finally {
          this.interruptCurrent = undefined;
          cell.catch(() => {}); // if the interrupt won the race, the cell's own ending is not news
        }
      }
    } catch (e) {
      return errorOutcome(e, name);
    }
    this.prevDecl = converted.declOutput ?? "";
    if (converted.lastExpressionVar && converted.lastExpressionVar in this.exports) {
      let value = this.exports[converted.lastExpressionVar];
      delete this.exports[converted.lastExpressionVar];
      // A Promise (any thenable) as the cell's value shows what it resolves to, as if awaited; its
      // rejection is the cell's error. An interrupt ends the wait as it ends an awaiting cell.
      if (isThenable(value)) {
        const interrupted = new Promise<never>((_, reject) => (this.interruptCurrent = reject));
        try {
          value = await Promise.race([Promise.resolve(value), interrupted]);
        } catch (e) {
          return errorOutcome(e, name);
        } finally {
          this.interruptCurrent = undefined;
        }
      }
      return { status: "ok", hasValue: value !== undefined, value };
    }
    return { status: "ok", hasValue: false };
  }

  /** Ends the running async cell now with KeyboardInterrupt (the kernel calls this after a grace period). */
  abortCurrent(): void {
    this.interruptCurrent?.(new KeyboardInterrupt("the cell was interrupted"));
  }

  get running(): boolean {
    return this.interruptCurrent !== undefined;
  }

  isComplete(src: string): Promise<{ status: "complete" | "incomplete" | "invalid"; indent?: string }> {
    return this.server.request({ op: "isComplete", src });
  }

  complete(src: string, position: number): Promise<{ matches: string[]; cursor_start: number; cursor_end: number }> {
    return this.server.request({ op: "complete", prevDecl: this.prevDecl, src, position });
  }

  async inspect(src: string, position: number): Promise<string | undefined> {
    return (await this.server.request<string | null>({ op: "inspect", prevDecl: this.prevDecl, src, position })) ?? undefined;
  }

  close(): void {
    this.server.close();
  }
}

function typeErrors(diagnostics: Diagnostic[], src: string, name: string): CellOutcome {
  const lines = src.split("\n");
  const traceback: string[] = [];
  for (const d of diagnostics) {
    const where = `${d.fileName ? d.fileName : name}:${d.start.line + 1}:${d.start.character + 1}`;
    traceback.push(`\x1b[31m${where} - error TS${d.code}:\x1b[0m ${d.messageText}`);
    if (!d.fileName && lines[d.start.line] !== undefined) {
      traceback.push(`    ${lines[d.start.line]}`, `    ${" ".repeat(d.start.character)}\x1b[31m^\x1b[0m`);
    }
  }
  const first = diagnostics[0];
  return { status: "error", ename: "TypeScriptError", evalue: `${first.messageText} (line ${first.start.line + 1})`, traceback };
}

function errorOutcome(e: unknown, name: string): CellOutcome {
  if (e instanceof Error || (e && typeof e === "object" && "message" in e && "stack" in e)) {
    const err = e as Error;
    let ename = err.name || "Error";
    let evalue = String(err.message ?? "");
    if (/Script execution was interrupted by `SIGINT`/.test(evalue)) {
      ename = "KeyboardInterrupt";
      evalue = "the cell was interrupted";
    }
    let lines = String(err.stack ?? `${ename}: ${evalue}`).split("\n");
    // vm prefixes the stack with the offending source line and a caret; the message line starts the trace.
    const start = lines.findIndex((l) => l.startsWith(`${err.name}:`) || l.startsWith(`${err.name} [`));
    if (start > 0) lines = lines.slice(start);
    const stack = lines
      .filter((l) => !/\((node:|.*\/src\/kernel\/|.*\/dist\/kernel\/)|at (node:|process\.processTicksAndRejections)|runInThisContext/.test(l))
      .map((l) => l.replace(/\(?(cell\[\d+\]):(\d+):(\d+)\)?/, "$1 (compiled JS line $2)"));
    if (stack[0] && !stack[0].startsWith(ename)) stack.unshift(`${ename}: ${evalue}`);
    stack[0] = `\x1b[31m${stack[0]}\x1b[0m`;
    return { status: "error", ename, evalue, traceback: stack };
  }
  return { status: "error", ename: "Error", evalue: `a value was thrown: ${String(e)}`, traceback: [`Uncaught ${String(e)} (thrown in ${name})`] };
}
