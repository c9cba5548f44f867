// Dot: the dot product of two inputs along one axis each (the batch axis excluded), Keras 3's
// batch_dot: [b, n] . [b, n] -> [b, 1]; [b, m, n] . [b, n, k] with axes [2, 1] -> [b, m, k]. With
// `normalize`, each input is first L2-normalised along its axis, so the product is the cosine
// similarity.
//
// Porting note: Keras compares the two axis sizes even when one is unknown (None) and then refuses
// the inputs; tsdl lets an unknown size match any.
import tf from "../../../tfjs.cjs";
import { callable, shapeText } from "../../callable.js";
import { baseArgs, type BaseLayerOptions } from "../common.js";
import { type MergeCallable, MergeLayer, shapeList } from "./merge.js";

export interface DotOptions extends BaseLayerOptions {
  /** The axis of each input to take the product along: one for both, or [axis1, axis2]. Required. */
  axes?: number | [number, number];
  /** L2-normalise each input along its axis first (cosine similarity). Default false. */
  normalize?: boolean;
}

type Shape = (number | null)[];

/** Keras' ops.normalize with order 2: x / max(||x||, 1e-7) along `axis` (as x * min(rsqrt(sum x^2), 1e7)). */
function l2Normalize(x: tf.Tensor, axis: number): tf.Tensor {
  return tf.mul(x, tf.minimum(tf.rsqrt(tf.sum(tf.square(x), axis, true)), 1e7));
}

/** Keras 3's batch_dot (keras/src/layers/merging/dot.py) with non-negative axes. */
function batchDot(x: tf.Tensor, y: tf.Tensor, axes: [number, number]): tf.Tensor {
  const xRank = x.rank;
  const yRank = y.rank;
  let [a0, a1] = axes;
  let xn = xRank;
  let yn = yRank;
  if (xn === 2) {
    x = tf.expandDims(x, 1);
    a0 += 1;
    xn += 1;
  }
  if (yn === 2) {
    y = tf.expandDims(y, 2);
    yn += 1;
  }
  if (a0 !== xn - 1) {
    const pattern = [...Array(xn).keys()];
    for (let i = a0; i < xn - 1; i++) pattern[i] = pattern[i + 1];
    pattern[xn - 1] = a0;
    x = tf.transpose(x, pattern);
  }
  if (a1 !== 1) {
    const pattern = [...Array(yn).keys()];
    for (let i = a1; i > 1; i--) pattern[i] = pattern[i - 1];
    pattern[1] = a1;
    y = tf.transpose(y, pattern);
  }
  const xMid = x.shape.slice(1, -1);
  const yTrail = y.shape.slice(2);
  if (xn > 3) x = tf.reshape(x, [x.shape[0], -1, x.shape[xn - 1] as number]);
  if (yn > 3) y = tf.reshape(y, [y.shape[0], y.shape[1] as number, -1]);
  let result = tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D) as tf.Tensor;
  if (xn > 3 || yn > 3) {
    const shape = result.shape;
    result = tf.reshape(result, [shape[0], ...(xn > 3 ? xMid : shape.slice(1, 2)), ...(yn > 3 ? yTrail : shape.slice(2))]);
  }
  if (xRank === 2) result = tf.squeeze(result, [1]);
  else if (yRank === 2) result = tf.squeeze(result, [result.rank - 1]);
  return result;
}

export class DotLayer extends MergeLayer {
  static className = "Dot";
  readonly axes: number | [number, number];
  readonly normalize: boolean;

  constructor(args: DotOptions) {
    super(args);
    const a = args.axes;
    const valid = Number.isInteger(a) || (Array.isArray(a) && a.length === 2 && a.every((v) => Number.isInteger(v)));
    if (!valid) throw new Error(`Dot: axes must be an integer or two of them, e.g. Dot(1) or Dot([2, 1]), got ${JSON.stringify(a)}`);
    this.axes = Array.isArray(a) ? [a[0], a[1]] : (a as number);
    this.normalize = args.normalize ?? false;
  }

  protected minInputs(): number {
    return 2;
  }
  protected maxInputs(): number {
    return 2;
  }

  /** The two axes for inputs of these ranks, non-negative. */
  private axesFor(r1: number, r2: number): [number, number] {
    const [a, b] = Array.isArray(this.axes) ? this.axes : [this.axes, this.axes];
    return [a < 0 ? a + r1 : a, b < 0 ? b + r2 : b];
  }

  protected checkShapes(shapes: Shape[], labels: string[]): void {
    const [s1, s2] = shapes;
    const where = `inputs from ${labels[0]} ${shapeText(s1)} and ${labels[1]} ${shapeText(s2)}`;
    if (s1.length < 2 || s2.length < 2) throw new Error(`${this.what}: ${where}: both inputs need a batch axis and at least one more`);
    const [a0, a1] = this.axesFor(s1.length, s2.length);
    if (a0 <= 0 || a0 >= s1.length || a1 <= 0 || a1 >= s2.length) {
      throw new Error(`${this.what}: ${where}: axes ${JSON.stringify(this.axes)} must name an axis after the batch axis of each input`);
    }
    const d1 = s1[a0];
    const d2 = s2[a1];
    if (d1 != null && d2 != null && d1 !== d2) {
      throw new Error(`${this.what}: ${where} have incompatible shapes: axis ${a0} of the first has size ${d1}, axis ${a1} of the second ${d2}`);
    }
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [s1, s2] = shapeList(inputShape).map((s) => s.slice());
    const [a0, a1] = this.axesFor(s1.length, s2.length);
    s1.splice(a0, 1);
    s2.splice(a1, 1);
    s2.splice(0, 1);
    const out = [...s1, ...s2];
    return out.length === 1 ? [...out, 1] : out;
  }

  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    let [x1, x2] = inputs;
    const axes = this.axesFor(x1.rank, x2.rank);
    if (this.normalize) {
      x1 = l2Normalize(x1, axes[0]);
      x2 = l2Normalize(x2, axes[1]);
    }
    return batchDot(x1, x2, axes);
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => this.merge(inputs as tf.Tensor[]));
  }

  computeMask(): tf.Tensor {
    return null as unknown as tf.Tensor;
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axes: this.axes, normalize: this.normalize };
  }
}
tf.serialization.registerClass(DotLayer);

/** `Dot(1)`, `Dot([2, 1], { normalize: true })` or `Dot({ axes: 1 })`, called on two inputs. */
export function Dot(axes: number | [number, number] | DotOptions, options: DotOptions = {}): MergeCallable {
  const o = typeof axes === "object" && !Array.isArray(axes) ? axes : { ...options, axes };
  return callable(new DotLayer({ ...baseArgs("Dot", o), axes: o.axes, normalize: o.normalize })) as MergeCallable;
}

/** Keras' `layers.dot([a, b], axes)` (axes default -1; or `dot([a, b], { axes, normalize })`). */
export function dot<I extends tf.SymbolicTensor[] | tf.Tensor[]>(inputs: I, axes: number | [number, number] | DotOptions = -1, options: DotOptions = {}): I extends tf.SymbolicTensor[] ? tf.SymbolicTensor : tf.Tensor {
  const o = typeof axes === "object" && !Array.isArray(axes) ? { axes: -1, ...axes } : { ...options, axes };
  return Dot(o)(inputs as never) as never;
}
