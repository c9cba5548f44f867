// display.imageGrid(x, y?, options): a batch of images as a grid, each labelled underneath (seed 000's
// 2x5 grid of a validation batch). Tiles and the whole grid are PNGs encoded with sharp.
import { loadSharp } from "../load_sharp.js";
import tf from "../tfjs.cjs";
import { displayable, escapeHtml, type MimeBundle } from "./html.js";

export interface ImageGridOptions {
  /** Names of the classes: a list, or Keras' `classIndices` ({ cats: 0, dogs: 1 }). */
  classNames?: string[] | Record<string, number>;
  /** Images per row. Default 5. */
  cols?: number;
  /** Pixel magnification (nearest neighbour). Default: enough to make small images ~96 px. */
  scale?: number;
  /** At most this many images. Default 50. */
  limit?: number;
  /** Gap between tiles in pixels (in the PNG). Default 4. */
  gap?: number;
}

export interface ImageGrid {
  /** The whole grid as one PNG (labels are in the HTML under each tile). */
  png: Buffer;
  width: number;
  height: number;
  labels: string[];
  bundle: MimeBundle;
}

function classNameList(names: ImageGridOptions["classNames"]): string[] | undefined {
  if (!names) return undefined;
  if (Array.isArray(names)) return names;
  const list: string[] = [];
  for (const [name, index] of Object.entries(names)) list[index] = name;
  return list;
}

/** Labels from class indices [n], one-hot/probabilities [n, k] (argmax), or [n, 1]. */
async function labelTexts(y: tf.Tensor | ArrayLike<number> | undefined, n: number, names: string[] | undefined): Promise<string[]> {
  if (y === undefined) return [];
  let indices: number[];
  if (y instanceof tf.Tensor) {
    const t = y.rank === 2 && y.shape[1]! > 1 ? tf.argMax(y, 1) : y.reshape([-1]);
    indices = Array.from(await t.data());
    if (t !== y) t.dispose();
  } else indices = Array.from(y);
  return indices.slice(0, n).map((i) => (names?.[i] !== undefined ? `${names[i]}` : String(i)));
}

/** Encodes images [n, h, w, c] or [n, h, w] (c = 1 or 3; values in [0, 1] or [0, 255]) as a labelled grid. */
export async function imageGridData(x: tf.Tensor, y?: tf.Tensor | ArrayLike<number>, options: ImageGridOptions = {}): Promise<ImageGrid> {
  if (!(x instanceof tf.Tensor) || (x.rank !== 3 && x.rank !== 4)) {
    throw new Error(`imageGrid: x must be a tensor of images [n, height, width, channels] or [n, height, width], got ${x instanceof tf.Tensor ? `shape [${x.shape.join(", ")}]` : typeof x}`);
  }
  const [count, h, w] = x.shape as number[];
  const c = x.rank === 4 ? x.shape[3]! : 1;
  if (c !== 1 && c !== 3 && c !== 4) throw new Error(`imageGrid: images need 1, 3 or 4 channels, got ${c}`);
  const n = Math.min(count, options.limit ?? 50);
  const cols = Math.max(1, Math.min(options.cols ?? 5, n));
  const rows = Math.ceil(n / cols);
  const scale = options.scale ?? Math.max(1, Math.round(96 / Math.max(h, w)));
  if (!(Number.isInteger(scale) && scale >= 1)) throw new Error(`imageGrid: scale must be a positive integer, got ${options.scale}`);
  const gap = options.gap ?? 4;
  const values = await x.slice(0, n).data();
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  const k = x.dtype === "int32" || max > 1.5 ? 1 : 255; // [0, 1] floats or [0, 255] values
  const tileW = w * scale;
  const tileH = h * scale;
  const sharp = await loadSharp();
  // Encode the tiles concurrently: sharp works on libuv's threads.
  const tiles = await Promise.all(
    Array.from({ length: n }, (_, i) => {
      const px = Buffer.alloc(h * w * c);
      for (let j = 0; j < h * w * c; j++) px[j] = Math.max(0, Math.min(255, Math.round(values[i * h * w * c + j] * k)));
      return sharp(px, { raw: { width: w, height: h, channels: c as 1 | 3 | 4 } }).resize(tileW, tileH, { kernel: "nearest" }).png().toBuffer();
    }),
  );
  const width = cols * tileW + (cols - 1) * gap;
  const height = rows * tileH + (rows - 1) * gap;
  const png = await sharp({ create: { width, height, channels: 3, background: { r: 255, g: 255, b: 255 } } })
    .composite(tiles.map((input, i) => ({ input, left: (i % cols) * (tileW + gap), top: Math.floor(i / cols) * (tileH + gap) })))
    .png()
    .toBuffer();
  const labels = await labelTexts(y, n, classNameList(options.classNames));
  const figures = tiles
    .map((t, i) => `<figure style="margin:0;text-align:center"><img src="data:image/png;base64,${t.toString("base64")}" width="${tileW}" height="${tileH}" style="image-rendering:pixelated"/>${labels[i] !== undefined ? `<figcaption style="font-family:sans-serif;font-size:12px">${escapeHtml(labels[i])}</figcaption>` : ""}</figure>`)
    .join("");
  const html = `<div class="tsdl-image-grid" style="display:grid;grid-template-columns:repeat(${cols}, ${tileW}px);gap:${gap}px 8px">${figures}</div>`;
  const text = `<image grid: ${n} images of ${h}x${w}x${c}${labels.length ? `; labels: ${labels.join(", ")}` : ""}>`;
  return { png, width, height, labels, bundle: { "text/html": html, "image/png": png.toString("base64"), "text/plain": text } };
}

/** `await display.imageGrid(x, y, { classNames, cols, scale })` as a cell's value shows the grid. */
export async function imageGrid(x: tf.Tensor, y?: tf.Tensor | ArrayLike<number>, options: ImageGridOptions = {}) {
  const grid = await imageGridData(x, y, options);
  return displayable(() => grid.bundle, { png: grid.png, width: grid.width, height: grid.height, labels: grid.labels });
}

/** A generator batch, as `await generator.next()` gives it ({ value: [x, y] }) or as [x, y]. */
export async function batch(b: [tf.Tensor, tf.Tensor?] | IteratorResult<[tf.Tensor, tf.Tensor?]> | { value: [tf.Tensor, tf.Tensor?] }, options: ImageGridOptions = {}) {
  const pair = Array.isArray(b) ? b : (b as { value: [tf.Tensor, tf.Tensor?] }).value;
  if (!Array.isArray(pair)) throw new Error("display.batch: expected [x, y] or the result of `await generator.next()`");
  return imageGrid(pair[0], pair[1], options);
}
