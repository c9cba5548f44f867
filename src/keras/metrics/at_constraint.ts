// Keras 3's metrics at a constraint (keras/src/metrics/confusion_metrics.py, SensitivitySpecificityBase):
// SensitivityAtSpecificity, SpecificityAtSensitivity, PrecisionAtRecall and RecallAtPrecision count
// true/false positives/negatives at numThresholds thresholds spread over [0, 1], then take the best
// value of one rate among the thresholds where the other rate reaches the given value (0 if none does).
import tf from "../../tfjs.cjs";
import { confusionCounts, optionalIndex, type ConfusionOptions } from "./confusion.js";
import { divideNoNan, Metric, type MetricUpdate } from "./metric.js";

export interface AtConstraintOptions {
  /** Thresholds evenly spread over [0, 1], both ends included (1: the single threshold 0.5). Default 200. */
  numThresholds?: number;
  /** Only this class (a column of yPred). Default none (every entry counts). */
  classId?: number;
  /** Default Keras' automatic name: "sensitivity_at_specificity", "precision_at_recall", ... */
  name?: string;
}

type Rate = "sensitivity" | "specificity" | "precision" | "recall";

interface Spec {
  /** The rate held at the given value or above, and the rate maximised there. */
  constrained: Rate;
  maximised: Rate;
}

const SPECS: Record<string, Spec> = {
  SensitivityAtSpecificity: { constrained: "specificity", maximised: "sensitivity" },
  SpecificityAtSensitivity: { constrained: "sensitivity", maximised: "specificity" },
  PrecisionAtRecall: { constrained: "recall", maximised: "precision" },
  RecallAtPrecision: { constrained: "precision", maximised: "recall" },
};

export class AtConstraintMetric extends Metric {
  readonly numThresholds: number;
  readonly classId: number | undefined;
  private readonly o: ConfusionOptions;
  private readonly spec: Spec;

  constructor(className: keyof typeof SPECS, readonly value: number, options: AtConstraintOptions = {}) {
    const spec = SPECS[className];
    if (typeof value !== "number" || !(value >= 0 && value <= 1)) throw new Error(`${className}: ${spec.constrained} must be in [0, 1], got ${JSON.stringify(value)}`);
    const n = options.numThresholds ?? 200;
    if (!Number.isInteger(n) || n < 1) throw new Error(`${className}: numThresholds must be an integer > 0, got ${JSON.stringify(options.numThresholds)}`);
    const classId = optionalIndex(className, "classId", options.classId, 0);
    super(className, options.name, "up");
    this.spec = spec;
    this.numThresholds = n;
    this.classId = classId;
    const thresholds = n === 1 ? [0.5] : [0, ...Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1)), 1];
    this.o = { thresholds, evenly: n > 1, classId: this.classId };
  }

  get size(): number {
    return 4 * this.o.thresholds.length;
  }

  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): MetricUpdate {
    return confusionCounts(yTrue, yPred, sampleWeight, this.o, ["tp", "fp", "tn", "fn"]);
  }

  resultFrom(state: tf.Tensor): tf.Tensor {
    const t = this.o.thresholds.length;
    const [tp, fp, tn, fn] = [0, 1, 2, 3].map((i) => state.slice(i * t, t));
    const rate = (r: Rate) =>
      r === "sensitivity" || r === "recall" ? divideNoNan(tp, tf.add(tp, fn)) : r === "specificity" ? divideNoNan(tn, tf.add(tn, fp)) : divideNoNan(tp, tf.add(tp, fp));
    const feasible = tf.greaterEqual(rate(this.spec.constrained), this.value);
    const dependent = rate(this.spec.maximised);
    // Keras' max(where(feasible, dependent, 0), initial=0): 0 where no threshold reaches the value.
    return tf.maximum(tf.max(tf.where(feasible, dependent, tf.zerosLike(dependent))), 0);
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, [this.spec.constrained]: this.value, numThresholds: this.numThresholds, classId: this.classId ?? null };
  }
}

type Factory<K extends string> = (value: number | (AtConstraintOptions & Record<K, number>), options?: AtConstraintOptions) => AtConstraintMetric;

/** What each class needs as its first argument (compile's strings cannot give it). */
export const AT_CONSTRAINT_ARGUMENTS: [string, Rate][] = Object.entries(SPECS).map(([cls, spec]) => [cls, spec.constrained]);

function factory<K extends Rate>(className: keyof typeof SPECS): Factory<K> {
  const key = SPECS[className].constrained;
  return (value, options = {}) => {
    if (typeof value === "object" && value !== null) {
      const { [key]: v, ...rest } = value as AtConstraintOptions & Record<Rate, number>;
      return new AtConstraintMetric(className, v, rest);
    }
    return new AtConstraintMetric(className, value, options);
  };
}

/** `metrics.SensitivityAtSpecificity(specificity, { numThresholds, classId, name })` (or `({ specificity, ... })`). */
export const SensitivityAtSpecificity = factory<"specificity">("SensitivityAtSpecificity");
/** `metrics.SpecificityAtSensitivity(sensitivity, { numThresholds, classId, name })` (or `({ sensitivity, ... })`). */
export const SpecificityAtSensitivity = factory<"sensitivity">("SpecificityAtSensitivity");
/** `metrics.PrecisionAtRecall(recall, { numThresholds, classId, name })` (or `({ recall, ... })`). */
export const PrecisionAtRecall = factory<"recall">("PrecisionAtRecall");
/** `metrics.RecallAtPrecision(precision, { numThresholds, classId, name })` (or `({ precision, ... })`). */
export const RecallAtPrecision = factory<"precision">("RecallAtPrecision");
