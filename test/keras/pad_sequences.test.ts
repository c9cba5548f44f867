// keras.utils.padSequences against Keras 3's pad_sequences, run on the same sequences and options
// (the project's .venv): padding and truncating at either end, maxlen shorter and longer than the
// sequences, empty sequences, a float value in int32 (truncated as numpy casts), float32, and
// sequences of vectors; then errors.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { keras, ready, tf } from "../../src/index.ts";
import { runKeras } from "./keras_oracle.ts";

const SEQS = [[1, 2, 3, 4, 5], [6, 7], [], [8, 9, 10], [11]];
const CASES: { sequences: unknown[]; options: Record<string, unknown> }[] = [
  { sequences: SEQS, options: {} },
  { sequences: SEQS, options: { maxlen: 3 } },
  { sequences: SEQS, options: { maxlen: 3, truncating: "post" } },
  { sequences: SEQS, options: { maxlen: 4, padding: "post" } },
  { sequences: SEQS, options: { maxlen: 7, padding: "post", truncating: "post", value: -1 } },
  { sequences: SEQS, options: { maxlen: 2, value: 2.7 } },
  { sequences: [[0.5, 1.5, -2.5], [3.25]], options: { dtype: "float32", maxlen: 4, value: 0.125 } },
  { sequences: [[0.5, 1.5, -2.5], [3.25]], options: {} },
  { sequences: [[[1, 2], [3, 4], [5, 6]], [], [[7, 8]]], options: { maxlen: 2 } },
];

let keras3: { shape: number[]; data: number[] }[];

before(async () => {
  await ready();
  const script = [
    "import json, sys, numpy as np",
    "from keras.utils import pad_sequences",
    "out = []",
    "for c in json.load(sys.stdin):",
    "    x = pad_sequences(c['sequences'], **c['options'])",
    "    out.append({'shape': list(x.shape), 'data': x.astype('float64').ravel().tolist()})",
    "print(json.dumps(out))",
  ].join("\n");
  keras3 = runKeras(["-c", script], CASES);
});

test("padSequences gives Keras 3's pad_sequences arrays, option by option", async () => {
  for (const [i, c] of CASES.entries()) {
    const t = keras.utils.padSequences(c.sequences as number[][], c.options);
    assert.deepEqual(t.shape, keras3[i].shape, `case ${i} ${JSON.stringify(c.options)}: shape`);
    assert.equal(t.dtype, (c.options.dtype as string | undefined) ?? "int32", `case ${i}: dtype`);
    assert.deepEqual(Array.from(await t.data()), keras3[i].data, `case ${i} ${JSON.stringify(c.options)}`);
    t.dispose();
  }
});

test("padSequences names what is wrong", () => {
  assert.throws(() => keras.utils.padSequences([[1]], { padding: "middle" as never }), /padSequences: padding must be "pre" or "post", got "middle"/);
  assert.throws(() => keras.utils.padSequences([[1]], { maxlen: -1 }), /padSequences: maxlen must be a non-negative integer, got -1/);
  assert.throws(() => keras.utils.padSequences([[1], 5 as never]), /padSequences: sequences must be a list of iterables; sequence 1 is 5/);
  assert.throws(() => keras.utils.padSequences([[[1, 2]], [[3]]]), /padSequences: shape of sample \[1\] of sequence at position 1 is different from expected shape \[2\]/);
  const before = tf.memory().numTensors;
  assert.throws(() => keras.utils.padSequences([[1]], { dtype: "int8" as never }), /dtype must be "int32" or "float32", got "int8"/);
  assert.equal(tf.memory().numTensors, before);
});
