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
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tsdlHome } from "../data/home.js";
import type { ReadyInfo, Request } from "./ts_server.cjs";

export type { ReadyInfo } from "./ts_server.cjs";

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

function typescriptPath(): string {
  const tslab = createRequire(createRequire(import.meta.url).resolve("tslab/package.json"));
  return tslab.resolve("@tslab/typescript-for-tslab");
}

/** The snapshot file for this Node, these flags, this TypeScript and this builder. */
export function snapshotPath(): string {
  const ts = typescriptPath();
  const t = statSync(ts);
  const builder = join(here, "ts_snapshot.cjs");
  const key = createHash("sha256")
    .update(JSON.stringify([process.execPath, process.version, process.versions.v8, process.arch, FLAGS, ts, t.size, t.mtimeMs, existsSync(builder) ? readFileSync(builder, "utf8") : "", TSLAB_OPTIONS]))
    .digest("hex")
    .slice(0, 16);
  return join(snapshotDir(), `typescript-${key}.blob`);
}

/** A request without its id (the client numbers them). */
export type RequestBody = Request extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

/** Snapshots for another Node or TypeScript are of no more use: removed when a new one is built. */
function removeOtherSnapshots(keep: string): void {
  const dir = dirname(keep);
  const name = basename(keep, ".blob");
  for (const f of readdirSync(dir)) {
    if (f.startsWith("typescript-") && !f.startsWith(name) && /\.(blob|json)$/.test(f)) {
      try {
        unlinkSync(join(dir, f));
      } catch {
        /* another kernel removed it */
      }
    }
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

  constructor(private readonly options: TypeScriptServerOptions) {
    this.spawn(this.options.snapshot ?? snapshotsWanted());
  }

  /** Resolves when the converter is built and has read tsdl's declarations. */
  get ready(): Promise<ReadyInfo> {
    return this.readyPromise;
  }

  private spawn(useSnapshot: boolean): void {
    if (++this.starts > 4) {
      this.readyPromise = Promise.reject(new Error("the TypeScript process keeps exiting (see the kernel's log)"));
      this.readyPromise.catch(() => {});
      return;
    }
    const { script, execArgv } = serverCommand();
    let blob: string | undefined;
    if (useSnapshot) {
      try {
        const p = snapshotPath();
        if (existsSync(p)) blob = p;
      } catch {
        /* no TypeScript to key on: tslab's converter will say so */
      }
    }
    const config = { cwd: this.options.cwd, packageRoot, kernelTypes: join(packageRoot, "kernel", "types"), warmUp: WARM_UP };
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
    let readyResolve!: (info: ReadyInfo) => void;
    let readyReject!: (e: Error) => void;
    this.readyPromise = new Promise<ReadyInfo>((resolve, reject) => ((readyResolve = resolve), (readyReject = reject)));
    this.readyPromise.catch(() => {});
    child.on("message", (msg: { ready?: ReadyInfo; id?: number; result?: unknown; error?: string }) => {
      if (msg.ready) {
        this.info = msg.ready;
        this.options.log(
          `TypeScript ${msg.ready.typescript} ready in ${Math.round(performance.now() - t0)} ms` +
            (blob ? ` from the start-up snapshot (${msg.ready.cached} declaration files cached, ${msg.ready.parsed} parsed)` : " (no start-up snapshot)"),
        );
        readyResolve(msg.ready);
        if (useSnapshot && (!blob || msg.ready.parsed > msg.ready.cached / 5)) this.buildSnapshot(msg.ready.declarationFiles);
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

  /** Builds the start-up snapshot in a low-priority process that outlives the kernel if need be. */
  private buildSnapshot(files: string[]): void {
    if (this.building || !snapshotsWanted()) return;
    this.building = true;
    try {
      const target = snapshotPath();
      mkdirSync(dirname(target), { recursive: true });
      const lock = `${target}.lock`;
      try {
        closeSync(openSync(lock, "wx"));
      } catch {
        // Another kernel is building it, unless its lock is stale (10 minutes).
        if (Date.now() - statSync(lock).mtimeMs < 600_000) return;
        writeFileSync(lock, "");
      }
      // The files of every folder the kernel ran in so far (each may see another @types/node): the last
      // build's list, which is kept beside its snapshot, and this one's.
      const manifest = `${target}.json`;
      let before: string[] = [];
      try {
        before = (JSON.parse(readFileSync(manifest, "utf8")) as { files: string[] }).files;
      } catch {
        /* the first build */
      }
      const all = Array.from(new Set([...before, ...files])).filter((f) => existsSync(f)).sort();
      removeOtherSnapshots(target);
      const input = `${target}.input-${process.pid}.json`;
      writeFileSync(input, JSON.stringify({ key: target, tsPath: typescriptPath(), files: all, options: TSLAB_OPTIONS }));
      const tmp = `${target}.tmp-${process.pid}`;
      // A snapshot's builder script gets require but no `module` or `exports`, which compiled CommonJS uses.
      const entry = `${target}.entry-${process.pid}.cjs`;
      writeFileSync(entry, `var exports = {};\n${readFileSync(join(here, "ts_snapshot.cjs"), "utf8")}`);
      const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
      const node = [process.execPath, ...FLAGS, "--snapshot-blob", tmp, "--build-snapshot", entry].map(q).join(" ");
      // At the lowest priority where `nice` exists: the kernel's cells come first.
      const script = `N=; command -v nice >/dev/null 2>&1 && N="nice -n 19"; $N ${node} >/dev/null 2>&1 && mv -f ${q(tmp)} ${q(target)} && mv -f ${q(input)} ${q(manifest)}; rm -f ${q(tmp)} ${q(input)} ${q(entry)} ${q(lock)}`;
      const builder = spawn("/bin/sh", ["-c", script], { env: { ...process.env, TSDL_SNAPSHOT_INPUT: input }, stdio: "ignore", detached: true });
      builder.on("error", () => {});
      builder.unref();
      this.options.log(`building the TypeScript start-up snapshot (${all.length} declaration files) in the background: ${target}`);
    } catch (e) {
      this.options.log(`no start-up snapshot: ${(e as Error).message}`);
    }
  }

  close(): void {
    this.closed = true;
    this.child?.disconnect?.();
    this.child?.kill();
  }
}
