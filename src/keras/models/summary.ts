// The rows of `model.summary()` and Keras' text table for them. src/display renders the same rows as HTML.
import type * as tf from "@tensorflow/tfjs";

export interface SummaryRow {
  /** Layer name, e.g. `conv1`. */
  name: string;
  /** Keras class name, e.g. `Conv2D`. */
  className: string;
  /** Keras' spelling: `(None, 30, 30, 32)`; input layers `[(None, 32, 32, 3)]`. */
  outputShape: string;
  params: number;
  /** Inbound layers as Keras writes them (`conv1[0][0]`); filled for functional models only. */
  connectedTo: string[];
}

export interface SummaryData {
  modelName: string;
  /** True when the table has a "Connected to" column (functional models that are not a plain chain). */
  functional: boolean;
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
}

function shapeText(shape: (number | null)[]): string {
  const dims = shape.map((d) => (d == null ? "None" : String(d)));
  return `(${dims.join(", ")}${dims.length === 1 ? "," : ""})`;
}

function outputShapeText(layer: tf.layers.Layer): string {
  let shape: tf.Shape | tf.Shape[];
  try {
    shape = layer.outputShape;
  } catch {
    return "multiple";
  }
  const isList = Array.isArray(shape[0]);
  const text = isList ? (shape as tf.Shape[]).map(shapeText).join(", ") : shapeText(shape as tf.Shape);
  return layer.getClassName() === "InputLayer" || isList ? `[${text}]` : text;
}

function count(weights: tf.LayerVariable[]): number {
  return weights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

interface NodeLike {
  inboundLayers: tf.layers.Layer[];
  nodeIndices: number[];
  tensorIndices: number[];
}

/** Summary data of a tfjs LayersModel (a Sequential's hidden input layer is left out, as in Keras). */
export function summaryData(model: tf.LayersModel, layers: tf.layers.Layer[], sequential: boolean): SummaryData {
  const rows = layers.map((layer) => {
    const connectedTo: string[] = [];
    for (const node of (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes ?? []) {
      node.inboundLayers.forEach((l, i) => connectedTo.push(`${l.name}[${node.nodeIndices[i]}][${node.tensorIndices[i]}]`));
    }
    return { name: layer.name, className: layer.getClassName(), outputShape: outputShapeText(layer), params: layer.countParams(), connectedTo };
  });
  const chain = rows.every((r) => r.connectedTo.length <= 1);
  const trainableParams = count(model.trainableWeights);
  const nonTrainableParams = count(model.nonTrainableWeights);
  return {
    modelName: model.name,
    functional: !sequential && !chain,
    rows,
    totalParams: trainableParams + nonTrainableParams,
    trainableParams,
    nonTrainableParams,
  };
}

/** `1334986` -> `1,334,986`. */
export function thousands(n: number): string {
  return n.toLocaleString("en-US");
}

/** Keras 3's memory size: 4 bytes a float32 parameter, `(5.09 MB)`. */
export function memorySize(params: number): string {
  let size = params * 4;
  for (const unit of ["B", "KB", "MB", "GB"]) {
    if (size < 1024 || unit === "GB") return `${size.toFixed(2)} ${unit}`;
    size /= 1024;
  }
  return "";
}

/** Keras' text table (Keras 2's layout; columns widen instead of cutting long names). */
export function summaryText(d: SummaryData): string {
  const headers = d.functional ? ["Layer (type)", "Output Shape", "Param #", "Connected to"] : ["Layer (type)", "Output Shape", "Param #"];
  const kerasWidths = d.functional ? [32, 22, 12, 32] : [29, 26, 10];
  const cells = d.rows.map((r) => {
    const first = [`${r.name} (${r.className})`, r.outputShape, String(r.params)];
    return d.functional ? [first.concat(r.connectedTo[0] ?? "")].concat(r.connectedTo.slice(1).map((c) => ["", "", "", c])) : [first];
  });
  const widths = kerasWidths.map((w, i) => Math.max(w, ...cells.flat().map((row) => (row[i]?.length ?? 0) + 1), headers[i].length + 1));
  const lineLength = widths.reduce((a, b) => a + b, 0);
  const fmt = (row: string[]) => row.map((c, i) => c.padEnd(widths[i])).join("").trimEnd();
  const out = [`Model: "${d.modelName}"`, "_".repeat(lineLength), fmt(headers), "=".repeat(lineLength)];
  cells.forEach((lines, i) => {
    for (const line of lines) out.push(fmt(line));
    out.push(i === cells.length - 1 ? "=".repeat(lineLength) : "_".repeat(lineLength));
  });
  if (cells.length === 0) out.push("=".repeat(lineLength));
  out.push(`Total params: ${thousands(d.totalParams)} (${memorySize(d.totalParams)})`);
  out.push(`Trainable params: ${thousands(d.trainableParams)} (${memorySize(d.trainableParams)})`);
  out.push(`Non-trainable params: ${thousands(d.nonTrainableParams)} (${memorySize(d.nonTrainableParams)})`);
  out.push("_".repeat(lineLength));
  return out.join("\n");
}
