// CSVLogger as Keras 3 (keras/src/callbacks/csv_logger.py): one row per epoch, `epoch` then the logs'
// keys sorted (with the val_ columns added when the first epoch has none, so that a validation every
// few epochs fits: "NA" where a value is missing); append keeps an existing file and writes the
// header only into an empty one. Numbers are written as Python writes floats.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Callback, type Logs } from "./callback.js";
import { floatRepr } from "./format.js";
import { pathArgument } from "./path_argument.js";

export interface CSVLoggerOptions {
  /** Default ",". */
  separator?: string;
  /** Append to an existing file instead of overwriting it (the header only goes into an empty file). Default false. */
  append?: boolean;
}

export class CSVLogger extends Callback {
  readonly separator: string;
  readonly append: boolean;
  private keys: string[] | undefined;
  private appendHeader = true;

  readonly filename: string;

  /** `CSVLogger(filename, options)`, or Keras' keyword form `CSVLogger({ filename, ...options })`. */
  constructor(filename: string | (CSVLoggerOptions & { filename: string }), options?: CSVLoggerOptions) {
    super();
    const [path, opts] = pathArgument("CSVLogger", "filename", filename, options);
    if (typeof path !== "string" || !path) throw new Error(`CSVLogger: filename must be a non-empty string, got ${JSON.stringify(path)}`);
    this.filename = path;
    options = opts;
    this.separator = options.separator ?? ",";
    if (typeof this.separator !== "string" || this.separator.length !== 1) throw new Error(`CSVLogger: separator must be one character, got ${JSON.stringify(options.separator)}`);
    this.append = options.append ?? false;
  }

  onTrainBegin(): void {
    this.keys = undefined;
    this.appendHeader = true;
    mkdirSync(dirname(this.filename), { recursive: true });
    if (this.append && existsSync(this.filename)) {
      this.appendHeader = readFileSync(this.filename, "utf8").split("\n")[0].length === 0;
    } else writeFileSync(this.filename, "");
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    if (!this.keys) {
      this.keys = Object.keys(logs).sort();
      if (this.keys.length && !this.keys.some((k) => k.startsWith("val_"))) this.keys.push(...this.keys.map((k) => `val_${k}`));
      if (this.appendHeader) appendFileSync(this.filename, this.row(["epoch", ...this.keys]));
    }
    appendFileSync(this.filename, this.row([String(epoch), ...this.keys.map((k) => (logs[k] === undefined ? "NA" : floatRepr(logs[k])))]));
  }

  /** A CSV row as Python's csv module writes it (quoted where a field holds the separator, a quote or a newline). */
  private row(fields: string[]): string {
    return fields.map((f) => (f.includes(this.separator) || /["\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(this.separator) + "\r\n";
  }
}
