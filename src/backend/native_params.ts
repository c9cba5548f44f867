// The parameters of a native kernel call (native/heap.h's Params), written into a Float64Array kept per
// length instead of a new one per call: a Float64Array of more than 64 bytes gets a backing store of its
// own (a malloc, and an external allocation for the garbage collector to track), which cost about 1.5 µs
// of a call that is 3 µs in all on a small product. The call reads them synchronously and keeps nothing.
const byLength: Float64Array[] = [];

export function params(...values: number[]): Float64Array {
  const p = (byLength[values.length] ??= new Float64Array(values.length));
  for (let i = 0; i < values.length; i++) p[i] = values[i];
  return p;
}
