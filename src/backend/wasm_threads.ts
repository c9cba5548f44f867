// tfjs-backend-wasm's multi-threaded build (XNNPACK on a pool of pthreads) in Node.js, where tfjs 4.22
// turns it off (tfjs issue #3830). Its Emscripten glue runs pthreads on worker_threads already; four
// things stand in the way, each undone right after the backend starts:
//
// - WASM_HAS_MULTITHREAD_SUPPORT answers false for Node: set to true;
// - the pthread worker script is handed over as a Blob URL, which worker_threads cannot load, and each
//   worker is told to import the main script from another Blob: the worker script is given to
//   worker_threads as source (no file: nothing in a shared temp folder), loading the main script from
//   node_modules instead;
// - the pool is capped at half the logical cores (a guess at hyperthreads; 1 on a 2-core machine):
//   os.cpus() answers twice the cores while the module starts, so the pool gets `threads` (the
//   process' thread budget, threads.ts);
// - the workers would inherit this process' Node options (`--input-type`, a loader for the kernel's
//   TypeScript) that are not theirs: the Worker class the glue takes starts them with none.
//
// A worker that fails while the backend starts ends the start (backend.ts then takes the
// single-threaded build and says why). The pool's pthreads are unref'd so that they never keep a finished script alive, and the spare
// workers the glue starts are stopped. The heap becomes a SharedArrayBuffer, which N-API cannot hand
// to the native addon: threads are for the addon-free path.
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join } from "node:path";
import workerThreads from "node:worker_threads";
import tf from "../tfjs.cjs";
import { threadBudget } from "./threads.js";

const require = createRequire(import.meta.url);
// Where the worker script subscribes to the main thread's messages, in tfjs-backend-wasm 4.22's glue.
const HOOK = 'parentPort.on("message",data=>onmessage({data:data}))';
/** What the glue is told the worker script's URL is; the Worker class below takes it for the script's source. */
const WORKER_SCRIPT = "tsdl:wasm-pthread-worker";

/** Threads wanted: TSDL_WASM_THREADS, else the process' thread budget (threads.ts); the pool's own limit is 8. */
export function wasmThreadsWanted(): number {
  const env = process.env.TSDL_WASM_THREADS;
  if (env !== undefined && env !== "") {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) throw new Error(`TSDL_WASM_THREADS=${JSON.stringify(env)}: expected a whole number of threads, 1 or more`);
    return Math.min(n, 8);
  }
  return Math.min(threadBudget().threads, 8);
}

export interface WasmThreadsPatch {
  /** Undoes the patches (call it once the backend has started or failed). */
  restore(): void;
  /** Rejects when a pthread worker fails while the backend starts (the glue would throw it out of an event). */
  failed: Promise<never>;
  /** Stops every worker the glue started (after a failed start). */
  stop(): void;
}

/**
 * Prepares the next initialisation of the wasm backend to use `threads` threads. Returns `restore`
 * (call it once the backend has started or failed), or undefined with nothing changed where the
 * installed tfjs-backend-wasm does not have the pieces this relies on.
 */
export function prepareWasmThreads(threads: number): WasmThreadsPatch | undefined {
  if (threads < 2) return undefined;
  let mainScript: string;
  let workerContents: string;
  let setThreadsCount: (n: number) => void;
  try {
    mainScript = require.resolve("@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js");
    workerContents = (require(join(dirname(mainScript), "tfjs-backend-wasm-threaded-simd.worker.js")) as { wasmWorkerContents: string }).wasmWorkerContents;
    setThreadsCount = (require("@tensorflow/tfjs-backend-wasm") as { setThreadsCount(n: number): void }).setThreadsCount;
  } catch {
    return undefined;
  }
  if (!workerContents.includes(HOOK) || typeof setThreadsCount !== "function") return undefined;
  // The export keeps the script's "\n" escapes as newlines; the source needs them escaped again.
  const script = workerContents
    .replace(/\n/g, "\\n")
    .replace(HOOK, `parentPort.on("message",data=>{if(data&&data.cmd==="load")data.urlOrBlob=${JSON.stringify(mainScript)};onmessage({data:data})})`);
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  const Worker = workerThreads.Worker;
  URL.createObjectURL = () => WORKER_SCRIPT; // only the glue asks for one while the backend starts
  os.cpus = () => [...cpus(), ...cpus()];
  const workers: workerThreads.Worker[] = [];
  let starting = true;
  /** After a failed start: the pool is being torn down, and its other workers' errors (each of them
   *  fails the same way, a moment apart) must not reach the glue, which throws them out of the event. */
  let abandoned = false;
  let fail!: (e: Error) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {});
  workerThreads.Worker = class extends Worker {
    constructor(file: string | URL, options?: workerThreads.WorkerOptions) {
      // The pthread worker script is handed to worker_threads as source (eval): no file is written, so
      // nothing is shared with other users' processes.
      if (file === WORKER_SCRIPT) super(script, { ...options, eval: true, execArgv: [] });
      else super(file, { ...options, execArgv: [] });
      workers.push(this);
    }
    // While the backend starts, a worker's error ends the start (the glue's listener would throw it
    // out of the event, past every caller); afterwards the glue handles it as it always does.
    emit(event: string | symbol, ...args: unknown[]): boolean {
      if ((starting || abandoned) && event === "error") {
        const e = args[0] as Error | undefined;
        fail(new Error(`a pthread worker failed: ${e?.message ?? String(e)}`));
        return true;
      }
      return super.emit(event, ...args);
    }
  };
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  setThreadsCount(threads);
  return {
    restore() {
      starting = false;
      URL.createObjectURL = createObjectURL;
      os.cpus = cpus;
      workerThreads.Worker = Worker;
    },
    failed,
    stop() {
      abandoned = true;
      for (const w of workers.splice(0)) void w.terminate().catch(() => {});
    },
  };
}

/** After a failed threaded start: the next start is the single-threaded build. */
export function disableWasmThreads(): void {
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  (require("@tensorflow/tfjs-backend-wasm") as { setThreadsCount(n: number): void }).setThreadsCount(1);
}

interface PThreads {
  runningWorkers: { unref(): void }[];
  unusedWorkers: { terminate(): Promise<number> }[];
}

/**
 * Once the wasm backend has started: unrefs the pool's pthreads, stops the spare workers, and returns
 * the threads XNNPACK runs on (1 for the single-threaded build).
 */
export function finishWasmThreads(): number {
  const wasm = (tf.backend() as unknown as { wasm?: { PThread?: PThreads; tfjs: { getThreadsCount(): number } } }).wasm;
  if (!wasm?.PThread) return 1;
  for (const w of wasm.PThread.runningWorkers) w.unref();
  // The glue starts 8 workers up front (~18 MB each); the pool has taken what it needs for good.
  for (const w of wasm.PThread.unusedWorkers.splice(0)) void w.terminate();
  return wasm.tfjs.getThreadsCount();
}
