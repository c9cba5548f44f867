// Axis arguments of the normalization layers: one axis or a list, negative from the end, checked
// against the input's rank with errors naming the layer.
import { shapeText } from "../../callable.js";

type Shape = readonly (number | null)[];

/** `axis` as Keras takes it: an integer or a non-empty list of integers. */
export function axisArg(v: unknown, fallback: number, where: string): number | number[] {
  const a = v ?? fallback;
  const list = Array.isArray(a) ? a : [a];
  if (!list.length || !list.every((x) => Number.isInteger(x))) throw new Error(`${where}: axis must be an integer or a list of integers, got ${JSON.stringify(v)}`);
  return Array.isArray(a) ? a.slice() : (a as number);
}

/** The axes as non-negative indices of `shape`, each checked to exist; errors name the layer and the shape. */
export function resolveAxes(axis: number | number[], shape: Shape, what: string): number[] {
  const rank = shape.length;
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => {
    if (a >= rank || a < -rank) throw new Error(`${what}: axis ${a} is out of range for input shape ${shapeText(shape)}`);
    return a < 0 ? a + rank : a;
  });
  if (new Set(axes).size !== axes.length) throw new Error(`${what}: axis ${JSON.stringify(axis)} names an axis twice`);
  if (axes.includes(0)) throw new Error(`${what}: axis ${JSON.stringify(axis)} includes the batch axis 0`);
  return axes;
}

/** The sizes of `axes` in `shape`, each required to be known. */
export function knownSizes(axes: number[], shape: Shape, what: string): number[] {
  return axes.map((a) => {
    const d = shape[a];
    if (d == null) throw new Error(`${what}: axis ${a} of the input ${shapeText(shape)} must have a known size`);
    return d;
  });
}
