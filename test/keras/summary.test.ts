// model.summary(): the wrapping and table layout against the `rich` library Keras 3 draws its summary
// with (run from the project's .venv on random cells and widths), Keras' own text for the options
// (showTrainable, lineLength, positions) and for Optimizer params, and the rows of summaryData().
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { keras, layers, ready, tf, summaryText } from "../../src/index.ts";
import { kerasColumnWidths, memorySize } from "../../src/keras/models/summary.ts";
import { divideLine, ratioReduce, renderTable, tableColumnWidths, wrapText, type Justify, type Overflow } from "../../src/keras/models/summary_layout.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
type Sym = tf.SymbolicTensor;

before(async () => {
  await ready();
});

// ---- rich itself as the oracle ----------------------------------------------------------------

interface WrapCase {
  text: string;
  width: number;
  justify: Justify;
  overflow: Overflow;
}
interface TableCase {
  headers: string[];
  rows: string[][];
  widths: number[];
  justify: Justify[];
  lineLength: number;
}

// Text.wrap for the wrap cases; for the table cases, the rich.table.Table Keras' print_summary makes
// (fixed-width columns, show_lines=True, the table's width = line_length), printed to a capture.
const RICH = `
import json, sys
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text
req = json.load(sys.stdin)
console = Console(width=400, force_terminal=False, color_system=None, highlight=False)
wraps = [[l.plain for l in Text(c["text"]).wrap(console, c["width"], justify=c["justify"], overflow=c["overflow"])] for c in req["wraps"]]
tables = []
for c in req["tables"]:
    cols = [Column(Text(h), justify=j, width=w) for h, j, w in zip(c["headers"], c["justify"], c["widths"])]
    table = Table(*cols, width=c["lineLength"], show_lines=True)
    for row in c["rows"]:
        table.add_row(*[Text(x) for x in row])
    console.begin_capture()
    console.print(table)
    tables.append(console.end_capture().rstrip("\\n").split("\\n"))
json.dump({"wraps": wraps, "tables": tables}, sys.stdout)
`;

function rich(wraps: WrapCase[], tables: TableCase[]): { wraps: string[][]; tables: string[][] } {
  const python = join(ROOT, ".venv", "bin", "python");
  if (!existsSync(python)) throw new Error(`summary tests: ${python} is missing; run bash scripts/setup-python.sh (npm test does)`);
  const r = spawnSync(python, ["-c", RICH], { input: JSON.stringify({ wraps, tables }), encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`rich failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cell-like text: names, shapes and connections of random lengths, one to three spaces apart. */
function randomText(r: () => number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz_0123456789[](),.-";
  const words = Array.from({ length: Math.floor(r() * 6) }, () => Array.from({ length: 1 + Math.floor(r() * (r() < 0.2 ? 30 : 9)) }, () => alphabet[Math.floor(r() * alphabet.length)]).join(""));
  const sep = () => " ".repeat(r() < 0.8 ? 1 : 2 + Math.floor(r() * 2));
  return (r() < 0.1 ? " " : "") + words.join(sep()) + (r() < 0.1 ? " " : "");
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

test("wrapText equals rich's Text.wrap on 400 random texts, widths, justifications and overflows", () => {
  const r = random(13);
  const cases: WrapCase[] = Array.from({ length: 400 }, () => ({
    text: randomText(r),
    width: 1 + Math.floor(r() * 25),
    justify: pick(r, ["left", "right", "center", "default"] as const),
    overflow: pick(r, ["ellipsis", "fold"] as const),
  }));
  const expected = rich(cases, []).wraps;
  cases.forEach((c, i) => assert.deepEqual(wrapText(c.text, c.width, c.justify, c.overflow), expected[i], `${JSON.stringify(c)}`));
});

test("renderTable equals rich's table of Keras' summary on 150 random tables (widths, alignments, cells)", () => {
  const r = random(7);
  const cases: TableCase[] = [];
  while (cases.length < 150) {
    const n = 3 + Math.floor(r() * 3);
    const lineLength = 30 + Math.floor(r() * 100);
    const cuts = Array.from({ length: n - 1 }, () => 0.1 + r() * 0.85).sort((a, b) => a - b);
    let widths: number[];
    try {
      widths = kerasColumnWidths(lineLength, [...cuts, 1]);
    } catch {
      continue; // Keras refuses columns under 4 characters
    }
    cases.push({
      headers: Array.from({ length: n }, () => randomText(r)),
      rows: Array.from({ length: Math.floor(r() * 4) }, () => Array.from({ length: n }, () => randomText(r))),
      widths,
      justify: Array.from({ length: n }, () => pick(r, ["left", "right", "center"] as const)),
      lineLength,
    });
  }
  const expected = rich([], cases).tables;
  cases.forEach((c, i) => assert.deepEqual(renderTable(c.headers, c.rows, c.widths, c.justify, c.lineLength), expected[i], JSON.stringify(c)));
});

// ---- the cells of keras.io's toy ResNet, as Keras prints them ----------------------------------

test("cells wrap as in Keras' toy ResNet summary: shapes at word boundaries, long names cut with …", () => {
  // Keras' 4-column table at 76 characters: 19, 17, 10 and 17 characters inside the padding.
  assert.deepEqual(tableColumnWidths(kerasColumnWidths(76, [0.3, 0.56, 0.74, 1.0]), 76), [21, 19, 12, 19]);
  assert.deepEqual(tableColumnWidths(kerasColumnWidths(76, [0.45, 0.8, 1.0]), 76), [33, 24, 15]);
  assert.deepEqual(wrapText("(None, 30, 30, 32)", 17, "left"), ["(None, 30, 30,   ", "32)              "]);
  assert.deepEqual(wrapText("global_average_pooling2d (GlobalAveragePooling2D)", 19, "left"), ["global_average_poo…", "(GlobalAveragePool…"]);
  assert.deepEqual(wrapText("max_pooling2d_2 (MaxPooling2D)", 19, "left"), ["max_pooling2d_2    ", "(MaxPooling2D)     "]);
  assert.deepEqual(wrapText("conv2d_5[0][0], max_pooling2d_2[0][0]", 17, "left"), ["conv2d_5[0][0],  ", "max_pooling2d_2[…"]);
  assert.deepEqual(wrapText("global_average_pooling2d[0][0]", 17, "left"), ["global_average_p…"]);
  assert.deepEqual(wrapText("18,496", 10, "right"), ["    18,496"]);
  // A word longer than the line: cut ("ellipsis", table cells) or folded ("fold", the title line).
  assert.deepEqual(divideLine("Model: \"abcdefghij\"", 8, false), [7]);
  assert.deepEqual(divideLine("Model: \"abcdefghij\"", 8, true), [7, 15]);
  assert.deepEqual(wrapText("Model: \"abcdefghij\"", 8, "default", "fold"), ["Model: ", "\"abcdefg", "hij\""]);
});

test("rich's ratio_reduce rounds halves to even, as Python's round()", () => {
  assert.deepEqual(ratioReduce(5, [1, 1], [10, 10], [10, 10]), [8, 7]); // round(2.5) = 2, then 3
  assert.deepEqual(ratioReduce(7, [1, 1], [10, 10], [10, 10]), [6, 7]); // round(3.5) = 4, then 3
  assert.deepEqual(ratioReduce(10, [1, 1, 1], [36, 28, 18], [36, 28, 18]), [33, 24, 15]); // Keras' 76-character table
  assert.deepEqual(ratioReduce(4, [1, 0, 1], [0, 5, 5], [5, 5, 5]), [5, 5, 1]); // a zero maximum takes nothing
});

test("memory sizes as Keras' readable_memory_size", () => {
  assert.equal(memorySize(0), "0.00 B");
  assert.equal(memorySize(1023), "1023.00 B");
  assert.equal(memorySize(1024), "1.00 KB");
  assert.equal(memorySize(34_826 * 4), "136.04 KB");
  assert.equal(memorySize(5 * 1024 ** 3), "5.00 GB");
  assert.equal(memorySize(3 * 1024 ** 5), "3.00 PB");
});

// ---- Keras' text for the options and the optimizer ---------------------------------------------
// Each expected text is what Keras 3.15 prints (COLUMNS=80) for the same model, made in Python as
// written beside it.

const lines = (s: string) => s.replace(/^\n/, "").replace(/\n$/, "").split("\n");

test("showTrainable: Keras' Trainable column (Y, N, - for a layer without weights)", () => {
  // frozen = layers.Dense(4); frozen.trainable = False
  // keras.Sequential([keras.Input((3,)), frozen, layers.Dropout(0.1), layers.Dense(2)]).summary(show_trainable=True)
  keras.backend.clearSession();
  const frozen = layers.Dense(4);
  frozen.trainable = false;
  const m = keras.Sequential([keras.Input([3]), frozen, layers.Dropout(0.1), layers.Dense(2)]);
  assert.deepEqual(
    summaryText(m.summaryData(), { showTrainable: true }).split("\n"),
    lines(`
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━┓
┃ Layer (type)                ┃ Output Shape          ┃    Param # ┃ Trai… ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━┩
│ dense (Dense)               │ (None, 4)             │         16 │   N   │
├─────────────────────────────┼───────────────────────┼────────────┼───────┤
│ dropout (Dropout)           │ (None, 4)             │          0 │   -   │
├─────────────────────────────┼───────────────────────┼────────────┼───────┤
│ dense_1 (Dense)             │ (None, 2)             │         10 │   Y   │
└─────────────────────────────┴───────────────────────┴────────────┴───────┘
 Total params: 26 (104.00 B)
 Trainable params: 10 (40.00 B)
 Non-trainable params: 16 (64.00 B)
`),
  );
});

function twoTowers() {
  // a = keras.Input((3,), name="a"); b = keras.Input((3,), name="b"); d = layers.Dense(2, name="shared")
  // keras.Model([a, b], [d(a), d(b)], name="two_towers")
  keras.backend.clearSession();
  const a = keras.Input([3], { name: "a" });
  const b = keras.Input([3], { name: "b" });
  const d = layers.Dense(2, { name: "shared" });
  return keras.Model([a, b], [d(a), d(b)], { name: "two_towers" });
}

test("showTrainable with Connected to; lineLength and positions (header cells wrap, aligned to the bottom)", () => {
  const d = twoTowers().summaryData();
  assert.equal(d.functional, true, "two inputs: Keras' table with Connected to");
  assert.deepEqual(
    summaryText(d, { showTrainable: true }).split("\n"),
    lines(`
Model: "two_towers"
┏━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━┓
┃ Layer (type)      ┃ Output Shape    ┃   Param # ┃ Connected to   ┃ Trai… ┃
┡━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━┩
│ a (InputLayer)    │ (None, 3)       │         0 │ -              │   -   │
├───────────────────┼─────────────────┼───────────┼────────────────┼───────┤
│ b (InputLayer)    │ (None, 3)       │         0 │ -              │   -   │
├───────────────────┼─────────────────┼───────────┼────────────────┼───────┤
│ shared (Dense)    │ (None, 2)       │         8 │ a[0][0],       │   Y   │
│                   │                 │           │ b[0][0]        │       │
└───────────────────┴─────────────────┴───────────┴────────────────┴───────┘
 Total params: 8 (32.00 B)
 Trainable params: 8 (32.00 B)
 Non-trainable params: 0 (0.00 B)
`),
  );
  // model.summary(line_length=60, positions=[0.4, 0.6, 0.7, 1.0])
  assert.deepEqual(
    summaryText(d, { lineLength: 60, positions: [0.4, 0.6, 0.7, 1.0] }).split("\n").slice(0, 5),
    lines(`
Model: "two_towers"
┏━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━┳━━━━━━━━━━━━━━━━━┓
┃                       ┃ Output    ┃ P… ┃                 ┃
┃ Layer (type)          ┃ Shape     ┃  # ┃ Connected to    ┃
┡━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━╇━━━━━━━━━━━━━━━━━┩
`),
  );
  // model.summary(line_length=100): rich crops the table at the console's 80 columns.
  assert.deepEqual(
    summaryText(d, { lineLength: 100 }).split("\n").slice(0, 3),
    lines(`
Model: "two_towers"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━
┃ Layer (type)                ┃ Output Shape            ┃        Param # ┃ Conne
`),
  );
  assert.throws(() => summaryText(d, { lineLength: 20 }), /summary: insufficient console width to print summary \(lineLength 20/);
});

test("Optimizer params once the optimizer has made an update, as Keras (Adam 2 slots, SGD 0 or 1, RMSprop 1; + iteration and learning rate)", async () => {
  // m = keras.Sequential([keras.Input((3,)), layers.Dense(4), layers.BatchNormalization(), layers.Dense(2)])
  // m.compile(optimizer=..., loss="mse"); m.fit(np.zeros((4, 3)), np.zeros((4, 2)), epochs=1, batch_size=4)
  const expected: Record<string, string[]> = {
    adam: [" Total params: 112 (452.00 B)", " Trainable params: 34 (136.00 B)", " Non-trainable params: 8 (32.00 B)", " Optimizer params: 70 (284.00 B)"],
    sgd_momentum: [" Total params: 78 (316.00 B)", " Trainable params: 34 (136.00 B)", " Non-trainable params: 8 (32.00 B)", " Optimizer params: 36 (148.00 B)"],
    sgd: [" Total params: 44 (180.00 B)", " Trainable params: 34 (136.00 B)", " Non-trainable params: 8 (32.00 B)", " Optimizer params: 2 (12.00 B)"],
    rmsprop: [" Total params: 78 (316.00 B)", " Trainable params: 34 (136.00 B)", " Non-trainable params: 8 (32.00 B)", " Optimizer params: 36 (148.00 B)"],
  };
  expected.tfjs_adam = expected.adam; // tfjs' own Adam counted as Keras' Adam
  const optimizers: Record<string, () => tf.Optimizer | string> = {
    adam: () => "adam",
    sgd_momentum: () => keras.optimizers.SGD({ momentum: 0.9 }),
    sgd: () => "sgd",
    rmsprop: () => "rmsprop",
    tfjs_adam: () => tf.train.adam(0.001),
  };
  for (const [name, make] of Object.entries(optimizers)) {
    keras.backend.clearSession();
    const m = keras.Sequential([keras.Input([3]), layers.Dense(4), layers.BatchNormalization(), layers.Dense(2)]);
    m.compile({ optimizer: make(), loss: "mse" });
    if (name === "adam") {
      // Compiled, not yet trained: Keras' optimizer is not built, no Optimizer params line.
      assert.deepEqual(summaryText(m.summaryData()).split("\n").slice(-3), [" Total params: 42 (168.00 B)", " Trainable params: 34 (136.00 B)", " Non-trainable params: 8 (32.00 B)"]);
    }
    const [x, y] = [tf.zeros([4, 3]), tf.zeros([4, 2])];
    await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    tf.dispose([x, y]);
    assert.deepEqual(summaryText(m.summaryData()).split("\n").slice(-4), expected[name], name);
    assert.equal(m.summaryData().totalParams, Number(expected[name][0].match(/: (\d+)/)![1]), `${name}: totalParams counts the optimizer's, as Keras' Total params`);
    m.dispose();
  }
});

// ---- the rows ------------------------------------------------------------------------------------

test("rows: Keras 3's shapes (inputs without Keras 2's list), class names (Functional, Sequential), connections to nested models", () => {
  // j = keras.Input((3,)); two = keras.Model(j, [layers.Dense(2)(j), layers.Dense(5)(j)], name="two")
  // k = keras.Input((3,), name="k"); p, q = two(k); seq = keras.Sequential([keras.Input((2,)), layers.Dense(2)], name="seq")
  // keras.Model(k, [seq(p), layers.Dense(1, name="from_q")(q), layers.Dense(1, name="from_seq")(seq(p))])
  keras.backend.clearSession();
  const j = keras.Input([3]);
  const two = keras.Model(j, [layers.Dense(2)(j), layers.Dense(5)(j)], { name: "two" });
  const k = keras.Input([3], { name: "k" });
  const [p, q] = two(k) as Sym[];
  const seq = keras.Sequential([keras.Input([2]), layers.Dense(2)], { name: "seq" });
  const s0 = seq(p) as Sym;
  const m = keras.Model(k, [s0, layers.Dense(1, { name: "from_q" })(q), layers.Dense(1, { name: "from_seq" })(seq(p) as Sym)]);
  const d = m.summaryData();
  const row = (name: string) => d.rows.find((r) => r.name === name)!;
  assert.deepEqual(row("k"), { name: "k", className: "InputLayer", outputShape: "(None, 3)", params: 0, built: true, trainable: null, connectedTo: [] });
  assert.deepEqual([row("two").className, row("two").outputShape, row("two").connectedTo], ["Functional", "[(None, 2), (None, 5)]", ["k[0][0]"]]);
  assert.deepEqual([row("seq").className, row("seq").connectedTo], ["Sequential", ["two[0][0]", "two[0][0]"]]);
  assert.deepEqual(row("from_q").connectedTo, ["two[0][1]"]);
  assert.deepEqual(row("from_seq").connectedTo, ["seq[1][0]"], "Keras counts a model's calls from 0 (tfjs' own node is not one)");
  assert.equal(d.functional, true, "seq is called twice in the model: not sequential-like");
  assert.deepEqual(
    summaryText(d).split("\n"),
    lines(`
Model: "functional_1"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ k (InputLayer)      │ (None, 3)         │          0 │ -                 │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ two (Functional)    │ [(None, 2),       │         28 │ k[0][0]           │
│                     │ (None, 5)]        │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ seq (Sequential)    │ (None, 2)         │          6 │ two[0][0],        │
│                     │                   │            │ two[0][0]         │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ from_q (Dense)      │ (None, 1)         │          6 │ two[0][1]         │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ from_seq (Dense)    │ (None, 1)         │          3 │ seq[1][0]         │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 43 (172.00 B)
 Trainable params: 43 (172.00 B)
 Non-trainable params: 0 (0.00 B)
`),
  );
});

test("a functional chain is Keras' 3-column table, with its input row; a shape of rank 1 is (None)", () => {
  keras.backend.clearSession();
  const x = keras.Input([4], { name: "x" });
  const m = keras.Model(x, layers.Dense(2)(x));
  const d = m.summaryData();
  assert.equal(d.functional, false);
  assert.deepEqual(d.rows.map((r) => r.outputShape), ["(None, 4)", "(None, 2)"]);
  const text = summaryText(d).split("\n");
  assert.equal(text[4], "│ x (InputLayer)                  │ (None, 4)              │             0 │");
  assert.ok(text.every((l, i) => i === 0 || i >= text.length - 3 || [...l].length === 76), "76-character table lines");
  const flat = keras.Input([], { name: "scalar" });
  assert.equal(keras.Model(flat, flat).summaryData().rows[0].outputShape, "(None)");
});

test("summary() prints Keras' text on a terminal; a notebook front end gets text/plain and text/html", () => {
  keras.backend.clearSession();
  const m = keras.Sequential([keras.Input([3]), layers.Dense(2)]);
  const logged: string[] = [];
  const log = console.log;
  console.log = (s: string) => logged.push(s);
  const columns = process.env.COLUMNS;
  try {
    process.env.COLUMNS = "80";
    m.summary();
  } finally {
    console.log = log;
    if (columns === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = columns;
  }
  assert.deepEqual(logged, [summaryText(m.summaryData())]);
  const hook = Symbol.for("tsdl.display");
  const shown: unknown[] = [];
  (globalThis as Record<symbol, unknown>)[hook] = (v: unknown) => shown.push(v);
  try {
    m.summary();
  } finally {
    delete (globalThis as Record<symbol, unknown>)[hook];
  }
  const bundle = (shown[0] as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();
  assert.deepEqual(Object.keys(bundle).sort(), ["text/html", "text/plain"]);
  assert.equal(bundle["text/plain"], summaryText(m.summaryData()));
  assert.match(bundle["text/html"], /<table/);
});
