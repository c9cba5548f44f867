// The metric state of one epoch (or one evaluation) on the device: one vector holding every tracker's
// sums (the loss tracker's total and count, each metric's counts, the per-output losses). A batch adds
// its update in place (one fused axpy per entry on wasm where every entry is one number, else one add);
// `read` computes the results from the state on the device and reads them back in one transfer, only
// when something shows them. Keys are sorted as Keras 3 sorts its logs.
//
// Porting note: a vector result (F1Score with average null, Precision/Recall with several thresholds)
// is an array in Keras' logs; tsdl's logs hold numbers, so it gives one key per entry, `name[i]`
// (in History, the progress bar and CSVLogger alike).
import tf from "../../tfjs.cjs";
import { accumulateInPlace } from "../../backend/fused_kernels.js";
import type { Logs } from "../callbacks/callback.js";
import type { StateUpdate, Tracker } from "./compile_utils.js";

export class MetricsState {
  private sums: tf.Tensor | undefined;
  private one: tf.Tensor | undefined;
  readonly size: number;
  /** Batches added. */
  batches = 0;

  constructor(readonly trackers: Tracker[]) {
    this.size = trackers.reduce((n, t) => n + t.size, 0);
  }

  /** Adds a batch's update (and frees its tensors). */
  add(update: StateUpdate): void {
    this.sums ??= tf.zeros([this.size]);
    this.one ??= tf.scalar(1);
    const values: tf.Tensor[] = [];
    const weights: number[] = [];
    let scalarsOnly = true;
    for (const u of update) {
      if (typeof u === "number") {
        values.push(this.one);
        weights.push(u);
      } else if (u instanceof tf.Tensor) {
        values.push(u);
        weights.push(1);
        if (u.size !== 1) scalarsOnly = false;
      } else {
        values.push(u.value);
        weights.push(u.scale);
        if (u.value.size !== 1) scalarsOnly = false;
      }
    }
    const owned = values.filter((v) => v !== this.one);
    try {
      const total = values.reduce((n, v) => n + v.size, 0);
      if (total !== this.size) throw new Error(`internal: a metric update has ${total} entries, the state ${this.size}`);
      if (scalarsOnly && accumulateInPlace(this.sums, values, weights)) return;
      const old = this.sums;
      this.sums = tf.tidy(() => tf.add(old, tf.concat(values.map((v, i) => tf.reshape(weights[i] === 1 ? tf.cast(v, "float32") : tf.mul(tf.cast(v, "float32"), weights[i]), [-1])), 0)));
      old.dispose();
    } finally {
      tf.dispose(owned);
      this.batches++;
    }
  }

  /** The results so far (Keras' `get_metrics_result`), keys sorted, each with `prefix`. */
  async read(prefix = ""): Promise<Logs> {
    if (!this.sums || this.batches === 0) return {};
    const sums = this.sums;
    const parts: { key: string; size: number; vector: boolean }[] = [];
    const all = tf.tidy(() => {
      let offset = 0;
      const results = this.trackers.map((t) => {
        const r = t.result(sums.slice(offset, t.size));
        offset += t.size;
        parts.push({ key: t.key, size: r.size, vector: r.rank > 0 });
        return tf.reshape(r, [-1]);
      });
      return tf.concat(results, 0);
    });
    try {
      const v = await all.data();
      const logs: Record<string, number> = {};
      let i = 0;
      for (const p of parts) {
        if (!p.vector) logs[prefix + p.key] = v[i];
        else for (let j = 0; j < p.size; j++) logs[`${prefix}${p.key}[${j}]`] = v[i + j];
        i += p.size;
      }
      return sortedLogs(logs);
    } finally {
      all.dispose();
    }
  }

  dispose(): void {
    this.sums?.dispose();
    this.one?.dispose();
    this.sums = undefined;
    this.one = undefined;
  }
}

/** Logs with their keys in sorted order (Keras 3's pythonify_logs). */
export function sortedLogs(logs: Logs): Logs {
  const out: Logs = {};
  for (const k of Object.keys(logs).sort()) out[k] = logs[k];
  return out;
}
