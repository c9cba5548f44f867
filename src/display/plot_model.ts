// keras.utils.plotModel / modelToDot: the layer graph of a model as Keras 3 draws it
// (keras/src/utils/model_visualization.py): one box per layer, an HTML-like Graphviz table with the
// name and class, optionally the activation, "Input shape" / "Output shape", dtype and trainable cells;
// an edge per connection; nested models as dashed clusters with expandNested. Laid out by Graphviz
// compiled to WebAssembly (@viz-js/viz, loaded on first use), the PNG drawn from the SVG by sharp.
import { writeFile } from "node:fs/promises";
import { extname } from "node:path";
import { loadSharp } from "../load_sharp.js";
import tf from "../tfjs.cjs";
import { kerasClassName } from "../keras/models/summary.js";
import type { MimeBundle } from "./html.js";

export interface PlotModelOptions {
  /** Show each layer's input and output shapes. Default false. */
  showShapes?: boolean;
  /** Show each layer's output dtype. Default false. */
  showDtype?: boolean;
  /** Show layer names before the class (`dense (Dense)`). Default false in plotModel, as Keras 3's plot_model; true in modelToDot, as model_to_dot. */
  showLayerNames?: boolean;
  /** Graphviz rankdir: "TB" (top to bottom, default), "LR" (left to right), "BT" or "RL". */
  rankdir?: "TB" | "LR" | "BT" | "RL";
  /** Draw the layers of nested models inside dashed clusters. Default false. */
  expandNested?: boolean;
  /** Resolution of the PNG in dots per inch. Default 200. */
  dpi?: number;
  /** Show the activation of layers that have one. Default false. */
  showLayerActivations?: boolean;
  /** Mark layers with weights Trainable or Non-trainable. Default false. */
  showTrainable?: boolean;
  /** How edges are drawn: "ortho" (right angles, default), "curved", "polyline", "spline", "line". */
  splines?: "ortho" | "curved" | "polyline" | "spline" | "line";
  /**
   * Also write the plot to this file (.png, .svg, .dot or .gv by its extension, .png without one).
   * Porting note: Keras writes model.png by default; tsdl writes a file only when asked, in the
   * background (the figure's `saved` promise, which its display waits for).
   */
  toFile?: string;
}

const RANKDIRS = ["TB", "LR", "BT", "RL"];
const SPLINES = ["ortho", "curved", "polyline", "spline", "line"];
const OPTION_NAMES = ["showShapes", "showDtype", "showLayerNames", "rankdir", "expandNested", "dpi", "showLayerActivations", "showTrainable", "splines", "toFile"];

interface NodeLike {
  inboundLayers: tf.layers.Layer[];
  tensorIndices: number[];
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
}

const inboundNodes = (layer: tf.layers.Layer) => (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes ?? [];
const isModel = (l: tf.layers.Layer): l is tf.LayersModel => l instanceof tf.LayersModel;
const isSequential = (m: tf.LayersModel) => m.getClassName() === "Sequential";
const isInputLayer = (l: tf.layers.Layer) => l.getClassName() === "InputLayer";

/** The nodes of a model's own graph (a layer's calls elsewhere are not edges of this model). */
function modelNodes(model: tf.LayersModel): Set<NodeLike> {
  const byDepth = (model as unknown as { nodesByDepth?: Record<string, NodeLike[]> }).nodesByDepth ?? {};
  return new Set(Object.values(byDepth).flat());
}

/** Keras' `model.layers` of a Sequential (no input layer) and `_operations` of a functional model (input layers too). */
function kerasLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return isSequential(model) ? model.layers.filter((l) => !isInputLayer(l)) : model.layers;
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Python's repr of a shape tuple: `(None, 8)`, `(None,)`. */
function tupleRepr(shape: readonly (number | null)[]): string {
  const dims = shape.map((d) => (d == null ? "None" : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(", ")})`;
}

/** Keras' format_shape of `layer.input` / `layer.output` (the first call): a tuple, or a list of them. */
function shapesRepr(tensors: tf.SymbolicTensor[] | undefined): string {
  if (!tensors || tensors.length === 0) return "?";
  return tensors.length === 1 ? tupleRepr(tensors[0].shape) : `[${tensors.map((t) => tupleRepr(t.shape)).join(", ")}]`;
}

function dtypeRepr(tensors: tf.SymbolicTensor[] | undefined): string {
  if (!tensors || tensors.length === 0) return "?";
  return tensors.length === 1 ? tensors[0].dtype : `[${tensors.map((t) => `'${t.dtype}'`).join(", ")}]`;
}

/** Keras' activation name (`relu`, `linear`, ...) of a layer with an activation; undefined for none. */
function activationName(layer: tf.layers.Layer): string | undefined {
  const a = (layer as unknown as { activation?: { getClassName?: () => string } }).activation;
  if (!a || typeof a.getClassName !== "function") return undefined;
  const name = a.getClassName();
  if (name === "hardSigmoidKeras3") return "hard_sigmoid";
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

type LabelOptions = Required<Pick<PlotModelOptions, "showShapes" | "showDtype" | "showLayerNames" | "showLayerActivations" | "showTrainable">>;

/** Keras' make_layer_label: the HTML-like table of one box. */
export function layerLabel(layer: tf.layers.Layer, o: LabelOptions): string {
  const className = kerasClassName(layer);
  let colspan = Number(o.showDtype) + Number(o.showTrainable) + (o.showShapes ? 2 : 0);
  colspan = Math.max(1, colspan);
  let table = '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">';
  const title = o.showLayerNames ? `<b>${escape(layer.name)}</b> (${escape(className)})` : `<b>${escape(className)}</b>`;
  table += `<tr><td colspan="${colspan}" bgcolor="black"><font point-size="16" color="white">${title}</font></td></tr>`;
  const activation = o.showLayerActivations ? activationName(layer) : undefined;
  if (activation !== undefined) {
    table += `<tr><td bgcolor="white" colspan="${colspan}"><font point-size="14">Activation: <b>${escape(activation)}</b></font></td></tr>`;
  }
  const first = inboundNodes(layer)[0];
  const cols: string[] = [];
  const cell = (text: string) => `<td bgcolor="white"><font point-size="14">${text}</font></td>`;
  if (o.showShapes) {
    if (className !== "InputLayer") cols.push(cell(`Input shape: <b>${escape(shapesRepr(first?.inputTensors))}</b>`));
    cols.push(cell(`Output shape: <b>${escape(shapesRepr(first?.outputTensors))}</b>`));
  }
  if (o.showDtype) cols.push(cell(`Output dtype: <b>${escape(dtypeRepr(first?.outputTensors))}</b>`));
  if (o.showTrainable && layer.weights.length > 0) {
    cols.push(
      layer.trainable
        ? '<td bgcolor="forestgreen"><font point-size="14" color="white"><b>Trainable</b></font></td>'
        : '<td bgcolor="firebrick"><font point-size="14" color="white"><b>Non-trainable</b></font></td>',
    );
  }
  if (cols.length) table += `<tr>${cols.join("")}</tr>`;
  return `${table}</table>>`;
}

/** The graph of a model: DOT text, and what was drawn (for tests and the text/plain line). */
export interface ModelGraph {
  dot: string;
  /** The boxes: Graphviz id, layer name and class, in the order they were added. */
  nodes: { id: string; name: string; className: string }[];
  /** Edges as [source layer name, destination layer name]. */
  edges: [string, string][];
  /** Names of the nested models drawn as clusters. */
  clusters: string[];
}

function checkOptions(options: PlotModelOptions, where: string): void {
  const unknown = Object.keys(options).filter((k) => !OPTION_NAMES.includes(k));
  if (unknown.length) throw new Error(`${where}: unknown option(s) ${unknown.join(", ")}; expected ${OPTION_NAMES.join(", ")}`);
  if (options.rankdir !== undefined && !RANKDIRS.includes(options.rankdir)) throw new Error(`${where}: rankdir must be one of ${RANKDIRS.map((r) => `"${r}"`).join(", ")}, got ${JSON.stringify(options.rankdir)}`);
  if (options.splines !== undefined && !SPLINES.includes(options.splines)) throw new Error(`${where}: splines must be one of ${SPLINES.map((r) => `"${r}"`).join(", ")}, got ${JSON.stringify(options.splines)}`);
  if (options.dpi !== undefined && !(typeof options.dpi === "number" && options.dpi > 0 && Number.isFinite(options.dpi))) throw new Error(`${where}: dpi must be a positive number, got ${JSON.stringify(options.dpi)}`);
}

/** A tsdl model (`keras.Model`, `keras.Sequential`) or a tfjs LayersModel, as its tfjs model. */
function tfModelOf(model: unknown, where: string): tf.LayersModel {
  const m = model as { tf?: unknown; built?: boolean };
  if (m && typeof m === "object" && "built" in m && m.built === false) {
    throw new Error(`${where}: this model has not yet been built. Build the model first by calling build() or by calling the model on a batch of data (or start it with keras.Input)`);
  }
  const t = (m?.tf ?? model) as tf.LayersModel;
  if (!(t instanceof tf.LayersModel)) throw new TypeError(`${where}: expected a keras.Model or keras.Sequential, got ${model === null ? "null" : typeof model}`);
  if (isSequential(t) && kerasLayers(t).length === 0) throw new Error(`${where}: this model has not yet been built (it has no layers)`);
  return t;
}

/**
 * Keras' model_to_dot: the DOT text of a model's graph (with `dpi` and everything Keras sets). Layer
 * names are shown by default here (model_to_dot's default), not by plotModel (plot_model's).
 */
export function modelGraph(model: unknown, options: PlotModelOptions = {}, where: "modelToDot" | "plotModel" = "modelToDot"): ModelGraph {
  checkOptions(options, where);
  const top = tfModelOf(model, where);
  const labels: LabelOptions = {
    showShapes: options.showShapes ?? false,
    showDtype: options.showDtype ?? false,
    showLayerNames: options.showLayerNames ?? where === "modelToDot",
    showLayerActivations: options.showLayerActivations ?? false,
    showTrainable: options.showTrainable ?? false,
  };
  const expand = options.expandNested ?? false;
  const ids = new Map<tf.layers.Layer, string>();
  const graph: ModelGraph = { dot: "", nodes: [], edges: [], clusters: [] };
  const edgeKeys = new Set<string>();
  const idOf = (l: tf.layers.Layer) => {
    let id = ids.get(l);
    if (!id) ids.set(l, (id = `n${ids.size + 1}`));
    return id;
  };
  const addEdge = (lines: string[], src: tf.layers.Layer, dst: tf.layers.Layer) => {
    const key = `${idOf(src)}->${idOf(dst)}`;
    if (edgeKeys.has(key)) return;
    edgeKeys.add(key);
    lines.push(`"${idOf(src)}" -> "${idOf(dst)}" [penwidth=2];`);
    graph.edges.push([src.name, dst.name]);
  };
  // Keras: a model as an edge's source is the layer that makes the output, as a destination its
  // input layer (functional) or first layer (Sequential), as deep as models nest.
  const resolveSource = (l: tf.layers.Layer, tensorIndex: number): tf.layers.Layer => {
    while (isModel(l)) {
      const out = l.outputs[tensorIndex] ?? l.outputs[0];
      l = out.sourceLayer;
      tensorIndex = (out as unknown as { outputTensorIndex?: number }).outputTensorIndex ?? 0;
    }
    return l;
  };
  const resolveDestination = (l: tf.layers.Layer, inputIndex: number): tf.layers.Layer => {
    while (isModel(l)) l = isSequential(l) ? kerasLayers(l)[0] : (l.inputs[inputIndex] ?? l.inputs[0]).sourceLayer;
    return l;
  };
  const draw = (m: tf.LayersModel, lines: string[]) => {
    const layers = kerasLayers(m);
    for (const layer of layers) {
      if (expand && isModel(layer)) {
        const inner: string[] = [];
        draw(layer, inner);
        graph.clusters.push(layer.name);
        lines.push(`subgraph "cluster_${escape(layer.name)}" {`, 'style="dashed";', `label="${escape(layer.name)}";`, 'labeljust="l";', ...inner, "}");
      } else {
        const id = idOf(layer);
        lines.push(`"${id}" [label=${layerLabel(layer, labels)}, fontname="Helvetica", border="0", margin="0"];`);
        graph.nodes.push({ id, name: layer.name, className: kerasClassName(layer) });
      }
    }
    if (isSequential(m)) {
      // A chain (Keras: consecutive layers; expanded, the layers after the first from their inputs, the
      // Sequential's input layer not drawn). tfjs makes a Sequential's graph only when it is first run.
      for (let i = 0; i + 1 < layers.length; i++) addEdge(lines, expand ? resolveSource(layers[i], 0) : layers[i], expand ? resolveDestination(layers[i + 1], 0) : layers[i + 1]);
      return;
    }
    const own = modelNodes(m);
    for (const layer of layers) {
      for (const node of inboundNodes(layer)) {
        if (!own.has(node)) continue;
        node.inboundLayers.forEach((src, inputIndex) => {
          if (!expand) return addEdge(lines, src, layer);
          addEdge(lines, resolveSource(src, node.tensorIndices[inputIndex]), resolveDestination(layer, inputIndex));
        });
      }
    }
  };
  const body: string[] = [];
  draw(top, body);
  graph.dot = [
    "digraph G {",
    `rankdir="${options.rankdir ?? "TB"}";`,
    "concentrate=true;",
    `dpi=${options.dpi ?? 200};`,
    `splines="${options.splines ?? "ortho"}";`,
    "node [shape=record];",
    ...body,
    "}",
    "",
  ].join("\n");
  return graph;
}

/** keras.utils.modelToDot: the DOT text Keras' model_to_dot makes (showLayerNames true by default, as there). */
export function modelToDot(model: unknown, options: Omit<PlotModelOptions, "toFile"> = {}): string {
  return modelGraph(model, options, "modelToDot").dot;
}

type Viz = { renderString(input: string, options?: { format?: string; graphAttributes?: Record<string, string | number> }): string };
let vizInstance: Promise<Viz> | undefined;
/** Graphviz (WebAssembly), compiled once per process on first use. */
function viz(): Promise<Viz> {
  vizInstance ??= import("@viz-js/viz").then((m) => m.instance() as Promise<Viz>);
  return vizInstance;
}

const FONTS = `Helvetica,Arial,'Liberation Sans','DejaVu Sans Condensed',sans-serif`;
const TEXT_SCALE = 0.92;

/** Graphviz's SVG with fonts that fit its boxes (see ModelPlot.svg). */
function fitText(svg: string): string {
  return svg
    .replace(/font-family="Helvetica,sans-Serif"/g, `font-family="${FONTS}"`)
    .replace(/font-size="([\d.]+)"/g, (_m, size: string) => `font-size="${(Number(size) * TEXT_SCALE).toFixed(2)}"`);
}

/** What plotModel returns: shows itself in a notebook (SVG, PNG and a text line), and has its DOT text, SVG and PNG. */
export class ModelPlot {
  private svgText?: Promise<string>;
  private pngData?: Promise<Buffer>;
  /** When `toFile` was given: resolves to the file's path once written. */
  readonly saved?: Promise<string>;

  constructor(
    readonly graph: ModelGraph,
    readonly modelName: string,
    private readonly dpi: number,
    toFile?: string,
  ) {
    if (toFile) {
      this.saved = this.save(toFile);
      this.saved.catch(() => {}); // reported by the display, or by whoever awaits it
    }
  }

  /** The DOT text (Keras' model_to_dot). */
  get dot(): string {
    return this.graph.dot;
  }

  /**
   * The SVG, at Graphviz's own scale (72 points per inch).
   *
   * Porting note: `dpi` sets the resolution of the PNG only; Keras' SVG files are scaled by dpi / 72,
   * which would draw the plot several times larger than its text in a notebook. Graphviz in
   * WebAssembly sizes the boxes with its built-in Helvetica metrics; the text is drawn at 92% of that
   * size, in Helvetica or the first of Arial, Liberation Sans, DejaVu Sans Condensed that the machine
   * has, so that it stays inside its box with wider fonts too.
   */
  svg(): Promise<string> {
    this.svgText ??= viz().then((v) => fitText(v.renderString(this.graph.dot.replace(/^dpi=[^;]*;$/m, "dpi=72;"), { format: "svg" })));
    return this.svgText;
  }

  /** The PNG at `dpi` (sharp draws the SVG, dpi / 72 pixels per point). */
  png(): Promise<Buffer> {
    const scale = this.dpi / 72;
    this.pngData ??= this.svg().then(async (s) => {
      const sharp = await loadSharp();
      // Pixel sizes instead of points: librsvg through sharp would apply a density twice to pt units.
      const sized = s.replace(/<svg width="([\d.]+)pt" height="([\d.]+)pt"/, (_m, w: string, h: string) => `<svg width="${Math.ceil(Number(w) * scale)}px" height="${Math.ceil(Number(h) * scale)}px"`);
      return sharp(Buffer.from(sized)).flatten({ background: "#ffffff" }).png().toBuffer();
    });
    return this.pngData;
  }

  /** Writes the plot to `file`: .png (also without an extension), .svg, or .dot / .gv (the DOT text). */
  async save(file: string): Promise<string> {
    const ext = extname(file).toLowerCase();
    const data = ext === ".svg" ? await this.svg() : ext === ".dot" || ext === ".gv" ? this.dot : ext === ".png" || ext === "" ? await this.png() : undefined;
    if (data === undefined) throw new Error(`plotModel: cannot write ${file}: the format is chosen by the extension, one of .png, .svg, .dot, .gv`);
    await writeFile(file, data);
    return file;
  }

  toString(): string {
    return `Model plot of "${this.modelName}": ${this.graph.nodes.length} layer boxes, ${this.graph.edges.length} edges${this.graph.clusters.length ? `, nested: ${this.graph.clusters.join(", ")}` : ""}`;
  }

  async [Symbol.for("Jupyter.display")](): Promise<MimeBundle> {
    if (this.saved) await this.saved;
    const [svg, png] = await Promise.all([this.svg(), this.png()]);
    return { "image/svg+xml": svg, "image/png": png.toString("base64"), "text/plain": this.toString() };
  }
}

/**
 * keras.utils.plotModel: the model's graph as Keras 3 draws it, shown in a notebook as SVG (and PNG).
 * `await plot.svg()`, `await plot.png()` and `plot.dot` give the drawing itself.
 */
export function plotModel(model: unknown, options: PlotModelOptions = {}): ModelPlot {
  const graph = modelGraph(model, options, "plotModel");
  const name = tfModelOf(model, "plotModel").name;
  return new ModelPlot(graph, name, options.dpi ?? 200, options.toFile);
}
