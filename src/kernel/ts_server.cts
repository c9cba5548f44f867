// The kernel's TypeScript side, in a process of its own: tslab's converter (type-checks a cell against the
// declarations of the cells before it and turns it into CommonJS), completion, inspection and the
// "is this cell complete?" question. The kernel (ts_client.ts) starts it at once and talks to it over
// Node's IPC channel, so the TypeScript program is built while the kernel loads tfjs and the backend.
//
// Started from a start-up snapshot (ts_snapshot.cts) when one is cached, it finds TypeScript already
// loaded and the declaration files (TypeScript's lib, @types/node, tsdl's and tfjs' .d.ts) already
// parsed and bound: a cached file is used only when its text is exactly the file's text now.
//
// Self-contained on purpose (CommonJS, Node's built-ins, tslab and TypeScript only): it runs as a plain
// script, with or without a snapshot.
import fs = require("node:fs");
import path = require("node:path");
import Module = require("node:module");

interface ServerConfig {
  /** The notebook's folder: the cells' `cwd`. */
  cwd: string;
  /** tsdl's package root, mounted at `<cwd>/node_modules/tsdl`. */
  packageRoot: string;
  /** The kernel's globals (display, input, clearOutput), mounted at `<cwd>/node_modules/@types/tsdl-kernel`. */
  kernelTypes: string;
  /** The cell run once at start so the first real cell finds tsdl's declarations loaded. */
  warmUp?: string;
}

interface TsSys {
  readFile(path: string, encoding?: string): string | undefined;
  fileExists(path: string): boolean;
  directoryExists(path: string): boolean;
  getDirectories(path: string): string[];
  readDirectory(path: string, ...rest: unknown[]): string[];
  realpath?(path: string): string;
  watchFile?(path: string, cb: unknown, interval?: number, options?: unknown): { close(): void };
  watchDirectory?(path: string, cb: unknown, recursive?: boolean, options?: unknown): { close(): void };
}

interface SourceFileLike {
  text: string;
  languageVersion: number;
  scriptKind: number;
}

/** What a start-up snapshot leaves on globalThis (see ts_snapshot.cts). */
interface Snapshot {
  ts: unknown;
  tsPath: string;
  files: Map<string, SourceFileLike>;
  key: string;
}

interface ConvertResult {
  output?: string;
  declOutput?: string;
  diagnostics: { start: { line: number; character: number }; messageText: string; code: number; fileName?: string }[];
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

interface TsModule {
  sys: TsSys;
  version: string;
  createSourceFile(name: string, text: string, target: number, setParents?: boolean, kind?: number): { parseDiagnostics?: { code: number }[] };
  ScriptTarget: { Latest: number };
  ScriptKind: { TS: number };
}

export type Request =
  | { id: number; op: "convert"; prevDecl: string; src: string }
  | { id: number; op: "complete"; prevDecl: string; src: string; position: number }
  | { id: number; op: "inspect"; prevDecl: string; src: string; position: number }
  | { id: number; op: "isComplete"; src: string }
  | { id: number; op: "declarationFiles" };

/** Sent once, when the converter is built and warmed up. */
export interface ReadyInfo {
  typescript: string;
  /** The snapshot's key when the process started from one. */
  snapshot?: string;
  /** Declaration files taken from the snapshot, parsed here because they changed or were not in it. */
  cached: number;
  parsed: number;
  /** Milliseconds from this process' start to the converter being warm. */
  readyMs: number;
  /** Milliseconds from this process' start to: this script running, the converter made, the warm-up done. */
  timings: Record<string, number>;
  /** The declaration files the program read (real paths): what a snapshot should hold. */
  declarationFiles: string[];
}

const UNTERMINATED_TEMPLATE = 1160;
const COMMENT_NOT_CLOSED = 1010;

const config = JSON.parse(process.env.TSDL_TS_SERVER_CONFIG ?? "{}") as ServerConfig;
const tslabRoot = path.dirname(require.resolve("tslab/package.json"));
const tslabRequire = Module.createRequire(path.join(tslabRoot, "package.json"));
const tsPath = tslabRequire.resolve("@tslab/typescript-for-tslab");
const tsLibDir = path.dirname(tsPath);
const snapshot = (globalThis as unknown as { __tsdlSnapshot?: Snapshot }).__tsdlSnapshot;

/** Declaration files read while the program was built (real paths): what a snapshot should hold. */
const declarationFiles = new Set<string>();
const stats = { cached: 0, parsed: 0 };

// TypeScript itself: the snapshot's copy (registered as the module tslab will require), else loaded now.
if (snapshot && snapshot.tsPath === tsPath) {
  const mod = new Module(tsPath) as NodeJS.Module & { loaded: boolean };
  mod.filename = tsPath;
  mod.loaded = true;
  mod.exports = snapshot.ts;
  (Module as unknown as { _cache: Record<string, NodeJS.Module> })._cache[tsPath] = mod;
}
const ts = tslabRequire("@tslab/typescript-for-tslab") as TsModule;

const mounts = new Map([
  [path.join(config.cwd, "node_modules", "tsdl"), config.packageRoot],
  [path.join(config.cwd, "node_modules", "@types", "tsdl-kernel"), config.kernelTypes],
]);

/** A path as the file system knows it: through the mounts, then symlinks resolved. */
const realPaths = new Map<string, string>();
function realPathOf(p: string): string {
  let real = realPaths.get(p);
  if (real === undefined) {
    real = mapped(p);
    try {
      real = fs.realpathSync(real);
    } catch {
      /* a file that is not there: keep the path */
    }
    realPaths.set(p, real);
  }
  return real;
}

const realSys = { ...ts.sys };
function mapped(p: string): string {
  for (const [virtual, target] of mounts) {
    if (p === virtual || p.startsWith(virtual + "/")) {
      if (realSys.fileExists.call(ts.sys, p) || realSys.directoryExists.call(ts.sys, p)) return p;
      return target + p.slice(virtual.length);
    }
  }
  return p;
}

/**
 * Mounts folders into TypeScript's view of the file system: `<cwd>/node_modules/tsdl` -> this package,
 * `<cwd>/node_modules/@types/tsdl-kernel` -> the kernel's globals. Real files win. Declaration files
 * under node_modules and TypeScript's own lib are not watched (they do not change under a session; the
 * folders are, so a package installed later is still found).
 */
function mountIntoTypeScript(sys: TsSys): void {
  const parents = new Map<string, string[]>();
  for (const virtual of mounts.keys()) {
    let child = virtual;
    for (let p = path.dirname(virtual); p !== child && p.includes("node_modules"); child = p, p = path.dirname(p)) {
      const names = parents.get(p) ?? [];
      const name = child.slice(p.length + 1);
      if (!names.includes(name)) names.push(name);
      parents.set(p, names);
    }
  }
  sys.readFile = (p, enc) => {
    const text = realSys.readFile.call(sys, mapped(p), enc);
    if (text !== undefined && p.endsWith(".d.ts")) declarationFiles.add(realPathOf(p));
    return text;
  };
  sys.fileExists = (p) => realSys.fileExists.call(sys, mapped(p));
  sys.directoryExists = (p) => parents.has(p) || realSys.directoryExists.call(sys, mapped(p));
  sys.getDirectories = (p) => {
    const own = realSys.directoryExists.call(sys, mapped(p)) ? realSys.getDirectories.call(sys, mapped(p)) : [];
    return Array.from(new Set([...own, ...(parents.get(p) ?? [])]));
  };
  sys.readDirectory = (p, ...rest) => realSys.readDirectory.call(sys, mapped(p), ...rest);
  if (realSys.realpath) sys.realpath = (p) => (mapped(p) !== p ? p : realSys.realpath!.call(sys, p));
  const unwatched = { close() {} };
  if (realSys.watchFile) {
    sys.watchFile = (p, cb, interval, options) =>
      p.includes("/node_modules/") || p.startsWith(tsLibDir + "/") || mapped(p) !== p ? unwatched : realSys.watchFile!.call(sys, p, cb, interval, options);
  }
}

/** Hands TypeScript's parser the snapshot's parsed and bound file when the text is the same. */
function useSnapshotFiles(snap: Snapshot): void {
  const givenAs = new Map<string, string>();
  (globalThis as unknown as Record<string, unknown>).__tsdlSourceFileHook = (fileName: string, text: string, options: unknown, setParents?: boolean, kind?: number) => {
    if (!fileName.endsWith(".d.ts")) return undefined;
    const real = realPathOf(fileName);
    const file = snap.files.get(real);
    const o = options as { languageVersion?: number; impliedNodeFormat?: number } | number;
    const languageVersion = typeof o === "object" ? o.languageVersion : o;
    const fits = file && file.text === text && file.languageVersion === languageVersion && !setParents && (kind === undefined || kind === file.scriptKind) && (typeof o !== "object" || o.impliedNodeFormat === undefined);
    // One SourceFile object belongs to one file name (TypeScript writes the name into it).
    if (!fits || (givenAs.has(real) && givenAs.get(real) !== fileName)) {
      stats.parsed++;
      return undefined;
    }
    givenAs.set(real, fileName);
    stats.cached++;
    return file;
  };
}

function syntaxErrors(src: string): { code: number }[] {
  return ts.createSourceFile("cell.ts", src, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS).parseDiagnostics ?? [];
}

if (snapshot) useSnapshotFiles(snapshot);
mountIntoTypeScript(ts.sys);
const conv = tslabRequire("./dist/converter.js") as ConverterModule;
const timings: Record<string, number> = { scriptStart: Math.round(process.uptime() * 1000) };
const converter = conv.createConverter({ isJS: false, isBrowser: false });
timings.converter = Math.round(process.uptime() * 1000);

function isComplete(src: string): { status: "complete" | "incomplete" | "invalid"; indent?: string } {
  const r = conv.isCompleteCode(src);
  if (!r.completed) return { status: "incomplete", indent: r.indent ?? "" };
  const errors = syntaxErrors(src);
  // An open template literal or block comment goes on in the next line; anything else is a mistake.
  if (errors.some((d) => d.code === UNTERMINATED_TEMPLATE || d.code === COMMENT_NOT_CLOSED)) return { status: "incomplete", indent: "" };
  return errors.length > 0 ? { status: "invalid" } : { status: "complete" };
}

function inspect(prevDecl: string, src: string, position: number): string | undefined {
  const info = converter.inspect(prevDecl, src, position);
  if (!info) return undefined;
  const signature = (info.displayParts ?? []).map((p) => p.text).join("");
  const doc = (info.documentation ?? []).map((p) => p.text).join("");
  const tags = (info.tags ?? []).map((t) => `@${t.name} ${(t.text ?? []).map((p) => p.text).join("")}`).join("\n");
  return [signature, doc, tags].filter(Boolean).join("\n\n");
}

function handle(req: Request): unknown {
  switch (req.op) {
    case "convert":
      return converter.convert(req.prevDecl, req.src);
    case "complete": {
      const r = converter.complete(req.prevDecl, req.src, req.position);
      return { matches: r.candidates, cursor_start: r.start, cursor_end: r.end };
    }
    case "inspect":
      return inspect(req.prevDecl, req.src, req.position) ?? null;
    case "isComplete":
      return isComplete(req.src);
    case "declarationFiles":
      return Array.from(declarationFiles).sort();
  }
}

// Jupyter interrupts the kernel's process group; this process has its own, and ignores SIGINT anyway.
process.on("SIGINT", () => {});
// The kernel is gone (it exited, or was killed): so is its TypeScript.
process.on("disconnect", () => process.exit(0));
process.on("message", (msg: Request) => {
  let reply: { id: number; result?: unknown; error?: string };
  try {
    reply = { id: msg.id, result: handle(msg) };
  } catch (e) {
    reply = { id: msg.id, error: (e as Error)?.stack ?? String(e) };
  }
  process.send!(reply);
});

if (config.warmUp) {
  try {
    converter.convert("", config.warmUp);
  } catch {
    /* the first real cell reports whatever this was */
  }
  timings.warmUp = Math.round(process.uptime() * 1000);
}
const ready: ReadyInfo = {
  typescript: ts.version,
  cached: stats.cached,
  parsed: stats.parsed,
  readyMs: Math.round(process.uptime() * 1000),
  timings,
  declarationFiles: Array.from(declarationFiles).sort(),
  ...(snapshot ? { snapshot: snapshot.key } : {}),
};
process.send!({ ready });
