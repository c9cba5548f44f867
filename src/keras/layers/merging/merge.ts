// What the merging layers share (Keras 3's keras/src/layers/merging/base_merge.py): a list of inputs,
// shapes that broadcast as Keras allows (axes after the batch axis, aligned on the right; a 1 or an
// unknown size matches any size), lower-rank inputs given size-1 axes after the batch axis, masks
// combined with a logical or, and shape errors that name the layers the inputs come from.
import tf from "../../../tfjs.cjs";
import { shapeText, type Callable, type LayerCallOptions } from "../../callable.js";
import type { BaseLayerOptions } from "../common.js";

/** A merging layer: called on a list of inputs, it gives one output. */
export type MergeCallable = {
  (x: tf.SymbolicTensor[], options?: LayerCallOptions): tf.SymbolicTensor;
  (x: tf.Tensor[], options?: LayerCallOptions): tf.Tensor;
} & Callable<tf.layers.Layer>;

type Shape = (number | null)[];
type AnyTensor = tf.Tensor | tf.SymbolicTensor;

/** How an input is named in errors: the layer it comes from, or its position for eager tensors. */
export function inputLabel(t: AnyTensor, i: number): string {
  const source = (t as tf.SymbolicTensor).sourceLayer;
  return t instanceof tf.SymbolicTensor && source ? JSON.stringify(source.name) : `input ${i}`;
}

/** The shapes a layer is built with or asked about, always as a list. */
export function shapeList(inputShape: tf.Shape | tf.Shape[]): Shape[] {
  return (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as Shape[];
}

/**
 * The broadcast of two sample shapes (batch axis excluded) by Keras' rule, or undefined when they are
 * incompatible.
 */
export function broadcastSampleShapes(a: Shape, b: Shape): Shape | undefined {
  if (a.length < b.length) return broadcastSampleShapes(b, a);
  const out = a.slice(0, a.length - b.length);
  for (let k = 0; k < b.length; k++) {
    const i = a[a.length - b.length + k];
    const j = b[k];
    if (i == null || j == null) out.push(null);
    else if (i === 1) out.push(j);
    else if (j === 1) out.push(i);
    else if (i !== j) return undefined;
    else out.push(i);
  }
  return out;
}

export abstract class MergeLayer extends tf.layers.Layer {
  constructor(args: BaseLayerOptions) {
    super(args as ConstructorParameters<typeof tf.layers.Layer>[0]);
    this.supportsMasking = true;
  }

  /** `Add "add"`: how errors name this layer. */
  protected get what(): string {
    return `${this.getClassName()} ${JSON.stringify(this.name)}`;
  }

  /** Checks the inputs of a call (list, count, batch sizes, shapes), naming the layers they come from. */
  apply(inputs: tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[], kwargs?: Record<string, unknown>): tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[] {
    if (!Array.isArray(inputs)) {
      throw new Error(`${this.what}: a merge layer is called on a list of inputs, got one tensor of shape ${shapeText(inputs.shape)}`);
    }
    const list = inputs as AnyTensor[];
    if (list.length < this.minInputs() || list.length > this.maxInputs()) {
      const n = this.minInputs() === this.maxInputs() ? `exactly ${this.minInputs()}` : `at least ${this.minInputs()}`;
      throw new Error(`${this.what}: takes ${n} inputs, got ${list.length}`);
    }
    const labels = list.map(inputLabel);
    const shapes = list.map((t) => t.shape as Shape);
    const batch = shapes.findIndex((s) => s.length > 0 && s[0] != null);
    const other = shapes.findIndex((s) => s.length > 0 && s[0] != null && s[0] !== shapes[batch][0]);
    if (batch >= 0 && other >= 0) {
      throw new Error(`${this.what}: inputs from ${labels[batch]} ${shapeText(shapes[batch])} and ${labels[other]} ${shapeText(shapes[other])} have different batch sizes`);
    }
    this.checkShapes(shapes, labels);
    return super.apply(inputs, kwargs as never);
  }

  protected minInputs(): number {
    return 1;
  }

  protected maxInputs(): number {
    return Infinity;
  }

  /** Throws naming two inputs whose shapes do not merge (elementwise merges: Keras' broadcasting). */
  protected checkShapes(shapes: Shape[], labels: string[]): void {
    let acc: Shape | undefined = shapes[0].slice(1);
    for (let i = 1; i < shapes.length; i++) {
      acc = broadcastSampleShapes(acc!, shapes[i].slice(1));
      if (!acc) {
        const j = shapes.findIndex((s, k) => k < i && !broadcastSampleShapes(s.slice(1), shapes[i].slice(1)));
        throw new Error(`${this.what}: inputs from ${labels[j]} ${shapeText(shapes[j])} and ${labels[i]} ${shapeText(shapes[i])} have incompatible shapes`);
      }
    }
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shapes = shapeList(inputShape);
    let acc: Shape | undefined = shapes[0].slice(1);
    for (const s of shapes.slice(1)) {
      acc = broadcastSampleShapes(acc!, s.slice(1));
      if (!acc) throw new Error(`${this.what}: inputs of shapes ${shapes.map(shapeText).join(", ")} have incompatible shapes`);
    }
    const batches = new Set(shapes.map((s) => s[0]).filter((d) => d != null));
    return [batches.size === 1 ? [...batches][0] : null, ...acc!];
  }

  /** Combines the inputs (of equal rank, lower ranks given axes of size 1 after the batch axis). */
  protected abstract merge(inputs: tf.Tensor[], masks: (tf.Tensor | null)[]): tf.Tensor;

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const given = kwargs.mask as tf.Tensor | (tf.Tensor | null | undefined)[] | null | undefined;
      const masks = list.map((_, i) => (Array.isArray(given) ? given[i] ?? null : null));
      const rank = Math.max(...list.map((t) => t.rank));
      const same = list.map((t) => {
        let x = t;
        while (x.rank < rank) x = tf.expandDims(x, 1);
        return x;
      });
      return this.merge(same, masks);
    });
  }

  /** Keras: the inputs' masks combined with a logical or, none unless every input has one. */
  computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[] | null): tf.Tensor {
    const masks = Array.isArray(mask) ? mask : mask == null ? [] : [mask];
    if (!masks.length || masks.some((m) => m == null)) return null as unknown as tf.Tensor;
    return tf.tidy(() => masks.slice(1).reduce((acc, m) => tf.logicalOr(acc, m), masks[0]));
  }
}

/**
 * Keras' `_apply_merge_op_and_or_mask` (Maximum, Minimum): where an input is masked, the running
 * result stands in for it (and the other way round), so masked steps do not take part.
 */
export function mergeWithMasks(op: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, inputs: tf.Tensor[], masks: (tf.Tensor | null)[]): tf.Tensor {
  let output: tf.Tensor | undefined;
  let outputMask: tf.Tensor | null = null;
  for (const [i, input] of inputs.entries()) {
    let x = input;
    const mask = masks[i] ? tf.broadcastTo(tf.expandDims(masks[i]!, -1), x.shape) : null;
    if (!output) {
      output = x;
      outputMask = mask;
      continue;
    }
    if (mask) x = tf.where(mask, x, output);
    if (outputMask) output = tf.where(outputMask, output, x);
    outputMask = mask && outputMask ? tf.logicalOr(outputMask, mask) : null;
    output = op(output, x);
  }
  return output!;
}
