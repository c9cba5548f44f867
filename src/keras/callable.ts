// Keras layers are called like functions: `layers.Dense(2)(x)`. tfjs layers are objects with `apply`.
// A callable layer is a Proxy over a function whose every property read and write goes to the tfjs layer,
// so `dense.name`, `dense.getWeights()` and `dense(x)` all work on one object with one state.
import tf from "../tfjs.cjs";
import { assertReady } from "../backend/backend.js";
import { describeVariables, type KerasVariable } from "./variables.js";
import { attachActivityRegularizer } from "./penalties.js";

export type TfLayer = tf.layers.Layer;
type ApplyInput = tf.SymbolicTensor | tf.SymbolicTensor[] | tf.Tensor | tf.Tensor[];

export interface LayerCallOptions {
  /** Run in training mode (dropout on, batch statistics in BatchNormalization). Default false. */
  training?: boolean;
}

/** What `layers.X(...)` returns: the tfjs layer, callable as in Keras, with Keras' `variables`. */
export type Callable<L extends TfLayer> = L & {
  (x: tf.SymbolicTensor, options?: LayerCallOptions): tf.SymbolicTensor;
  (x: tf.SymbolicTensor[], options?: LayerCallOptions): tf.SymbolicTensor | tf.SymbolicTensor[];
  (x: tf.Tensor, options?: LayerCallOptions): tf.Tensor;
  (x: tf.Tensor[], options?: LayerCallOptions): tf.Tensor | tf.Tensor[];
  /** Keras-style variables: `batch_normalization/gamma:0`, ... (weights first, then non-trainable). */
  readonly variables: KerasVariable[];
};

/**
 * A layer whose Keras call takes more than (inputs, { training }), e.g. `mha(query, value, { attentionMask })`
 * or `lstm(x, { initialState })`, maps the call's arguments to tfjs' inputs and call keywords.
 */
export interface KerasCallAdapter {
  kerasCallArguments(args: unknown[]): { inputs: ApplyInput; options?: LayerCallOptions; kwargs?: Record<string, unknown> };
}

const toProxy = new WeakMap<TfLayer, Callable<TfLayer>>();
const toLayer = new WeakMap<object, TfLayer>();

/** The raw tfjs layer behind a callable layer (or the argument itself). */
export function unwrapLayer<L extends TfLayer>(layer: L | Callable<L>): L {
  return (toLayer.get(layer as object) as L | undefined) ?? (layer as L);
}

/** Wraps a tfjs layer so that it can be called; the same layer always gets the same wrapper. */
export function callable<L extends TfLayer>(layer: L): Callable<L> {
  const raw = unwrapLayer(layer);
  const known = toProxy.get(raw);
  if (known) return known as Callable<L>;
  attachActivityRegularizer(raw); // the activityRegularizer option of baseArgs, if any
  const target = function () {} as unknown as object;
  const proxy = new Proxy(target, {
    apply(_t, _this, args: unknown[]) {
      const adapt = (raw as Partial<KerasCallAdapter>).kerasCallArguments;
      if (typeof adapt === "function") {
        const c = adapt.call(raw, args);
        return callLayer(raw, c.inputs, c.options, c.kwargs);
      }
      return callLayer(raw, args[0] as ApplyInput, args[1] as LayerCallOptions | undefined);
    },
    get(_t, prop) {
      if (prop === "variables") return describeVariables(raw);
      const v = Reflect.get(raw, prop, raw);
      return typeof v === "function" && prop !== "constructor" ? v.bind(raw) : v;
    },
    set(_t, prop, value) {
      return Reflect.set(raw, prop, value, raw);
    },
    has(_t, prop) {
      return Reflect.has(raw, prop);
    },
    getPrototypeOf() {
      return Reflect.getPrototypeOf(raw);
    },
    ownKeys() {
      // A function target must report its own non-configurable "prototype" key.
      return Array.from(new Set([...Reflect.ownKeys(raw), "prototype"]));
    },
    getOwnPropertyDescriptor(t, prop) {
      if (prop === "prototype") return Reflect.getOwnPropertyDescriptor(t, prop);
      const d = Reflect.getOwnPropertyDescriptor(raw, prop);
      if (d) d.configurable = true;
      return d;
    },
  }) as Callable<L>;
  toProxy.set(raw, proxy as Callable<TfLayer>);
  toLayer.set(proxy, raw);
  return proxy;
}

/** Keras' shape in error messages: `[null, 784]`. */
export function shapeText(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d == null ? "null" : String(d))).join(", ")}]`;
}

/** The shape a layer expects from its input spec, with null where any size goes. */
function expectedShape(layer: TfLayer, rank: number): (number | null)[] | undefined {
  const spec = layer.inputSpec?.[0];
  if (!spec) return undefined;
  const n = spec.ndim ?? spec.minNDim ?? rank;
  const shape: (number | null)[] = new Array(n).fill(null);
  for (const [axis, size] of Object.entries(spec.axes ?? {})) {
    const a = Number(axis);
    shape[a < 0 ? n + a : a] = size;
  }
  return shape;
}

/** Calls a tfjs layer; tfjs' shape errors become Keras' message naming the layer and both shapes. */
export function callLayer(layer: TfLayer, x: ApplyInput, options?: LayerCallOptions, kwargs?: Record<string, unknown>): tf.SymbolicTensor | tf.SymbolicTensor[] | tf.Tensor | tf.Tensor[] {
  assertReady();
  const inputs = (Array.isArray(x) ? x : [x]) as (tf.SymbolicTensor | tf.Tensor)[];
  for (const [i, t] of inputs.entries()) {
    if (!(t instanceof tf.SymbolicTensor) && !(t instanceof tf.Tensor)) {
      throw new TypeError(`Input ${i} of layer "${layer.name}" must be a tensor (from layers.Input or tf.tensor), got ${describeValue(t)}`);
    }
  }
  try {
    return layer.apply(x as tf.Tensor, { ...kwargs, training: options?.training ?? false });
  } catch (e) {
    const message = (e as Error)?.message ?? "";
    const m = /^Input (\d+) is incompatible with layer/.exec(message);
    if (m) {
      const i = Number(m[1]);
      const got = inputs[i]?.shape ?? [];
      const expected = expectedShape(layer, got.length);
      const err = new Error(
        `Input ${i} of layer "${layer.name}" is incompatible: expected shape ${expected ? shapeText(expected) : "(see the layer's input spec)"}, got ${shapeText(got)}` +
          (expected ? "" : ` (${message})`),
      );
      err.name = "ValueError";
      throw err;
    }
    throw e;
  }
}

function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === "object") return `an object (${(v as object).constructor?.name ?? "Object"})`;
  return `${typeof v} ${String(v)}`;
}
