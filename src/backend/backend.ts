// Chooses the fastest compute backend that works on this machine, once, and says why.
//
// Order: tfjs-node-gpu (CUDA), WebGPU on a real GPU (Dawn), tfjs-node (libtensorflow), WebAssembly with
// tsdl's kernels, plain JS. TSDL_BACKEND=<name> forces one (tensorflow-gpu, webgpu, tensorflow, wasm, cpu).
// Optional packages are looked up at run time: a package that is missing, or that installed but cannot
// load (tfjs-node without its libtensorflow, say), is reported, never fatal.
import { createRequire } from "node:module";
import tf from "../tfjs.cjs";
import { registerWasmKernels } from "./wasm_kernels.js";
import { registerWasmSegmentKernels } from "./wasm_segment_kernels.js";
import { registerWasmDepthwiseKernels } from "./wasm_depthwise_kernels.js";
import { tryWebGPU } from "./webgpu.js";
import { escapeHtml } from "../display/html.js";
import { loadNative, registerNativeKernels } from "./native_kernels.js";
import { disableWasmThreads, prepareWasmThreads, finishWasmThreads, wasmThreadsWanted } from "./wasm_threads.js";
import { guardBackend } from "./memory.js";
import { applyThreadBudget, threadBudget } from "./threads.js";

export type BackendName = "tensorflow-gpu" | "webgpu" | "tensorflow" | "wasm" | "cpu";

export interface BackendAttempt {
  /** The backend, by tsdl's name. */
  name: BackendName;
  /** The npm package that provides it. */
  package: string;
  status: "selected" | "not installed" | "failed" | "skipped";
  /** Why it was not taken (the loader's message), or what was forced; for WebGPU, the adapter. */
  message?: string;
}

export interface BackendReport {
  /** The backend every tensor runs on. */
  name: BackendName;
  /** tfjs' own name for it (`tf.getBackend()`). */
  tfName: string;
  /** True when TSDL_BACKEND chose it. */
  forced: boolean;
  /** Every backend considered, fastest first. */
  attempts: BackendAttempt[];
  /** On wasm: tsdl's native kernels (oneDNN) in use, or why not. */
  native?: { registered: boolean; description: string };
  /** On wasm: the threads XNNPACK runs on (several only without the native kernels). */
  wasmThreads?: number;
  /** On wasm: why the multi-threaded build did not start (the single-threaded one runs instead). */
  wasmThreadsFailure?: string;
  /** The thread budget every pool follows (TSDL_THREADS, OMP_NUM_THREADS, else the CPUs this process may use). */
  threads: number;
  /** Where `threads` comes from, in words. */
  threadsSource: string;
  /** On wasm with the native kernels: the most OpenMP threads oneDNN runs on. */
  nativeThreads?: number;
}

/** How long the threaded wasm build may take to start before the single-threaded one is taken. */
const THREADED_START_MS = 60_000;

const require = createRequire(import.meta.url);

const CANDIDATES: { name: BackendName; package: string; tfName: string }[] = [
  { name: "tensorflow-gpu", package: "@tensorflow/tfjs-node-gpu", tfName: "tensorflow" },
  { name: "webgpu", package: "webgpu + @tensorflow/tfjs-backend-webgpu", tfName: "webgpu" },
  { name: "tensorflow", package: "@tensorflow/tfjs-node", tfName: "tensorflow" },
  { name: "wasm", package: "@tensorflow/tfjs-backend-wasm", tfName: "wasm" },
  { name: "cpu", package: "@tensorflow/tfjs (built in)", tfName: "cpu" },
];

const ALIASES: Record<string, BackendName> = {
  "tensorflow-gpu": "tensorflow-gpu",
  "node-gpu": "tensorflow-gpu",
  "tfjs-node-gpu": "tensorflow-gpu",
  gpu: "tensorflow-gpu",
  webgpu: "webgpu",
  dawn: "webgpu",
  tensorflow: "tensorflow",
  node: "tensorflow",
  "tfjs-node": "tensorflow",
  wasm: "wasm",
  webassembly: "wasm",
  cpu: "cpu",
  js: "cpu",
};

let report: BackendReport | undefined;
let pending: Promise<BackendReport> | undefined;

function isNotInstalled(e: unknown, pkg: string): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === "MODULE_NOT_FOUND" && (err.message ?? "").includes(pkg);
}

/**
 * Starts tfjs' wasm backend: multi-threaded where the native kernels will not run (they need the
 * single-threaded build's plain heap), else, or if the threaded start fails, single-threaded.
 */
async function startWasm(): Promise<boolean> {
  const threads = loadNative().addon ? 1 : wasmThreadsWanted();
  const patch = prepareWasmThreads(threads);
  if (!patch) return tf.setBackend("wasm");
  let timer: NodeJS.Timeout | undefined;
  try {
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`it did not start in ${THREADED_START_MS / 1000} s`)), THREADED_START_MS);
    });
    if (await Promise.race([tf.setBackend("wasm"), patch.failed, late])) return true;
    wasmThreadsFailure = 'tf.setBackend("wasm") returned false';
  } catch (e) {
    wasmThreadsFailure = ((e as Error)?.message ?? String(e)).split("\n")[0];
  } finally {
    clearTimeout(timer);
    patch.restore();
  }
  patch.stop();
  disableWasmThreads();
  return tf.setBackend("wasm");
}

/** Why the threaded wasm build failed to start, for the report. */
let wasmThreadsFailure: string | undefined;

async function tryBackend(c: (typeof CANDIDATES)[number], forced: boolean): Promise<BackendAttempt> {
  if (c.name === "webgpu") {
    try {
      const w = await tryWebGPU(forced);
      if (w.notInstalled) return { name: c.name, package: c.package, status: "not installed" };
      if (!w.ok) return { name: c.name, package: c.package, status: w.adapter ? "failed" : "skipped", message: w.message };
      return { name: c.name, package: c.package, status: "selected", message: `${w.adapter}${w.software ? " (software, slow)" : ""}` };
    } catch (e) {
      return { name: c.name, package: c.package, status: "failed", message: ((e as Error)?.message ?? String(e)).split("\n")[0] };
    }
  }
  try {
    if (c.name === "tensorflow-gpu" || c.name === "tensorflow") {
      require(c.package); // registers the "tensorflow" backend with tfjs-core
    } else if (c.name === "wasm") {
      require(c.package);
    }
    const ok = c.name === "wasm" ? await startWasm() : await tf.setBackend(c.tfName);
    if (!ok) return { name: c.name, package: c.package, status: "failed", message: `tf.setBackend("${c.tfName}") returned false` };
    if (c.name === "wasm") {
      registerWasmKernels();
      registerWasmSegmentKernels(); // the gather gradient (Embedding)
      registerWasmDepthwiseKernels(); // the depthwise convolution gradients (DepthwiseConv2D, SeparableConv2D)
    }
    await tf.ready();
    return { name: c.name, package: c.package, status: "selected" };
  } catch (e) {
    if (isNotInstalled(e, c.package)) return { name: c.name, package: c.package, status: "not installed" };
    const message = (e as Error)?.message ?? String(e);
    return { name: c.name, package: c.package, status: "failed", message: message.split("\n")[0] };
  }
}

/** Parses TSDL_BACKEND; throws a clear error naming the accepted values. */
export function parseBackendName(value: string): BackendName {
  const name = ALIASES[value.trim().toLowerCase()];
  if (!name) {
    throw new Error(`TSDL_BACKEND=${JSON.stringify(value)} is not a backend tsdl knows; expected one of: ${Object.keys(ALIASES).join(", ")}`);
  }
  return name;
}

/**
 * tfjs-backend-cpu prints "Hi, looks like you are running TensorFlow.js in Node.js..." on its first
 * tensor in Node: tsdl has already said which backend it chose and why, so the cpu backend starts quiet.
 */
function quietCpuBackend(): void {
  const cpu = tf.findBackend("cpu") as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
}

async function choose(): Promise<BackendReport> {
  quietCpuBackend();
  const forcedValue = process.env.TSDL_BACKEND;
  const forced = forcedValue ? parseBackendName(forcedValue) : undefined;
  wasmThreadsWanted(); // a bad TSDL_WASM_THREADS is an error here, not a backend that failed
  const budget = threadBudget(); // likewise a bad TSDL_THREADS / OMP_NUM_THREADS
  applyThreadBudget(budget); // before tfjs-node (libtensorflow) or the native addon load
  const attempts: BackendAttempt[] = [];
  let chosen: (typeof CANDIDATES)[number] | undefined;
  for (const c of CANDIDATES) {
    if (chosen) {
      attempts.push({ name: c.name, package: c.package, status: "skipped", message: `a faster backend (${chosen.name}) works` });
      continue;
    }
    if (forced && c.name !== forced) {
      attempts.push({ name: c.name, package: c.package, status: "skipped", message: `TSDL_BACKEND=${forcedValue}` });
      continue;
    }
    const attempt = await tryBackend(c, forced === c.name);
    attempts.push(attempt);
    if (attempt.status === "selected") chosen = c;
  }
  if (!chosen) {
    const why = attempts.map((a) => `${a.name}: ${a.status}${a.message ? ` (${a.message})` : ""}`).join("; ");
    throw new Error(`tsdl: no compute backend works here. ${why}`);
  }
  const native = chosen.name === "wasm" ? registerNativeKernels() : undefined;
  const wasmThreads = chosen.name === "wasm" ? finishWasmThreads() : undefined;
  guardBackend(); // clear errors for tensors too large for it (src/backend/memory.ts)
  const nativeThreads = native?.registered ? loadNative().addon?.threads() : undefined;
  return {
    name: chosen.name,
    tfName: tf.getBackend(),
    forced: forced !== undefined,
    attempts,
    ...(native ? { native } : {}),
    ...(wasmThreads ? { wasmThreads } : {}),
    ...(chosen.name === "wasm" && wasmThreadsFailure ? { wasmThreadsFailure } : {}),
    threads: budget.threads,
    threadsSource: budget.source,
    ...(nativeThreads ? { nativeThreads } : {}),
  };
}

/** Picks and initialises the backend (once); resolves to the report. */
export function ready(): Promise<BackendReport> {
  if (report) return Promise.resolve(report);
  pending ??= choose().then((r) => (report = r));
  return pending;
}

/** The report of the backend in use; throws if `ready()` has not finished. */
export function backend(): BackendReport & { toString(): string } {
  if (!report) throw notReadyError();
  const r = report;
  return Object.assign(Object.create({ toString: () => describeBackend(r), [Symbol.for("Jupyter.display")]: () => backendBundle(r) }), r);
}

/** Throws unless the backend is ready; used by every synchronous entry point that makes tensors. */
export function assertReady(): void {
  if (!report) throw notReadyError();
}

export function isReady(): boolean {
  return report !== undefined;
}

function notReadyError(): Error {
  return new Error("tsdl: the compute backend is not chosen yet: `await tsdl.ready()` first (the tsdl notebook kernel does this before the first cell)");
}

/** One line: `wasm (WebAssembly + tsdl kernels); not taken: tensorflow-gpu (not installed), ...` */
export function describeBackend(r: BackendReport): string {
  const label: Record<BackendName, string> = {
    "tensorflow-gpu": "TensorFlow C library with CUDA (tfjs-node-gpu)",
    webgpu: `WebGPU through Dawn on ${r.attempts.find((a) => a.name === "webgpu")?.message ?? "a GPU"}`,
    tensorflow: "TensorFlow C library on CPU (tfjs-node)",
    wasm: `WebAssembly with tsdl's kernels (tfjs-backend-wasm${(r.wasmThreads ?? 1) > 1 ? `, ${r.wasmThreads} threads` : ""})${r.native?.registered ? ` + ${r.native.description}${r.nativeThreads ? ` on ${r.nativeThreads} thread${r.nativeThreads > 1 ? "s" : ""}` : ""}` : ""}`,
    cpu: "plain JavaScript (slow)",
  };
  const notTaken = r.attempts
    .filter((a) => a.status === "not installed" || a.status === "failed" || (a.status === "skipped" && a.name === "webgpu" && !r.forced))
    .map((a) => `${a.name} ${a.status}${a.message ? `: ${a.message}` : ""}`);
  if (r.native && !r.native.registered) notTaken.push(r.native.description);
  if (r.wasmThreadsFailure) notTaken.push(`the multi-threaded wasm build (${r.wasmThreadsFailure}): single-threaded instead`);
  const budget = r.threads ? `; thread budget ${r.threads} (${r.threadsSource})` : "";
  return `${r.name}: ${label[r.name]}${r.forced ? " [forced by TSDL_BACKEND]" : ""}${budget}` + (notTaken.length ? `; not taken: ${notTaken.join("; ")}` : "");
}

// Each cell says its alignment in a style attribute: JupyterLab's output style right-aligns table cells.
const LEFT = 'style="text-align:left"';

function backendBundle(r: BackendReport): Record<string, string> {
  const rows = r.attempts
    .map((a) => `<tr>${[a.name, a.package, a.status, a.message ?? ""].map((c) => `<td ${LEFT}>${escapeHtml(c)}</td>`).join("")}</tr>`)
    .join("");
  const head = ["backend", "package", "status", "why"].map((h) => `<th ${LEFT}>${h}</th>`).join("");
  return {
    "text/plain": describeBackend(r),
    "text/html": `<div class="tsdl-backend"><b>Backend: ${escapeHtml(r.name)}</b>${r.forced ? " (forced by TSDL_BACKEND)" : ""}${r.native ? `<br>Native kernels: ${escapeHtml(r.native.registered ? r.native.description : r.native.description.replace(/^native kernels /, ""))}` : ""}<table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`,
  };
}
