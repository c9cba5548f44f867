// V8's code cache for the big CommonJS bundles the kernel loads at every start (tfjs-core, -layers,
// -converter, -data, the cpu, webgl and wasm backends: 7 MB of JavaScript): compiled once, cached on
// disk, read back by later kernels. Node 20 has no compile cache of its own (module.enableCompileCache
// came in Node 22), so the kernel compiles these files itself, as Node would (the same wrapper, file
// name and arguments), with V8's cachedData.
//
// A cache file is named by the hash of the source it was made from, so a changed file never meets an
// old cache; it is written (to a temporary name, then renamed) a few seconds after the kernel started,
// when it holds the functions the start ran, and only when there was none or V8 rejected it.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import Module from "node:module";
import { dirname, join } from "node:path";
import vm from "node:vm";

interface ModuleInternals {
  _compile(content: string, filename: string): unknown;
  exports: unknown;
  require(id: string): unknown;
}
type ModuleStatics = {
  wrap(script: string): string;
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _extensions: unknown;
  _cache: unknown;
};

/** Only these files: big, loaded at every start, and free of import() (which this compilation cannot serve). */
function wanted(filename: string, content: string): boolean {
  return content.length > 200_000 && filename.includes("/node_modules/@tensorflow/") && !content.includes("import(");
}

/** Compiles the kernel's big CommonJS dependencies with V8's code cache kept in `dir`. Once per process. */
export function enableCompileCache(dir: string): void {
  const proto = Module.prototype as unknown as ModuleInternals & { __tsdlCompileCache?: boolean };
  if (proto.__tsdlCompileCache) return;
  proto.__tsdlCompileCache = true;
  const statics = Module as unknown as ModuleStatics;
  const original = proto._compile;
  const toWrite: { file: string; script: vm.Script }[] = [];
  proto._compile = function (this: ModuleInternals, content: string, filename: string) {
    if (!wanted(filename, content)) return original.call(this, content, filename);
    const file = join(dir, `${createHash("sha256").update(process.version).update(filename).update(content).digest("hex").slice(0, 32)}.v8`);
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(file);
    } catch {
      /* not cached yet */
    }
    const script = new vm.Script(statics.wrap(content), { filename, cachedData });
    if (!cachedData || script.cachedDataRejected) toWrite.push({ file, script });
    const fn = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    const mod = this;
    const require = Object.assign((id: string) => mod.require(id), {
      resolve: Object.assign((request: string, options?: unknown) => statics._resolveFilename(request, mod, false, options), {
        paths: (request: string) => (Module as unknown as { _resolveLookupPaths(r: string, m: unknown): string[] | null })._resolveLookupPaths(request, mod),
      }),
      main: process.mainModule,
      extensions: statics._extensions,
      cache: statics._cache,
    });
    return fn.call(mod.exports, mod.exports, require, mod, filename, dirname(filename));
  };
  // Written once the start's functions have run (they are in the cache then), off the start's path.
  setTimeout(() => {
    for (const { file, script } of toWrite) {
      try {
        mkdirSync(dir, { recursive: true });
        const tmp = `${file}.tmp-${process.pid}`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, file);
      } catch {
        /* a read-only cache folder: the next start compiles again */
      }
    }
  }, 5000).unref();
}
