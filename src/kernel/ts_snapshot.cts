// Builds the kernel's TypeScript start-up snapshot: `node --snapshot-blob FILE --build-snapshot
// ts_snapshot.cjs` with TSDL_SNAPSHOT_INPUT naming a JSON file { key, tsPath, files, options }.
//
// The snapshot holds TypeScript loaded and the declaration files the kernel's program reads (TypeScript's
// lib, @types/node, tsdl's and tfjs' .d.ts) parsed and bound, so a kernel started from it skips most of
// its TypeScript work. TypeScript is evaluated from its own source with one hook added at the top of
// createSourceFile (globalThis.__tsdlSourceFileHook), through which ts_server.cts hands the parser a
// cached file whose text is exactly the file's text now. Binding is per file and depends only on the
// compiler options, which are tslab's own; TypeScript's binder skips a file that is already bound.
//
// With `server` in its input it then warms a converter up for the kernel's folder: it loads ts_server.cjs
// (and through it tslab's converter) with a small CommonJS loader of its own, which the server sees as
// globalThis.__tsdlSnapshotBuild; the converter it builds stays in the snapshot's heap.
//
// A snapshot's builder may require Node's built-ins only (user-land files go through that loader).
import fs = require("node:fs");
import path = require("node:path");

interface SnapshotInput {
  key: string;
  tsPath: string;
  files: string[];
  options: Record<string, unknown>;
  server?: {
    /** ts_server.cjs */
    script: string;
    /** Its config, as the kernel gives it. */
    config: unknown;
    /** Where the bare names tslab's files require are (resolved by the kernel with Node's rules). */
    paths: Record<string, string>;
  };
}

interface Ts {
  createSourceFile(name: string, text: string, options: { languageVersion: number }, setParents: boolean): { text: string };
  bindSourceFile(file: unknown, options: Record<string, unknown>): void;
  ScriptTarget: Record<string, number>;
}

/** The line of TypeScript 5.0's parser the hook goes after. */
const CREATE_SOURCE_FILE = "function createSourceFile(fileName, sourceText, languageVersionOrOptions, setParentNodes = false, scriptKind) {";
const HOOK =
  " { const hook = globalThis.__tsdlSourceFileHook; if (hook) { const cached = hook(fileName, sourceText, languageVersionOrOptions, setParentNodes, scriptKind); if (cached) return cached; } }";

/**
 * TypeScript's builder (tslab's converter uses one) works out every file's references again for each new
 * program, that is for every cell: a declaration file's are kept on it instead, for the session that
 * made them (globalThis.__tsdlSession: the kernel's folder), since its imports resolve the same way.
 */
const GET_REFERENCED_FILES = "function getReferencedFiles(program, sourceFile, getCanonicalFileName) {";
const REFERENCES_KEPT =
  " { const session = globalThis.__tsdlSession; const kept = sourceFile.__tsdlReferences; if (session !== undefined && sourceFile.isDeclarationFile) { if (kept && kept.session === session) return kept.references; const references = getReferencedFilesOnce(program, sourceFile, getCanonicalFileName); sourceFile.__tsdlReferences = { session, references }; return references; } return getReferencedFilesOnce(program, sourceFile, getCanonicalFileName); } }\n        function getReferencedFilesOnce(program, sourceFile, getCanonicalFileName) {";

function build(): void {
  const input = JSON.parse(fs.readFileSync(process.env.TSDL_SNAPSHOT_INPUT!, "utf8")) as SnapshotInput;
  const source = fs.readFileSync(input.tsPath, "utf8");
  if (!source.includes(CREATE_SOURCE_FILE)) throw new Error(`ts_snapshot: ${input.tsPath} has no ${CREATE_SOURCE_FILE} (another TypeScript version)`);
  const mod = { exports: {} as unknown };
  // The references patch is an optimisation: a TypeScript without that line is used as it is.
  const patched = source.replace(CREATE_SOURCE_FILE, CREATE_SOURCE_FILE + HOOK).replace(GET_REFERENCED_FILES, GET_REFERENCED_FILES + REFERENCES_KEPT);
  const run = new Function("exports", "require", "module", "__filename", "__dirname", patched);
  run(mod.exports, require, mod, input.tsPath, path.dirname(input.tsPath));
  const ts = mod.exports as Ts;
  const languageVersion = input.options.target as number;
  const files = new Map<string, unknown>();
  for (const file of input.files) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue; // gone since the list was made
    }
    const sf = ts.createSourceFile(file, text, { languageVersion }, false);
    ts.bindSourceFile(sf, input.options);
    files.set(file, sf);
  }
  (globalThis as unknown as Record<string, unknown>).__tsdlSnapshot = { ts, tsPath: input.tsPath, files, key: input.key };
  if (input.server) warmServer(input.server, input.tsPath, ts);
}

/** Loads ts_server.cjs as the kernel would start it, but to build and warm its converter only. */
function warmServer(server: NonNullable<SnapshotInput["server"]>, tsPath: string, ts: unknown): void {
  const cache = new Map<string, { exports: unknown }>();
  const resolveFrom = (dir: string, id: string): string => {
    if (server.paths[id]) return server.paths[id];
    if (!id.startsWith(".") && !path.isAbsolute(id)) throw new Error(`ts_snapshot: no path for ${JSON.stringify(id)}`);
    const base = path.resolve(dir, id);
    for (const f of [base, `${base}.js`, `${base}.cjs`, `${base}.json`, path.join(base, "index.js")]) {
      if (fs.existsSync(f) && fs.statSync(f).isFile()) return f;
    }
    throw new Error(`ts_snapshot: cannot find ${id} from ${dir}`);
  };
  const load = (file: string): unknown => {
    if (file === tsPath) return ts;
    const hit = cache.get(file);
    if (hit) return hit.exports;
    const mod = { exports: {} as unknown };
    cache.set(file, mod);
    if (file.endsWith(".json")) {
      mod.exports = JSON.parse(fs.readFileSync(file, "utf8"));
      return mod.exports;
    }
    const dir = path.dirname(file);
    // Node's own modules are the builder's to give; the rest are files, loaded here.
    const req = (id: string): unknown => (id.startsWith(".") || path.isAbsolute(id) || server.paths[id] ? load(resolveFrom(dir, id)) : require(id));
    new Function("exports", "require", "module", "__filename", "__dirname", fs.readFileSync(file, "utf8"))(mod.exports, req, mod, file, dir);
    return mod.exports;
  };
  const tslabDir = path.dirname(server.paths["tslab/package.json"]);
  const g = globalThis as unknown as Record<string, unknown>;
  g.__tsdlSnapshotBuild = {
    config: server.config,
    require: (id: string) => load(resolveFrom(tslabDir, id)),
    resolve: (id: string) => resolveFrom(tslabDir, id),
  };
  try {
    load(server.script);
  } finally {
    delete g.__tsdlSnapshotBuild;
  }
}

build();
