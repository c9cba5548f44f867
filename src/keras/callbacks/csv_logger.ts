// CSVLogger: one row per epoch (epoch, then the logs' keys in order) to a CSV file.
import { appendFileSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Callback, type Logs } from "./callback.js";

export interface CSVLoggerOptions {
  /** Default ",". */
  separator?: string;
  /** Append to an existing file instead of overwriting it. Default false. */
  append?: boolean;
}

export class CSVLogger extends Callback {
  readonly separator: string;
  readonly append: boolean;
  private keys: string[] | undefined;

  constructor(readonly filename: string, options: CSVLoggerOptions = {}) {
    super();
    if (typeof filename !== "string" || !filename) throw new Error(`CSVLogger: filename must be a non-empty string, got ${JSON.stringify(filename)}`);
    this.separator = options.separator ?? ",";
    this.append = options.append ?? false;
  }

  onTrainBegin(): void {
    this.keys = undefined;
    mkdirSync(dirname(this.filename), { recursive: true });
    if (!this.append || !existsSync(this.filename)) writeFileSync(this.filename, "");
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    if (!this.keys) {
      this.keys = Object.keys(logs);
      const fresh = !this.append || !existsSync(this.filename) || this.isEmpty();
      if (fresh) appendFileSync(this.filename, ["epoch", ...this.keys].join(this.separator) + "\n");
    }
    appendFileSync(this.filename, [epoch, ...this.keys.map((k) => logs[k] ?? "")].join(this.separator) + "\n");
  }

  private isEmpty(): boolean {
    try {
      return statSync(this.filename).size === 0;
    } catch {
      return true;
    }
  }
}
