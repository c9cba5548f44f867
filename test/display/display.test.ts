// The display formatters as pure functions: values in, MIME bundles (and PNG pixels) out.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import sharp from "sharp";
import vm from "node:vm";
import { keras, layers, ready, tf, describeValues, ActivationPercentiles, display } from "../../src/index.ts";
import { summaryBundle } from "../../src/display/summary_table.ts";
import { summaryText } from "../../src/keras/models/summary.ts";
import { imageGridData } from "../../src/display/image_grid.ts";
import { figureBundle, staticSvg } from "../../src/display/plot.ts";
import { niceTicks } from "../../src/display/ticks.ts";
import { comparisonFigure, historyFigure } from "../../src/display/history_plot.ts";
import { progressBundle } from "../../src/display/progress.ts";
import { progressLine } from "../../src/keras/callbacks/progbar_logger.ts";

before(async () => {
  await ready();
});

const bundleOf = async (v: unknown) => (v as Record<symbol, () => Promise<Record<string, unknown>> | Record<string, unknown>>)[Symbol.for("Jupyter.display")]();

test("summary: Keras 3's table as HTML (each cell's alignment in its style, no <style>) with Keras' text as its twin; names are escaped", () => {
  keras.backend.clearSession();
  const x = layers.Input([4]);
  assert.throws(() => layers.Dense(3, { name: "<script>" }), /Dense: name "<script>" is not a valid layer name/);
  const y = layers.Dense(3, { name: "out" })(layers.BatchNormalization()(x));
  const m = keras.Model(x, y, { name: "<script>alert(1)</script>" });
  const d = m.summaryData();
  const b = summaryBundle(d);
  const html = b["text/html"] as string;
  assert.equal((html.match(/<tr>/g) ?? []).length, 1 + 3, "header + 3 layers (the input row too, as Keras 3)");
  assert.ok(!html.includes("<script>alert"), "no HTML injection");
  assert.ok(html.includes("Model: \"&lt;script&gt;alert(1)&lt;/script&gt;\""));
  // Every cell says how it aligns (Lab right-aligns every cell; a sanitizer drops <style>): names left, counts right.
  assert.ok(!html.includes("<style"), "no <style> element");
  const cells = [...html.matchAll(/<(td|th) ([^>]*)>/g)].map((c) => c[2]);
  assert.equal(cells.length, 4 * 3);
  assert.deepEqual(cells.map((c) => c.match(/^style="text-align:(\w+);/)?.[1]), Array(4).fill(["left", "left", "right"]).flat());
  assert.match(html, /<th [^>]*>Layer \(type\)<\/th><th [^>]*>Output Shape<\/th><th [^>]*>Param #<\/th><\/tr>/);
  assert.match(html, /<td [^>]*>out \(<span[^>]*>Dense<\/span>\)<\/td><td [^>]*>\(<span[^>]*>None<\/span>, <span[^>]*>3<\/span>\)<\/td><td [^>]*><span[^>]*>15<\/span><\/td>/);
  assert.match(html, /<b>Total params:<\/b> <span[^>]*>31<\/span> \(124\.00 B\)/);
  assert.match(html, /<b>Non-trainable params:<\/b> <span[^>]*>8<\/span> \(32\.00 B\)/);
  const text = b["text/plain"] as string;
  assert.equal(text, summaryText(d), "text/plain is Keras' text");
  assert.match(text, /^Model: "<script>alert\(1\)<\/script>"\n┏━+┳━+┳━+┓\n┃ Layer \(type\) +┃ Output Shape +┃ +Param # ┃\n/);
  assert.match(text, /\n│ batch_normalization +│ \(None, 4\) +│ +16 │\n│ \(BatchNormalization\) +│ +│ +│\n/);
  assert.match(text, /\n Total params: 31 \(124\.00 B\)\n Trainable params: 23 \(92\.00 B\)\n Non-trainable params: 8 \(32\.00 B\)$/);
});

test("functional models that branch get a Connected to column (one connection a line in HTML, untruncated)", () => {
  const a = layers.Input([2], { name: "a" });
  const d1 = layers.Dense(2, { name: "left_branch_with_a_name_longer_than_its_column" })(a);
  const d2 = layers.Dense(2, { name: "right" })(a);
  const sum = tf.layers.add({ name: "sum" }).apply([d1, d2]) as tf.SymbolicTensor;
  const m = keras.Model(a, sum);
  const d = m.summaryData();
  assert.equal(d.functional, true);
  assert.deepEqual(d.rows.find((r) => r.name === "sum")?.connectedTo, ["left_branch_with_a_name_longer_than_its_column[0][0]", "right[0][0]"]);
  const b = summaryBundle(d);
  assert.match(b["text/plain"] as string, /┃ Connected to +┃\n/);
  assert.match(b["text/plain"] as string, /│ left_branch_with… │\n│ +│ +│ +│ right\[0\]\[0\] +│\n/, "Keras cuts a name longer than its cell");
  const html = (b["text/html"] as string).replace(/<(?!br>)[^>]*>/g, "");
  assert.ok(html.includes("left_branch_with_a_name_longer_than_its_column[0][0],<br>right[0][0]"), "HTML shows it whole");
  assert.ok(html.includes("Connected to"));
});

test("imageGrid: PNG of the right size, the right pixel at a known place, escaped labels under each tile", async () => {
  // 3 images 4x5x3 in [0, 1]: image i is filled with a colour; pixel (1, 2) of image 2 is pure red.
  const data = new Float32Array(3 * 4 * 5 * 3).fill(0.5);
  const at = (i: number, r: number, c: number, ch: number) => ((i * 4 + r) * 5 + c) * 3 + ch;
  data.set([1, 0, 0], at(2, 1, 2, 0));
  const x = tf.tensor4d(data, [3, 4, 5, 3]);
  const grid = await imageGridData(x, [0, 1, 1], { classNames: ["cat", "<dog>"], cols: 2, scale: 3, gap: 4 });
  assert.equal(grid.width, 2 * 15 + 4);
  assert.equal(grid.height, 2 * 12 + 4);
  const { data: px, info } = await sharp(grid.png).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.width, 34);
  assert.equal(info.height, 28);
  const pixel = (x0: number, y0: number) => Array.from(px.subarray((y0 * info.width + x0) * info.channels, (y0 * info.width + x0) * info.channels + 3));
  // Image 2 is in row 1, column 0: its pixel (row 1, col 2) magnified 3x starts at (6, 12 + 4 + 3).
  assert.deepEqual(pixel(6 + 1, 16 + 3 + 1), [255, 0, 0]);
  assert.deepEqual(pixel(0, 0), [128, 128, 128]);
  assert.deepEqual(pixel(16, 0), [255, 255, 255], "the gap is white");
  assert.deepEqual(grid.labels, ["cat", "<dog>", "<dog>"]);
  const html = grid.bundle["text/html"] as string;
  assert.equal((html.match(/<img /g) ?? []).length, 3);
  assert.ok(html.includes("<figcaption style=\"font-family:sans-serif;font-size:12px\">&lt;dog&gt;</figcaption>"));
  assert.ok(typeof grid.bundle["image/png"] === "string");
  x.dispose();
});

test("imageGrid takes one-hot labels and Keras' classIndices; bad input names what was expected", async () => {
  const x = tf.zeros([2, 8, 8, 1]);
  const grid = await imageGridData(x, tf.tensor2d([[0, 1], [1, 0]]), { classNames: { cats: 0, dogs: 1 } });
  assert.deepEqual(grid.labels, ["dogs", "cats"]);
  await assert.rejects(imageGridData(tf.zeros([8, 8]) as tf.Tensor, undefined), /imageGrid: x must be a tensor of images \[n, height, width, channels\]/);
  const shown = await display.batch({ value: [x, tf.tensor1d([1, 0])] } as never);
  assert.match(String((await bundleOf(shown))["text/plain"]), /2 images of 8x8x1; labels: 1, 0/);
});

test("figure bundle: Plotly JSON, HTML with a static SVG inside that loads plotly.js from the server, SVG fallback", () => {
  const fig = { data: [{ x: [1, 2, 3], y: [3, 1, 2], name: "a <b>" }], layout: { title: "t" } };
  const b = figureBundle(fig);
  assert.deepEqual(Object.keys(b).sort(), ["application/vnd.plotly.v1+json", "image/svg+xml", "text/html", "text/plain"]);
  assert.deepEqual((b["application/vnd.plotly.v1+json"] as { data: unknown }).data, fig.data);
  // plotly.js 3 draws only { text } titles.
  assert.deepEqual((b["application/vnd.plotly.v1+json"] as { layout: { title: unknown } }).layout.title, { text: "t" });
  const axes = figureBundle({ data: fig.data, layout: { xaxis2: { title: "Epoch", dtick: 1 } } })["application/vnd.plotly.v1+json"] as { layout: Record<string, unknown> };
  assert.deepEqual(axes.layout.xaxis2, { title: { text: "Epoch" }, dtick: 1 });
  assert.match(b["image/svg+xml"] as string, /^<svg [^>]*><text[^>]*>t<\/text>.*<polyline/);
  const html = b["text/html"] as string;
  assert.ok(html.includes(b["image/svg+xml"] as string), "the static drawing shows until plotly.js draws");
  assert.ok((b["image/svg+xml"] as string).includes("a &lt;b&gt;"));
  // Every figure loads plotly.js itself (a reload, a second tab, a re-run), from the server, never inlined.
  const again = figureBundle(fig)["text/html"] as string;
  for (const h of [html, again]) {
    assert.ok(h.length < 20_000, `no inlined plotly.js (${h.length} characters)`);
    assert.ok(h.includes("tsdl-jupyterlab/static/plotly.min.js") && h.includes("nbextensions/tsdl/plotly.min.js"));
    assert.ok(h.includes("fullLabextensionsUrl") && h.includes("data-base-url"));
  }
  assert.notEqual(html.match(/id="([^"]+)"/)![1], again.match(/id="([^"]+)"/)![1], "each figure its own element");
  const scripts = [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  assert.equal(scripts.length, 1, "one script");
  assert.doesNotThrow(() => new vm.Script(scripts[0]), "the script is valid JavaScript");
  assert.throws(() => figureBundle({} as never), /a figure is \{ data: \[traces\], layout\? \}/);
});

test("static SVG: whole-number ticks on an axis of epochs, round ticks elsewhere", () => {
  const fig = { data: [{ x: [1, 2, 3], y: [0.61, 0.74, 0.9] }], layout: {} };
  const svg = staticSvg(fig);
  const labels = [...svg.matchAll(/<text [^>]*text-anchor="(middle|end)" font-size="10">([^<]+)<\/text>/g)];
  const x = labels.filter((m) => m[1] === "middle").map((m) => m[2]);
  const y = labels.filter((m) => m[1] === "end").map((m) => m[2]);
  assert.deepEqual(x, ["1", "2", "3"]);
  assert.deepEqual(y, ["0.65", "0.7", "0.75", "0.8", "0.85", "0.9"]);
  assert.deepEqual(niceTicks(1, 60, { integer: true }), [10, 20, 30, 40, 50, 60]);
  assert.deepEqual(niceTicks(1, 2, { integer: true }), [1, 2]);
  assert.deepEqual(niceTicks(1, 10, { integer: true }), [2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(1, 4, { step: 1 }), [1, 2, 3, 4]);
  assert.deepEqual(niceTicks(-0.003, 0.002), [-0.003, -0.002, -0.001, 0, 0.001, 0.002]);
  assert.deepEqual(niceTicks(5, 5), [5]);
  assert.throws(() => niceTicks(0, Infinity), /the range must be finite/);
});

test("history figures: one panel per metric, train solid and validation dashed; comparisons colour each history", () => {
  const h = { history: { loss: [1, 0.5], accuracy: [0.5, 0.8], val_loss: [1.1, 0.7], val_accuracy: [0.4, 0.7] } };
  const fig = historyFigure(h);
  assert.deepEqual(fig.data.map((t) => [t.yaxis, t.name, t.line?.dash]), [
    ["y", "train", "solid"], ["y", "validation", "dash"], ["y2", "train", "solid"], ["y2", "validation", "dash"],
  ]);
  assert.deepEqual(fig.data[0].x, [1, 2]);
  const cmp = comparisonFigure({ "No BN": h, "With BN": h }, { metrics: ["accuracy"] });
  assert.equal(cmp.data.length, 4);
  assert.deepEqual(cmp.data.map((t) => t.name), ["No BN (train)", "No BN (validation)", "With BN (train)", "With BN (validation)"]);
  assert.notEqual(cmp.data[0].line?.color, cmp.data[2].line?.color);
  const svg = staticSvg(cmp);
  assert.equal((svg.match(/<polyline/g) ?? []).length, 4);
  assert.throws(() => comparisonFigure({}), /give at least one history/);
});

test("progress: Keras' line format, and the notebook bundle with a bar", () => {
  assert.equal(progressLine(1875, 1875, 5.2, { loss: 0.24931, accuracy: 0.92884 }, 1, true), "1875/1875 [==============================] - 5s 3ms/step - loss: 0.2493 - accuracy: 0.9288");
  assert.equal(progressLine(32, 1875, 1, { loss: 0.5 }, 1, false), "  32/1875 [..............................] - ETA: 58s - loss: 0.5000");
  assert.equal(progressLine(1407, 1407, 39, { loss: 1.3825 }, 2, true), "1407/1407 - 39s - 28ms/step - loss: 1.3825");
  // The values as Keras 3.15's Progbar wrote these same ones (verbose 1, then 2: it compares the signed value there).
  const logs = { fn: 0, loss: 8.871041791280732e-5, neg: -0.25, tiny: -1e-7, one: 0.001, big: 12345.678949 };
  assert.ok(progressLine(8, 8, 0.5, logs, 1, true).endsWith(" - fn: 0.0000e+00 - loss: 8.8710e-05 - neg: -0.2500 - tiny: -1.0000e-07 - one: 1.0000e-03 - big: 12345.6789"));
  assert.ok(progressLine(8, 8, 0.5, logs, 2, true).endsWith(" - fn: 0.0000e+00 - loss: 8.8710e-05 - neg: -2.5000e-01 - tiny: -1.0000e-07 - one: 1.0000e-03 - big: 12345.6789"));
  const b = progressBundle(["Epoch 1/2"], "3/10 [<x>]", { current: 3, target: 10 });
  assert.match(b["text/html"] as string, /<progress value="3" max="10"/);
  assert.ok((b["text/html"] as string).includes("3/10 [&lt;x&gt;]"));
  assert.equal(b["text/plain"], "Epoch 1/2\n3/10 [<x>]");
});

test("describeValues: percentiles as numpy computes them", () => {
  const s = describeValues([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [15, 50, 85]);
  assert.ok(Math.abs(s.percentiles[15] - 2.35) < 1e-12);
  assert.equal(s.percentiles[50], 5.5);
  assert.ok(Math.abs(s.percentiles[85] - 8.65) < 1e-12);
  assert.equal(s.mean, 5.5);
  assert.ok(Math.abs(s.std - Math.sqrt(8.25)) < 1e-12);
});

test("activationStats, layerWeights and the ActivationPercentiles callback measure real activations", async () => {
  keras.backend.clearSession();
  const model = keras.Sequential([layers.Dense(2, { inputShape: [3], kernelInitializer: "ones", useBias: false }), layers.BatchNormalization(), layers.Dense(2, { activation: "softmax" })]);
  const x = tf.tensor2d([[1, 2, 3], [0, 0, 0], [1, 1, 1], [2, 2, 2]]);
  // BatchNormalization's input is the row sums [6, 0, 3, 6] in both units.
  const stats = await display.activationStats(model, x);
  const s = (stats as unknown as { stats: ReturnType<typeof describeValues>[] }).stats[0];
  assert.equal(s.mean, 3.75);
  assert.equal(s.percentiles[50], 4.5);
  const b = await bundleOf(stats);
  assert.match(String(b["text/plain"]), /batch_normalization \(BatchNormalization\)/);
  const w = await display.layerWeights(model.layers[1]);
  assert.match(String((await bundleOf(w))["text/plain"]), /batch_normalization\/moving_variance:0 +\[2\] +no +1\.0000/);
  model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam" });
  const probe = new ActivationPercentiles({ probe: x, everyBatches: 1 });
  await model.fit(x, tf.tensor1d([0, 1, 0, 1]), { epochs: 2, batchSize: 2, verbose: 0, callbacks: [probe] });
  assert.deepEqual(probe.steps, [0, 1, 2, 3, 4]);
  assert.equal(probe.series.batch_normalization[50].length, 5);
  assert.equal(probe.series.batch_normalization[50][0], 4.5);
  const fig = probe.figure();
  assert.equal(fig.data.length, 3);
});
