// Keras 3's confusion-matrix condition counts (keras/src/metrics/confusion_metrics.py,
// `_ConfusionMatrixConditionCount`): TruePositives, FalsePositives, TrueNegatives, FalseNegatives.
// Each sums, over the epoch, the (sample-weighted) entries that fall in its cell at each threshold:
// a prediction above the threshold counts as positive, a label other than 0 is positive.
// The result is a scalar for one threshold, else one count per threshold.
import tf from "../../tfjs.cjs";
import { confusionCounts, evenlyDistributed, thresholdList, type Cell, type ConfusionOptions } from "./confusion.js";
import { Metric, type MetricUpdate } from "./metric.js";

export interface ConditionCountOptions {
  /** A threshold in [0, 1] or a list of them (one count per threshold). Default 0.5. */
  thresholds?: number | number[];
  /** Default Keras' automatic name: "true_positives", "true_positives_1", ... */
  name?: string;
}

export class ConditionCountMetric extends Metric {
  private readonly o: ConfusionOptions;
  private readonly given: number | number[] | undefined;

  constructor(className: string, private readonly cell: Cell, options: ConditionCountOptions = {}) {
    // Keras sets no _direction on these: EarlyStopping's mode "auto" cannot tell which way is better.
    super(className, options.name, undefined);
    const thresholds = thresholdList(className, options.thresholds, 0.5);
    this.given = options.thresholds;
    this.o = { thresholds, evenly: evenlyDistributed(thresholds) };
  }

  get size(): number {
    return this.o.thresholds.length;
  }

  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): MetricUpdate {
    return confusionCounts(yTrue, yPred, sampleWeight, this.o, [this.cell]);
  }

  resultFrom(state: tf.Tensor): tf.Tensor {
    return this.o.thresholds.length === 1 ? tf.reshape(state, []) : tf.clone(state);
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, thresholds: this.given ?? null };
  }
}

/** `metrics.TruePositives({ thresholds, name })`: positives predicted above the threshold. */
export function TruePositives(options: ConditionCountOptions = {}): ConditionCountMetric {
  return new ConditionCountMetric("TruePositives", "tp", options);
}

/** `metrics.FalsePositives({ thresholds, name })`: negatives predicted above the threshold. */
export function FalsePositives(options: ConditionCountOptions = {}): ConditionCountMetric {
  return new ConditionCountMetric("FalsePositives", "fp", options);
}

/** `metrics.TrueNegatives({ thresholds, name })`: negatives predicted at or below the threshold. */
export function TrueNegatives(options: ConditionCountOptions = {}): ConditionCountMetric {
  return new ConditionCountMetric("TrueNegatives", "tn", options);
}

/** `metrics.FalseNegatives({ thresholds, name })`: positives predicted at or below the threshold. */
export function FalseNegatives(options: ConditionCountOptions = {}): ConditionCountMetric {
  return new ConditionCountMetric("FalseNegatives", "fn", options);
}
