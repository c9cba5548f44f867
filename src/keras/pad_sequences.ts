// keras.utils.pad_sequences (keras/src/utils/sequence_utils.py): a list of sequences of different
// lengths as one [samples, maxlen] tensor (or [samples, maxlen, ...step shape] for sequences of
// vectors), each padded with `value` and cut to `maxlen` at the start ("pre", the default) or the end.
import tf from "../tfjs.cjs";

export interface PadSequencesOptions {
  /** The length of every row. Default the longest sequence's. */
  maxlen?: number;
  /** "int32" (default, values truncated toward zero as numpy casts them) or "float32". */
  dtype?: "int32" | "float32";
  /** Where the padding goes: "pre" (default) or "post". */
  padding?: "pre" | "post";
  /** Which end a longer sequence loses: "pre" (default, the start) or "post". */
  truncating?: "pre" | "post";
  /** The padding value. Default 0. */
  value?: number;
}

type Step = number | readonly number[];
type Sequence = ArrayLike<Step>;

const WHERE = "padSequences";

function sideOption(option: string, v: unknown): "pre" | "post" {
  if (v === undefined) return "pre";
  if (v !== "pre" && v !== "post") throw new Error(`${WHERE}: ${option} must be "pre" or "post", got ${JSON.stringify(v)}`);
  return v;
}

/**
 * `keras.utils.padSequences(sequences, { maxlen, dtype, padding, truncating, value })`: an int32 (or
 * float32) tensor of shape [sequences.length, maxlen] (steps that are vectors add their length).
 */
export function padSequences(sequences: readonly Sequence[] | tf.Tensor, options: PadSequencesOptions = {}): tf.Tensor {
  const seqs: readonly Sequence[] = sequences instanceof tf.Tensor ? (sequences.arraySync() as number[][]) : sequences;
  if (!Array.isArray(seqs)) throw new Error(`${WHERE}: sequences must be a list of sequences (arrays of numbers), got ${typeof sequences}`);
  const dtype = options.dtype ?? "int32";
  if (dtype !== "int32" && dtype !== "float32") throw new Error(`${WHERE}: dtype must be "int32" or "float32", got ${JSON.stringify(options.dtype)}`);
  const padding = sideOption("padding", options.padding);
  const truncating = sideOption("truncating", options.truncating);
  const value = options.value ?? 0;
  if (typeof value !== "number" || Number.isNaN(value)) throw new Error(`${WHERE}: value must be a number, got ${JSON.stringify(options.value)}`);
  // The step shape from the first non-empty sequence, as Keras takes it.
  let step = 1;
  let stepShape: number[] = [];
  const lengths = seqs.map((s, i) => {
    if (s === null || typeof s !== "object" || typeof (s as ArrayLike<Step>).length !== "number") throw new Error(`${WHERE}: sequences must be a list of iterables; sequence ${i} is ${JSON.stringify(s)}`);
    return s.length;
  });
  const first = seqs.find((s) => s.length > 0);
  if (first && typeof first[0] !== "number") {
    stepShape = [(first[0] as readonly number[]).length];
    step = stepShape[0];
  }
  const maxlen = options.maxlen ?? (lengths.length ? Math.max(...lengths) : 0);
  if (!Number.isInteger(maxlen) || maxlen < 0) throw new Error(`${WHERE}: maxlen must be a non-negative integer, got ${JSON.stringify(options.maxlen)}`);
  const cast = dtype === "int32" ? Math.trunc : (v: number) => v;
  const out = (dtype === "int32" ? new Int32Array(seqs.length * maxlen * step) : new Float32Array(seqs.length * maxlen * step)).fill(cast(value));
  seqs.forEach((s, i) => {
    const n = Math.min(s.length, maxlen);
    if (n === 0) return;
    const from = truncating === "pre" ? s.length - n : 0;
    const to = padding === "pre" ? maxlen - n : 0;
    for (let t = 0; t < n; t++) {
      const v = s[from + t];
      const at = (i * maxlen + to + t) * step;
      if (stepShape.length === 0) {
        if (typeof v !== "number") throw new Error(`${WHERE}: step ${from + t} of sequence ${i} is ${JSON.stringify(v)}, expected a number like the first sequence's steps`);
        out[at] = cast(v);
      } else {
        if (typeof v === "number" || v.length !== step) throw new Error(`${WHERE}: shape of sample [${typeof v === "number" ? "" : v.length}] of sequence at position ${i} is different from expected shape [${step}]`);
        for (let j = 0; j < step; j++) out[at + j] = cast(v[j]);
      }
    }
  });
  return tf.tensor(out, [seqs.length, maxlen, ...stepShape], dtype);
}
