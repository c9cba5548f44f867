// ProgbarLogger: Keras' training progress, as text (`\r`-updated line on a terminal and in Jupyter's
// stream output), throttled so that it costs nothing measurable.
//   verbose 1:  "1875/1875 [==============================] - 5s 2ms/step - loss: 0.2493 - accuracy: 0.9288"
//   verbose 2:  "1875/1875 - 5s - 2ms/step - loss: 0.2493 - accuracy: 0.9288 - val_loss: ..." once per epoch
import { formatValue } from "./format.js";
import { Callback, type Logs } from "./callback.js";

export interface ProgressSink {
  /** Called with the current line; `final` is true for lines that stay (epoch headers and ends). */
  write(line: string, final: boolean, progress?: { current: number; target: number | undefined }): void;
}

type SinkFactory = () => ProgressSink;
let sinkFactory: SinkFactory = () => stdoutSink();

/** src/display installs the notebook's live progress here; the default writes to stdout. */
export function setProgressSinkFactory(f: SinkFactory): void {
  sinkFactory = f;
}

/** The default sink: stdout, the line redrawn with `\r` (what Keras does, and Jupyter renders). */
export function stdoutSink(): ProgressSink {
  let last = 0; // length of the line on screen, to blank out what a shorter line leaves behind
  return {
    write(line, final) {
      process.stdout.write(`\r${line.padEnd(last)}${final ? "\n" : ""}`);
      last = final ? 0 : line.length;
    },
  };
}

const WIDTH = 30;
/** Seconds between two redraws of the line (2 a second: the notebook update costs a few ms each). */
const INTERVAL = 0.5;

export function formatDuration(seconds: number): string {
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`;
  return `${Math.round(seconds)}s`;
}

/**
 * The metrics of a progress line as Keras 3's Progbar writes them: 4 decimals above 1e-3, else
 * scientific with a two-digit exponent (`0.0000e+00`, `8.8710e-05`). With verbose 1 Keras compares
 * the absolute value, with verbose 2 the signed one (so a negative value is scientific there).
 */
export function formatLogs(logs: Logs | undefined, keys?: string[], verbose: 1 | 2 = 1): string {
  if (!logs) return "";
  return (keys ?? Object.keys(logs))
    .filter((k) => logs[k] !== undefined)
    .map((k) => ` - ${k}: ${logValue(logs[k], verbose)}`)
    .join("");
}

function logValue(v: number, verbose: 1 | 2): string {
  return formatValue(v, (verbose === 1 ? Math.abs(v) : v) > 1e-3 ? ".4f" : ".4e", "ProgbarLogger");
}

/** Keras' `_format_time`: the time per step in s, ms or us. */
function perStepText(seconds: number): string {
  return seconds >= 1 || seconds === 0 ? `${seconds.toFixed(0)}s/step` : seconds >= 1e-3 ? `${Math.round(seconds * 1e3)}ms/step` : `${Math.round(seconds * 1e6)}us/step`;
}

/** The bar line for `current` of `target` steps (target unknown: no bar). */
export function progressLine(current: number, target: number | undefined, elapsed: number, logs: Logs | undefined, verbose: 1 | 2, done: boolean): string {
  const digits = target !== undefined ? String(target).length : 0;
  let line = target !== undefined ? `${String(current).padStart(digits)}/${target}` : `${current}`;
  const perStep = current > 0 ? elapsed / current : 0;
  // Keras 3's verbose 2: "8/8 - 1s - 28ms/step - loss: ...", the elapsed time always in seconds.
  if (verbose === 2) return `${line} - ${elapsed.toFixed(0)}s - ${perStepText(perStep)}${formatLogs(logs, undefined, 2)}`;
  if (target !== undefined) {
    const filled = Math.floor((WIDTH * current) / target);
    const bar = filled > 0 ? "=".repeat(filled - 1) + (current < target ? ">" : "=") : "";
    line += ` [${bar.padEnd(WIDTH, ".")}]`;
  }
  if (done || target === undefined) {
    line += ` - ${formatDuration(elapsed)} ${perStepText(perStep)}`;
  } else {
    line += ` - ETA: ${formatDuration(perStep * (target - current))}`;
  }
  return line + formatLogs(logs);
}

export class ProgbarLogger extends Callback {
  private epochStart = 0;
  private lastDraw = 0;
  private seen = 0;

  constructor(private readonly sink: ProgressSink = sinkFactory()) {
    super();
  }

  onEpochBegin(epoch: number): void {
    this.epochStart = performance.now();
    this.lastDraw = 0;
    this.seen = 0;
    if (this.params.verbose) this.sink.write(`Epoch ${epoch + 1}/${this.params.epochs}`, true);
  }

  onBatchEnd(batch: number, logs?: Logs): void {
    this.seen = batch + 1;
    if (this.params.verbose !== 1) return;
    const now = performance.now();
    if (now - this.lastDraw < INTERVAL * 1000 && this.seen !== this.params.steps) return;
    this.lastDraw = now;
    this.sink.write(progressLine(this.seen, this.params.steps, (now - this.epochStart) / 1000, logs, 1, false), false, { current: this.seen, target: this.params.steps });
  }

  /** Whether the next batch's logs are wanted (lets fit skip reading metrics from the device). */
  wantsBatchLogs(batch: number): boolean {
    if (this.params.verbose !== 1) return false;
    return batch + 1 === this.params.steps || performance.now() - this.lastDraw >= INTERVAL * 1000;
  }

  onEpochEnd(_epoch: number, logs?: Logs): void {
    if (!this.params.verbose) return;
    const elapsed = (performance.now() - this.epochStart) / 1000;
    this.sink.write(progressLine(this.seen, this.params.steps ?? this.seen, elapsed, logs, this.params.verbose, true), true, { current: this.seen, target: this.params.steps ?? this.seen });
  }
}
