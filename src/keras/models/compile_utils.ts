// What compile records and fit builds from the first batch, as Keras 3's CompileLoss and
// CompileMetrics (keras/src/trainers/compile_utils.py): a loss per output (one for all, a list in
// output order, or a dict by output name) with lossWeights, metrics per output, "accuracy" and
// "crossentropy" resolved from the shapes of the labels and predictions, and Keras' History keys:
// `loss`, `<output>_loss` (with several losses), `<metric>` or `<output>_<metric>`.
import tf from "../../tfjs.cjs";
import { softmaxCrossEntropyGradient } from "../../backend/softmax_cross_entropy.js";
import { reduceWeightedValues } from "../losses/reduction.js";
import { getLoss, isLoss, isLossName, unknownLossError, type Loss, type LossIdentifier } from "../losses/index.js";
import { getMetric, isMetric, isMetricName, unknownMetricError, MeanMetric, type Metric, type MetricIdentifier, type MetricUpdate } from "../metrics/index.js";

/** A loss for each output: one for all, a list in output order, or a dict by output name (null: no loss there). */
export type LossSpec = LossIdentifier | (LossIdentifier | null)[] | Record<string, LossIdentifier | null>;
/** Metrics: a list (one output, or each metric for every... see compile), a list per output, or a dict by output name. */
export type MetricsSpec = MetricIdentifier[] | (MetricIdentifier | MetricIdentifier[] | null)[] | Record<string, MetricIdentifier | MetricIdentifier[] | null>;

export interface CompileSpec {
  loss: LossSpec;
  lossWeights?: number | number[] | Record<string, number>;
  metrics?: MetricsSpec;
  weightedMetrics?: MetricsSpec;
}

/** One output's loss: its Keras name (the `<name>_loss` key), weight and Loss object. */
interface LossEntry {
  output: number;
  name: string;
  loss: Loss;
  weight: number | undefined;
}

/** One metric slot: the metric, the output it watches, its key, whether it takes sample weights. */
export interface MetricSlot {
  key: string;
  metric: Metric;
  output: number;
  weighted: boolean;
}

/** A value of the state vector: a tensor times a host number (the loss tracker's loss x batch size). */
export interface Scaled {
  value: tf.Tensor;
  scale: number;
}
export type StateUpdate = (tf.Tensor | number | Scaled)[];

/** A slot of the state: its key in logs and how to get its value from its part of the state. */
export interface Tracker {
  key: string;
  size: number;
  result(state: tf.Tensor): tf.Tensor;
}

function describe(v: unknown): string {
  if (typeof v === "function") return v.name ? `function ${v.name}` : "a function";
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function isDict(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !isMetric(v) && !(v instanceof tf.Tensor);
}

function checkLoss(where: string, id: unknown): void {
  if (id === null) return;
  if (typeof id === "string" ? !isLossName(id) : !(isLoss(id) || typeof id === "function")) throw unknownLossError(where, typeof id === "string" ? id : describe(id));
}

function checkMetric(where: string, id: unknown): void {
  if (typeof id === "string" ? !isMetricName(id) : !(isMetric(id) || typeof id === "function")) throw unknownMetricError(where, typeof id === "string" ? id : describe(id));
}

export class CompiledTraining {
  readonly numOutputs: number;
  private losses: LossEntry[] | undefined;
  private slots: MetricSlot[] | undefined;
  private lossTrackers: { key: string; output: number }[] = [];
  /** The loss of the whole model (Keras' loss tracker, a Mean weighted by batch size). */
  private readonly lossMean = new MeanMetric("Mean", "loss", "down");

  /**
   * outputNames: the model's (`model.outputNames`, or the output layers' names); dictOutputs: whether
   * the model was made with a dict of outputs (Keras then keeps a loss dict's own key order).
   */
  constructor(readonly spec: CompileSpec, readonly outputNames: string[], private readonly dictOutputs = false) {
    this.numOutputs = outputNames.length;
    this.validate();
  }

  get built(): boolean {
    return this.losses !== undefined;
  }

  /** Checks names and structure at compile time (the objects are made from the first batch). */
  private validate(): void {
    const { loss, lossWeights, metrics, weightedMetrics } = this.spec;
    if (loss === undefined) throw new Error(`compile: loss is required, e.g. "categorical_crossentropy"`);
    const n = this.numOutputs;
    const names = this.outputNames;
    if (Array.isArray(loss)) {
      if (loss.length !== n) throw new Error(`compile: loss is a list of ${loss.length} but the model has ${n} output(s) (${names.join(", ")}); give one loss per output, or one loss for all`);
      loss.forEach((l) => checkLoss("compile", l));
    } else if (isDict(loss) && !isLoss(loss)) {
      const keys = Object.keys(loss);
      if (keys.length !== n || !names.every((k) => k in loss)) {
        throw new Error(`compile: expected keys ${JSON.stringify(names)} in the loss dict (the model's output names), but found ${JSON.stringify(keys)}`);
      }
      Object.values(loss).forEach((l) => checkLoss("compile", l));
    } else checkLoss("compile", loss);
    if (lossWeights !== undefined && lossWeights !== null) {
      const flat = Array.isArray(lossWeights) ? lossWeights : isDict(lossWeights) ? names.map((k) => (lossWeights as Record<string, number>)[k]) : [lossWeights];
      if (typeof lossWeights === "number" && n > 1) throw new Error(`compile: lossWeights must be a list or a dict (one weight per output) for a model with ${n} outputs, got ${lossWeights}`);
      if (Array.isArray(lossWeights) && lossWeights.length !== n) throw new Error(`compile: lossWeights must match the number of losses, got ${n} losses and ${lossWeights.length} weights`);
      if (isDict(lossWeights)) {
        const unknown = Object.keys(lossWeights).filter((k) => !names.includes(k));
        if (unknown.length) throw new Error(`compile: lossWeights has keys ${JSON.stringify(unknown)} that are not output names (${names.join(", ")})`);
      }
      for (const w of flat) if (w !== undefined && !(typeof w === "number" && Number.isFinite(w))) throw new Error(`compile: lossWeights must be numbers, got ${describe(lossWeights)}`);
    }
    for (const [arg, m] of [["metrics", metrics], ["weightedMetrics", weightedMetrics]] as const) {
      if (m === undefined || m === null) continue;
      if (!Array.isArray(m) && !isDict(m)) throw new Error(`compile: ${arg} must be a list or a dict, got ${describe(m)}`);
      this.perOutput(arg, m).forEach((list) => list.forEach((id) => checkMetric("compile", id)));
    }
  }

  /** The metrics of each output, as Keras matches a metrics argument to the outputs. */
  private perOutput(arg: string, m: MetricsSpec): MetricIdentifier[][] {
    const n = this.numOutputs;
    const names = this.outputNames;
    const asList = (v: MetricIdentifier | MetricIdentifier[] | null | undefined): MetricIdentifier[] => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]);
    if (n === 1) {
      if (isDict(m)) {
        const keys = Object.keys(m);
        if (keys.some((k) => k !== names[0])) throw new Error(`compile: ${arg} dict keys must be the output name ${JSON.stringify(names[0])}, got ${JSON.stringify(keys)}`);
        return [asList(m[names[0]] as MetricIdentifier[])];
      }
      return [(m as unknown[]).flat() as MetricIdentifier[]];
    }
    if (Array.isArray(m) && m.length === n) return m.map((v) => asList(v as MetricIdentifier | MetricIdentifier[] | null));
    if (isDict(m)) {
      const unknown = Object.keys(m).filter((k) => !names.includes(k));
      if (!unknown.length) return names.map((k) => asList(m[k] as MetricIdentifier[]));
    }
    throw new Error(
      `compile: invalid ${arg} ${describe(m)}: for a model with ${n} outputs, ${arg} should be a dict keyed by the output names ${JSON.stringify(names)} ` +
        `or a list of ${n} entries (a metric or a list of metrics for each output, in order)`,
    );
  }

  /** Keras' build: the loss objects and metric objects, from the shapes of the first batch. */
  build(yTrue: readonly tf.Tensor[], yPred: readonly tf.Tensor[]): void {
    if (this.built) return;
    const n = this.numOutputs;
    const names = this.outputNames;
    const { loss, lossWeights } = this.spec;
    const perOutputLoss: (LossIdentifier | null)[] = Array.isArray(loss) ? loss : isDict(loss) && !isLoss(loss) ? names.map((k) => (loss as Record<string, LossIdentifier | null>)[k]) : names.map(() => loss as LossIdentifier);
    const weights: (number | undefined)[] =
      lossWeights === undefined || lossWeights === null ? names.map(() => undefined) : Array.isArray(lossWeights) ? lossWeights : typeof lossWeights === "number" ? [lossWeights] : names.map((k) => (lossWeights as Record<string, number>)[k]);
    const shapes = (i: number) => ({ yTrue: yTrue[i]?.shape ?? [], yPred: yPred[i].shape });
    const losses: LossEntry[] = [];
    // Keras: a loss dict for a model with dict outputs is taken in the dict's order; otherwise in output order.
    const order = this.dictOutputs && isDict(loss) && !isLoss(loss) ? Object.keys(loss).map((k) => names.indexOf(k)) : names.map((_, i) => i);
    for (const i of order) {
      const id = perOutputLoss[i];
      if (id === null || id === undefined) continue;
      if (!yTrue[i]) throw new Error(`fit: output "${names[i]}" has a loss but no labels were given for it`);
      losses.push({ output: i, name: n === 1 ? names[0] : names[i], loss: getLoss(id, shapes(i)), weight: weights[i] });
    }
    const slots: MetricSlot[] = [];
    const counters = new Map<string, number>();
    for (const [arg, weighted] of [["metrics", false], ["weightedMetrics", true]] as const) {
      const spec = this.spec[arg];
      if (spec === undefined || spec === null) continue;
      this.perOutput(arg, spec).forEach((list, i) => {
        for (const id of list) {
          const metric = getMetric(id, shapes(i));
          const prefix = n > 1 ? `${names[i]}_` : "";
          // Keras' CompileMetrics.result names: a repeated name gets _1, _2 (a weighted one weighted_ first).
          let key = prefix + metric.name;
          if (!counters.has(key)) counters.set(key, 1);
          else if (!weighted) {
            const k = counters.get(key)!;
            counters.set(key, k + 1);
            key = `${key}_${k}`;
          } else {
            key = `${prefix}weighted_${metric.name}`;
            if (!counters.has(key)) counters.set(key, 1);
            else {
              const k = counters.get(key)!;
              counters.set(key, k + 1);
              key = `${key}_${k}`;
            }
          }
          metric.build(yTrue[i]?.shape ?? [], yPred[i].shape);
          slots.push({ key, metric, output: i, weighted });
        }
      });
    }
    this.losses = losses;
    this.slots = slots;
    this.lossTrackers = losses.length > 1 ? losses.map((l) => ({ key: `${l.name}_loss`, output: l.output })) : [];
  }

  /** The resolved losses (after build), for messages and checks. */
  lossOf(output: number): Loss | undefined {
    return this.losses?.find((l) => l.output === output)?.loss;
  }

  /** The loss identifier compile was given for an output (before build). */
  lossSpecOf(output: number): LossIdentifier | null | undefined {
    const { loss } = this.spec;
    if (Array.isArray(loss)) return loss[output];
    if (isDict(loss) && !isLoss(loss)) return (loss as Record<string, LossIdentifier | null>)[this.outputNames[output]];
    return loss as LossIdentifier;
  }

  get metricSlots(): MetricSlot[] {
    return this.slots ?? [];
  }

  /**
   * Keras' compute_loss for a batch: each output's loss (reduced, with the sample weights), weighted
   * and summed. Returns the total and each output's unweighted loss.
   */
  computeLoss(yTrue: readonly tf.Tensor[], yPred: readonly tf.Tensor[], sampleWeight: readonly (tf.Tensor | undefined)[] | undefined): { total: tf.Scalar; perOutput: tf.Scalar[] } {
    const perOutput: tf.Scalar[] = [];
    let total: tf.Scalar | undefined;
    for (const l of this.losses!) {
      const v = l.loss(yTrue[l.output], yPred[l.output], sampleWeight?.[l.output]) as tf.Scalar;
      if (v.rank !== 0) throw new Error(`fit: the loss of output "${l.name}" must reduce to a number (reduction "${l.loss.reduction}" gives shape [${v.shape.join(", ")}]); use "sum_over_batch_size" or "sum"`);
      perOutput.push(v);
      const weighted = l.weight === undefined ? v : (tf.mul(v, l.weight) as tf.Scalar);
      total = total ? (tf.add(total, weighted) as tf.Scalar) : weighted;
    }
    return { total: total ?? tf.scalar(0), perOutput };
  }

  /**
   * computeLoss without a tape, with the loss's gradient with respect to `wrt`, where that is known:
   * one output, its loss unweighted, reduced "sum_over_batch_size" without sample weights or a mask,
   * its values the softmax cross-entropy of logits that are `wrt`'s data (a classifier's held logits,
   * logits.ts). The values and the mean are computeLoss' own kernels; the gradient is theirs as the
   * tape would take it: 1/n for each value, then the cross-entropy kernel's gradient. Undefined otherwise.
   */
  lossWithGradient(yTrue: readonly tf.Tensor[], yPred: readonly tf.Tensor[], sampleWeight: readonly (tf.Tensor | undefined)[] | undefined, wrt: tf.Tensor): { total: tf.Scalar; perOutput: tf.Scalar[]; gradient: tf.Tensor } | undefined {
    if (this.losses?.length !== 1 || yPred.length !== 1) return undefined;
    const l = this.losses[0];
    if (l.weight !== undefined || sampleWeight?.[l.output] || l.loss.reduction !== "sum_over_batch_size" || !l.loss.callWithMask) return undefined;
    const { values, mask } = l.loss.callWithMask(yTrue[l.output], yPred[l.output]);
    const g = mask ? undefined : softmaxCrossEntropyGradient(values, () => tf.fill(values.shape, 1 / values.size));
    if (!g || g.logits.dataId !== wrt.dataId) {
      tf.dispose([values, ...(mask ? [mask] : []), ...(g ? [g.dLogits] : [])]);
      return undefined;
    }
    const total = reduceWeightedValues(values, undefined, undefined, "sum_over_batch_size") as tf.Scalar;
    if (total !== values) values.dispose();
    return { total, perOutput: [total], gradient: g.dLogits };
  }

  /** The slots of the state, in Keras' order: loss, the compiled metrics, the per-output losses. */
  trackers(): Tracker[] {
    const mean = (state: tf.Tensor) => this.lossMean.resultFrom(state);
    return [
      { key: "loss", size: 2, result: mean },
      ...this.metricSlots.map((s) => ({ key: s.key, size: s.metric.size, result: (st: tf.Tensor) => s.metric.resultFrom(st) })),
      ...this.lossTrackers.map((t) => ({ key: t.key, size: 2, result: mean })),
    ];
  }

  /**
   * Keras' order of evaluate's list (`_flatten_metrics_in_order`): the values of loss, the metrics'
   * own names and the per-output losses that are keys (a name repeated is repeated, as Keras), then
   * the other keys sorted. A vector result (`name[0]`, `name[1]`, ...) stands where its name does.
   */
  orderedKeys(logs: Record<string, unknown>): string[] {
    const names = ["loss", ...this.metricSlots.map((s) => s.metric.name), ...this.lossTrackers.map((t) => t.key)];
    const keys = Object.keys(logs);
    const entriesOf = (n: string) => (n in logs ? [n] : keys.filter((k) => k.startsWith(`${n}[`) && /^\[\d+\]$/.test(k.slice(n.length))));
    const first = names.flatMap(entriesOf);
    return [...first, ...keys.sort().filter((k) => !first.includes(k))];
  }

  /**
   * What a batch adds to the state: the loss x batch size and batch size, each metric's update, and
   * each output's loss x batch size. Metrics see no sample weights, weightedMetrics do (as Keras).
   */
  stateUpdate(yTrue: readonly tf.Tensor[], yPred: readonly tf.Tensor[], sampleWeight: readonly (tf.Tensor | undefined)[] | undefined, loss: tf.Scalar, perOutput: tf.Scalar[], batchSize: number): StateUpdate {
    const out: StateUpdate = [{ value: loss, scale: batchSize }, batchSize];
    for (const s of this.metricSlots) {
      const u: MetricUpdate = s.metric.update(yTrue[s.output], yPred[s.output], s.weighted ? sampleWeight?.[s.output] : undefined);
      out.push(...u);
    }
    // Keras 3 (TensorFlow, compiled step) weighs each output's loss tracker by the static batch size,
    // which is unknown (None) in the traced step: each batch counts once, the epoch value is the mean
    // of the batches' losses (unlike `loss`, weighted by batch size). tsdl does the same.
    if (this.lossTrackers.length) perOutput.forEach((v) => out.push(v, 1));
    else tf.dispose(perOutput.filter((v) => v !== loss));
    return out;
  }

  /** The direction of a logs key (for EarlyStopping's and ModelCheckpoint's mode "auto"), if known. */
  directionOf(key: string): "up" | "down" | undefined {
    const name = key.startsWith("val_") ? key.slice(4) : key;
    if (name === "loss" || this.lossTrackers.some((t) => t.key === name)) return "down";
    for (const s of this.metricSlots) if (s.metric.name === name || s.key === name || s.key.replace(/\[\d+\]$/, "") === name) return s.metric.direction;
    return undefined;
  }
}
