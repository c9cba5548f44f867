// The kernel's end of its TypeScript process (ts_server.cts): starts it at once, from the start-up
// snapshot when one is cached for this Node and TypeScript, asks it to convert, complete and inspect
// cells, starts a fresh one if it dies, and builds the snapshot in the background when there is none.
//
// The snapshot (ts_snapshot.cts) lives in `$TSDL_KERNEL_CACHE`, else `<TSDL_HOME>/cache/kernel`, named by
// a key of everything it depends on (Node's binary and version, its V8 flags, TypeScript's file, the
// builder); it is written to a temporary name and renamed, so a kernel never sees half of one.
// TSDL_KERNEL_SNAPSHOT=0 turns it off (neither used nor built).
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tsdlHome } from "../data/home.js";
import { trace } from "./trace.js";
import type { FilesInfo, ReadyInfo, Request } from "./ts_server.cjs";

export type { FilesInfo, ReadyInfo } from "./ts_server.cjs";

/** V8 flags of the TypeScript process; a snapshot is only valid under the flags it was built with. */
const FLAGS = ["--max-semi-space-size=32"];

/** What tslab's converter compiles cells with (tslab 1.0.22 on Node 18+), as the snapshot binds declarations for it. */
const TSLAB_OPTIONS = {
  module: 99, // ESNext
  moduleResolution: 2, // Node10
  esModuleInterop: true,
  target: 9, // ES2022
  declaration: true,
  newLine: 1,
  noImplicitUseStrict: true,
  experimentalDecorators: true,
  resolveJsonModule: true,
  jsx: 2, // React
  allowJs: true,
  checkJs: true,
  disableTopLevelAwait: true,
  skipLibCheck: true,
};

/** The first cell's declarations, loaded before it arrives. */
const WARM_UP = 'import * as __tsdl_warm_up__ from "tsdl";\n__tsdl_warm_up__.tf.zeros; __tsdl_warm_up__.keras.Sequential;';

const here = dirname(fileURLToPath(import.meta.url));
/** The package root (src/kernel/.. or dist/kernel/..). */
export const packageRoot = join(here, "..", "..");
const compiled = existsSync(join(here, "ts_server.cjs"));

function serverCommand(): { script: string; execArgv: string[] } {
  // From dist: the compiled script. From src (tests under tsx): the TypeScript source, through tsx.
  return compiled ? { script: join(here, "ts_server.cjs"), execArgv: [] } : { script: join(here, "ts_server.cts"), execArgv: ["--import", import.meta.resolve("tsx")] };
}

export function snapshotDir(): string {
  return process.env.TSDL_KERNEL_CACHE || join(tsdlHome(), "cache", "kernel");
}

function snapshotsWanted(): boolean {
  return compiled && process.env.TSDL_KERNEL_SNAPSHOT !== "0";
}

const tslabRequire = () => createRequire(createRequire(import.meta.url).resolve("tslab/package.json"));

function typescriptPath(): string {
  return tslabRequire().resolve("@tslab/typescript-for-tslab");
}

/** What the TypeScript process is started with. */
export interface ServerConfig {
  cwd: string;
  packageRoot: string;
  kernelTypes: string;
  warmUp: string;
}

function serverConfig(cwd: string): ServerConfig {
  return { cwd, packageRoot, kernelTypes: join(packageRoot, "kernel", "types"), warmUp: WARM_UP };
}

/**
 * Everything a snapshot depends on but the folder: Node's binary, its flags, TypeScript, the builder and
 * the server, and tsdl's own declarations (the snapshot holds them parsed, and TypeScript does not read
 * them again: after a rebuild or an upgrade of tsdl, cells were checked against the old API). Every build
 * rewrites all of dist/, so dist/index.d.ts's size and time stand for all of them.
 */
export function snapshotKey(): string {
  const ts = typescriptPath();
  const t = statSync(ts);
  const own = ["ts_snapshot.cjs", "ts_server.cjs"].map((f) => (existsSync(join(here, f)) ? readFileSync(join(here, f), "utf8") : ""));
  const declarations = join(packageRoot, "dist", "index.d.ts");
  const d = existsSync(declarations) ? statSync(declarations) : undefined;
  return createHash("sha256")
    .update(JSON.stringify([process.execPath, process.version, process.versions.v8, process.arch, FLAGS, ts, t.size, t.mtimeMs, own, TSLAB_OPTIONS, d?.size, d?.mtimeMs]))
    .digest("hex")
    .slice(0, 16);
}

/** The snapshot for this folder: `typescript-<key>-<folder>.blob` (its converter warmed up there). */
export function snapshotPath(config: ServerConfig): string {
  const folder = createHash("sha256").update(JSON.stringify(config)).digest("hex").slice(0, 12);
  return join(snapshotDir(), `typescript-${snapshotKey()}-${folder}.blob`);
}

/**
 * The snapshot to start from: this folder's only. (Another folder's parsed declarations were once used
 * too, but TypeScript keeps what it resolved on a parsed file, so a module such as "tsdl", found in that
 * folder by another path, was then not found in this one.)
 */
function pickSnapshot(config: ServerConfig): string | undefined {
  const own = snapshotPath(config);
  return existsSync(own) ? own : undefined;
}

/** Folders' snapshots kept at most (the most recently used). */
export const MAX_SNAPSHOTS = 4;

/** A request without its id (the client numbers them). */
export type RequestBody = Request extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

/**
 * Snapshots for another Node, TypeScript or kernel are of no more use, and only the most recently used
 * MAX_SNAPSHOTS folders' are kept: the rest is removed when a snapshot is built.
 */
function pruneSnapshots(key: string, building: string): void {
  const dir = snapshotDir();
  const mine: { f: string; t: number }[] = [];
  for (const f of readdirSync(dir)) {
    const full = join(dir, f);
    if (!f.startsWith("typescript-")) continue;
    if (!f.startsWith(`typescript-${key}`)) {
      if (/\.(blob|json)$/.test(f)) rmQuietly(full);
    } else if (f.endsWith(".blob") && full !== building) {
      mine.push({ f: full, t: statSync(full).mtimeMs });
    }
  }
  mine.sort((a, b) => b.t - a.t);
  for (const { f } of mine.slice(MAX_SNAPSHOTS - 1)) rmQuietly(f);
}

/**
 * Takes a build's lock file; a lock left by a builder that is no longer running (its pid is in the
 * file), or older than 10 minutes, is taken over.
 */
function takeLock(lock: string): boolean {
  try {
    closeSync(openSync(lock, "wx"));
    return true;
  } catch {
    let stale = true;
    try {
      const pid = Number(readFileSync(lock, "utf8"));
      const young = Date.now() - statSync(lock).mtimeMs < 600_000;
      if (young && pid > 0) {
        process.kill(pid, 0); // throws when there is no such process
        stale = false;
      } else if (young && Date.now() - statSync(lock).mtimeMs < 10_000) {
        stale = false; // just taken, its pid not written yet
      }
    } catch {
      /* no such process, or no lock any more */
    }
    if (stale) writeFileSync(lock, "");
    return stale;
  }
}

function rmQuietly(f: string): void {
  try {
    unlinkSync(f);
  } catch {
    /* another kernel removed it */
  }
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export interface TypeScriptServerOptions {
  cwd: string;
  log: (s: string) => void;
  /** Use (and build when missing) the start-up snapshot: default unless TSDL_KERNEL_SNAPSHOT=0. */
  snapshot?: boolean;
}

export class TypeScriptServer {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readyPromise!: Promise<ReadyInfo>;
  private building = false;
  private closed = false;
  private starts = 0;
  /** How the current process started. */
  info: ReadyInfo | undefined;
  /** Whether the current process was started from this folder's start-up snapshot (known at its spawn). */
  fromSnapshot = false;
  /** What its first conversion read. */
  files: FilesInfo | undefined;
  private filesPromise!: Promise<FilesInfo>;
  private filesResolve!: (f: FilesInfo) => void;

  constructor(private readonly options: TypeScriptServerOptions) {
    this.spawn(this.options.snapshot ?? snapshotsWanted());
  }

  /** Resolves when the converter is built and takes requests. */
  get ready(): Promise<ReadyInfo> {
    return this.readyPromise;
  }

  /**
   * Resolves when the TypeScript process has tsdl's declarations loaded: at once from a warm start-up
   * snapshot (they are in it), else after the first conversion, which loads them.
   */
  get declarationsLoaded(): Promise<void> {
    return this.readyPromise.then((info) => (info.warm ? undefined : this.filesPromise.then(() => undefined)));
  }

  /** Resolves after the first conversion (a cell's or the warm-up's), with the declaration files it read. */
  get firstConversion(): Promise<FilesInfo> {
    return this.filesPromise;
  }

  private spawn(useSnapshot: boolean): void {
    if (++this.starts > 4) {
      this.readyPromise = Promise.reject(new Error("the TypeScript process keeps exiting (see the kernel's log)"));
      this.readyPromise.catch(() => {});
      return;
    }
    const { script, execArgv } = serverCommand();
    const config = serverConfig(this.options.cwd);
    let blob: string | undefined;
    if (useSnapshot) {
      try {
        blob = pickSnapshot(config);
        if (blob) utimesSync(blob, new Date(), new Date()); // recently used: kept
      } catch {
        /* no TypeScript to key on: tslab's converter will say so */
      }
    }
    this.fromSnapshot = blob !== undefined;
    const t0 = performance.now();
    // A process group of its own: Jupyter interrupts the kernel's group with SIGINT, and this process
    // has no cell to stop. It exits when the kernel's IPC channel closes.
    const child = spawn(process.execPath, [...FLAGS, ...(blob ? ["--snapshot-blob", blob] : []), ...execArgv, script], {
      cwd: this.options.cwd,
      env: { ...process.env, TSDL_TS_SERVER_CONFIG: JSON.stringify(config) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      detached: true,
    });
    this.child = child;
    trace(`TypeScript process spawned${blob ? " from the start-up snapshot" : ""}`);
    let readyResolve!: (info: ReadyInfo) => void;
    let readyReject!: (e: Error) => void;
    this.readyPromise = new Promise<ReadyInfo>((resolve, reject) => ((readyResolve = resolve), (readyReject = reject)));
    this.filesPromise = new Promise<FilesInfo>((resolve) => (this.filesResolve = resolve));
    this.readyPromise.catch(() => {});
    child.on("message", (msg: { ready?: ReadyInfo; files?: FilesInfo; id?: number; result?: unknown; error?: string }) => {
      if (msg.ready) {
        trace("TypeScript ready");
        this.info = msg.ready;
        this.options.log(
          `TypeScript ${msg.ready.typescript} ready in ${Math.round(performance.now() - t0)} ms` +
            (blob ? ` from the start-up snapshot${msg.ready.warm ? ", its converter warm" : " (declarations only: made in another folder, or files changed)"}` : " (no start-up snapshot)"),
        );
        readyResolve(msg.ready);
        return;
      }
      if (msg.files) {
        this.files = msg.files;
        this.filesResolve(msg.files);
        const f = msg.files;
        this.options.log(`first conversion done ${Math.round(performance.now() - t0)} ms after the TypeScript process started (${f.cached} declaration files from the snapshot, ${f.parsed} parsed)`);
        if (useSnapshot && !f.warm) void this.buildSnapshot(config, f.declarationFiles);
        return;
      }
      const p = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
      if (!p) return;
      this.pending.delete(msg.id!);
      if (msg.error !== undefined) p.reject(new Error(`the TypeScript process failed: ${msg.error}`));
      else p.resolve(msg.result);
    });
    child.on("error", (e) => this.options.log(`TypeScript process: ${e.message}`));
    child.on("exit", (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      const why = new Error(`the TypeScript process exited (${signal ?? `code ${code}`})`);
      for (const p of this.pending.values()) p.reject(why);
      this.pending.clear();
      if (this.closed) return;
      this.options.log(`${why.message}${blob ? "; starting it again without the start-up snapshot" : "; starting it again"}`);
      if (!this.info && blob) {
        // It could not start from this snapshot (a Node that differs after all, a broken file): drop it.
        try {
          unlinkSync(blob);
        } catch {
          /* already gone */
        }
      }
      readyReject(why);
      this.spawn(false);
    });
  }

  /** Sends one request (after the process is ready), restarting the process if it died. */
  async request<T>(req: RequestBody): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.readyPromise;
      } catch {
        await this.readyPromise; // the restarted process
      }
      const child = this.child;
      if (!child?.connected) throw new Error("the TypeScript process is not running");
      const id = this.nextId++;
      try {
        return await new Promise<T>((resolve, reject) => {
          this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
          child.send({ ...req, id });
        });
      } catch (e) {
        if (attempt >= 1 || !/exited/.test((e as Error).message)) throw e;
      }
    }
  }

  /**
   * Builds the start-up snapshot in a low-priority process that outlives the kernel if need be; the
   * promise settles when that process ends, true when the snapshot is in place.
   */
  buildSnapshot(config: ServerConfig, files: string[]): Promise<boolean> {
    if (this.building || !snapshotsWanted()) return Promise.resolve(false);
    this.building = true;
    let lockTaken: string | undefined;
    try {
      const key = snapshotKey();
      const target = snapshotPath(config);
      mkdirSync(dirname(target), { recursive: true });
      const lock = `${target}.lock`;
      if (!takeLock(lock)) return Promise.resolve(false); // another kernel is building it
      lockTaken = lock;
      // The files of every folder the kernel ran in so far (each may see another @types/node): the last
      // build's list, which is kept beside its snapshot, and this one's.
      const manifest = join(snapshotDir(), `typescript-${key}.files.json`);
      let before: string[] = [];
      try {
        before = (JSON.parse(readFileSync(manifest, "utf8")) as { files: string[] }).files;
      } catch {
        /* the first build */
      }
      const all = Array.from(new Set([...before, ...files])).filter((f) => existsSync(f)).sort();
      pruneSnapshots(key, target);
      const input = `${target}.input-${process.pid}.json`;
      const tslab = tslabRequire();
      const paths = { "tslab/package.json": createRequire(import.meta.url).resolve("tslab/package.json"), "@tslab/typescript-for-tslab": typescriptPath(), semver: tslab.resolve("semver") };
      const server = { script: join(here, "ts_server.cjs"), config, paths };
      writeFileSync(input, JSON.stringify({ key: target, tsPath: typescriptPath(), files: all, options: TSLAB_OPTIONS, server }));
      const tmp = `${target}.tmp-${process.pid}`;
      // A snapshot's builder script gets require but no `module` or `exports`, which compiled CommonJS uses.
      const entry = `${target}.entry-${process.pid}.cjs`;
      writeFileSync(entry, `var exports = {};\n${readFileSync(join(here, "ts_snapshot.cjs"), "utf8")}`);
      const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
      const node = [process.execPath, ...FLAGS, "--snapshot-blob", tmp, "--build-snapshot", entry].map(q).join(" ");
      // At the lowest priority where `nice` exists: the kernel's cells come first.
      const script = `N=; command -v nice >/dev/null 2>&1 && N="nice -n 19"; $N ${node} >/dev/null 2>&1 && mv -f ${q(tmp)} ${q(target)} && mv -f ${q(input)} ${q(manifest)}; rm -f ${q(tmp)} ${q(input)} ${q(entry)} ${q(lock)}`;
      const builder = spawn("/bin/sh", ["-c", script], { cwd: config.cwd, env: { ...process.env, TSDL_SNAPSHOT_INPUT: input }, stdio: "ignore", detached: true });
      const done = new Promise<boolean>((resolve) => {
        builder.on("error", () => resolve(false));
        builder.on("exit", () => resolve(existsSync(target)));
      });
      if (builder.pid) writeFileSync(lockTaken, String(builder.pid)); // the builder's: a lock whose process is gone is stale
      lockTaken = undefined; // the builder removes it when it ends
      builder.unref();
      this.options.log(`building the TypeScript start-up snapshot (${all.length} declaration files) in the background: ${target}`);
      return done;
    } catch (e) {
      this.options.log(`no start-up snapshot: ${(e as Error).message}`);
      if (lockTaken) rmQuietly(lockTaken);
      return Promise.resolve(false);
    }
  }

  close(): void {
    this.closed = true;
    this.child?.disconnect?.();
    this.child?.kill();
  }
}

/**
 * Makes the start-up snapshot for kernels started in `cwd` now, unless there is one already (for
 * `tsdl install`, so that the first kernel a user starts is as quick as the later ones): a TypeScript
 * process converts the first cell's usual import, and the snapshot is built from what it read.
 * Resolves with the snapshot's path, or undefined where snapshots are off or it could not be made.
 */
export async function prepareStartupSnapshot(cwd: string, log: (s: string) => void = () => {}): Promise<string | undefined> {
  if (!snapshotsWanted()) return undefined;
  const config = serverConfig(cwd);
  const target = snapshotPath(config);
  if (existsSync(target)) return target;
  const server = new TypeScriptServer({ cwd, log, snapshot: false });
  try {
    await server.request({ op: "convert", prevDecl: "", src: WARM_UP });
    const files = await server.firstConversion;
    return (await server.buildSnapshot(config, files.declarationFiles)) ? target : undefined;
  } finally {
    server.close();
  }
}
