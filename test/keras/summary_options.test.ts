// model.summary({ expandNested, layerRange, showTrainable }) as Keras 3 prints it: for each case of
// test/keras/summary_options_keras.py, tsdl builds the same model in a fresh naming session and its
// summaryText() equals Keras' text (COLUMNS=80) line by line; errors for bad layer ranges; the notebook
// HTML shows the same rows.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { keras, layers, ready, tf } from "../../src/index.ts";
import { summaryText, type SummaryOptions } from "../../src/keras/models/summary.ts";
import { summaryHtml } from "../../src/display/summary_table.ts";

type Sym = tf.SymbolicTensor;
type SummaryModel = { summaryData(): ReturnType<typeof keras.Sequential>["summaryData"] extends () => infer R ? R : never };

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");

/** Keras' texts, regenerated when the oracle script is newer than them. */
function oracle(): Record<string, string | { error: string }> {
  const out = join(ROOT, "out", "keras-parity", "summary_options.json");
  const script = join(HERE, "summary_options_keras.py");
  if (!existsSync(out) || statSync(script).mtimeMs > statSync(out).mtimeMs) {
    const python = join(ROOT, ".venv", "bin", "python");
    if (!existsSync(python)) throw new Error(`${python} is missing; run bash scripts/setup-python.sh (npm test does)`);
    mkdirSync(dirname(out), { recursive: true });
    const r = spawnSync(python, [script, out], { stdio: ["ignore", "inherit", "inherit"], cwd: ROOT });
    if (r.status !== 0) throw new Error(`summary_options_keras.py failed (exit ${r.status})`);
  }
  return JSON.parse(readFileSync(out, "utf8"));
}

function nestedFunctional() {
  const block = keras.Sequential([keras.Input([8]), layers.Dense(4), layers.BatchNormalization()], { name: "block" });
  const a = keras.Input([8], { name: "a" });
  const b = keras.Input([4], { name: "b" });
  const h = layers.Dense(4)(block(a) as Sym);
  const shared = layers.Dense(3, { name: "shared" });
  const out = layers.Dense(2)(shared(b));
  return keras.Model([a, b], [shared(h), out]);
}

function twoLevels() {
  const inner = keras.Sequential([keras.Input([6]), layers.Dense(5), layers.Dense(6)], { name: "inner" });
  inner.layers[0].trainable = false;
  const x = keras.Input([6], { name: "x" });
  const y = layers.Dense(6, { name: "pre" })(x);
  const z = layers.Dense(3, { name: "post" })(inner(y) as Sym);
  const middle = keras.Model(x, z, { name: "middle" });
  return keras.Sequential([keras.Input([6]), layers.Dense(6), middle, layers.Dropout(0.1), layers.Dense(2)], { name: "outer" });
}

function convnet() {
  return keras.Sequential([
    keras.Input([28, 28, 1]),
    layers.Conv2D(32, [3, 3], { activation: "relu" }),
    layers.MaxPooling2D([2, 2]),
    layers.Conv2D(64, [3, 3], { activation: "relu" }),
    layers.MaxPooling2D([2, 2]),
    layers.Flatten(),
    layers.Dropout(0.5),
    layers.Dense(10, { activation: "softmax" }),
  ]);
}

function branches() {
  const inputs = keras.Input([16], { name: "inp" });
  const x = layers.Dense(16, { activation: "relu" })(inputs);
  const y = layers.Dense(16, { activation: "relu" })(x);
  const s = layers.add([x, y]) as Sym;
  return keras.Model(inputs, layers.Dense(4)(s), { name: "branches" });
}

const CASES: Record<string, [() => SummaryModel, SummaryOptions]> = {
  nested_functional_expanded: [nestedFunctional, { expandNested: true }],
  nested_functional_expanded_trainable: [nestedFunctional, { expandNested: true, showTrainable: true }],
  two_levels_expanded: [twoLevels, { expandNested: true }],
  two_levels_expanded_trainable: [twoLevels, { expandNested: true, showTrainable: true }],
  two_levels_flat: [twoLevels, {}],
  convnet_range: [convnet, { layerRange: ["conv2d_1", "flatten"] }],
  convnet_range_prefix: [convnet, { layerRange: ["max_pool", "max_pool"] }],
  convnet_range_reversed: [convnet, { layerRange: ["dense", "conv2d"] }],
  branches_range: [branches, { layerRange: ["dense", "add"] }],
  branches_range_regex: [branches, { layerRange: ["d.nse_1", "de[n]se_2"] }],
  nested_range_expanded: [twoLevels, { layerRange: ["middle", "dropout"], expandNested: true }],
  range_no_match: [convnet, { layerRange: ["conv2d", "lstm"] }],
  range_not_two: [convnet, { layerRange: ["conv2d"] as unknown as [string, string] }],
};

const want = oracle();

before(async () => {
  await ready();
});

for (const [name, [build, options]] of Object.entries(CASES)) {
  test(`summary ${JSON.stringify(options)} as Keras 3: ${name}`, () => {
    keras.backend.clearSession();
    const model = build();
    const expected = want[name];
    assert.ok(expected !== undefined, `no Keras text for ${name}: regenerate out/keras-parity/summary_options.json`);
    if (typeof expected === "object") {
      // Keras: "Passed layer_names do not match ..." / "layer_range must be a list or tuple of length 2".
      assert.throws(() => summaryText(model.summaryData(), options), /does not match the layer names|layerRange must be \[first, last\]/);
      assert.match(expected.error, /do not match the layer names|must be a list or tuple of length 2/);
      return;
    }
    const got = summaryText(model.summaryData(), options).split("\n");
    const lines = expected.trimEnd().split("\n");
    for (let i = 0; i < Math.max(got.length, lines.length); i++) assert.equal(got[i], lines[i], `line ${i + 1}\n--- tsdl ---\n${got.join("\n")}\n--- Keras ---\n${lines.join("\n")}`);
  });
}

test("layerRange errors name the model and its layers, or the bad pattern; the totals stay the whole model's", () => {
  keras.backend.clearSession();
  const d = convnet().summaryData();
  assert.throws(() => summaryText(d, { layerRange: ["conv2d", "lstm"] }), /summary: layerRange \["conv2d","lstm"\] does not match the layer names of model "sequential" \(conv2d, max_pooling2d, conv2d_1, max_pooling2d_1, flatten, dropout, dense\)/);
  assert.throws(() => summaryText(d, { layerRange: ["(", "dense"] }), /layerRange pattern "\(" is not a valid regular expression/);
  assert.throws(() => summaryText(d, { layerRange: [1, 2] as never }), /layerRange must hold two strings/);
  const ranged = summaryText(d, { layerRange: ["flatten", "flatten"] });
  assert.match(ranged, / Total params: 34,826 \(136.04 KB\)/);
  assert.equal(ranged.split("\n").filter((l) => l.startsWith("│")).length, 1);
});

test("the notebook's HTML table shows the nested rows and the range too", () => {
  keras.backend.clearSession();
  const d = twoLevels().summaryData();
  const html = summaryHtml(d, { expandNested: true, layerRange: ["middle", "middle"] });
  const names = [...html.matchAll(/<tr><td [^>]*>([^<]*)/g)].map((m) => m[1].replace(/&#39;/g, "'"));
  assert.deepEqual(names, ["middle (", "   └ x (", "   └ pre (", "   └ inner (", "      └ dense (", "      └ dense_1 (", "   └ post ("]);
  assert.doesNotMatch(summaryHtml(d), /└/);
});
