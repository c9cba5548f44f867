// Axis ticks for the static drawings: round steps (1, 2, 2.5 or 5 times a power of ten), whole numbers on
// an axis of whole numbers (epochs: 1, 2, 3, never 1.75), or the step the figure's layout asks for (dtick).

export interface TickOptions {
  /** About how many ticks. Default 6. */
  count?: number;
  /** Only whole-number ticks (the axis counts something: epochs, steps). */
  integer?: boolean;
  /** A fixed step (Plotly's `dtick`), used when it gives no more than 50 ticks. */
  step?: number;
}

function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const r = raw / magnitude;
  return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10) * magnitude;
}

/** Decimals that print a multiple of `step` exactly. */
function decimals(step: number): number {
  const s = String(step);
  if (s.includes("e-")) return Number(s.split("e-")[1]) + (s.split("e")[0].split(".")[1]?.length ?? 0);
  return s.split(".")[1]?.length ?? 0;
}

/** The ticks inside [min, max] (ascending; at least the two ends when no round value falls inside). */
export function niceTicks(min: number, max: number, options: TickOptions = {}): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new Error(`niceTicks: the range must be finite, got [${min}, ${max}]`);
  if (min > max) [min, max] = [max, min];
  if (min === max) return [min];
  const count = Math.max(2, options.count ?? 6);
  let step = options.step && options.step > 0 && (max - min) / options.step <= 50 ? options.step : niceStep((max - min) / count);
  if (options.integer) step = Math.max(1, Math.round(step) === step ? step : niceStep(Math.ceil(step)));
  const digits = decimals(step);
  const ticks: number[] = [];
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) ticks.push(Number((k * step).toFixed(digits)));
  return ticks.length >= 2 ? ticks : [min, max];
}
