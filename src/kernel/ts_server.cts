// The kernel's TypeScript side, in a process of its own: tslab's converter (type-checks a cell against the
// declarations of the cells before it and turns it into CommonJS), completion, inspection and the
// "is this cell complete?" question. The kernel (ts_client.ts) starts it at once and talks to it over
// Node's IPC channel, so the TypeScript program is built while the kernel loads tfjs and the backend.
//
// Started from a start-up snapshot (ts_snapshot.cts) when one is cached, it finds TypeScript already
// loaded and the declaration files (TypeScript's lib, @types/node, tsdl's and tfjs' .d.ts) already
// parsed and bound: a cached file is used only when its text is exactly the file's text now. A snapshot
// built in this very folder also holds the converter itself, built and warmed up (its program read
// tsdl's declarations): it is used when every file that program read is as it was (size and time).
//
// Self-contained on purpose (CommonJS, Node's built-ins, tslab and TypeScript only): it runs as a plain
// script, with or without a snapshot, and the snapshot's builder loads it with a require of its own to
// warm a converter up (`globalThis.__tsdlSnapshotBuild`), then keeps what it made in the snapshot.
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
  | { id: number; op: "isComplete"; src: string };

/** Sent once, when the converter is built (and takes requests). */
export interface ReadyInfo {
  typescript: string;
  /** The snapshot's key when the process started from one. */
  snapshot?: string;
  /** Milliseconds from this process' start to the converter being built. */
  readyMs: number;
  /** True when the converter came warm from the snapshot. */
  warm: boolean;
  /** True when the converter builds one program a cell (loadConverter). */
  onePass: boolean;
}

const UNTERMINATED_TEMPLATE = 1160;
const COMMENT_NOT_CLOSED = 1010;

/** Set by the snapshot's builder while it loads this file: its config, and a require for tslab's files. */
interface Building {
  config: ServerConfig;
  require(id: string): unknown;
  resolve(id: string): string;
}

/** A converter warmed up by the snapshot's builder, in its folder. */
interface Warm {
  config: ServerConfig;
  converter: Converter;
  conv: ConverterModule;
  declarationFiles: Set<string>;
  /** Every file its program read, with its size and modification time then. */
  stamps: [string, number, number][];
  onePass: boolean;
}

const g = globalThis as unknown as { __tsdlSnapshot?: Snapshot; __tsdlSnapshotBuild?: Building; __tsdlWarm?: Warm; __tsdlRealSys?: TsSys; __tsdlGivenAs?: Map<string, string> };
const building = g.__tsdlSnapshotBuild;
const config = building ? building.config : (JSON.parse(process.env.TSDL_TS_SERVER_CONFIG ?? "{}") as ServerConfig);
const tslab = ((): { require(id: string): unknown; resolve(id: string): string } => {
  if (building) return building;
  const r = Module.createRequire(path.join(path.dirname(require.resolve("tslab/package.json")), "package.json"));
  return { require: r, resolve: (id) => r.resolve(id) };
})();
const tsPath = tslab.resolve("@tslab/typescript-for-tslab");
const tsLibDir = path.dirname(tsPath);
const snapshot = g.__tsdlSnapshot;

const stats = { cached: 0, parsed: 0 };
/** Every file the program read (real paths), and the declaration files among them. */
const readFiles = new Set<string>();

// TypeScript itself: the snapshot's copy (registered as the module tslab will require), else loaded now.
if (snapshot && snapshot.tsPath === tsPath && !building) {
  const mod = new Module(tsPath) as NodeJS.Module & { loaded: boolean };
  mod.filename = tsPath;
  mod.loaded = true;
  mod.exports = snapshot.ts;
  (Module as unknown as { _cache: Record<string, NodeJS.Module> })._cache[tsPath] = mod;
}
const ts = tslab.require("@tslab/typescript-for-tslab") as TsModule;

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

/** TypeScript's own file system functions, before any mount (this file may be evaluated twice in a process). */
const realSys = (g.__tsdlRealSys ??= { ...ts.sys });
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
    if (text !== undefined) readFiles.add(realPathOf(p));
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
  if (building) {
    // Nothing is watched in the snapshot's builder: a watcher would keep it from ending, and no handle
    // survives a snapshot. (The warm converter's program so watches nothing; what it makes later is.)
    sys.watchFile = () => unwatched;
    sys.watchDirectory = () => unwatched;
    return;
  }
  if (realSys.watchDirectory) sys.watchDirectory = realSys.watchDirectory;
  if (realSys.watchFile) {
    sys.watchFile = (p, cb, interval, options) =>
      p.includes("/node_modules/") || p.startsWith(tsLibDir + "/") || mapped(p) !== p ? unwatched : realSys.watchFile!.call(sys, p, cb, interval, options);
  }
}

/** Hands TypeScript's parser the snapshot's parsed and bound file when the text is the same. */
function useSnapshotFiles(snap: Snapshot): void {
  const givenAs = (g.__tsdlGivenAs ??= new Map<string, string>());
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

const timings: Record<string, number> = { scriptStart: Math.round(process.uptime() * 1000) };
// The snapshot's TypeScript keeps declaration files' references per session (ts_snapshot.cts): this one.
(globalThis as unknown as Record<string, unknown>).__tsdlSession = JSON.stringify([config.cwd, config.packageRoot, config.kernelTypes]);
if (snapshot) useSnapshotFiles(snapshot);
mountIntoTypeScript(ts.sys);

function sameConfig(a: ServerConfig, b: ServerConfig): boolean {
  return a.cwd === b.cwd && a.packageRoot === b.packageRoot && a.kernelTypes === b.kernelTypes;
}

/** Whether every file the warm converter's program read is still the same size with the same time. */
function unchanged(stamps: Warm["stamps"]): boolean {
  for (const [file, size, mtime] of stamps) {
    try {
      const st = fs.statSync(file);
      if (st.size !== size || st.mtimeMs !== mtime) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * tslab's convert builds the TypeScript program twice a cell when the cell declares anything: once to
 * learn its top-level names from the binder, once more with `export { those names }` appended. The
 * names come from binding the cell alone (binding is per file), so this converter builds it once. And
 * it exports them by name: tslab exported the binder's keys, in which `__x` is `___x` and a `declare
 * global` block is `__global`, so that cells declaring either failed with "Cannot find name". A global
 * that an earlier cell declared (`declare global { var x: T }`) stays declared in all later cells
 * (GLOBAL_BLOCKS_KEPT) and is read there as the global, where tslab read `exports.x` as it does the
 * earlier cells' own names (GLOBALS_STAY).
 */
const TWO_PROGRAMS = `        updateContent(prevDecl, src);
        let declsFile = builder.getSourceFile(declFilename);
        let srcFile = builder.getSourceFile(srcFilename);
        const locals = srcFile.locals;
        const keys = new Set();
        if (locals) {
            locals.forEach((_, key) => {
                keys.add(key);
            });
        }
        if (keys.size > 0) {
            // Export all local variables.
            // TODO: Disallow "export" in the input.
            const suffix = "\\nexport {" + Array.from(keys).join(", ") + "}";
            updateContent(prevDecl, src + suffix);
            declsFile = builder.getSourceFile(declFilename);
            srcFile = builder.getSourceFile(srcFilename);
        }
`;
const ONE_PROGRAM = `        const cell = ts.createSourceFile(srcFilename, srcPrefix + src, transpileTarget, false, ts.ScriptKind.TS);
        ts.bindSourceFile(cell, {});
        const keys = new Set();
        if (cell.locals) cell.locals.forEach((_, key) => { if (!/^__[^_]/.test(key)) keys.add(ts.unescapeLeadingUnderscores(key)); });
        updateContent(prevDecl, keys.size > 0 ? src + "\\nexport {" + Array.from(keys).join(", ") + "}" : src);
        const declsFile = builder.getSourceFile(declFilename);
        const srcFile = builder.getSourceFile(srcFilename);
`;

// A `declare global` block of an earlier cell is kept in the declarations the next cells see (tslab dropped it
// after one cell), and its names are read as globals there.
const KEPT_DECLS = "        declLocals.forEach((sym, key) => {\n            let keep = checkKeepDeclType(checker, locals.get(key));";
const GLOBAL_BLOCKS_KEPT =
  '        declLocals.forEach((sym, key) => {\n            if (key === "__global") { sym.declarations.forEach((decl) => { let node = decl; while (node.parent !== declsSF) node = node.parent; addName(node, key); }); return; }\n            let keep = checkKeepDeclType(checker, locals.get(key));';
const PREV_NAME = "                if (decl.getSourceFile() === declsFile) {";
const GLOBALS_STAY = "                if (decl.getSourceFile() === declsFile && !ts.findAncestor(decl, (n) => ts.isModuleDeclaration(n) && ts.isGlobalScopeAugmentation(n))) {";

// A shorthand property naming an earlier cell's variable (`{ maxlen }`, `({ a } = o)`) is rewritten to
// `{ maxlen: exports.maxlen }`: tslab rewrote only plain identifiers, and the checker gives a shorthand's
// name the property's symbol, so it stayed `{ maxlen }` and failed with "maxlen is not defined".
const WRAP_START = "        function wrapPrevIdentifier(node) {\n            var _a, _b;\n            if (!ts.isIdentifier(node)) {";
const WRAP_SHORTHAND =
  "        function wrapPrevIdentifier(node) {\n            var _a, _b;\n" +
  "            if (ts.isShorthandPropertyAssignment(node) && !node.objectAssignmentInitializer) {\n" +
  "                const value = checker.getShorthandAssignmentValueSymbol(node);\n" +
  "                if (value && (value.declarations || []).some((d) => d.getSourceFile() === declsFile && !ts.findAncestor(d, (n) => ts.isModuleDeclaration(n) && ts.isGlobalScopeAugmentation(n)))) {\n" +
  "                    return ts.factory.createPropertyAssignment(ts.idText(node.name), ts.factory.createPropertyAccessExpression(ts.factory.createIdentifier(\"exports\"), ts.idText(node.name)));\n" +
  "                }\n" +
  "            }\n" +
  "            if (!ts.isIdentifier(node)) {";

/** tslab's converter module, with convert's one program a cell where its code is as expected (`onePass`). */
function loadConverter(): { conv: ConverterModule; onePass: boolean } {
  const file = tslab.resolve("./dist/converter.js");
  const text = fs.readFileSync(file, "utf8");
  const expected = [TWO_PROGRAMS, KEPT_DECLS, PREV_NAME, WRAP_START].every((part) => text.split(part).length === 2);
  if (process.env.TSDL_TSLAB_ONE_PASS === "0" || !expected) return { conv: tslab.require("./dist/converter.js") as ConverterModule, onePass: false };
  const dir = path.dirname(file);
  // Its own relative requires through tslab's (so tspath and util are tslab's), Node's built-ins through this file's.
  const req = (id: string): unknown => (Module.isBuiltin(id) ? require(id) : tslab.require(id.startsWith(".") ? `./${path.posix.join("dist", id)}` : id));
  const mod = { exports: {} as unknown };
  new Function("exports", "require", "module", "__filename", "__dirname", text.replace(TWO_PROGRAMS, ONE_PROGRAM).replace(KEPT_DECLS, GLOBAL_BLOCKS_KEPT).replace(PREV_NAME, GLOBALS_STAY).replace(WRAP_START, WRAP_SHORTHAND))(mod.exports, req, mod, file, dir);
  return { conv: mod.exports as ConverterModule, onePass: true };
}

const warm = !building && g.__tsdlWarm && sameConfig(g.__tsdlWarm.config, config) && unchanged(g.__tsdlWarm.stamps) ? g.__tsdlWarm : undefined;
const loaded = warm ? { conv: warm.conv, onePass: warm.onePass } : loadConverter();
const conv = loaded.conv;
const converter = warm ? warm.converter : conv.createConverter({ isJS: false, isBrowser: false });
const declarationFiles = warm ? warm.declarationFiles : new Set<string>();
timings.converter = Math.round(process.uptime() * 1000);

function noteDeclarations(): void {
  for (const f of readFiles) if (f.endsWith(".d.ts")) declarationFiles.add(f);
}

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

interface AstNode {
  kind: number;
  awaitModifier?: unknown;
}
const astApi = ts as unknown as {
  SyntaxKind: { ForOfStatement: number };
  forEachChild<T>(node: AstNode, visit: (child: AstNode) => T | undefined): T | undefined;
  isFunctionLike(node: AstNode): boolean;
  isClassLike(node: AstNode): boolean;
};

/**
 * Whether a cell has a `for await` outside any function or class. TypeScript reports a top-level
 * `await` (tslab then runs the cell as an async function) but not a top-level `for await`, so such a
 * cell ran as a plain function and failed with "Unexpected reserved word" (keras.io's
 * `for batch in dataset.take(1)`, written `for await (const batch of dataset.take(1))`).
 */
function hasTopLevelForAwait(src: string): boolean {
  if (!/\bfor\s+await\b/.test(src)) return false;
  const file = ts.createSourceFile("cell.ts", src, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS) as unknown as AstNode;
  const visit = (node: AstNode): true | undefined => {
    if (astApi.isFunctionLike(node) || astApi.isClassLike(node)) return undefined;
    if (node.kind === astApi.SyntaxKind.ForOfStatement && node.awaitModifier) return true;
    return astApi.forEachChild(node, visit);
  };
  return visit(file) === true;
}

function handle(req: Request): unknown {
  switch (req.op) {
    case "convert": {
      const r = converter.convert(req.prevDecl, req.src);
      if (!r.hasToplevelAwait && r.output !== undefined && hasTopLevelForAwait(req.src)) r.hasToplevelAwait = true;
      return r;
    }
    case "complete": {
      const r = converter.complete(req.prevDecl, req.src, req.position);
      return { matches: r.candidates, cursor_start: r.start, cursor_end: r.end };
    }
    case "inspect":
      return inspect(req.prevDecl, req.src, req.position) ?? null;
    case "isComplete":
      return isComplete(req.src);
  }
}

/** Sent once, after the first conversion (a cell's, or the warm-up's): the declaration files it read. */
export interface FilesInfo {
  /** Declaration files taken from the snapshot, and parsed here (changed, or not in it), so far. */
  cached: number;
  parsed: number;
  /** True when the converter came warm from the snapshot (its program built in the snapshot's builder). */
  warm: boolean;
  /** The declaration files the program read (real paths): what a snapshot should hold. */
  declarationFiles: string[];
  /** Milliseconds from this process' start to: this script running, the converter made, the first conversion done. */
  timings: Record<string, number>;
}

function warmUp(): void {
  try {
    const src = config.warmUp ?? "";
    converter.convert("", src);
  } catch {
    /* the first real cell reports whatever this was */
  }
}

/**
 * Completion and inspection have code paths of their own, as slow the first time: JupyterLab drops a
 * completion that takes over a second, so the first Tab must find them warm too. (Not in the snapshot's
 * builder: what they leave behind cannot be snapshotted.)
 */
function warmUpServices(): void {
  const src = config.warmUp ?? "";
  try {
    converter.complete("", `${src}\n__tsdl_warm_up__.tf.ze`, src.length + 23);
    converter.inspect("", `${src}\nMath.max`, src.length + 6);
  } catch {
    /* a real request reports whatever this was */
  }
}

if (building) {
  // In the snapshot's builder: warm the converter up and leave it in the heap the snapshot keeps.
  warmUp();
  noteDeclarations();
  const stamps: Warm["stamps"] = [];
  for (const f of readFiles) {
    try {
      const st = fs.statSync(f);
      stamps.push([f, st.size, st.mtimeMs]);
    } catch {
      /* gone already: the stamps cannot match it, and the converter is not used */
      stamps.push([f, -1, -1]);
    }
  }
  g.__tsdlWarm = { config, converter, conv, declarationFiles, stamps, onePass: loaded.onePass };
} else {
  serve();
}

function serve(): void {
  /** How long a process from a warm snapshot waits for a first cell before warming completion up itself. */
  const WARM_UP_IDLE_MS = 1000;
  let converted = false;
  const firstConversionDone = () => {
    if (converted) return;
    converted = true;
    noteDeclarations();
    timings.firstConversion = Math.round(process.uptime() * 1000);
    const files: FilesInfo = { cached: stats.cached, parsed: stats.parsed, warm: !!warm, declarationFiles: Array.from(declarationFiles).sort(), timings };
    process.send!({ files });
  };

  // Jupyter interrupts the kernel's process group; this process has its own, and ignores SIGINT anyway.
  process.on("SIGINT", () => {});
  // The kernel is gone (it exited, or was killed): so is its TypeScript.
  process.on("disconnect", () => process.exit(0));
  // A reply the kernel can no longer take (it exited meanwhile): end quietly as well.
  process.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE" || e.code === "ERR_IPC_CHANNEL_CLOSED") process.exit(0);
    throw e;
  });
  let servicesWarm = false;
  const warmServices = () => {
    if (servicesWarm) return;
    servicesWarm = true;
    warmUpServices();
  };
  process.on("message", (msg: Request) => {
    let reply: { id: number; result?: unknown; error?: string };
    try {
      reply = { id: msg.id, result: handle(msg) };
    } catch (e) {
      reply = { id: msg.id, error: (e as Error)?.stack ?? String(e) };
    }
    process.send!(reply);
    if (msg.op === "convert") {
      firstConversionDone();
      setImmediate(warmServices); // after the first cell's reply, not before it
    }
  });

  const ready: ReadyInfo = { typescript: ts.version, readyMs: Math.round(process.uptime() * 1000), warm: !!warm, onePass: loaded.onePass, ...(snapshot ? { snapshot: snapshot.key } : {}) };
  process.send!({ ready });

  if (!config.warmUp) return;
  if (warm) {
    // The declarations came loaded with the snapshot: the kernel answers its first kernel_info now, and
    // the frontend's first cell (which comes at once from nbclient, from a user later) goes first. The
    // warm-up of completion and inspection waits until this process has been idle a moment.
    setTimeout(() => {
      if (converted) return;
      warmServices();
      firstConversionDone();
    }, WARM_UP_IDLE_MS);
    return;
  }
  // No snapshot: the warm-up loads tsdl's declarations (and the types the first cells use) now, since
  // the kernel's first kernel_info waits for them; a cell already waiting goes first.
  setImmediate(() => {
    if (converted) return;
    warmUp();
    warmServices();
    firstConversionDone();
  });
}
