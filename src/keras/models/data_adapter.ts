// What fit/evaluate/predict accept as data, turned into batches: tensors (sliced and shuffled here) or a
// source of ready batches (an async iterable like ImageDataGenerator's iterators, Keras' fit_generator).
import tf from "../../tfjs.cjs";
import { rowsOf } from "../../backend/row_view.js";

export type Inputs = tf.Tensor | tf.Tensor[];
/**
 * A batch from a generator: [x, y] or [x, y, sampleWeight] (y may be absent for predict; y and the
 * sample weights may be lists, in the model's output order, for a model with several outputs).
 */
export type Batch = [Inputs, Targets] | [Inputs, Targets, Targets] | [Inputs];
/** Labels (or sample weights): one tensor, or one per output. */
export type Targets = tf.Tensor | tf.Tensor[];

/** Anything that yields batches: an async iterable, optionally with a length (batches per epoch). */
export interface BatchSource {
  [Symbol.asyncIterator](): AsyncIterator<Batch | { value: Batch }>;
  /** Batches per epoch, as Keras' Sequence `len()`. */
  readonly length?: number;
}

export function isBatchSource(v: unknown): v is BatchSource {
  return v != null && typeof v === "object" && !(v instanceof tf.Tensor) && !Array.isArray(v) && Symbol.asyncIterator in (v as object);
}

export function asList(x: Inputs): tf.Tensor[] {
  return Array.isArray(x) ? x : [x];
}

/** Accepts tensors and plain (nested) number arrays, as Keras accepts numpy arrays. */
export function toTensor(v: unknown, what: string): tf.Tensor {
  if (v instanceof tf.Tensor) return v;
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return tf.tensor(v as number[]);
  throw new TypeError(`${what} must be a tensor or an array of numbers, got ${v === null ? "null" : typeof v}`);
}

/**
 * A model's input data: a tensor, a list of tensors in the model's input order, or (as Keras takes it)
 * a dict keyed by the input layers' names (`{ title: ..., body: ... }`), put in the model's order.
 */
export function toInputs(v: unknown, what: string, inputNames?: string[]): Inputs {
  if (Array.isArray(v) && v.length > 0 && v.every((t) => t instanceof tf.Tensor)) return v as tf.Tensor[];
  if (inputNames && v !== null && typeof v === "object" && !(v instanceof tf.Tensor) && !Array.isArray(v) && !ArrayBuffer.isView(v)) {
    const dict = v as Record<string, unknown>;
    const unknown = Object.keys(dict).filter((k) => !inputNames.includes(k));
    const missing = inputNames.filter((k) => !(k in dict));
    if (unknown.length || missing.length) {
      throw new Error(`${what}: the dict's keys must be the model's input names (${inputNames.join(", ")}); ` + [missing.length ? `missing ${missing.join(", ")}` : "", unknown.length ? `unknown ${unknown.join(", ")}` : ""].filter(Boolean).join("; "));
    }
    const list = inputNames.map((k) => toTensor(dict[k], `${what}["${k}"]`));
    return list.length === 1 ? list[0] : list;
  }
  return toTensor(v, what);
}

/** The tensors of `made` that the caller did not pass in `given` (conversions made here, to free later). */
export function madeHere(made: Inputs, given: unknown): tf.Tensor[] {
  const theirs = new Set<unknown>(given instanceof tf.Tensor ? [given] : Array.isArray(given) ? given : given && typeof given === "object" ? Object.values(given) : []);
  return asList(made).filter((t) => !theirs.has(t));
}

export function numSamples(x: Inputs): number {
  return asList(x)[0].shape[0];
}

/** Rows `indices` of every tensor. */
export function takeRows(x: Inputs, indices: tf.Tensor1D): Inputs {
  return Array.isArray(x) ? x.map((t) => tf.gather(t, indices)) : tf.gather(x, indices);
}

/** Rows [start, end) of every tensor: views of their memory where the backend can (row_view.ts). */
export function sliceRows(x: Inputs, start: number, end: number): Inputs {
  const f = (t: tf.Tensor) => rowsOf(t, start, end - start);
  return Array.isArray(x) ? x.map(f) : f(x);
}

export function disposeInputs(x: Inputs | undefined): void {
  if (!x) return;
  for (const t of asList(x)) t.dispose();
}

/** Normalises what an iterator yields: `[x, y]`, `[x, y, sampleWeight]`, `{ value: [x, y] }` or `{ xs, ys }`. */
export function unpackBatch(item: unknown, what: string): [Inputs, Targets | undefined, Targets | undefined] {
  const b = item as { xs?: Inputs; ys?: Targets; sampleWeight?: Targets } | Batch;
  if (Array.isArray(b)) return [b[0], b[1], b[2]];
  if (b && typeof b === "object" && "xs" in b && b.xs) return [b.xs, b.ys, b.sampleWeight];
  throw new TypeError(`${what}: each batch must be [x, y] or [x, y, sampleWeight] (or { xs, ys }), got ${b === null ? "null" : typeof b}`);
}
