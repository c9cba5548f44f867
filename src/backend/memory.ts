// Clear errors for tensors too large for the backend. tfjs would fail deep inside with "Invalid typed
// array length: 10000000000", or, on wasm past the 4 GiB heap, write through a null pointer: tsdl checks
// the size first and says what was asked for (shape, dtype, bytes) and what the backend can hold.
//
// The checks sit where tensors get their memory: tfjs-core's creation ops (zeros, ones, fill, random*,
// buffer, eye: their values are a JavaScript typed array before any backend sees them), the wasm
// backend's allocations (every tensor's bytes come from one WebAssembly heap), and any kernel that fails
// to allocate its output (the error gets the kernel's name and input shapes). Importing this module
// installs the creation-op checks; it must be evaluated before `@tensorflow/tfjs` is imported as an ES
// module (src/index.ts imports it first), so that tfjs' namespace already holds the checked functions.
import { createRequire } from "node:module";
import { totalmem } from "node:os";

import { guardTape } from "./failed_tape.js";

const require = createRequire(import.meta.url);

/** A tensor the backend cannot hold (TensorFlow's name for running out of memory). */
export class ResourceExhaustedError extends Error {
  /** The shape asked for, where known. */
  readonly shape?: number[];
  readonly dtype?: string;
  /** The bytes asked for, where known. */
  readonly bytes?: number;
  /** The most the backend can hold, in bytes (for one tensor, or for all on wasm), where known. */
  readonly limitBytes?: number;
  /** The kernel that asked for the memory, where it was one. */
  kernel?: string;
  constructor(message: string, details: { shape?: number[]; dtype?: string; bytes?: number; limitBytes?: number } = {}) {
    super(message);
    this.name = "ResourceExhaustedError";
    Object.assign(this, details);
  }
}

/** V8 (Node 20 and later): a typed array holds at most 2^32 elements. */
export const MAX_TYPED_ARRAY_LENGTH = 2 ** 32;
/** tfjs-backend-wasm's Emscripten heap grows to at most 4 GiB less 64 KiB (wasm32), for all tensors together. */
export const WASM_HEAP_MAX_BYTES = 4294901760;
/**
 * What the tensors (the allocations tfjs makes from JavaScript) may take of the wasm heap: the rest is
 * kept for what its kernels allocate inside (XNNPACK's packed weights and buffers, its own records of
 * tensors) and for fragmentation. A kernel whose own allocation fails there does not fail cleanly: it
 * goes on with a null pointer (wrong numbers, "memory access out of bounds", "Aborted()", and the
 * module is not to be trusted after). keras.io's Xception-like classifier at a batch of 16 (180x180)
 * ended so with 3.9 GiB of heap in use.
 */
export const WASM_TENSOR_BUDGET_BYTES = WASM_HEAP_MAX_BYTES - 512 * 2 ** 20;

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

interface BackendLike {
  wasm?: { _malloc(n: number): number; _free(p: number): void; HEAPU8: Uint8Array; asm?: { malloc?(n: number): number; free?(p: number): void } };
  move?(dataId: object, values: unknown, shape: number[], dtype: string, refCount: number): void;
  device?: { limits?: { maxBufferSize?: number; maxStorageBufferBindingSize?: number } };
}
interface TfLike {
  getBackend(): string;
  backend(): BackendLike;
  memory(): { numBytes: number };
  engine(): { runKernel(name: string, inputs: Record<string, { shape?: number[] }>, attrs?: Record<string, unknown>): unknown };
}

let tfRef: TfLike | undefined;
function tfjs(): TfLike {
  return (tfRef ??= require("@tensorflow/tfjs-core") as TfLike);
}

/** `1,234,567` */
function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** `37.3 GiB`, `512 MiB`, `12 KiB`, `100 bytes` */
export function formatBytes(n: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${v >= 100 || Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

function backendName(): string {
  try {
    return tfjs().getBackend() ?? "unknown";
  } catch {
    return "unknown";
  }
}

function inUse(): string {
  try {
    const n = tfjs().memory().numBytes;
    return n > 0 ? `; tensors take ${formatBytes(n)} of it now` : "";
  } catch {
    return "";
  }
}

/** What the current backend can hold, in words, and as a byte limit for one tensor where there is one. */
export function backendLimit(name = backendName()): { bytes?: number; text: string } {
  const ram = totalmem();
  const js = `JavaScript typed arrays hold at most ${count(MAX_TYPED_ARRAY_LENGTH)} elements`;
  switch (name) {
    case "wasm":
      return {
        bytes: WASM_HEAP_MAX_BYTES,
        text: `its WebAssembly heap holds at most 4 GiB (${count(WASM_HEAP_MAX_BYTES)} bytes) for all tensors together${inUse()}`,
      };
    case "webgpu": {
      let limit: number | undefined;
      try {
        const limits = tfjs().backend().device?.limits;
        limit = limits?.maxStorageBufferBindingSize ?? limits?.maxBufferSize;
      } catch {
        /* no device */
      }
      return limit ? { bytes: limit, text: `its GPU buffers hold at most ${formatBytes(limit)} (${count(limit)} bytes) each` } : { text: `its GPU buffers have a size limit; ${js}` };
    }
    case "tensorflow":
      return { bytes: ram, text: `it allocates in this machine's memory, ${formatBytes(ram)} in all; ${js}` };
    default:
      return { bytes: ram, text: `it keeps each tensor in one JavaScript typed array (at most ${count(MAX_TYPED_ARRAY_LENGTH)} elements) in this machine's memory, ${formatBytes(ram)} in all` };
  }
}

function describe(what: string, shape: number[], dtype: string, elements: number, bytes: number): string {
  return `${what}: ${/^[aeiou]/.test(dtype) ? "an" : "a"} ${dtype} tensor of shape [${shape.join(", ")}] needs ${formatBytes(bytes)} (${count(elements)} elements x ${BYTES_PER_ELEMENT[dtype] ?? "?"} bytes = ${count(bytes)} bytes)`;
}

const ADVICE = "Make it smaller (a smaller batch or image size), or work on it in parts.";

/** Byte limits by backend, worked out once (the webgpu device's limits are a lookup). */
const limitCache = new Map<string, number | undefined>();

/**
 * Throws ResourceExhaustedError if a tensor of this shape and dtype cannot exist on the current backend
 * (more elements than a typed array holds, or more bytes than the backend's limit). Other shapes pass,
 * at the cost of a multiplication: this runs for every tensor on wasm.
 */
export function checkAllocation(what: string, shape: unknown, dtype = "float32"): void {
  if (!Array.isArray(shape)) return;
  let elements = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) return; // tfjs says what is wrong with the shape
    elements *= d;
  }
  const per = BYTES_PER_ELEMENT[dtype];
  if (per === undefined) return;
  const bytes = elements * per;
  const name = backendName();
  if (!limitCache.has(name)) limitCache.set(name, backendLimit(name).bytes);
  const limitBytes = limitCache.get(name);
  if (elements <= MAX_TYPED_ARRAY_LENGTH && (limitBytes === undefined || bytes <= limitBytes)) return;
  const limit = backendLimit(name);
  const why = elements > MAX_TYPED_ARRAY_LENGTH && name !== "cpu" ? `a JavaScript typed array holds at most ${count(MAX_TYPED_ARRAY_LENGTH)} elements, and ${limit.text}` : limit.text;
  throw new ResourceExhaustedError(`${describe(what, shape, dtype, elements, bytes)}, more than the ${name} backend can hold: ${why}. ${ADVICE}`, { shape, dtype, bytes, limitBytes: limit.bytes });
}

const ALLOCATION_FAILURE = /Invalid typed array length|Array buffer allocation failed|Invalid array buffer length|offset is out of bounds|Cannot enlarge memory|Out of memory|OOM/i;

/** An allocation failure (a RangeError from a typed array, a full heap) as ResourceExhaustedError; other errors as they are. */
export function explainAllocationError(e: unknown, what: string, details: { shape?: number[]; dtype?: string; inputs?: string } = {}): unknown {
  if (e instanceof ResourceExhaustedError || !(e instanceof Error) || !ALLOCATION_FAILURE.test(e.message)) return e;
  const limit = backendLimit();
  const asked = details.shape ? ` a ${details.dtype ?? "float32"} tensor of shape [${details.shape.join(", ")}]` : " its output";
  const err = new ResourceExhaustedError(`${what}: the ${backendName()} backend could not allocate${asked}${details.inputs ? ` (inputs ${details.inputs})` : ""}: ${limit.text}. ${ADVICE} (${e.message})`, { shape: details.shape, dtype: details.dtype, limitBytes: limit.bytes });
  err.cause = e;
  return err;
}

/** Argument positions of tfjs-core's creation ops: the shape, and the dtype or a fixed one. */
const CREATION_OPS: Record<string, (args: unknown[]) => [unknown, string | undefined]> = {
  zeros: (a) => [a[0], a[1] as string],
  ones: (a) => [a[0], a[1] as string],
  fill: (a) => [a[0], (a[2] as string) ?? (typeof a[1] === "string" ? "string" : "float32")],
  buffer: (a) => [a[0], a[1] as string],
  randomUniform: (a) => [a[0], a[3] as string],
  randomNormal: (a) => [a[0], a[3] as string],
  truncatedNormal: (a) => [a[0], a[3] as string],
  randomStandardNormal: (a) => [a[0], a[1] as string],
  randomGamma: (a) => [a[0], a[3] as string],
  randomUniformInt: (a) => [a[0], "int32"],
  eye: (a) => [[...((a[2] as number[] | undefined) ?? []), a[0], (a[1] as number | undefined) ?? a[0]], a[3] as string],
};

const GUARDED = Symbol.for("tsdl.allocationGuard");

/** Wraps tfjs-core's creation ops in place (once per process). */
function guardCreationOps(): void {
  const core = require("@tensorflow/tfjs-core") as Record<string | symbol, unknown>;
  if (core[GUARDED]) return;
  for (const [name, args] of Object.entries(CREATION_OPS)) {
    const op = core[name];
    if (typeof op !== "function") continue;
    const guarded = function (this: unknown, ...a: unknown[]) {
      const [shape, dtype] = args(a);
      checkAllocation(`tf.${name}`, shape, dtype ?? "float32");
      try {
        return (op as (...x: unknown[]) => unknown).apply(this, a);
      } catch (e) {
        throw explainAllocationError(e, `tf.${name}`, Array.isArray(shape) ? { shape: shape as number[], dtype: dtype ?? "float32" } : {});
      }
    };
    Object.defineProperty(guarded, "name", { value: name });
    try {
      core[name] = guarded;
    } catch {
      /* a read-only export: tfjs' own error stays */
    }
  }
  core[GUARDED] = true;
}

let liveBytes: (() => number) | undefined;

/** The bytes of the wasm heap that tensors (JavaScript's allocations) take now; undefined off wasm. */
export function wasmTensorBytes(): number | undefined {
  return tfjs().getBackend() === "wasm" ? liveBytes?.() : undefined;
}

/**
 * Checks on the chosen backend: every kernel's allocation failure is explained, and on wasm every tensor's
 * bytes are checked against the heap before they are asked for, and a full heap (malloc returning 0,
 * which tfjs would use as an address) is an error.
 */
export function guardBackend(): void {
  const tf = tfjs();
  guardTape(tf.engine() as unknown as Parameters<typeof guardTape>[0]); // a step that fails for want of memory releases what tfjs' tape kept
  const engine = tf.engine() as ReturnType<TfLike["engine"]> & { [GUARDED]?: boolean };
  if (!engine[GUARDED]) {
    const runKernel = engine.runKernel;
    engine.runKernel = function (name, inputs, attrs) {
      try {
        return runKernel.call(this, name, inputs, attrs);
      } catch (e) {
        const shapes = Object.entries(inputs ?? {})
          .filter(([, t]) => Array.isArray(t?.shape))
          .map(([k, t]) => `${k} [${t.shape!.join(", ")}]`)
          .join(", ");
        if (e instanceof ResourceExhaustedError) {
          // a tensor the kernel asked for: said once, by the innermost kernel
          if (!e.kernel) {
            e.kernel = name;
            e.message = `${name} (kernel${shapes ? `, inputs ${shapes}` : ""}): ${e.message}`;
          }
          throw e;
        }
        const shape = Array.isArray(attrs?.shape) ? (attrs!.shape as number[]) : undefined;
        throw explainAllocationError(e, `${name} (kernel)`, { shape, dtype: typeof attrs?.dtype === "string" ? attrs.dtype : undefined, inputs: shapes || undefined });
      }
    };
    engine[GUARDED] = true;
  }
  if (tf.getBackend() !== "wasm") return;
  const b = tf.backend() as BackendLike & { [GUARDED]?: boolean };
  if (b[GUARDED] || !b.wasm || !b.move) return;
  const wasm = b.wasm;
  // The module's own functions: Emscripten's lazy _malloc/_free stubs replace themselves with these on
  // their first call, which would also replace a wrapper that calls them.
  const malloc = wasm.asm?.malloc ?? wasm._malloc.bind(wasm);
  const free = wasm.asm?.free ?? wasm._free.bind(wasm);
  // The bytes JavaScript has asked of the heap and not freed (tensors, kernels' scratch), by address.
  const sizes = new Map<number, number>();
  let live = 0;
  liveBytes = () => live;
  let asking: { shape: number[]; dtype: string } | undefined;
  const full = (n: number, why: string) => {
    const what = asking ? describe("wasm backend", asking.shape, asking.dtype, asking.shape.reduce((x, y) => x * y, 1), n) : `wasm backend: ${formatBytes(n)} (${count(n)} bytes) asked for`;
    return new ResourceExhaustedError(`${what}, but ${why}. Dispose tensors you no longer need (tf.tidy, dispose()), or make this one smaller (a smaller batch or image size: training keeps every layer's output for the gradients).`, { shape: asking?.shape, dtype: asking?.dtype, bytes: n, limitBytes: WASM_TENSOR_BUDGET_BYTES });
  };
  wasm._malloc = (n: number) => {
    if (n > 0 && live + n > WASM_TENSOR_BUDGET_BYTES) {
      throw full(n, `tensors already take ${formatBytes(live)} of the WebAssembly heap, which holds at most 4 GiB (${count(WASM_HEAP_MAX_BYTES)} bytes), ${formatBytes(WASM_HEAP_MAX_BYTES - WASM_TENSOR_BUDGET_BYTES)} of it kept for the kernels' own buffers`);
    }
    let p: number;
    try {
      p = malloc(n);
    } catch (e) {
      // Emscripten's malloc aborts when the heap cannot grow (the module stays usable: nothing was taken)
      if (!(e instanceof WebAssembly.RuntimeError)) throw e;
      p = 0;
    }
    if (p === 0 && n > 0) throw full(n, `the WebAssembly heap has no room left (tensors take ${formatBytes(live)} of it): it holds at most 4 GiB (${count(WASM_HEAP_MAX_BYTES)} bytes) for all tensors together`);
    if (n > 0 && (p >>> 0) + n > wasm.HEAPU8.length) {
      // A block reaching past the heap's end (seen once, on a fragmented heap near 4 GiB: a native
      // kernel's bounds check caught it; a wasm kernel writing there traps). Given back, and refused.
      free(p);
      throw full(n, `the WebAssembly heap is too fragmented to place it below its 4 GiB end (tensors take ${formatBytes(live)} of it)`);
    }
    if (p !== 0) {
      sizes.set(p >>> 0, n); // (addresses past 2 GiB come back negative, as int32; tfjs frees them unsigned)
      live += n;
    }
    return p;
  };
  wasm._free = (p: number) => {
    const n = sizes.get(p >>> 0);
    if (n !== undefined) {
      sizes.delete(p >>> 0);
      live -= n;
    }
    free(p);
  };
  const move = b.move.bind(b);
  b.move = (dataId, values, shape, dtype, refCount) => {
    checkAllocation("wasm backend", shape, dtype);
    asking = { shape, dtype };
    try {
      move(dataId, values, shape, dtype, refCount);
    } finally {
      asking = undefined;
    }
  };
  b[GUARDED] = true;
}

guardCreationOps();
