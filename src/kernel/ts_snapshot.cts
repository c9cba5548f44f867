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
// A snapshot's builder may require Node's built-ins only: this file uses nothing else.
import fs = require("node:fs");
import path = require("node:path");

interface SnapshotInput {
  key: string;
  tsPath: string;
  files: string[];
  options: Record<string, unknown>;
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

function build(): void {
  const input = JSON.parse(fs.readFileSync(process.env.TSDL_SNAPSHOT_INPUT!, "utf8")) as SnapshotInput;
  const source = fs.readFileSync(input.tsPath, "utf8");
  if (!source.includes(CREATE_SOURCE_FILE)) throw new Error(`ts_snapshot: ${input.tsPath} has no ${CREATE_SOURCE_FILE} (another TypeScript version)`);
  const mod = { exports: {} as unknown };
  const run = new Function("exports", "require", "module", "__filename", "__dirname", source.replace(CREATE_SOURCE_FILE, CREATE_SOURCE_FILE + HOOK));
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
}

build();
