// The kernel's tensor leak hint (`tsdl.config.tensorLeakHint = true`): after a cell, how many of the
// tensors it made are still allocated but held by no top-level variable (nor by the cell's value). Those
// are usually leaks: intermediate results that needed tf.tidy() or dispose(). They can also be tensors
// kept where a walk over the variables cannot see (closures, callbacks, tfjs' own caches), so the line
// says "not reachable from" rather than "leaked".

export interface TensorCensus {
  /** tf.memory().numTensors */
  numTensors: number;
  /** The id the next tensor will get: tensors with this id or later were made after the census. */
  nextId: number;
}

interface TensorLike {
  id: number;
  isDisposed?: boolean;
}

interface TfLike {
  memory(): { numTensors: number };
  engine(): object;
  Tensor: abstract new (...args: never[]) => unknown;
}

/** Counts tensors now (tfjs numbers tensors from a counter on its Engine class). */
export function census(tf: TfLike): TensorCensus {
  const engineClass = Object.getPrototypeOf(tf.engine())?.constructor as { nextTensorId?: number } | undefined;
  return { numTensors: tf.memory().numTensors, nextId: typeof engineClass?.nextTensorId === "number" ? engineClass.nextTensorId : Number.POSITIVE_INFINITY };
}

/** Objects visited at most in one walk (a walk that stops here says so). */
export const MAX_VISITED = 200_000;

/**
 * Properties read through functions too: tsdl's models are function proxies (so that `model(x)` works)
 * that show no properties of their own; their weights, layers and optimizer are read through them.
 */
const THROUGH_FUNCTIONS = ["tf", "weights", "layers", "optimizer"];

/**
 * The live tensors with id >= fromId reachable from `roots` through own properties (data properties
 * only: no getter runs, but for THROUGH_FUNCTIONS on functions), array items, Map keys and values, Set
 * items. Typed arrays, promises and weak collections are not entered; neither are tensors (they hold none).
 */
export function reachableNewTensors(roots: unknown[], fromId: number, isTensor: (v: unknown) => boolean, limit = MAX_VISITED): { count: number; complete: boolean } {
  const seen = new Set<unknown>();
  const found = new Set<unknown>();
  const queue: unknown[] = [...roots];
  while (queue.length) {
    const v = queue.pop();
    if (v === null || (typeof v !== "object" && typeof v !== "function") || seen.has(v) || v === globalThis) continue;
    if (seen.size >= limit) return { count: found.size, complete: false };
    seen.add(v);
    if (isTensor(v)) {
      const t = v as TensorLike;
      if (t.id >= fromId && !t.isDisposed) found.add(v);
      continue;
    }
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof Promise || v instanceof WeakMap || v instanceof WeakSet) continue;
    if (v instanceof Map) {
      for (const [k, x] of v) queue.push(k, x);
    } else if (v instanceof Set) {
      for (const x of v) queue.push(x);
    } else if (typeof v === "function") {
      for (const k of THROUGH_FUNCTIONS) {
        try {
          if (k in v) queue.push(Reflect.get(v, k));
        } catch {
          /* a getter that needs more than it has (an unbuilt model's weights) */
        }
      }
    }
    let keys: (string | symbol)[];
    try {
      keys = Reflect.ownKeys(v);
    } catch {
      continue;
    }
    for (const k of keys) {
      let d: PropertyDescriptor | undefined;
      try {
        d = Reflect.getOwnPropertyDescriptor(v, k);
      } catch {
        continue;
      }
      if (d && "value" in d) queue.push(d.value);
    }
  }
  return { count: found.size, complete: true };
}

/** The hint's line, or undefined when the cell left no tensor beyond those its variables hold. */
export function leakHint(before: TensorCensus, after: TensorCensus, held: { count: number; complete: boolean }): string | undefined {
  const added = after.numTensors - before.numTensors;
  const beyond = added - held.count;
  if (beyond <= 0) return undefined;
  const s = (n: number) => (n === 1 ? "" : "s");
  return (
    `tsdl leak hint: this cell left ${beyond} tensor${s(beyond)} alive that no top-level variable holds ` +
    `(tf.memory().numTensors ${before.numTensors} -> ${after.numTensors}; ${held.count} new tensor${s(held.count)} reachable from the variables${held.complete ? "" : ", the walk stopped early"}). ` +
    `Wrap temporary work in tf.tidy() or dispose() it; tensors kept by closures, callbacks or tfjs' caches count here too.`
  );
}
