// The TypeScript engine behind each cell: tslab's converter type-checks a cell against the declarations
// of the cells before it and turns it into CommonJS; this file runs the result, keeps the declarations,
// and turns what happened into values and structured errors for the protocol layer.
//
// `import ... from "tsdl"` works from any folder: the converter's TypeScript sees this package under
// `<notebook folder>/node_modules/tsdl` (a virtual mount, unless a real one is there), and at run time
// `require("tsdl")` returns the very module the kernel loaded (one backend, one display hook).
import Module, { createRequire } from "node:module";
import { dirname, extname, join, resolve } from "node:path";
import vm from "node:vm";
import type * as TsdlModule from "../index.js";

const requireHere = createRequire(import.meta.url);
const tslabRequire = createRequire(requireHere.resolve("tslab/package.json"));

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
interface QuickInfo {
  displayParts?: { text: string }[];
  documentation?: { text: string }[];
  tags?: { name: string; text?: { text: string }[] }[];
}
interface Converter {
  convert(prevDecl: string, src: string): ConvertResult;
  inspect(prevDecl: string, src: string, position: number): QuickInfo | undefined;
  complete(prevDecl: string, src: string, position: number): { start: number; end: number; candidates: string[] };
  close(): void;
}
interface ConverterModule {
  createConverter(options?: { isJS?: boolean; isBrowser?: boolean }): Converter;
  isCompleteCode(src: string): { completed: boolean; indent?: string };
}
interface TsSys {
  readFile(path: string, encoding?: string): string | undefined;
  fileExists(path: string): boolean;
  directoryExists(path: string): boolean;
  getDirectories(path: string): string[];
  readDirectory(path: string, ...rest: unknown[]): string[];
  realpath?(path: string): string;
}

/** The outcome of one cell. */
export type CellOutcome =
  | { status: "ok"; hasValue: boolean; value?: unknown }
  | { status: "error"; ename: string; evalue: string; traceback: string[] };

/** Where the kernel's own files and this package are (dist/kernel/.. is the package root). */
export const packageRoot = resolve(dirname(new URL(import.meta.url).pathname), "..", "..");

/**
 * Mounts folders into TypeScript's view of the file system: `<cwd>/node_modules/tsdl` -> this package,
 * `<cwd>/node_modules/@types/tsdl-kernel` -> the kernel's globals (display, input). Real files win.
 */
function mountIntoTypeScript(sys: TsSys, mounts: Map<string, string>): void {
  const real = { ...sys, readFile: sys.readFile, fileExists: sys.fileExists, directoryExists: sys.directoryExists, getDirectories: sys.getDirectories, readDirectory: sys.readDirectory, realpath: sys.realpath };
  const map = (path: string): string => {
    for (const [virtual, target] of mounts) {
      if (path === virtual || path.startsWith(virtual + "/")) {
        if (real.fileExists.call(sys, path) || real.directoryExists.call(sys, path)) return path;
        return target + path.slice(virtual.length);
      }
    }
    return path;
  };
  const parents = new Map<string, string[]>();
  for (const virtual of mounts.keys()) {
    let child = virtual;
    for (let p = dirname(virtual); p !== child && p.includes("node_modules"); child = p, p = dirname(p)) {
      const names = parents.get(p) ?? [];
      const name = child.slice(p.length + 1);
      if (!names.includes(name)) names.push(name);
      parents.set(p, names);
    }
  }
  sys.readFile = (p, enc) => real.readFile.call(sys, map(p), enc);
  sys.fileExists = (p) => real.fileExists.call(sys, map(p));
  sys.directoryExists = (p) => parents.has(p) || real.directoryExists.call(sys, map(p));
  sys.getDirectories = (p) => {
    const own = real.directoryExists.call(sys, map(p)) ? real.getDirectories.call(sys, map(p)) : [];
    return Array.from(new Set([...own, ...(parents.get(p) ?? [])]));
  };
  sys.readDirectory = (p, ...rest) => real.readDirectory.call(sys, map(p), ...rest);
  if (real.realpath) sys.realpath = (p) => (map(p) !== p ? p : real.realpath!.call(sys, p));
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
  private readonly converter: Converter;
  private readonly completeness: ConverterModule["isCompleteCode"];
  private prevDecl = "";
  private readonly exports = cellExports();
  private readonly sideOutputs = new Map<string, string>();
  private readonly sideModules = new Map<string, NodeJS.Module>();
  private readonly baseRequire: NodeJS.Require;
  private interruptCurrent: ((e: Error) => void) | undefined;

  constructor(readonly cwd: string, private readonly tsdl: typeof TsdlModule) {
    const ts = tslabRequire("@tslab/typescript-for-tslab") as { sys: TsSys };
    mountIntoTypeScript(
      ts.sys,
      new Map([
        [join(cwd, "node_modules", "tsdl"), packageRoot],
        [join(cwd, "node_modules", "@types", "tsdl-kernel"), join(packageRoot, "kernel", "types")],
      ]),
    );
    const conv = tslabRequire("./dist/converter.js") as ConverterModule;
    this.converter = conv.createConverter({ isJS: false, isBrowser: false });
    this.completeness = conv.isCompleteCode;
    this.baseRequire = createRequire(join(cwd, "__cell__.js"));
    const g = globalThis as unknown as Record<string, unknown>;
    g.__tsdl_cell__ = { exports: this.exports, require: this.makeRequire(this.baseRequire, cwd) };
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

  /** Type-checks and runs one cell. `name` is the cell's name in tracebacks, e.g. `cell[3]`. */
  async run(src: string, name: string): Promise<CellOutcome> {
    let converted: ConvertResult;
    try {
      converted = this.converter.convert(this.prevDecl, src);
    } catch (e) {
      return errorOutcome(e, name);
    }
    for (const out of converted.sideOutputs ?? []) {
      this.sideModules.delete(out.path);
      this.sideOutputs.set(out.path, out.data);
    }
    if (converted.diagnostics.length > 0) return typeErrors(converted.diagnostics, src, name);
    if (!converted.output) {
      this.prevDecl = converted.declOutput ?? "";
      return { status: "ok", hasValue: false };
    }
    // Let a Ctrl-C that arrived while the cell was being type-checked run its handler, and honour it.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.tsdl.interruptSignal().aborted) {
      return { status: "error", ename: "KeyboardInterrupt", evalue: "the cell was interrupted before it started", traceback: ["\x1b[31mKeyboardInterrupt\x1b[0m: the cell was interrupted before it started"] };
    }
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
      const value = this.exports[converted.lastExpressionVar];
      delete this.exports[converted.lastExpressionVar];
      return { status: "ok", hasValue: value !== undefined, value };
    }
    return { status: "ok", hasValue: false };
  }

  /** Ends the running async cell now with KeyboardInterrupt (the kernel calls this after a grace period). */
  abortCurrent(): void {
    this.interruptCurrent?.(new this.tsdl.KeyboardInterrupt("the cell was interrupted"));
  }

  get running(): boolean {
    return this.interruptCurrent !== undefined;
  }

  isComplete(src: string): { status: "complete" | "incomplete" | "invalid"; indent?: string } {
    const r = this.completeness(src);
    if (!r.completed) return { status: "incomplete", indent: r.indent ?? "" };
    const errors = syntaxErrors(src);
    // An open template literal or block comment goes on in the next line; anything else is a mistake.
    if (errors.some((d) => d.code === UNTERMINATED_TEMPLATE || d.code === COMMENT_NOT_CLOSED)) return { status: "incomplete", indent: "" };
    return errors.length > 0 ? { status: "invalid" } : { status: "complete" };
  }

  complete(src: string, position: number): { matches: string[]; cursor_start: number; cursor_end: number } {
    const r = this.converter.complete(this.prevDecl, src, position);
    return { matches: r.candidates, cursor_start: r.start, cursor_end: r.end };
  }

  inspect(src: string, position: number): string | undefined {
    const info = this.converter.inspect(this.prevDecl, src, position);
    if (!info) return undefined;
    const signature = (info.displayParts ?? []).map((p) => p.text).join("");
    const doc = (info.documentation ?? []).map((p) => p.text).join("");
    const tags = (info.tags ?? []).map((t) => `@${t.name} ${(t.text ?? []).map((p) => p.text).join("")}`).join("\n");
    return [signature, doc, tags].filter(Boolean).join("\n\n");
  }

  close(): void {
    this.converter.close();
  }
}

const UNTERMINATED_TEMPLATE = 1160;
const COMMENT_NOT_CLOSED = 1010;

function syntaxErrors(src: string): { code: number }[] {
  const ts = tslabRequire("@tslab/typescript-for-tslab") as {
    createSourceFile(name: string, text: string, target: number, setParents?: boolean, kind?: number): { parseDiagnostics?: { code: number }[] };
    ScriptTarget: { Latest: number };
    ScriptKind: { TS: number };
  };
  return ts.createSourceFile("cell.ts", src, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS).parseDiagnostics ?? [];
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
