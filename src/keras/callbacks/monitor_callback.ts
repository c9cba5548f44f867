// Keras 3's MonitorCallback (keras/src/callbacks/monitor_callback.py): a monitored logs key, which
// way it improves ("min", "max", or "auto": loss goes down; a metric goes its own direction, known
// from the compiled metric), and min_delta.
//
// Porting note: Keras' "auto" knows loss and the metrics by their own names only (it raises for
// `val_cls_accuracy` or `reg_loss`); tsdl also knows the keys of several outputs (`<output>_<name>`,
// `<output>_loss`).
import { Callback, type Logs } from "./callback.js";

export type Mode = "auto" | "min" | "max";

export function checkMonitorMode(where: string, mode: unknown): Mode {
  if (mode !== "auto" && mode !== "min" && mode !== "max") throw new Error(`${where}: mode must be "auto", "min" or "max", got ${JSON.stringify(mode)}`);
  return mode;
}

export abstract class MonitorCallback extends Callback {
  readonly monitor: string;
  readonly mode: Mode;
  readonly minDelta: number;
  /** The best value so far (undefined before the first). */
  best: number | undefined;
  private lower: boolean | undefined;

  constructor(
    private readonly where: string,
    options: { monitor?: string; mode?: Mode; minDelta?: number },
    initial?: number,
  ) {
    super();
    this.monitor = options.monitor ?? "val_loss";
    if (typeof this.monitor !== "string" || !this.monitor) throw new Error(`${where}: monitor must be a logs key such as "val_loss", got ${JSON.stringify(options.monitor)}`);
    this.mode = checkMonitorMode(where, options.mode ?? "auto");
    const d = options.minDelta ?? 0;
    if (typeof d !== "number" || !Number.isFinite(d)) throw new Error(`${where}: minDelta must be a number, got ${JSON.stringify(options.minDelta)}`);
    this.minDelta = Math.abs(d);
    this.best = initial;
  }

  /** Whether smaller is better, decided as Keras' _set_monitor_op (an error if "auto" cannot tell). */
  protected lowerIsBetter(): boolean {
    if (this.lower !== undefined) return this.lower;
    if (this.mode !== "auto") return (this.lower = this.mode === "min");
    const direction = this.model?.compiled?.directionOf(this.monitor);
    if (direction === undefined) {
      throw new Error(
        `${this.where} received monitor=${JSON.stringify(this.monitor)}, but tsdl cannot tell whether that metric should be maximized or minimized; ` +
          `pass mode: "max" to keep the highest value, or mode: "min" to keep the lowest`,
      );
    }
    return (this.lower = direction === "down");
  }

  /** Keras' _is_improvement: beats the reference by more than minDelta (anything beats undefined). */
  protected isImprovement(value: number, reference: number | undefined): boolean {
    if (reference === undefined) return true;
    return this.lowerIsBetter() ? value + this.minDelta < reference : value - this.minDelta > reference;
  }

  /** The monitored value, or a warning naming the keys there are (Keras warns too). */
  protected monitored(logs: Logs | undefined): number | undefined {
    const v = logs?.[this.monitor];
    if (v === undefined) {
      console.warn(`${this.where}: conditioned on metric ${JSON.stringify(this.monitor)}, which is not available; available metrics are: ${Object.keys(logs ?? {}).join(", ")}`);
    }
    return v;
  }
}
