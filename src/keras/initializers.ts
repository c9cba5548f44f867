// keras.initializers: Keras 3's weight initializers with its formulas (keras/src/initializers), as
// tfjs Initializer objects that every tfjs layer accepts.
//
//   VarianceScaling: n = fan_in, fan_out or (fan_in + fan_out) / 2 (at least 1), s = scale / n;
//     "truncated_normal": N(0, sqrt(s) / 0.87962566103423978) cut at two standard deviations, so
//     that the values' standard deviation is sqrt(s); "untruncated_normal": N(0, sqrt(s));
//     "uniform": U(-sqrt(3 s), sqrt(3 s)).
//   Glorot = fan_avg, scale 1; He = fan_in, scale 2; LeCun = fan_in, scale 1 (uniform or truncated).
//   Fans: [n] -> n, n; [in, out]; a kernel [...receptive, in, out] -> in * receptive, out * receptive.
//   Orthogonal: Q of the QR decomposition of a normal matrix [max(r, c), min(r, c)], signs fixed by
//     diag(R), transposed when r < c, times gain (r = product of all but the last axis).
//
// Porting note: a seed makes an initializer repeatable, as in Keras (and, as in Keras, an unseeded
// initializer draws its seed when made, so calling the same object twice gives the same values), but
// the same seed does not give the same numbers as Keras: the random generators differ.
import tf from "../tfjs.cjs";

type TfInitializer = ReturnType<typeof tf.initializers.zeros>;
type InitializerBase = abstract new () => TfInitializer;
/** tfjs' Initializer base class (not exported by name; tfjs layers check `instanceof` it). */
const Base = Object.getPrototypeOf(tf.initializers.zeros().constructor) as InitializerBase;

/** The standard deviation of a unit normal cut at +-2: Keras divides by it to undo the cut. */
export const TRUNCATION_STDDEV = 0.87962566103423978;

/** Keras' `make_default_seed()`: an unseeded initializer draws its seed once, when it is made. */
function defaultSeed(seed: number | undefined, where: string): number {
  if (seed === undefined || seed === null) return 1 + Math.floor(Math.random() * 1e9);
  if (!Number.isInteger(seed)) throw new Error(`${where}: seed must be an integer, got ${JSON.stringify(seed)}`);
  return seed;
}

function checkShape(shape: number[], where: string): void {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
}

/** Keras' `compute_fans(shape, input_axes, output_axes)`. */
export function computeFans(shape: number[], inputAxes?: number[] | null, outputAxes?: number[] | null): [number, number] {
  const at = (a: number) => shape[a < 0 ? shape.length + a : a];
  if (inputAxes != null && outputAxes != null) {
    return [inputAxes.reduce((p, a) => p * at(a), 1), outputAxes.reduce((p, a) => p * at(a), 1)];
  }
  if (shape.length < 1) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  const receptive = shape.slice(0, -2).reduce((p, d) => p * d, 1);
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

export interface SeedOptions {
  /** Makes the values repeatable. Default: drawn when the initializer is made. */
  seed?: number;
}

// ---- constant initializers ----

export class ZerosInitializer extends Base {
  static className = "Zeros";
  apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    checkShape(shape, "Zeros");
    return tf.zeros(shape, dtype);
  }
  getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

export class OnesInitializer extends Base {
  static className = "Ones";
  apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    checkShape(shape, "Ones");
    return tf.ones(shape, dtype);
  }
  getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

export interface ConstantOptions {
  /** The value (broadcast to the weight's shape). Default 0. */
  value?: number | number[];
}

export class ConstantInitializer extends Base {
  static className = "Constant";
  readonly value: number | number[];
  constructor(args: ConstantOptions = {}) {
    super();
    this.value = args.value ?? 0;
    const ok = typeof this.value === "number" || (Array.isArray(this.value) && this.value.every((v) => typeof v === "number"));
    if (!ok) throw new Error(`Constant: value must be a number or an array of numbers, got ${JSON.stringify(args.value)}`);
  }
  apply(shape: number[], dtype: tf.DataType = "float32"): tf.Tensor {
    checkShape(shape, "Constant");
    return tf.tidy(() => tf.mul(tf.ones(shape, dtype), tf.cast(tf.tensor(this.value), dtype)));
  }
  getConfig(): tf.serialization.ConfigDict {
    return { value: this.value };
  }
}

export interface IdentityOptions {
  /** Multiplies the identity matrix. Default 1. */
  gain?: number;
}

export class IdentityInitializer extends Base {
  static className = "Identity";
  readonly gain: number;
  constructor(args: IdentityOptions = {}) {
    super();
    this.gain = args.gain ?? 1;
  }
  apply(shape: number[], dtype: tf.DataType = "float32"): tf.Tensor {
    if (shape.length !== 2) throw new Error(`Identity initializer: the weight must be 2-D, got shape [${shape.join(", ")}]`);
    return tf.tidy(() => tf.cast(tf.mul(tf.eye(shape[0], shape[1]), this.gain), dtype));
  }
  getConfig(): tf.serialization.ConfigDict {
    return { gain: this.gain };
  }
}

// ---- random initializers ----

abstract class RandomInitializer extends Base {
  readonly seed: number;
  /** The seed given when made (undefined: drawn at creation, as Keras 3); saved in the config. */
  readonly givenSeed: number | undefined;
  constructor(seed: number | undefined, where: string) {
    super();
    this.givenSeed = seed ?? undefined;
    this.seed = defaultSeed(seed, where);
  }
  getConfig(): tf.serialization.ConfigDict {
    return this.givenSeed === undefined ? {} : { seed: this.givenSeed };
  }
}

export interface RandomNormalOptions extends SeedOptions {
  /** Default 0. */
  mean?: number;
  /** Default 0.05. */
  stddev?: number;
}

export class RandomNormalInitializer extends RandomInitializer {
  static className = "RandomNormal";
  readonly mean: number;
  readonly stddev: number;
  constructor(args: RandomNormalOptions = {}, where = "RandomNormal") {
    super(args.seed, where);
    this.mean = args.mean ?? 0;
    this.stddev = args.stddev ?? 0.05;
  }
  apply(shape: number[], dtype: tf.DataType = "float32"): tf.Tensor {
    checkShape(shape, this.getClassName());
    return tf.randomNormal(shape, this.mean, this.stddev, dtype as "float32", this.seed);
  }
  getConfig(): tf.serialization.ConfigDict {
    return { mean: this.mean, stddev: this.stddev, ...super.getConfig() };
  }
}

/** Keras' TruncatedNormal: N(mean, stddev) redrawn beyond two standard deviations (no correction). */
export class TruncatedNormalInitializer extends RandomNormalInitializer {
  static className = "TruncatedNormal";
  constructor(args: RandomNormalOptions = {}) {
    super(args, "TruncatedNormal");
  }
  apply(shape: number[], dtype: tf.DataType = "float32"): tf.Tensor {
    checkShape(shape, "TruncatedNormal");
    return tf.truncatedNormal(shape, this.mean, this.stddev, dtype as "float32", this.seed);
  }
}

export interface RandomUniformOptions extends SeedOptions {
  /** Default -0.05. */
  minval?: number;
  /** Default 0.05. */
  maxval?: number;
}

export class RandomUniformInitializer extends RandomInitializer {
  static className = "RandomUniform";
  readonly minval: number;
  readonly maxval: number;
  constructor(args: RandomUniformOptions = {}) {
    super(args.seed, "RandomUniform");
    this.minval = args.minval ?? -0.05;
    this.maxval = args.maxval ?? 0.05;
    if (!(this.maxval >= this.minval)) throw new Error(`RandomUniform: maxval (${this.maxval}) must be >= minval (${this.minval})`);
  }
  apply(shape: number[], dtype: tf.DataType = "float32"): tf.Tensor {
    checkShape(shape, "RandomUniform");
    return tf.randomUniform(shape, this.minval, this.maxval, dtype, this.seed);
  }
  getConfig(): tf.serialization.ConfigDict {
    return { minval: this.minval, maxval: this.maxval, ...super.getConfig() };
  }
}

const MODES = ["fan_in", "fan_out", "fan_avg"] as const;
const DISTRIBUTIONS = ["truncated_normal", "untruncated_normal", "uniform"] as const;
export type FanMode = (typeof MODES)[number];
export type Distribution = (typeof DISTRIBUTIONS)[number];

export interface VarianceScalingOptions extends SeedOptions {
  /** Positive. Default 1. */
  scale?: number;
  /** "fan_in" (default), "fan_out" or "fan_avg" (camelCase "fanIn", ... too). */
  mode?: string;
  /** "truncated_normal" (default; "normal" means it too), "untruncated_normal" or "uniform". */
  distribution?: string;
  /** Axes whose sizes multiply to fan_in (with outputAxes). Default: Keras' kernel convention. */
  inputAxes?: number[] | null;
  /** Axes whose sizes multiply to fan_out (with inputAxes). */
  outputAxes?: number[] | null;
}

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();

export class VarianceScalingInitializer extends RandomInitializer {
  static className = "VarianceScaling";
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: Distribution;
  readonly inputAxes: number[] | null;
  readonly outputAxes: number[] | null;
  constructor(args: VarianceScalingOptions = {}, where = "VarianceScaling") {
    super(args.seed, where);
    this.scale = args.scale ?? 1;
    if (!(typeof this.scale === "number" && this.scale > 0)) throw new Error(`${where}: scale must be a positive number, got ${JSON.stringify(args.scale)}`);
    const mode = snake(args.mode ?? "fan_in");
    if (!(MODES as readonly string[]).includes(mode)) throw new Error(`${where}: unknown mode ${JSON.stringify(args.mode)}; expected one of ${MODES.join(", ")}`);
    this.mode = mode as FanMode;
    let distribution = snake(args.distribution ?? "truncated_normal");
    if (distribution === "normal") distribution = "truncated_normal";
    if (!(DISTRIBUTIONS as readonly string[]).includes(distribution)) {
      throw new Error(`${where}: unknown distribution ${JSON.stringify(args.distribution)}; expected one of ${DISTRIBUTIONS.join(", ")} (or "normal")`);
    }
    this.distribution = distribution as Distribution;
    this.inputAxes = args.inputAxes ?? null;
    this.outputAxes = args.outputAxes ?? null;
  }

  /** The standard deviation (normal) or the bound (uniform) for a weight of this shape. */
  parameters(shape: number[]): { stddev?: number; limit?: number } {
    const [fanIn, fanOut] = computeFans(shape, this.inputAxes, this.outputAxes);
    const n = this.mode === "fan_in" ? fanIn : this.mode === "fan_out" ? fanOut : (fanIn + fanOut) / 2;
    const s = this.scale / Math.max(1, n);
    if (this.distribution === "truncated_normal") return { stddev: Math.sqrt(s) / TRUNCATION_STDDEV };
    if (this.distribution === "untruncated_normal") return { stddev: Math.sqrt(s) };
    return { limit: Math.sqrt(3 * s) };
  }

  apply(shape: number[], dtype: tf.DataType = "float32"): tf.Tensor {
    checkShape(shape, this.getClassName());
    const { stddev, limit } = this.parameters(shape);
    if (this.distribution === "truncated_normal") return tf.truncatedNormal(shape, 0, stddev!, dtype as "float32", this.seed);
    if (this.distribution === "untruncated_normal") return tf.randomNormal(shape, 0, stddev!, dtype as "float32", this.seed);
    return tf.randomUniform(shape, -limit!, limit!, dtype, this.seed);
  }

  getConfig(): tf.serialization.ConfigDict {
    return {
      scale: this.scale, mode: this.mode, distribution: this.distribution, inputAxes: this.inputAxes, outputAxes: this.outputAxes, ...super.getConfig(),
    };
  }
}

/** The fixed-formula subclasses: Glorot, He, LeCun; their config is the seed and axes only. */
function preset(className: string, scale: number, mode: FanMode, distribution: Distribution) {
  const cls = class extends VarianceScalingInitializer {
    static className = className;
    constructor(args: SeedOptions & Pick<VarianceScalingOptions, "inputAxes" | "outputAxes"> = {}) {
      super({ seed: args.seed, inputAxes: args.inputAxes, outputAxes: args.outputAxes, scale, mode, distribution }, className);
    }
    getConfig(): tf.serialization.ConfigDict {
      return { inputAxes: this.inputAxes, outputAxes: this.outputAxes, ...(this.givenSeed === undefined ? {} : { seed: this.givenSeed }) };
    }
  };
  return cls;
}

export const GlorotUniformInitializer = preset("GlorotUniform", 1, "fan_avg", "uniform");
export const GlorotNormalInitializer = preset("GlorotNormal", 1, "fan_avg", "truncated_normal");
export const HeUniformInitializer = preset("HeUniform", 2, "fan_in", "uniform");
export const HeNormalInitializer = preset("HeNormal", 2, "fan_in", "truncated_normal");
export const LecunUniformInitializer = preset("LecunUniform", 1, "fan_in", "uniform");
export const LecunNormalInitializer = preset("LecunNormal", 1, "fan_in", "truncated_normal");

export interface OrthogonalOptions extends SeedOptions {
  /** Multiplies the orthogonal matrix. Default 1. */
  gain?: number;
}

export class OrthogonalInitializer extends RandomInitializer {
  static className = "Orthogonal";
  readonly gain: number;
  constructor(args: OrthogonalOptions = {}) {
    super(args.seed, "Orthogonal");
    this.gain = args.gain ?? 1;
  }
  apply(shape: number[], dtype: tf.DataType = "float32"): tf.Tensor {
    checkShape(shape, "Orthogonal");
    if (shape.length < 2) throw new Error(`Orthogonal: the weight must be at least 2-D, got shape [${shape.join(", ")}]`);
    const rows = shape.slice(0, -1).reduce((p, d) => p * d, 1);
    const cols = shape[shape.length - 1];
    const [m, n] = [Math.max(rows, cols), Math.min(rows, cols)];
    const a = tf.tidy(() => tf.randomNormal([m, n], 0, 1, "float32", this.seed));
    const values = a.dataSync();
    a.dispose();
    const q = orthonormalColumns(Float64Array.from(values), m, n); // [m, n], row-major
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const v = this.gain * q[i * n + j];
        // rows >= cols: the matrix is q; rows < cols: it is q's transpose.
        if (rows >= cols) out[i * cols + j] = v;
        else out[j * cols + i] = v;
      }
    }
    return tf.tidy(() => tf.cast(tf.tensor(out, shape, "float32"), dtype));
  }
  getConfig(): tf.serialization.ConfigDict {
    return { gain: this.gain, ...super.getConfig() };
  }
}

/**
 * Q of the thin QR decomposition of `a` ([m, n], m >= n, row-major) by Householder reflections, with
 * each column multiplied by the sign of R's diagonal entry (Keras' `q *= sign(diag(r))`), so the
 * result does not depend on the QR routine's sign convention.
 */
function orthonormalColumns(a: Float64Array, m: number, n: number): Float64Array {
  const r = Float64Array.from(a);
  const vs: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const v = new Float64Array(m);
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * n + k] ** 2;
    norm = Math.sqrt(norm);
    const alpha = r[k * n + k] > 0 ? -norm : norm;
    for (let i = k; i < m; i++) v[i] = r[i * n + k];
    v[k] -= alpha;
    let vv = 0;
    for (let i = k; i < m; i++) vv += v[i] * v[i];
    if (vv > 0) {
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < m; i++) dot += v[i] * r[i * n + j];
        const f = (2 * dot) / vv;
        for (let i = k; i < m; i++) r[i * n + j] -= f * v[i];
      }
    }
    vs.push(vv > 0 ? v.map((x) => x / Math.sqrt(vv)) : v);
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i] * q[i * n + j];
      for (let i = k; i < m; i++) q[i * n + j] -= 2 * dot * v[i];
    }
  }
  for (let j = 0; j < n; j++) {
    const sign = r[j * n + j] < 0 ? -1 : r[j * n + j] > 0 ? 1 : 0;
    for (let i = 0; i < m; i++) q[i * n + j] *= sign;
  }
  return q;
}

for (const cls of [
  ZerosInitializer, OnesInitializer, ConstantInitializer, IdentityInitializer, RandomNormalInitializer, TruncatedNormalInitializer,
  RandomUniformInitializer, VarianceScalingInitializer, GlorotUniformInitializer, GlorotNormalInitializer, HeUniformInitializer,
  HeNormalInitializer, LecunUniformInitializer, LecunNormalInitializer, OrthogonalInitializer,
]) {
  tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
}

// ---- Keras' names: factories (no `new`), as keras.initializers.GlorotUniform(seed=...) ----

type SeedArg = number | SeedOptions | undefined;
const seedOptions = (s: SeedArg): SeedOptions => (typeof s === "number" ? { seed: s } : (s ?? {}));

/** Zeros everywhere. */
export const Zeros = (): ZerosInitializer => new ZerosInitializer();
/** Ones everywhere. */
export const Ones = (): OnesInitializer => new OnesInitializer();
/** `Constant(0.5)` or `Constant({ value: 0.5 })`. Default value 0. */
export const Constant = (value?: number | number[] | ConstantOptions): ConstantInitializer =>
  new ConstantInitializer(typeof value === "object" && !Array.isArray(value) ? value : { value });
/** The identity matrix times `gain` (2-D weights). */
export const Identity = (gain?: number | IdentityOptions): IdentityInitializer => new IdentityInitializer(typeof gain === "number" ? { gain } : gain);
/** N(mean, stddev): defaults 0 and 0.05. */
export const RandomNormal = (options: RandomNormalOptions = {}): RandomNormalInitializer => new RandomNormalInitializer(options);
/** N(mean, stddev) redrawn beyond 2 stddev: defaults 0 and 0.05. */
export const TruncatedNormal = (options: RandomNormalOptions = {}): TruncatedNormalInitializer => new TruncatedNormalInitializer(options);
/** U(minval, maxval): defaults -0.05 and 0.05. */
export const RandomUniform = (options: RandomUniformOptions = {}): RandomUniformInitializer => new RandomUniformInitializer(options);
/** `VarianceScaling({ scale, mode, distribution, seed })`: defaults 1, "fan_in", "truncated_normal". */
export const VarianceScaling = (options: VarianceScalingOptions = {}): VarianceScalingInitializer => new VarianceScalingInitializer(options);
/** U(+-sqrt(6 / (fan_in + fan_out))). `GlorotUniform({ seed: 1 })` or `GlorotUniform(1)`. */
export const GlorotUniform = (seed?: SeedArg) => new GlorotUniformInitializer(seedOptions(seed));
/** Truncated N(0, sqrt(2 / (fan_in + fan_out))). */
export const GlorotNormal = (seed?: SeedArg) => new GlorotNormalInitializer(seedOptions(seed));
/** U(+-sqrt(6 / fan_in)). */
export const HeUniform = (seed?: SeedArg) => new HeUniformInitializer(seedOptions(seed));
/** Truncated N(0, sqrt(2 / fan_in)). */
export const HeNormal = (seed?: SeedArg) => new HeNormalInitializer(seedOptions(seed));
/** U(+-sqrt(3 / fan_in)). */
export const LecunUniform = (seed?: SeedArg) => new LecunUniformInitializer(seedOptions(seed));
/** Truncated N(0, sqrt(1 / fan_in)). */
export const LecunNormal = (seed?: SeedArg) => new LecunNormalInitializer(seedOptions(seed));
/** An orthogonal matrix times `gain` (default 1). */
export const Orthogonal = (options: OrthogonalOptions = {}): OrthogonalInitializer => new OrthogonalInitializer(options);

// Keras' lower-case aliases (keras.initializers.glorot_uniform, ...), in camelCase.
export const zeros = Zeros, ones = Ones, constant = Constant, identity = Identity;
export const randomNormal = RandomNormal, truncatedNormal = TruncatedNormal, randomUniform = RandomUniform;
export const varianceScaling = VarianceScaling, orthogonal = Orthogonal;
export const glorotUniform = GlorotUniform, glorotNormal = GlorotNormal, heUniform = HeUniform, heNormal = HeNormal;
export const lecunUniform = LecunUniform, lecunNormal = LecunNormal;

/** Keras' string identifiers (keras.initializers.get), snake case, with its aliases. */
const BY_NAME: Record<string, () => TfInitializer> = {
  zeros: Zeros, zero: Zeros, ones: Ones, one: Ones, constant: () => Constant(),
  identity: () => Identity(), identity_initializer: () => Identity(),
  random_normal: () => RandomNormal(), normal: () => RandomNormal(), truncated_normal: () => TruncatedNormal(),
  random_uniform: () => RandomUniform(), uniform: () => RandomUniform(),
  variance_scaling: () => VarianceScaling(),
  glorot_uniform: () => GlorotUniform(), glorot_normal: () => GlorotNormal(),
  he_uniform: () => HeUniform(), he_normal: () => HeNormal(),
  lecun_uniform: () => LecunUniform(), lecun_normal: () => LecunNormal(),
  orthogonal: () => Orthogonal(), orthogonal_initializer: () => Orthogonal(),
};

/** The names `get` accepts, for error messages. */
export const initializerNames = Object.keys(BY_NAME);

/**
 * `keras.initializers.get`: a Keras name ("glorot_uniform", "GlorotUniform", camelCase "glorotUniform")
 * gives a new initializer with Keras' defaults; an initializer object passes through. Unknown names
 * are an error that lists the accepted ones.
 */
export function get(identifier: string | TfInitializer, where = "initializers.get", option = "initializer"): TfInitializer {
  if (typeof identifier !== "string") {
    if (identifier instanceof Base) return identifier;
    throw new Error(`${where}: ${option} must be a Keras initializer name or a keras.initializers object, got ${describe(identifier)}`);
  }
  const make = BY_NAME[snake(identifier.replace(/^LeCun/, "Lecun"))];
  if (!make) throw new Error(`${where}: unknown ${option} ${JSON.stringify(identifier)}; expected one of ${initializerNames.join(", ")} or a keras.initializers object`);
  return make();
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "object") return `an object (${(v as object).constructor?.name ?? "Object"})`;
  return `${typeof v} ${String(v)}`;
}

/** tfjs' Initializer base class, for `instanceof` checks. */
export const Initializer = Base;
export type { TfInitializer };
