// Keras' positional arguments or one options object, for the schedule factories:
// `ExponentialDecay(0.1, 1000, 0.96, { staircase: true })` or
// `ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 1000, decayRate: 0.96, staircase: true })`.
import { optionsOf } from "../checks.js";

export function scheduleArgs(where: string, args: unknown[], positional: readonly string[], optional: readonly string[]): Record<string, unknown> {
  const known = [...positional, ...optional];
  // A plain object (not an array, nor a schedule given where a number goes).
  const isOptions = (v: unknown) => typeof v === "object" && v !== null && [Object.prototype, null].includes(Object.getPrototypeOf(v));
  const required = (all: Record<string, unknown>) => {
    for (const p of positional) if (all[p] === undefined) throw new Error(`${where}: ${p} is required`);
    return all;
  };
  if (args.length === 1 && isOptions(args[0])) return required(optionsOf(where, args[0] as Record<string, unknown>, known));
  const named: Record<string, unknown> = {};
  let i = 0;
  for (; i < args.length && i < positional.length && !isOptions(args[i]); i++) named[positional[i]] = args[i];
  const rest = args.slice(i);
  if (rest.length > 1 || (rest.length === 1 && !isOptions(rest[0]))) {
    throw new Error(`${where}: expected (${positional.join(", ")}, options?) or one options object, got ${args.length} arguments`);
  }
  const options = optionsOf(where, (rest[0] ?? {}) as Record<string, unknown>, optional.concat(positional.slice(i)));
  return required({ ...named, ...options });
}
