// What Batch Normalization does, made visible:
//   activationStats(model, x, { layers })   mean, spread and percentiles of the inputs of chosen layers
//   ActivationPercentiles callback           the 15th/50th/85th percentiles of those inputs over training,
//                                            as in Fig. 1 of Ioffe & Szegedy (2015)
//   layerWeights(layer)                      a layer's variables (BN: gamma, beta, moving mean/variance)
import tf from "../tfjs.cjs";
import { Callback } from "../keras/callbacks/callback.js";
import { unwrapLayer } from "../keras/callable.js";
import { describeVariables } from "../keras/variables.js";
import type { KerasModel } from "../keras/models/model.js";
import { displayable, escapeHtml, type MimeBundle } from "./html.js";
import { COLORS, plot, type Figure, type Trace } from "./plot.js";

export interface Stats {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Percentiles by rank: { 15: ..., 50: ..., 85: ... }. */
  percentiles: Record<number, number>;
  /** Fraction of exact zeros (dead ReLU outputs). */
  zeros: number;
}

/** Statistics of a list of numbers (percentiles by linear interpolation, as numpy's default). */
export function describeValues(values: ArrayLike<number>, ranks: number[] = [15, 50, 85]): Stats {
  const v = Float64Array.from(values).sort();
  const n = v.length;
  if (n === 0) throw new Error("statistics of an empty tensor");
  let sum = 0;
  let zeros = 0;
  for (const x of v) {
    sum += x;
    if (x === 0) zeros++;
  }
  const mean = sum / n;
  let sq = 0;
  for (const x of v) sq += (x - mean) ** 2;
  const at = (p: number) => {
    const r = (p / 100) * (n - 1);
    const lo = Math.floor(r);
    const hi = Math.min(n - 1, lo + 1);
    return v[lo] + (v[hi] - v[lo]) * (r - lo);
  };
  return { count: n, mean, std: Math.sqrt(sq / n), min: v[0], max: v[n - 1], percentiles: Object.fromEntries(ranks.map((p) => [p, at(p)])), zeros: zeros / n };
}

type LayerRef = string | number;

function pickLayers(model: KerasModel, refs: LayerRef[] | undefined, where: string): tf.layers.Layer[] {
  const all = model.layers.map((l) => unwrapLayer(l));
  if (!refs) {
    const bn = all.filter((l) => l.getClassName() === "BatchNormalization");
    if (bn.length) return bn;
    return all.filter((l) => l.getClassName() !== "InputLayer" && l.getClassName() !== "Flatten");
  }
  return refs.map((r) => {
    const layer = typeof r === "number" ? all[r] : all.find((l) => l.name === r);
    if (!layer) throw new Error(`${where}: model "${model.name}" has no layer ${JSON.stringify(r)}; its layers are ${all.map((l) => l.name).join(", ")}`);
    return layer;
  });
}

/** A model from the model's inputs to the inputs of `layers`, run in inference mode. */
function probeModel(model: KerasModel, layers: tf.layers.Layer[]): tf.LayersModel {
  const outputs = layers.map((l) => l.input as tf.SymbolicTensor);
  return tf.model({ inputs: model.inputs, outputs });
}

async function inputStats(probe: tf.LayersModel, x: tf.Tensor | tf.Tensor[], ranks: number[]): Promise<Stats[]> {
  const out = tf.tidy(() => {
    const r = probe.predict(x);
    return Array.isArray(r) ? r : [r];
  });
  try {
    return await Promise.all(out.map(async (t) => describeValues(await t.data(), ranks)));
  } finally {
    tf.dispose(out);
  }
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(4);
}

export interface ActivationStatsOptions {
  /** Layers whose inputs are described, by name or index. Default: every BatchNormalization layer. */
  layers?: LayerRef[];
  /** Default [15, 50, 85]. */
  percentiles?: number[];
}

/** `await display.activationStats(model, x, { layers: ["dense_1"] })`: the distribution reaching each layer. */
export async function activationStats(model: KerasModel, x: tf.Tensor | tf.Tensor[], options: ActivationStatsOptions = {}) {
  const layers = pickLayers(model, options.layers, "activationStats");
  const ranks = options.percentiles ?? [15, 50, 85];
  const stats = await inputStats(probeModel(model, layers), x, ranks);
  const head = ["input of layer", "mean", "std", "min", ...ranks.map((p) => `p${p}`), "max", "zeros"];
  const rows = layers.map((l, i) => [`${l.name} (${l.getClassName()})`, fmt(stats[i].mean), fmt(stats[i].std), fmt(stats[i].min), ...ranks.map((p) => fmt(stats[i].percentiles[p])), fmt(stats[i].max), `${(100 * stats[i].zeros).toFixed(1)}%`]);
  return displayable(() => tableBundle(head, rows), { layers: layers.map((l) => l.name), stats });
}

function tableBundle(head: string[], rows: string[][], caption?: string): MimeBundle {
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (r: string[]) => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  ");
  const text = [...(caption ? [caption] : []), line(head), ...rows.map(line)].join("\n");
  const html = `<table class="tsdl-table" style="border-collapse:collapse;font-family:monospace;font-size:12px">${caption ? `<caption style="text-align:left;font-weight:bold">${escapeHtml(caption)}</caption>` : ""}<thead><tr>${head.map((h) => `<th style="padding:2px 8px;text-align:right">${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, j) => `<td style="padding:2px 8px;text-align:${j === 0 ? "left" : "right"}">${escapeHtml(c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
  return { "text/plain": text, "text/html": html };
}

/** `await display.layerWeights(layer)`: each variable's shape, statistics and first values. */
export async function layerWeights(layer: tf.layers.Layer) {
  const raw = unwrapLayer(layer);
  if (!raw || typeof raw.getClassName !== "function") throw new Error(`layerWeights: expected a layer (e.g. model.layers[2]), got ${typeof layer}`);
  const vars = describeVariables(raw);
  if (!vars.length) throw new Error(`layerWeights: layer "${raw.name}" has no variables (is it built? call the model first)`);
  const rows: string[][] = [];
  const values: Record<string, number[]> = {};
  for (const v of vars) {
    const t = v.read();
    const data = Array.from(await t.data());
    t.dispose();
    values[v.name] = data;
    const s = describeValues(data, []);
    rows.push([v.name, `[${v.shape.join(", ")}]`, v.trainable ? "yes" : "no", fmt(s.mean), fmt(s.std), fmt(s.min), fmt(s.max), data.slice(0, 4).map((d) => d.toFixed(3)).join(", ") + (data.length > 4 ? ", ..." : "")]);
  }
  const head = ["variable", "shape", "trainable", "mean", "std", "min", "max", "first values"];
  return displayable(() => tableBundle(head, rows, `${raw.name} (${raw.getClassName()})`), { values });
}

export interface ActivationPercentilesOptions {
  /** Layers whose inputs are tracked, by name or index. Default: every BatchNormalization layer. */
  layers?: LayerRef[];
  /** A fixed batch the statistics are measured on (inference mode). */
  probe: tf.Tensor | tf.Tensor[];
  /** Measure every this many batches. Default 50. */
  everyBatches?: number;
  /** Default [15, 50, 85] (Ioffe & Szegedy, Fig. 1). */
  percentiles?: number[];
}

/**
 * Records the percentiles of chosen layers' inputs on a probe batch while fit runs; show it (as a cell's
 * value or with display()) to plot them against the training step.
 */
export class ActivationPercentiles extends Callback {
  /** Training steps at which a measurement was taken. */
  readonly steps: number[] = [];
  /** Per layer name, per percentile, the series. */
  readonly series: Record<string, Record<number, number[]>> = {};
  private probeModelCache: tf.LayersModel | undefined;
  private layerNames: string[] = [];
  private step = 0;
  private readonly ranks: number[];

  constructor(private readonly options: ActivationPercentilesOptions) {
    super();
    if (!options?.probe) throw new Error("ActivationPercentiles: a probe batch is required, e.g. { probe: xTest.slice(0, 256) }");
    this.ranks = options.percentiles ?? [15, 50, 85];
  }

  async onTrainBegin(): Promise<void> {
    const layers = pickLayers(this.model, this.options.layers, "ActivationPercentiles");
    this.layerNames = layers.map((l) => l.name);
    this.probeModelCache = probeModel(this.model, layers);
    if (this.steps.length === 0) await this.measure();
  }

  async onBatchEnd(): Promise<void> {
    this.step++;
    if (this.step % (this.options.everyBatches ?? 50) === 0) await this.measure();
  }

  private async measure(): Promise<void> {
    const stats = await inputStats(this.probeModelCache!, this.options.probe, this.ranks);
    this.steps.push(this.step);
    this.layerNames.forEach((name, i) => {
      const s = (this.series[name] ??= {});
      for (const p of this.ranks) (s[p] ??= []).push(stats[i].percentiles[p]);
    });
  }

  /** One panel per layer: the percentiles against the training step. */
  figure(): Figure {
    const data: Trace[] = [];
    const layout: Record<string, unknown> = { grid: { rows: 1, columns: this.layerNames.length, pattern: "independent" }, title: { text: "Percentiles of layer inputs during training" }, legend: { orientation: "h", y: -0.2 } };
    this.layerNames.forEach((name, i) => {
      const axis = i === 0 ? "" : String(i + 1);
      layout[`xaxis${axis}`] = { title: { text: `Step (${name})` } };
      this.ranks.forEach((p, j) => {
        data.push({ x: this.steps, y: this.series[name][p], name: `p${p}`, legendgroup: `p${p}`, showlegend: i === 0, mode: "lines", line: { color: COLORS[j % COLORS.length] }, xaxis: `x${axis}`, yaxis: `y${axis}` });
      });
    });
    return { data, layout: layout as Figure["layout"] };
  }

  [Symbol.for("Jupyter.display")](): MimeBundle {
    if (!this.steps.length) return { "text/plain": "ActivationPercentiles: nothing recorded yet (pass it to fit's callbacks)" };
    return (plot(this.figure()) as unknown as Record<symbol, () => MimeBundle>)[Symbol.for("Jupyter.display")]();
  }
}
