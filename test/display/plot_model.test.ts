// keras.utils.plotModel / modelToDot against Keras 3's model_to_dot (test/display/plot_model_keras.py
// runs Keras' own function on the same models): the same boxes with the same HTML-like labels
// (names, classes, activations, input and output shapes, dtypes, trainable), the same edges (a toy
// ResNet's skip connection, shared layers, nested models resolved to their inner layers), the same
// clusters with expandNested and graph attributes; then the drawing: Graphviz's SVG lays the boxes out
// top to bottom or left to right, the PNG has dpi / 72 pixels per point, the notebook bundle, files.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { keras, layers, ready, tf } from "../../src/index.ts";
import { modelGraph, plotModel, type PlotModelOptions } from "../../src/display/plot_model.ts";

type Sym = tf.SymbolicTensor;
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");

interface KerasGraph {
  graph: Record<string, string | number | boolean>;
  node_defaults: Record<string, string>;
  nodes: { name: string; label: string; attrs: Record<string, string> }[];
  edges: [string, string][];
  clusters: { name: string; attrs: Record<string, string> }[];
}

/** Keras' graphs, regenerated when the oracle script is newer than them. */
function oracle(): Record<string, KerasGraph> {
  const out = join(ROOT, "out", "keras-parity", "plot_model.json");
  const script = join(HERE, "plot_model_keras.py");
  if (!existsSync(out) || statSync(script).mtimeMs > statSync(out).mtimeMs) {
    const python = join(ROOT, ".venv", "bin", "python");
    if (!existsSync(python)) throw new Error(`${python} is missing; run bash scripts/setup-python.sh (npm test does)`);
    mkdirSync(dirname(out), { recursive: true });
    const r = spawnSync(python, [script, out], { stdio: ["ignore", "inherit", "inherit"], cwd: ROOT });
    if (r.status !== 0) throw new Error(`plot_model_keras.py failed (exit ${r.status})`);
  }
  return JSON.parse(readFileSync(out, "utf8"));
}

function toyResnet() {
  const inputs = keras.Input([32, 32, 3], { name: "img" });
  let x = layers.Conv2D(32, 3, { activation: "relu" })(inputs);
  x = layers.Conv2D(64, 3, { activation: "relu" })(x);
  const block1 = layers.MaxPooling2D(3)(x);
  x = layers.Conv2D(64, 3, { activation: "relu", padding: "same" })(block1);
  x = layers.Conv2D(64, 3, { activation: "relu", padding: "same" })(x);
  const block2 = layers.add([x, block1]) as Sym;
  x = layers.GlobalAveragePooling2D()(block2);
  x = layers.Dense(256, { activation: "relu" })(x);
  x = layers.Dropout(0.5)(x);
  return keras.Model(inputs, layers.Dense(10)(x), { name: "toy_resnet" });
}

function convnet() {
  return keras.Sequential([
    keras.Input([28, 28, 1]),
    layers.Conv2D(32, [3, 3], { activation: "relu" }),
    layers.MaxPooling2D([2, 2]),
    layers.Flatten(),
    layers.Dropout(0.5),
    layers.Dense(10, { activation: "softmax" }),
  ]);
}

function nested() {
  const block = keras.Sequential([keras.Input([8]), layers.Dense(4), layers.BatchNormalization()], { name: "block" });
  const tIn = keras.Input([4], { name: "t_in" });
  const tower = keras.Model(tIn, layers.Dense(2, { name: "t_out" })(layers.Dense(4, { activation: "relu", name: "t_hidden" })(tIn)), { name: "tower" });
  const a = keras.Input([8], { name: "a" });
  const b = keras.Input([4], { name: "b" });
  const h = block(a) as Sym;
  const shared = layers.Dense(4, { name: "shared" });
  const c = layers.concatenate([tower(shared(h)) as Sym, shared(b)]) as Sym;
  const frozen = layers.Dense(3, { name: "frozen" });
  frozen.trainable = false;
  return keras.Model([a, b], [frozen(c), layers.Dense(1, { activation: "sigmoid", name: "score" })(c)], { name: "nested" });
}

function sequentialOfModels() {
  const inner = keras.Sequential([keras.Input([6]), layers.Dense(5), layers.Dense(6)], { name: "inner" });
  const x = keras.Input([6], { name: "x" });
  const z = layers.Dense(3, { name: "post" })(inner(layers.Dense(6, { name: "pre" })(x)) as Sym);
  const middle = keras.Model(x, z, { name: "middle" });
  return keras.Sequential([keras.Input([6]), layers.Dense(6), middle, layers.Dense(2)], { name: "outer" });
}

const ALL: PlotModelOptions = { showShapes: true, showDtype: true, showLayerNames: true, showLayerActivations: true, showTrainable: true };
const CASES: Record<string, [() => unknown, PlotModelOptions]> = {
  toy_resnet: [toyResnet, {}],
  toy_resnet_all: [toyResnet, ALL],
  toy_resnet_lr: [toyResnet, { rankdir: "LR", showShapes: true, dpi: 96 }],
  convnet: [convnet, { showLayerNames: true }],
  convnet_shapes: [convnet, { showShapes: true, showLayerActivations: true }],
  nested: [nested, { showLayerNames: true, showShapes: true }],
  nested_expanded: [nested, { expandNested: true, ...ALL }],
  sequential_of_models: [sequentialOfModels, { showLayerNames: true }],
  sequential_of_models_expanded: [sequentialOfModels, { expandNested: true, showLayerNames: true, showShapes: true }],
};

const want = oracle();

before(async () => {
  await ready();
});

const sortedEdges = (e: [string, string][]) => e.map(([a, b]) => `${a} -> ${b}`).sort();

for (const [name, [build, options]] of Object.entries(CASES)) {
  test(`as Keras 3's model_to_dot: ${name} ${JSON.stringify(options)}`, () => {
    keras.backend.clearSession();
    const g = modelGraph(build(), options);
    const k = want[name];
    // One box per layer, each with Keras' label.
    assert.deepEqual(g.nodes.map((n) => n.name).sort(), k.nodes.map((n) => n.name).sort());
    const labels = new Map([...g.dot.matchAll(/^"(n\d+)" \[label=(<<table.*<\/table>>), fontname="Helvetica", border="0", margin="0"\];$/gm)].map((m) => [m[1], m[2]]));
    assert.equal(labels.size, g.nodes.length, "every box has a label and Keras' node attributes");
    for (const kn of k.nodes) {
      assert.deepEqual(kn.attrs, { fontname: "Helvetica", border: "0", margin: "0" });
      const ours = g.nodes.find((n) => n.name === kn.name)!;
      assert.equal(labels.get(ours.id), kn.label, `label of ${kn.name}`);
    }
    assert.deepEqual(sortedEdges(g.edges), sortedEdges(k.edges));
    assert.deepEqual([...g.clusters].sort(), k.clusters.map((c) => c.name).sort());
    for (const c of k.clusters) assert.ok(g.dot.includes(`subgraph "cluster_${c.name}" {\nstyle="dashed";\nlabel="${c.attrs.label}";\nlabeljust="l";`), `cluster ${c.name}`);
    assert.match(g.dot, new RegExp(`^rankdir="${k.graph.rankdir}";\nconcentrate=true;\ndpi=${k.graph.dpi};\nsplines="${k.graph.splines}";\nnode \\[shape=${k.node_defaults.shape}\\];$`, "m"));
  });
}

/** The centre of each box in Graphviz's SVG, by layer name. */
function boxCentres(svg: string, g: ReturnType<typeof modelGraph>): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const m of svg.matchAll(/<g id="node\d+" class="node">\s*<title>(n\d+)<\/title>([\s\S]*?)<\/g>/g)) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const p of m[2].matchAll(/points="([^"]+)"/g)) {
      for (const pt of p[1].trim().split(/\s+/)) {
        const [x, y] = pt.split(",").map(Number);
        xs.push(x);
        ys.push(y);
      }
    }
    const name = g.nodes.find((n) => n.id === m[1])!.name;
    out.set(name, [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2]);
  }
  return out;
}

test("the SVG lays the boxes out along rankdir: every edge goes down with TB, right with LR; shapes shown when asked", async () => {
  keras.backend.clearSession();
  const model = toyResnet();
  for (const rankdir of ["TB", "LR"] as const) {
    const plot = plotModel(model, { rankdir, showShapes: rankdir === "LR" });
    const svg = await plot.svg();
    assert.match(svg, /^<\?xml[\s\S]*<svg width="[\d.]+pt" height="[\d.]+pt"/);
    const centres = boxCentres(svg, plot.graph);
    assert.equal(centres.size, 11, "a box per layer in the SVG");
    for (const [a, b] of plot.graph.edges) {
      const [pa, pb] = [centres.get(a)!, centres.get(b)!];
      if (rankdir === "TB") assert.ok(pb[1] > pa[1], `${a} above ${b}`);
      else assert.ok(pb[0] > pa[0], `${a} left of ${b}`);
    }
    assert.equal(svg.includes("Output shape:"), rankdir === "LR");
    assert.equal((svg.match(/class="edge"/g) ?? []).length, 11);
  }
  const shown = await plotModel(model, { showShapes: true, showLayerNames: true }).svg();
  for (const text of ["Input shape:", "(None, 9, 9, 64)", "max_pooling2d", "(MaxPooling2D)"]) assert.ok(shown.includes(text), text);
});

test("the PNG has dpi / 72 pixels per point of the SVG, dark boxes on white; the notebook bundle has SVG, PNG and a line of text", async () => {
  keras.backend.clearSession();
  const model = convnet();
  const plot = plotModel(model, { dpi: 144 });
  const svg = await plot.svg();
  const [, w, h] = /<svg width="([\d.]+)pt" height="([\d.]+)pt"/.exec(svg)!.map(Number);
  const png = await plot.png();
  const meta = await sharp(png).metadata();
  assert.equal(meta.format, "png");
  assert.equal(meta.width, Math.ceil(w * 2));
  assert.equal(meta.height, Math.ceil(h * 2));
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  const dark = data.filter((v) => v < 60).length / (info.width * info.height);
  const white = data.filter((v) => v > 245).length / (info.width * info.height);
  assert.ok(dark > 0.05 && white > 0.3, `black title cells on white: ${dark.toFixed(3)} dark, ${white.toFixed(3)} white`);
  const bundle = (await (plot as unknown as Record<symbol, () => Promise<Record<string, string>>>)[Symbol.for("Jupyter.display")]()) as Record<string, string>;
  assert.deepEqual(Object.keys(bundle).sort(), ["image/png", "image/svg+xml", "text/plain"]);
  assert.equal(bundle["image/svg+xml"], svg);
  assert.deepEqual(Buffer.from(bundle["image/png"], "base64"), png);
  assert.equal(bundle["text/plain"], 'Model plot of "sequential": 5 layer boxes, 4 edges');
  assert.equal(String(plotModel(nestedAgain(), { expandNested: true })), 'Model plot of "nested": 11 layer boxes, 11 edges, nested: block, tower');
});

function nestedAgain() {
  keras.backend.clearSession();
  return nested();
}

test("expandNested draws a nested model as one box, or its layers in a dashed cluster with edges into and out of them", async () => {
  const flat = modelGraph(nestedAgain(), {});
  assert.deepEqual(flat.nodes.map((n) => n.className).sort(), ["Concatenate", "Dense", "Dense", "Dense", "Functional", "InputLayer", "InputLayer", "Sequential"]);
  assert.ok(flat.edges.some(([a, b]) => a === "a" && b === "block") && flat.edges.some(([a, b]) => a === "tower" && b === "concatenate"));
  const plot = plotModel(nestedAgain(), { expandNested: true });
  assert.ok(plot.graph.edges.some(([a, b]) => a === "a" && b === "dense"), "into the Sequential: its first layer");
  assert.ok(plot.graph.edges.some(([a, b]) => a === "shared" && b === "t_in"), "into the functional model: its input layer");
  assert.ok(plot.graph.edges.some(([a, b]) => a === "t_out" && b === "concatenate"), "out of it: the layer that makes the output");
  const svg = await plot.svg();
  assert.equal((svg.match(/class="cluster"/g) ?? []).length, 2);
  assert.match(svg, /stroke-dasharray/);
});

test("toFile writes the PNG, SVG or DOT by extension; errors name the option and the accepted values", async () => {
  keras.backend.clearSession();
  const model = convnet();
  const dir = mkdtempSync(join(tmpdir(), "tsdl-plot-"));
  for (const [file, check] of [
    ["m.png", (b: Buffer) => b.subarray(1, 4).toString() === "PNG"],
    ["m", (b: Buffer) => b.subarray(1, 4).toString() === "PNG"],
    ["m.svg", (b: Buffer) => b.toString().includes("<svg")],
    ["m.dot", (b: Buffer) => b.toString().startsWith("digraph G {")],
  ] as const) {
    const plot = plotModel(model, { toFile: join(dir, file) });
    assert.equal(await plot.saved, join(dir, file));
    assert.ok(check(readFileSync(join(dir, file))), file);
  }
  await assert.rejects(plotModel(model, { toFile: join(dir, "m.pdf") }).saved!, /cannot write .*m.pdf: the format is chosen by the extension, one of .png, .svg, .dot, .gv/);
  assert.throws(() => plotModel(model, { rankdir: "TD" as never }), /plotModel: rankdir must be one of "TB", "LR", "BT", "RL", got "TD"/);
  assert.throws(() => plotModel(model, { splines: "wavy" as never }), /splines must be one of "ortho", "curved", "polyline", "spline", "line", got "wavy"/);
  assert.throws(() => plotModel(model, { dpi: 0 }), /dpi must be a positive number, got 0/);
  assert.throws(() => plotModel(model, { layerRange: ["a", "b"] } as never), /plotModel: unknown option\(s\) layerRange/);
  assert.throws(() => plotModel(keras.Sequential([layers.Dense(3)])), /this model has not yet been built/);
  assert.throws(() => plotModel({} as never), /expected a keras.Model or keras.Sequential/);
  assert.equal(keras.utils.modelToDot(model), modelGraph(model).dot);
  assert.ok(keras.utils.plotModel(model).dot.startsWith("digraph G {"));
});
