// `model.summary()` as Keras 3 prints it (keras/src/utils/summary_utils.py): the rows and totals
// (`summaryData`) and the box-drawn table that Keras has the `rich` library draw (`summaryText`),
// wrapped and cut with "…" exactly as rich does it. src/display renders the same rows as HTML.
import tf from "../../tfjs.cjs";
import { renderTable, wrapText, type Justify } from "./summary_layout.js";

export interface SummaryRow {
  /** Layer name, e.g. `conv1`. */
  name: string;
  /** Keras 3's class name, e.g. `Conv2D`; a functional model is `Functional`, as in Keras. */
  className: string;
  /** Keras 3's spelling: `(None, 30, 30, 32)` (inputs too); `[(None, 2), (None, 5)]` for several outputs; `?` when unbuilt. */
  outputShape: string;
  params: number;
  /** Whether the layer is built (Keras writes `0 (unbuilt)` otherwise). */
  built: boolean;
  /** `layer.trainable`; null for a layer without weights (Keras' `-` in the Trainable column). */
  trainable: boolean | null;
  /** Inbound tensors as Keras writes them (`conv1[0][0]`), in this model only; empty for inputs (Keras' `-`). */
  connectedTo: string[];
  /** For a model used as a layer: the rows of its layers (Keras' `layer.layers`), shown with expandNested. */
  nested?: SummaryRow[];
}

export interface SummaryData {
  modelName: string;
  /** True when the table has a "Connected to" column: Keras' `not sequential_like` (a functional model that branches, merges or shares a layer). */
  functional: boolean;
  rows: SummaryRow[];
  /** Keras' "Total params": trainable + non-trainable + optimizer parameters. */
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  /** The optimizer's variables once it has made its first update (Keras prints "Optimizer params" then); undefined before. */
  optimizerParams?: number;
  /** Memory of each total in bytes, by dtype as Keras counts it (float32: 4 bytes, the optimizer's iteration count: 8). */
  bytes: { total: number; trainable: number; nonTrainable: number; optimizer: number };
}

export interface SummaryOptions {
  /** Total width of the table. Default: Keras' min(88, columns - 4), min(108, columns - 4) with "Connected to" (12 more with showTrainable). */
  lineLength?: number;
  /** Right edges of the columns as fractions of the line. Default [0.45, 0.8, 1], [0.3, 0.56, 0.74, 1] with "Connected to". */
  positions?: number[];
  /** Add Keras' "Trainable" column (Y, N, or - for layers without weights). Default false. */
  showTrainable?: boolean;
  /**
   * Width of the terminal Keras measures (`shutil.get_terminal_size()`). Default 80, what a notebook
   * has (Keras then draws 76-character tables); `model.summary()` on a terminal passes its width.
   */
  columns?: number;
  /** Also list the layers of nested models, under their model's row (`   └ dense (Dense)`), as deep as they go. Default false. */
  expandNested?: boolean;
  /**
   * Only the layers from the first whose name matches `layerRange[0]` to the last whose name matches
   * `layerRange[1]` (regular expressions matched at the start of the name, as Python's re.match). The
   * totals stay the whole model's. Default: every layer.
   */
  layerRange?: readonly [string, string];
}

/** A row to draw and its nesting depth (0 for the model's own layers). */
export interface ShownRow {
  row: SummaryRow;
  level: number;
}

/** Keras' get_layer_index_bound_by_layer_name: [first, end) of the rows that layerRange selects. */
function layerRangeBounds(d: SummaryData, range: readonly [string, string] | undefined): [number, number] {
  if (range === undefined) return [0, d.rows.length];
  if (!Array.isArray(range) || range.length !== 2) throw new Error(`summary: layerRange must be [first, last] (two layer names or patterns), got ${JSON.stringify(range)}`);
  if (!range.every((p) => typeof p === "string")) throw new Error(`summary: layerRange must hold two strings (layer names or patterns), got ${JSON.stringify(range)}`);
  const [lowerRe, upperRe] = range.map((p) => {
    try {
      return new RegExp(p, "y"); // sticky: matched at the start of the name, as re.match
    } catch (e) {
      throw new Error(`summary: layerRange pattern ${JSON.stringify(p)} is not a valid regular expression (${(e as Error).message})`);
    }
  });
  const matches = (re: RegExp) =>
    d.rows.flatMap((r, i) => {
      re.lastIndex = 0;
      return re.test(r.name) ? [i] : [];
    });
  const lower = matches(lowerRe);
  const upper = matches(upperRe);
  if (!lower.length || !upper.length) {
    throw new Error(`summary: layerRange ${JSON.stringify(range)} does not match the layer names of model "${d.modelName}" (${d.rows.map((r) => r.name).join(", ")})`);
  }
  if (Math.min(...lower) > Math.max(...upper)) return [Math.min(...upper), Math.max(...lower) + 1];
  return [Math.min(...lower), Math.max(...upper) + 1];
}

/** The rows Keras draws for these options: those in layerRange, each followed by its nested rows with expandNested. */
export function summaryRows(d: SummaryData, options: Pick<SummaryOptions, "expandNested" | "layerRange"> = {}): ShownRow[] {
  const [first, end] = layerRangeBounds(d, options.layerRange);
  const out: ShownRow[] = [];
  const visit = (row: SummaryRow, level: number) => {
    out.push({ row, level });
    if (options.expandNested) for (const n of row.nested ?? []) visit(n, level + 1);
  };
  d.rows.slice(first, end).forEach((r) => visit(r, 0));
  return out;
}

/** Keras' prefix of a nested row's name: three spaces per level and "└ ". */
export function nestedPrefix(level: number): string {
  return level ? `${"   ".repeat(level)}└ ` : "";
}

/** Keras 3's class names where tfjs' getClassName() differs (tsdl's own layers already use Keras' names). */
const KERAS_CLASS_NAMES: Record<string, string> = { Model: "Functional" };

export function kerasClassName(layer: tf.layers.Layer): string {
  const name = layer.getClassName();
  return KERAS_CLASS_NAMES[name] ?? name;
}

interface NodeLike {
  inboundLayers: tf.layers.Layer[];
  nodeIndices: number[];
  tensorIndices: number[];
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
}

const inboundNodes = (layer: tf.layers.Layer) => (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes ?? [];

/**
 * Keras' index of a layer's node. Porting note: a tfjs model (functional or Sequential) has a node of
 * its own at index 0 that links its inputs to its outputs; Keras 3 models have none, so a model's
 * first call is node 0 in Keras and node 1 in tfjs.
 */
function kerasNodeIndex(layer: tf.layers.Layer, tfjsIndex: number): number {
  return layer instanceof tf.LayersModel ? tfjsIndex - 1 : tfjsIndex;
}

/** Keras' `format_shape`: `(None, 30, 30, 32)`; a rank-1 shape is `(None)`. */
function shapeText(shape: readonly (number | null)[]): string {
  return `(${shape.map((d) => (d == null ? "None" : String(d))).join(", ")})`;
}

/** Keras' `format_layer_shape`: the output shape(s) of the layer's last call; `?` when it has none. */
function outputShapeText(layer: tf.layers.Layer): string {
  const nodes = inboundNodes(layer);
  if (nodes.length === 0) {
    if (!layer.built) return "?";
    try {
      const s = layer.outputShape as (number | null)[] | (number | null)[][];
      return Array.isArray(s[0]) ? `[${(s as (number | null)[][]).map(shapeText).join(", ")}]` : shapeText(s as (number | null)[]);
    } catch {
      return "?";
    }
  }
  const shapes = nodes[nodes.length - 1].outputTensors.map((t) => shapeText(t.shape));
  return shapes.length === 1 ? shapes[0] : `[${shapes.join(", ")}]`;
}

function count(weights: tf.LayerVariable[]): number {
  return weights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/** Keras' `dtype_size` in bytes. */
function bytesOf(weights: tf.LayerVariable[]): number {
  return weights.reduce((n, w) => n + count([w]) * (w.dtype === "bool" ? 1 / 8 : w.dtype === "complex64" ? 8 : 4), 0);
}

/** tsdl's optimizers (src/keras/optimizers/optimizer.ts): their slots per trained variable, by Keras' names. */
interface KerasOptimizerLike {
  slotsOf(variable: tf.LayerVariable): Record<string, tf.Variable> | undefined;
  learningRateSchedule?: unknown;
}

/**
 * The slots per trainable weight of Keras' counterparts of tfjs' own optimizers (`tf.train.adam()`,
 * ...): SGD none, momentum one; RMSprop a velocity, a momentum when momentum > 0, an average gradient
 * when centered; Adam, Adamax and Adadelta two; Adagrad one. undefined for one Keras does not have.
 */
function tfjsSlotsPerWeight(o: tf.Optimizer): number | undefined {
  // By class name: tfjs' optimizer classes answer instanceof for any optimizer.
  const f = o as unknown as { momentum?: number; centered?: boolean };
  const slots: Record<string, number> = { SGD: 0, Momentum: 1, RMSProp: 1 + (f.momentum ? 1 : 0) + (f.centered ? 1 : 0), Adam: 2, Adamax: 2, Adadelta: 2, Adagrad: 1 };
  return slots[o.getClassName()];
}

/**
 * Keras' optimizer parameters, once the optimizer is built (Keras builds it at the first training
 * step; tsdl counts it once it has made an update): its iteration count (int64), its learning rate
 * (float32; none with a schedule), Nadam's running product, and its slots.
 * Porting note: for tfjs' own optimizers the slots are counted on the model's trainable weights now;
 * Keras keeps those of its first step if `trainable` changes after training.
 */
function optimizerParams(model: tf.LayersModel, optimizer: tf.Optimizer | undefined): { params: number; bytes: number } | undefined {
  if (!optimizer || !(optimizer.iterations > 0)) return undefined;
  let slots: number;
  const own = optimizer as unknown as Partial<KerasOptimizerLike>;
  if (typeof own.slotsOf === "function") {
    slots = 0;
    for (const w of model.weights) for (const v of Object.values(own.slotsOf(w) ?? {})) slots += v.size;
  } else {
    const perWeight = tfjsSlotsPerWeight(optimizer);
    if (perWeight === undefined) return undefined;
    slots = count(model.trainableWeights) * perWeight;
  }
  const scalars = (own.learningRateSchedule ? 0 : 1) + (optimizer.getClassName() === "Nadam" ? 1 : 0);
  return { params: slots + 1 + scalars, bytes: slots * 4 + 8 + scalars * 4 };
}

/**
 * Keras' `sequential_like` for a functional model: one node at every depth, each with one input
 * tensor, and no layer called twice in the model. Such a model gets the 3-column table.
 */
function sequentialLike(model: tf.LayersModel): boolean {
  const byDepth = (model as unknown as { nodesByDepth?: Record<string, NodeLike[]> }).nodesByDepth ?? {};
  const nodes = new Set<NodeLike>();
  for (const v of Object.values(byDepth)) {
    if (v.length > 1 || (v.length === 1 && v[0].inputTensors.length > 1)) return false;
    v.forEach((n) => nodes.add(n));
  }
  return model.layers.every((l) => inboundNodes(l).filter((n) => nodes.has(n)).length <= 1);
}

/**
 * Summary data of a tfjs LayersModel: `layers` as Keras lists them (a Sequential's input layer is left
 * out, a functional model's input layers are rows), with Keras' shapes, class names and connections.
 */
export function summaryData(model: tf.LayersModel, layers: tf.layers.Layer[], sequential: boolean, optimizer?: tf.Optimizer): SummaryData {
  const byDepth = (model as unknown as { nodesByDepth?: Record<string, NodeLike[]> }).nodesByDepth ?? {};
  const relevant = new Set(Object.values(byDepth).flat());
  const rowOf = (layer: tf.layers.Layer): SummaryRow => {
    const connectedTo: string[] = [];
    for (const node of inboundNodes(layer)) {
      if (relevant.size && !relevant.has(node)) continue;
      node.inboundLayers.forEach((l, i) => connectedTo.push(`${l.name}[${kerasNodeIndex(l, node.nodeIndices[i])}][${node.tensorIndices[i]}]`));
    }
    return {
      name: layer.name,
      className: kerasClassName(layer),
      outputShape: outputShapeText(layer),
      params: layer.built ? layer.countParams() : 0,
      built: layer.built,
      trainable: layer.weights.length > 0 ? layer.trainable : null,
      connectedTo,
      // A nested model's layers: their calls are nodes of the nested model, not of this one, so their
      // "Connected to" is `-`, as Keras writes it.
      ...(layer instanceof tf.LayersModel ? { nested: nestedLayers(layer).map(rowOf) } : {}),
    };
  };
  const rows = layers.map(rowOf);
  const trainableParams = count(model.trainableWeights);
  const nonTrainableParams = count(model.nonTrainableWeights);
  const opt = optimizerParams(model, optimizer);
  const bytes = { trainable: bytesOf(model.trainableWeights), nonTrainable: bytesOf(model.nonTrainableWeights), optimizer: opt?.bytes ?? 0, total: 0 };
  bytes.total = bytes.trainable + bytes.nonTrainable + bytes.optimizer;
  return {
    modelName: model.name,
    functional: !sequential && !sequentialLike(model),
    rows,
    totalParams: trainableParams + nonTrainableParams + (opt?.params ?? 0),
    trainableParams,
    nonTrainableParams,
    ...(opt ? { optimizerParams: opt.params } : {}),
    bytes,
  };
}

/**
 * Keras' `layer.layers` of a model used as a layer: a Sequential's without its input layer, a
 * functional model's with its input layers.
 */
function nestedLayers(model: tf.LayersModel): tf.layers.Layer[] {
  const layers = model.layers;
  return model.getClassName() === "Sequential" ? layers.filter((l) => l.getClassName() !== "InputLayer") : layers;
}

/** `1334986` -> `1,334,986`. */
export function thousands(n: number): string {
  return n.toLocaleString("en-US");
}

/** Keras 3's `readable_memory_size` of a size in bytes: `136.04 KB`. */
export function memorySize(bytes: number): string {
  let size = bytes;
  for (const unit of ["B", "KB", "MB", "GB", "TB"]) {
    if (size / 1024 < 1) return `${size.toFixed(2)} ${unit}`;
    size /= 1024;
  }
  return `${size.toFixed(2)} PB`;
}

/** The cells of a row as Keras writes them (untruncated): name (class), shape, params, [connections], [trainable]; a nested row's name after nestedPrefix(level). */
export function rowCells(d: SummaryData, r: SummaryRow, options: { showTrainable?: boolean } = {}, level = 0): string[] {
  const cells = [`${nestedPrefix(level)}${r.name} (${r.className})`, r.outputShape, r.built ? thousands(r.params) : "0 (unbuilt)"];
  if (d.functional) cells.push(r.connectedTo.length ? r.connectedTo.join(", ") : "-");
  if (options.showTrainable) cells.push(r.trainable === null ? "-" : r.trainable ? "Y" : "N");
  return cells;
}

/** The lines under the table: ` Total params: 34,826 (136.04 KB)`, ... */
export function totalLines(d: SummaryData): [label: string, value: string][] {
  const lines: [string, string][] = [
    ["Total params", `${thousands(d.totalParams)} (${memorySize(d.bytes.total)})`],
    ["Trainable params", `${thousands(d.trainableParams)} (${memorySize(d.bytes.trainable)})`],
    ["Non-trainable params", `${thousands(d.nonTrainableParams)} (${memorySize(d.bytes.nonTrainable)})`],
  ];
  if (d.optimizerParams !== undefined) lines.push(["Optimizer params", `${thousands(d.optimizerParams)} (${memorySize(d.bytes.optimizer)})`]);
  return lines;
}

/** Keras' column widths: `int(position * lineLength)` minus the previous edge, each at least 4. */
export function kerasColumnWidths(lineLength: number, positions: number[]): number[] {
  let current = 0;
  return positions.map((p) => {
    const width = Math.floor(p * lineLength) - current;
    if (width < 4) throw new Error(`summary: insufficient console width to print summary (lineLength ${lineLength}, positions [${positions.join(", ")}])`);
    current += width;
    return width;
  });
}

/**
 * Keras 3's summary text: `Model: "name"`, the table as rich draws it (heavy header box, a rule
 * between rows, each cell wrapped at word boundaries and cut with "…" where a word does not fit),
 * then the totals.
 */
export function summaryText(d: SummaryData, options: SummaryOptions = {}): string {
  const headers = ["Layer (type)", "Output Shape", "Param #", ...(d.functional ? ["Connected to"] : [])];
  const justify: Justify[] = ["left", "left", "right", ...(d.functional ? (["left"] as const) : [])];
  let defaultLength = d.functional ? 108 : 88;
  let positions = options.positions ?? (d.functional ? [0.3, 0.56, 0.74, 1.0] : [0.45, 0.8, 1.0]);
  if (options.showTrainable) {
    defaultLength += 12;
    positions = [...positions.map((p) => p * 0.9), 1.0];
    headers.push("Trainable");
    justify.push("center");
  }
  const columns = options.columns ?? 80;
  const lineLength = options.lineLength ?? Math.min(defaultLength, columns - 4);
  const widths = kerasColumnWidths(lineLength, positions);
  const table = renderTable(
    headers,
    summaryRows(d, options).map(({ row, level }) => rowCells(d, row, options, level)),
    widths,
    justify,
    lineLength,
  );
  // Keras prints with console.print: the title and totals wrapped (folded) at the console's width,
  // every line cut at it (a table wider than the console, from a larger lineLength, is cropped).
  const print = (s: string) => wrapText(s, columns, "default", "fold");
  const crop = (line: string) => [...line].slice(0, columns).join("");
  return [...print(`Model: "${d.modelName}"`), ...table.map(crop), ...totalLines(d).flatMap(([label, value]) => print(` ${label}: ${value}`))].join("\n");
}

/** Keras' `shutil.get_terminal_size().columns`: $COLUMNS, else the terminal's width, else 80. */
export function terminalColumns(): number {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined>; stdout?: { isTTY?: boolean; columns?: number } } }).process;
  const env = Number(p?.env?.COLUMNS);
  if (Number.isInteger(env) && env > 0) return env;
  return p?.stdout?.isTTY && p.stdout.columns ? p.stdout.columns : 80;
}
