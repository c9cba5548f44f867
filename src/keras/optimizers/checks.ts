// Option checks shared by the optimizers and the learning-rate schedules: Keras' snake_case names
// accepted beside camelCase (`beta_1` is `beta1`, `weight_decay` is `weightDecay`), unknown options
// rejected with the list of accepted ones, numbers checked with the option's name and the value.
import { LearningRateSchedule } from "./schedules/learning_rate_schedule.js";

/** `weight_decay` -> `weightDecay`, `beta_1` -> `beta1`, `t_mul` -> `tMul`. */
export function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The options with Keras' snake_case spellings turned into camelCase; an option the optimizer does
 * not know is an error that lists the accepted ones, not a silent no-op.
 */
export function optionsOf<T extends object>(where: string, options: T | undefined, known: readonly string[]): T {
  if (options === undefined || options === null) return {} as T;
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new Error(`${where}: expected an options object { ${known.slice(0, 3).join(", ")}, ... }, got ${describe(options)}`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    const c = camelCase(k);
    if (!known.includes(c)) throw new Error(`${where}: unknown option ${JSON.stringify(k)}; accepted: ${known.join(", ")}`);
    if (c in out && out[c] !== v) throw new Error(`${where}: option ${c} given twice (as ${c} and ${k})`);
    out[c] = v;
  }
  return out as T;
}

/** A value as an error message shows it. */
export function describe(v: unknown): string {
  if (v instanceof LearningRateSchedule) return `a learning-rate schedule (${v.getClassName()})`;
  if (typeof v === "function") return "a function";
  if (typeof v === "number") return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

interface NumberRule {
  /** Smallest allowed value. */
  min?: number;
  /** Largest allowed value. */
  max?: number;
  /** Whether `min` itself is allowed. Default true. */
  minInclusive?: boolean;
  /** Whether `max` itself is allowed. Default true. */
  maxInclusive?: boolean;
  integer?: boolean;
}

function ruleText(r: NumberRule): string {
  const kind = r.integer ? "an integer" : "a number";
  if (r.min !== undefined && r.max !== undefined) return `${kind} in ${r.minInclusive === false ? "(" : "["}${r.min}, ${r.max}${r.maxInclusive === false ? ")" : "]"}`;
  if (r.min === 0 && r.minInclusive === false) return r.integer ? "a positive integer" : "a positive number";
  if (r.min !== undefined) return `${kind} ${r.minInclusive === false ? ">" : ">="} ${r.min}`;
  return `a finite ${r.integer ? "integer" : "number"}`;
}

/** A numeric option: the value, or `fallback` when undefined; otherwise an error naming the option. */
export function numberOption(where: string, name: string, value: unknown, fallback: number, rule: NumberRule = {}): number {
  if (value === undefined) return fallback;
  return checkNumber(where, name, value, rule);
}

/** Like numberOption, where null (Keras' None) or undefined means "not set". */
export function optionalNumber(where: string, name: string, value: unknown, rule: NumberRule = {}): number | null {
  if (value === undefined || value === null) return null;
  return checkNumber(where, name, value, rule);
}

export function checkNumber(where: string, name: string, value: unknown, rule: NumberRule = {}): number {
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || (rule.minInclusive === false ? value > rule.min : value >= rule.min)) &&
    (rule.max === undefined || (rule.maxInclusive === false ? value < rule.max : value <= rule.max));
  if (!ok) {
    const hint = value instanceof LearningRateSchedule ? "; a schedule is accepted only as learningRate" : "";
    throw new Error(`${where}: ${name} must be ${ruleText(rule)}, got ${describe(value)}${hint}`);
  }
  return value as number;
}

export function booleanOption(where: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new Error(`${where}: ${name} must be true or false, got ${describe(value)}`);
  return value;
}
