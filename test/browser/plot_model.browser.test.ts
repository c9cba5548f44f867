// plotModel's SVG in headless Chromium, as a notebook shows an image/svg+xml output: inline (every
// layer's box is laid out and visible, with its name and class, inside the picture) and as an <img> of
// the data (how JupyterLab renders SVG outputs), screenshotted to out/browser/plot-model*.png.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import sharp from "sharp";
import { keras, layers, ready, tf } from "../../src/index.ts";

const OUT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "out", "browser");
let browser: Browser;

before(async () => {
  await ready();
  mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
});

function toyResnet() {
  keras.backend.clearSession();
  const inputs = keras.Input([32, 32, 3], { name: "img" });
  let x = layers.Conv2D(32, 3, { activation: "relu" })(inputs);
  const block1 = layers.MaxPooling2D(3)(x);
  x = layers.Conv2D(32, 3, { activation: "relu", padding: "same" })(block1);
  const block2 = layers.add([x, block1]) as tf.SymbolicTensor;
  x = layers.GlobalAveragePooling2D()(block2);
  return keras.Model(inputs, layers.Dense(10)(x), { name: "toy_resnet" });
}

test("every box of the plot is drawn and visible in Chromium, with its layer's name and class; the <img> form loads", async () => {
  const model = toyResnet();
  const plot = keras.utils.plotModel(model, { showShapes: true, showLayerNames: true });
  const bundle = (await (plot as unknown as Record<symbol, () => Promise<Record<string, string>>>)[Symbol.for("Jupyter.display")]()) as Record<string, string>;
  const svg = bundle["image/svg+xml"];
  const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
  try {
    await page.setContent(`<!doctype html><body style="margin:0;background:white"><div id="inline">${svg.slice(svg.indexOf("<svg"))}</div></body>`);
    const boxes = await page.$$eval("#inline g.node", (nodes) =>
      nodes.map((n) => {
        const r = n.getBoundingClientRect();
        const style = getComputedStyle(n);
        return { text: n.textContent ?? "", x: r.x, y: r.y, w: r.width, h: r.height, visible: style.visibility !== "hidden" && style.display !== "none" };
      }),
    );
    const svgBox = await page.$eval("#inline svg", (s) => s.getBoundingClientRect().toJSON() as DOMRect);
    assert.equal(boxes.length, plot.graph.nodes.length);
    for (const node of plot.graph.nodes) {
      const box = boxes.find((b) => b.text.includes(`${node.name}`) && b.text.includes(`(${node.className})`));
      assert.ok(box, `a box for ${node.name} (${node.className})`);
      assert.ok(box.visible && box.w > 40 && box.h > 20, `${node.name} is drawn: ${JSON.stringify(box)}`);
      assert.ok(box.x >= svgBox.x && box.y >= svgBox.y && box.x + box.w <= svgBox.x + svgBox.width + 1 && box.y + box.h <= svgBox.y + svgBox.height + 1, `${node.name} inside the picture`);
    }
    // Text stays inside its box: each text run ends before its cell's right edge.
    const overflow = await page.$$eval("#inline g.node", (nodes) =>
      nodes.flatMap((n) => {
        const cells = Array.from(n.querySelectorAll("polygon")).map((p) => p.getBoundingClientRect());
        return Array.from(n.querySelectorAll("text")).flatMap((t) => {
          const r = t.getBoundingClientRect();
          const cell = cells.find((c) => r.y >= c.y - 1 && r.y + r.height <= c.y + c.height + 1 && r.x >= c.x - 1 && r.x <= c.x + c.width);
          return cell && r.x + r.width > cell.x + cell.width + 1 ? [`${t.textContent} by ${(r.x + r.width - cell.x - cell.width).toFixed(1)}px`] : [];
        });
      }),
    );
    assert.deepEqual(overflow, [], "text runs that stick out of their cell");
    await page.locator("#inline svg").screenshot({ path: join(OUT, "plot-model.png") });
    // As JupyterLab shows an image/svg+xml output: an <img> of the data.
    await page.setContent(`<!doctype html><body style="margin:0;background:white"><img id="img" src="data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}"></body>`);
    await page.waitForFunction(() => (document.getElementById("img") as HTMLImageElement).complete);
    const size = await page.$eval("#img", (i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).naturalHeight]);
    const [, w, h] = /<svg width="([\d.]+)pt" height="([\d.]+)pt"/.exec(svg)!.map(Number);
    assert.deepEqual(size, [Math.round((w * 4) / 3), Math.round((h * 4) / 3)], "the <img> is as large as the SVG says (pt at 96 px per inch)");
    const shot = await page.locator("#img").screenshot({ path: join(OUT, "plot-model-img.png") });
    const { data, info } = await sharp(shot).greyscale().raw().toBuffer({ resolveWithObject: true });
    const dark = data.filter((v) => v < 60).length / (info.width * info.height);
    assert.ok(dark > 0.05, `the boxes' black title cells show: ${dark.toFixed(3)} of the pixels dark`);
  } finally {
    await page.close();
  }
});
