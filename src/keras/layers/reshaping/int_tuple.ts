// Keras' integer-tuple arguments (argument_validation.standardize_tuple): pool sizes, strides,
// upsampling factors, padding and cropping amounts.

/** `2` -> [2, 2] (n copies); an array of n integers stays; each must be > 0 (>= 0 with allowZero). */
export function intTuple(v: unknown, n: number, where: string, option: string, allowZero = false): number[] {
  const t = typeof v === "number" ? new Array<number>(n).fill(v) : v;
  const ok = (x: unknown) => Number.isInteger(x) && (allowZero ? (x as number) >= 0 : (x as number) > 0);
  if (!Array.isArray(t) || t.length !== n || !t.every(ok)) {
    const what = allowZero ? "a non-negative integer" : "a positive integer";
    throw new Error(`${where}: ${option} must be ${what}${n > 1 ? ` or ${n} of them` : ""}, got ${JSON.stringify(v)}`);
  }
  return t.slice() as number[];
}

/** The amounts before and after each of two spatial axes: [[top, bottom], [left, right]]. */
export type Pairs2D = [[number, number], [number, number]];

/**
 * Keras' 2-D padding and cropping forms: `p` (all four sides), `[h, w]` (symmetric per axis) or
 * `[[top, bottom], [left, right]]`; an axis may also be given as one number inside the pair.
 */
export function pairs2D(v: unknown, where: string, option: string): Pairs2D {
  const form = `an integer, [height, width] or [[top, bottom], [left, right]] of non-negative integers`;
  if (typeof v === "number") {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${where}: ${option} must be ${form}, got ${JSON.stringify(v)}`);
    return [[v, v], [v, v]];
  }
  if (!Array.isArray(v) || v.length !== 2) throw new Error(`${where}: ${option} must be ${form}, got ${JSON.stringify(v)}`);
  try {
    return [intTuple(v[0], 2, where, option, true) as [number, number], intTuple(v[1], 2, where, option, true) as [number, number]];
  } catch {
    throw new Error(`${where}: ${option} must be ${form}, got ${JSON.stringify(v)}`);
  }
}
