// The kernel ends when the process that started it is gone, as ipykernel does ("Parent appears to have
// exited"): a Jupyter server that stops without shutting its kernels down (or is killed) would otherwise
// leave them running under PID 1, a `fit` still training.
//
// Which parent: `JPY_PARENT_PID`, which jupyter_client sets to the server's pid. When that is this
// process' parent, the parent is gone once the parent pid changes (the kernel was re-parented to init or
// a subreaper). When the server started the kernel through something in between (a wrapper script),
// the named process must still exist and the direct parent must not change. Without `JPY_PARENT_PID`,
// the direct parent must not change (unless it is init already: a kernel started by nobody in particular).
//
// The watch runs on a worker thread, so a cell that blocks the main thread (a synchronous loop) cannot
// stop it: the worker tells the main thread (which interrupts the cell and exits cleanly), sends SIGINT
// (which breaks a synchronous cell: the engine runs cells with breakOnSigint), and if the process is
// still there `HARD_EXIT_MS` later, kills it.
import { Worker } from "node:worker_threads";

/** How often the parent is checked. */
export const POLL_MS = 500;
/** After the parent is gone: how long the clean shutdown may take before the process is killed. */
export const HARD_EXIT_MS = 4000;

export interface ParentWatchPlan {
  /** The pid that must stay alive (JPY_PARENT_PID when it is not the direct parent), or 0. */
  alive: number;
  /** The direct parent pid that must not change, or 0 (none to watch: started by init). */
  ppid: number;
  /** In words, for the kernel's log. */
  description: string;
}

/** What to watch, from `JPY_PARENT_PID` and this process' parent; undefined when there is nothing to watch. */
export function parentWatchPlan(env: NodeJS.ProcessEnv = process.env, ppid: number = process.ppid): ParentWatchPlan | undefined {
  const raw = env.JPY_PARENT_PID?.trim();
  const named = raw && /^\d+$/.test(raw) ? Number(raw) : 0;
  const direct = ppid > 1 ? ppid : 0;
  if (named > 1 && named === direct) return { alive: 0, ppid: direct, description: `parent ${direct} (JPY_PARENT_PID)` };
  if (named > 1) return { alive: named, ppid: direct, description: `JPY_PARENT_PID ${named}${direct ? ` and parent ${direct}` : ""}` };
  if (direct) return { alive: 0, ppid: direct, description: `parent ${direct}` };
  return undefined;
}

// Plain CommonJS for an eval'd worker: no loader, no TypeScript, nothing of the kernel's.
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { alive, ppid, pollMs, hardExitMs } = workerData;
function gone() {
  if (ppid && process.ppid !== ppid) return "the kernel's parent process " + ppid + " exited";
  if (alive) {
    try { process.kill(alive, 0); } catch (e) { if (e.code === "ESRCH") return "JPY_PARENT_PID " + alive + " exited"; }
  }
  return undefined;
}
const timer = setInterval(() => {
  const why = gone();
  if (!why) return;
  clearInterval(timer);
  parentPort.postMessage(why);
  // The main thread may be in a synchronous cell: SIGINT breaks it (the kernel's handler interrupts).
  setTimeout(() => { try { process.kill(process.pid, "SIGINT"); } catch {} }, 300);
  setTimeout(() => { try { process.kill(process.pid, "SIGKILL"); } catch {} }, hardExitMs);
}, pollMs);
`;

/**
 * Watches the parent; calls `onGone(reason)` once, on the main thread, when it is gone. The caller stops
 * the running cell and exits; if the process is still running `hardExitMs` later, it is killed.
 * Returns undefined when there is no parent to watch.
 */
export function watchParent(onGone: (reason: string) => void, options: { plan?: ParentWatchPlan; pollMs?: number; hardExitMs?: number } = {}): { plan: ParentWatchPlan; stop(): void } | undefined {
  const plan = options.plan ?? parentWatchPlan();
  if (!plan) return undefined;
  const worker = new Worker(WORKER, {
    eval: true,
    execArgv: [],
    env: {},
    stdout: true,
    stderr: false,
    workerData: { alive: plan.alive, ppid: plan.ppid, pollMs: options.pollMs ?? POLL_MS, hardExitMs: options.hardExitMs ?? HARD_EXIT_MS },
  });
  worker.unref(); // never what keeps a finished process alive
  let called = false;
  worker.on("message", (reason: string) => {
    if (called) return;
    called = true;
    onGone(reason);
  });
  worker.on("error", () => {}); // a watcher that fails must not take the kernel with it
  return { plan, stop: () => void worker.terminate() };
}
