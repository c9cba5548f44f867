// keras.optimizers.Optimizer: what every Keras 3 optimizer does around its own update rule
// (keras/src/optimizers/base_optimizer.py), on tfjs variables:
//
//   at each step t = iterations (0 at the first step), with lr = the learning rate, or the schedule
//   at t:
//   1. gradients clipped: clipnorm (each gradient to that L2 norm), globalClipnorm (all of them
//      together, by one factor), or clipvalue (each element to [-v, v]); at most one of the three;
//   2. decoupled weight decay: w -= w * weightDecay * lr, before the update (variables excluded by
//      excludeFromWeightDecay are not decayed);
//   3. the optimizer's own update of each variable and its slots (momentum, velocity, ...);
//   4. with useEma: average = m * average + (1 - m) * w, m = emaMomentum (0 at the first step, so the
//      average starts at the weights); every emaOverwriteFrequency steps the weights are overwritten by
//      their averages; fit swaps the averages in after its last epoch (finalizeVariableValues);
//   5. iterations += 1.
//
// With gradientAccumulationSteps n, steps 1 to n-1 of every n only add their gradients to an
// accumulator; the n-th applies 1-4 with the mean of the n gradients (the EMA is updated at every
// step); `iterations` then counts updates (steps / n, rounded down), while a schedule sees every step.
// With lossScaleFactor s, minimize differentiates s * loss and the gradients are divided by s.
//
// An optimizer keeps one set of slots per variable, made at the first step that variable is trained
// (Keras' build), keyed by the tfjs variable.
//
// Where Keras computes with scalars cast to float32 (bias corrections, 1 - beta of a cast beta), tsdl
// rounds the same way (f32), so that steps agree to float32 precision.
//
// Porting notes: Keras raises for a variable the optimizer was not built with; tsdl makes its slots
// then (a layer made trainable between two fits). A learning rate is a number or a
// LearningRateSchedule (Keras also takes a function of no arguments). excludeFromWeightDecay's
// varNames are searched in tfjs' variable names (`dense/kernel`), Keras' in the short name (`kernel`).
import tf from "../../tfjs.cjs";
import { lerpInPlace } from "../../backend/fused_kernels.js";
import { autoName } from "../naming.js";
import { booleanOption, checkNumber, describe, numberOption, optionalNumber } from "./checks.js";
import { LearningRateSchedule, deserializeSchedule, isScheduleConfig, serializeSchedule } from "./schedules/learning_rate_schedule.js";

/** The options every optimizer takes (Keras' base optimizer arguments, camelCase). */
export interface OptimizerOptions {
  /** A number, or a schedule evaluated at every step (`schedules.ExponentialDecay(...)`). Default: the optimizer's. */
  learningRate?: number | LearningRateSchedule;
  /** Keras 2 spelling of learningRate. */
  lr?: number;
  /** Decoupled weight decay (w -= w * weightDecay * lr at every step). Default null (none). */
  weightDecay?: number | null;
  /** Clip each gradient to this L2 norm. Default null. */
  clipnorm?: number | null;
  /** Clip each gradient element to [-clipvalue, clipvalue]. Default null. */
  clipvalue?: number | null;
  /** Clip all gradients together to this global L2 norm. Default null. */
  globalClipnorm?: number | null;
  /** Keep an exponential moving average of the weights. Default false. */
  useEma?: boolean;
  /** Momentum of the moving average. Default 0.99. */
  emaMomentum?: number;
  /** Overwrite the weights by their averages every this many steps. Default null (only at the end of fit). */
  emaOverwriteFrequency?: number | null;
  /** Multiply the loss by this before the gradients, divide the gradients by it (mixed precision). Default null. */
  lossScaleFactor?: number | null;
  /** Update every this many steps (>= 2), with the mean of their gradients. Default null (every step). */
  gradientAccumulationSteps?: number | null;
  /** Default Keras' automatic name (`adam`, `adam_1`, ...). */
  name?: string;
}

export const BASE_OPTIONS = [
  "learningRate", "lr", "weightDecay", "clipnorm", "clipvalue", "globalClipnorm", "useEma", "emaMomentum", "emaOverwriteFrequency", "lossScaleFactor", "gradientAccumulationSteps", "name",
] as const;

/** A tensor with the name of the variable it belongs to (tfjs' optimizer interface). */
export type NamedTensor = { name: string; tensor: tf.Tensor };

/** One trained variable's optimizer state: the optimizer's own slots, and the base optimizer's. */
interface VariableState {
  variable: tf.Variable;
  slots: Record<string, tf.Variable>;
  /** useEma's `average`, gradientAccumulationSteps' `gradient_accumulator`. */
  extra: { average?: tf.Variable; gradient_accumulator?: tf.Variable };
}

const allSlots = (s: VariableState): Record<string, tf.Variable> => ({ ...s.slots, ...(s.extra as Record<string, tf.Variable>) });

/** The serialized optimizer: class name and config (learningRate a number or a schedule's config). */
export interface OptimizerConfig {
  className: string;
  config: Record<string, unknown>;
}

/** A trainable weight as tfjs-layers or tfjs hands it over: a LayerVariable reads its tf.Variable. */
type VariableLike = tf.Variable | { read(): tf.Tensor };

function asVariable(v: VariableLike): tf.Variable {
  return (v instanceof tf.Variable ? v : (v as { read(): tf.Tensor }).read()) as tf.Variable;
}

export abstract class Optimizer extends tf.Optimizer {
  static className = "Optimizer";

  /** A real class check (tfjs' Optimizer answers `instanceof` for any object with minimize). */
  static [Symbol.hasInstance](x: unknown): boolean {
    return Function.prototype[Symbol.hasInstance].call(this, x);
  }

  readonly name: string;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  readonly useEma: boolean;
  readonly emaMomentum: number;
  readonly emaOverwriteFrequency: number | null;
  readonly lossScaleFactor: number | null;
  readonly gradientAccumulationSteps: number | null;
  private lr: number | LearningRateSchedule;
  private readonly state = new Map<string, VariableState>();
  private excluded = new Set<string>();
  private excludedPattern: RegExp | undefined;

  /** `o`: the options, already checked against the optimizer's list (optionsOf). */
  protected constructor(
    protected readonly where: string,
    o: OptimizerOptions,
    defaultLearningRate: number,
  ) {
    super();
    this.lr = learningRateOption(where, o, defaultLearningRate);
    this.name = o.name === undefined ? autoName(where) : String(o.name);
    this.weightDecay = optionalNumber(where, "weightDecay", o.weightDecay, { min: 0 });
    const positive = { min: 0 } as const;
    this.clipnorm = optionalNumber(where, "clipnorm", o.clipnorm, positive);
    this.clipvalue = optionalNumber(where, "clipvalue", o.clipvalue, positive);
    this.globalClipnorm = optionalNumber(where, "globalClipnorm", o.globalClipnorm, positive);
    const clips = [this.clipnorm, this.clipvalue, this.globalClipnorm].filter((c) => c !== null).length;
    if (clips > 1) {
      throw new Error(`${where}: only one of clipnorm, clipvalue and globalClipnorm can be set; got clipnorm=${this.clipnorm}, clipvalue=${this.clipvalue}, globalClipnorm=${this.globalClipnorm}`);
    }
    this.useEma = booleanOption(where, "useEma", o.useEma, false);
    this.emaMomentum = numberOption(where, "emaMomentum", o.emaMomentum, 0.99, { min: 0, max: 1 });
    this.emaOverwriteFrequency = optionalNumber(where, "emaOverwriteFrequency", o.emaOverwriteFrequency === 0 ? null : o.emaOverwriteFrequency, { min: 1, integer: true });
    this.lossScaleFactor = optionalNumber(where, "lossScaleFactor", o.lossScaleFactor, { min: 0, minInclusive: false });
    this.gradientAccumulationSteps = optionalNumber(where, "gradientAccumulationSteps", o.gradientAccumulationSteps, { min: 2, integer: true });
  }

  // ---- what each optimizer defines ----

  /** The slots made per variable, by Keras' names, with their initial values (in Keras' order). */
  protected abstract slotSpecs(): [name: string, initial: number][];

  /**
   * Updates `variable` and its slots from `grad` (already clipped). `step` is iterations + 1 (Keras'
   * local_step). Runs inside a tidy.
   */
  protected abstract updateStep(variable: tf.Variable, grad: tf.Tensor, slots: Record<string, tf.Variable>, lr: number, step: number): void;

  /** The optimizer's own options (beyond the base ones), for getConfig. */
  protected abstract ownConfig(): Record<string, unknown>;

  /** Called once per step before the variables' updates (Nadam's running product). */
  protected beginStep(_step: number): void {}

  /** The learning rate at this step as the update uses it (SGD's Keras 2 decay changes it). */
  protected effectiveLearningRate(): number {
    return this.learningRate;
  }

  // ---- Keras' optimizer API ----

  /** Updates applied so far (Keras' `optimizer.iterations`; steps / gradientAccumulationSteps when accumulating). */
  get iterations(): number {
    const steps = this.iterations_ ?? 0;
    return this.gradientAccumulationSteps ? Math.floor(steps / this.gradientAccumulationSteps) : steps;
  }

  /** The learning rate now: the number, or the schedule at the current step (every step counts). */
  get learningRate(): number {
    return typeof this.lr === "number" ? this.lr : this.lr.call(this.iterations_ ?? 0);
  }

  /** A number or a schedule; a number cannot replace a schedule (as in Keras). */
  set learningRate(lr: number | LearningRateSchedule) {
    if (lr instanceof LearningRateSchedule) {
      this.lr = lr;
      return;
    }
    if (this.lr instanceof LearningRateSchedule) {
      throw new TypeError(
        `${this.where}: this optimizer was made with a learning-rate schedule (${this.lr.getClassName()}), so its learning rate cannot be set to a number; ` +
          "make the optimizer with a number learningRate to set it (ReduceLROnPlateau and LearningRateScheduler need that)",
      );
    }
    this.lr = checkNumber(this.where, "learningRate", lr, { min: 0, minInclusive: false });
  }

  /** The schedule, if the learning rate is one. */
  get learningRateSchedule(): LearningRateSchedule | undefined {
    return this.lr instanceof LearningRateSchedule ? this.lr : undefined;
  }

  /**
   * Keras' `exclude_from_weight_decay(var_list, var_names)`: these variables, and those whose name
   * contains one of `varNames` (as regular expressions), are not decayed. Only before the first step.
   */
  excludeFromWeightDecay(options: { varList?: VariableLike[]; varNames?: string[] } = {}): void {
    if (this.state.size) throw new Error(`${this.where}: excludeFromWeightDecay() can only be called before the optimizer's first step`);
    this.excluded = new Set((options.varList ?? []).map((v) => asVariable(v).name));
    const names = options.varNames ?? [];
    this.excludedPattern = names.length ? new RegExp([...new Set(names)].join("|")) : undefined;
  }

  private decays(v: tf.Variable): boolean {
    return this.weightDecay !== null && !this.excluded.has(v.name) && !(this.excludedPattern?.test(v.name) ?? false);
  }

  /** The state of `variable`, made (Keras' build) the first time. */
  private stateOf(variable: tf.Variable): VariableState {
    let s = this.state.get(variable.name);
    if (!s) {
      const slots: Record<string, tf.Variable> = {};
      for (const [name, init] of this.slotSpecs()) slots[name] = tf.tidy(() => tf.fill(variable.shape, init, "float32").variable(false));
      s = { variable, slots, extra: {} };
      if (this.useEma) s.extra.average = tf.tidy(() => tf.zerosLike(variable).variable(false));
      if (this.gradientAccumulationSteps) s.extra.gradient_accumulator = tf.tidy(() => tf.zerosLike(variable).variable(false));
      this.state.set(variable.name, s);
    }
    return s;
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const named = Array.isArray(variableGradients) ? variableGradients.map((g) => [g.name, g.tensor] as const) : Object.entries(variableGradients);
    const pairs: { variable: tf.Variable; grad: tf.Tensor }[] = [];
    for (const [name, grad] of named) {
      if (grad == null) continue; // Keras filters out variables without a gradient
      const variable = tf.engine().registeredVariables[name];
      if (!variable) throw new Error(`${this.where}: no variable named ${JSON.stringify(name)} (applyGradients takes tfjs variable names)`);
      pairs.push({ variable, grad });
    }
    if (!pairs.length) throw new Error(`${this.where}: no gradients provided for any variable`);
    this.forgetDisposed();
    const steps = this.iterations_ ?? 0;
    const t = this.iterations;
    const lr = this.effectiveLearningRate();
    const states = pairs.map((p) => this.stateOf(p.variable));
    const made = new Set<tf.Tensor>(); // gradients made here, freed at the end
    const step = (next: tf.Tensor[]) => (next.forEach((g, i) => g !== grads[i] && made.add(g)), next);
    let grads = pairs.map((p) => p.grad);
    try {
      const scale = this.lossScaleFactor;
      if (scale !== null) grads = step(grads.map((g) => tf.div(g, scale)));
      const n = this.gradientAccumulationSteps;
      let update = true;
      if (n) {
        update = (steps + 1) % n === 0;
        const accumulators = states.map((s) => s.extra.gradient_accumulator!);
        if (update) {
          grads = step(grads.map((g, i) => tf.tidy(() => tf.div(tf.add(g, accumulators[i]), n))));
          accumulators.forEach((a) => tf.tidy(() => a.assign(tf.zerosLike(a))));
        } else {
          accumulators.forEach((a, i) => tf.tidy(() => a.assign(tf.add(a, grads[i]))));
        }
      }
      if (update) {
        grads = step(this.clip(grads));
        if (this.weightDecay !== null) {
          const wd = this.weightDecay * lr;
          for (const { variable } of pairs) {
            if (this.decays(variable)) tf.tidy(() => variable.assign(tf.sub(variable, tf.mul(variable, wd))));
          }
        }
        this.beginStep(t + 1);
        pairs.forEach(({ variable }, i) => tf.tidy(() => this.updateStep(variable, grads[i], states[i].slots, lr, t + 1)));
      }
    } finally {
      tf.dispose([...made]);
    }
    if (this.useEma) this.updateAverages(t);
    this.iterations_ = steps + 1;
  }

  /** With lossScaleFactor, differentiates lossScaleFactor * f() (applyGradients divides again); returns f()'s value. */
  minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    const s = this.lossScaleFactor;
    if (s === null) return super.minimize(f, returnCost, varList);
    const scaled = super.minimize(() => tf.mul(f(), s) as tf.Scalar, true, varList)!;
    const value = returnCost ? (tf.div(scaled, s) as tf.Scalar) : null;
    scaled.dispose();
    return value;
  }

  /** Frees the state of variables disposed since (an optimizer object reused after its model was freed). */
  private forgetDisposed(): void {
    for (const [name, s] of this.state) {
      if (!s.variable.isDisposed) continue;
      Object.values(allSlots(s)).forEach((v) => v.dispose());
      this.state.delete(name);
    }
  }

  /** Keras' _clip_gradients: new tensors where clipped (the caller frees those), else the same. */
  private clip(grads: tf.Tensor[]): tf.Tensor[] {
    if (this.clipnorm !== null && this.clipnorm > 0) {
      const c = this.clipnorm;
      return grads.map((g) => tf.tidy(() => tf.div(tf.mul(g, c), tf.maximum(tf.sqrt(tf.sum(tf.square(g))), c))));
    }
    if (this.globalClipnorm !== null && this.globalClipnorm > 0) {
      const c = this.globalClipnorm;
      return tf.tidy(() => {
        const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
        // c * min(1 / norm, 1 / c), plus (norm - norm) so that an infinite or NaN norm gives NaN, as in Keras.
        const scale = tf.add(tf.mul(tf.minimum(tf.reciprocal(norm), 1 / c), c), tf.sub(norm, norm));
        return grads.map((g) => tf.mul(g, scale));
      });
    }
    if (this.clipvalue !== null && this.clipvalue > 0) {
      const v = this.clipvalue;
      return grads.map((g) => tf.clipByValue(g, -v, v));
    }
    return grads;
  }

  /** Keras' _update_model_variables_moving_average, then the overwrite every emaOverwriteFrequency steps. */
  private updateAverages(t: number): void {
    const m = t === 0 ? 0 : this.emaMomentum;
    for (const s of this.state.values()) {
      const avg = s.extra.average!;
      if (lerpInPlace(avg, s.variable, 1 - m)) continue;
      tf.tidy(() => avg.assign(tf.add(tf.mul(avg, m), tf.mul(s.variable, 1 - m))));
    }
    const f = this.emaOverwriteFrequency;
    if (f && (t + 1) % f === 0) this.overwriteWithAverages();
  }

  private overwriteWithAverages(variables?: tf.Variable[]): void {
    const states = variables ? variables.map((v) => this.state.get(v.name)).filter((s): s is VariableState => s !== undefined) : [...this.state.values()];
    for (const s of states) if (s.extra.average) tf.tidy(() => s.variable.assign(tf.add(s.extra.average!, 0)));
  }

  /**
   * Keras' `finalize_variable_values`: with useEma, the weights become their moving averages (fit does
   * this after its last epoch). `variables`: those to finalize (default every trained one).
   */
  finalizeVariableValues(variables?: VariableLike[]): void {
    if (this.useEma) this.overwriteWithAverages(variables?.map(asVariable));
  }

  /**
   * The slots of `variable` by Keras' names (`momentum`, `velocity`, ...; `average` with useEma,
   * `gradient_accumulator` with gradientAccumulationSteps), or undefined before its first step.
   */
  slotsOf(variable: VariableLike): Record<string, tf.Variable> | undefined {
    const s = this.state.get(asVariable(variable).name);
    return s && allSlots(s);
  }

  /** Optimizer variables per trained variable (Keras' count, for model summaries). */
  slotsPerVariable(): number {
    return this.slotSpecs().length + (this.useEma ? 1 : 0) + (this.gradientAccumulationSteps ? 1 : 0);
  }

  // ---- saving ----

  getConfig(): tf.serialization.ConfigDict {
    return {
      name: this.name,
      learningRate: (typeof this.lr === "number" ? this.lr : serializeSchedule(this.lr)) as never,
      weightDecay: this.weightDecay,
      clipnorm: this.clipnorm,
      globalClipnorm: this.globalClipnorm,
      clipvalue: this.clipvalue,
      useEma: this.useEma,
      emaMomentum: this.emaMomentum,
      emaOverwriteFrequency: this.emaOverwriteFrequency,
      lossScaleFactor: this.lossScaleFactor,
      gradientAccumulationSteps: this.gradientAccumulationSteps,
      ...(this.ownConfig() as tf.serialization.ConfigDict),
    };
  }

  /**
   * The state for saving: per variable of `variables` (by position), its slots as `i/slot`; the
   * tensors are the optimizer's own (do not dispose them). Variables not trained yet have none.
   */
  exportState(variables: VariableLike[]): { iterations: number; tensors: NamedTensor[] } {
    const tensors: NamedTensor[] = [];
    variables.map(asVariable).forEach((v, i) => {
      for (const [slot, t] of Object.entries(this.slotsOf(v) ?? {})) tensors.push({ name: `${i}/${slot}`, tensor: t });
    });
    return { iterations: this.iterations_ ?? 0, tensors };
  }

  /**
   * Restores state that exportState wrote, onto `variables` (the same weights, by position, of the
   * loaded model). A slot whose shape does not fit is an error naming it.
   */
  importState(variables: VariableLike[], iterations: number, tensors: NamedTensor[]): void {
    const vars = variables.map(asVariable);
    const byIndex = new Map<number, NamedTensor[]>();
    for (const t of tensors) {
      const m = /^(\d+)\/(.+)$/.exec(t.name);
      const i = m ? Number(m[1]) : -1;
      if (!m || i >= vars.length) throw new Error(`${this.where}: saved optimizer state ${JSON.stringify(t.name)} does not belong to any of the model's ${vars.length} trainable weights`);
      byIndex.set(i, [...(byIndex.get(i) ?? []), t]);
    }
    for (const [i, list] of byIndex) {
      const s = this.stateOf(vars[i]);
      const slots = allSlots(s);
      for (const t of list) {
        const slot = t.name.slice(t.name.indexOf("/") + 1);
        const target = slots[slot];
        if (!target) throw new Error(`${this.where}: saved optimizer state has a slot ${JSON.stringify(slot)} that this optimizer does not keep (it keeps ${Object.keys(slots).join(", ") || "none"})`);
        if (!tf.util.arraysEqual(target.shape, t.tensor.shape)) {
          throw new Error(`${this.where}: saved ${slot} of trainable weight ${i} (${vars[i].name}) has shape [${t.tensor.shape}], the weight has [${target.shape}]`);
        }
        target.assign(t.tensor);
      }
    }
    this.iterations_ = checkNumber(this.where, "iterations", iterations, { min: 0, integer: true });
  }

  /** tfjs' interface: [iterations, then each trained variable's slots as `variableName/slot`]. */
  async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [await this.saveIterations()];
    for (const [name, s] of this.state) {
      for (const [slot, t] of Object.entries(allSlots(s))) out.push({ name: `${name}/${slot}`, tensor: t });
    }
    return out;
  }

  /** tfjs' interface, the inverse of getWeights (for variables that exist now). */
  async setWeights(weights: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weights);
    for (const w of rest) {
      const cut = w.name.lastIndexOf("/");
      const variable = tf.engine().registeredVariables[w.name.slice(0, cut)];
      if (!variable) throw new Error(`${this.where}: setWeights: no variable named ${JSON.stringify(w.name.slice(0, cut))}`);
      this.stateOf(variable);
      const target = this.slotsOf(variable)![w.name.slice(cut + 1)];
      if (!target) throw new Error(`${this.where}: setWeights: unknown slot ${JSON.stringify(w.name)}`);
      target.assign(w.tensor);
    }
  }

  /** Frees the slots (the optimizer can go on training: they are made again, from zero). */
  dispose(): void {
    for (const s of this.state.values()) Object.values(allSlots(s)).forEach((v) => v.dispose());
    this.state.clear();
  }

  toString(): string {
    return `<${this.getClassName()} name=${this.name} learningRate=${typeof this.lr === "number" ? this.lr : this.lr.getClassName()}>`;
  }
}

/** Rounds to float32: Keras casts hyperparameters to float32 before its scalar arithmetic. */
export const f32 = Math.fround;

/** `learningRate` (a number or a schedule) or its Keras 2 alias `lr`, checked. */
export function learningRateOption(where: string, o: { learningRate?: unknown; lr?: unknown }, fallback: number): number | LearningRateSchedule {
  if (o.learningRate !== undefined && o.lr !== undefined && o.learningRate !== o.lr) {
    throw new Error(`${where}: give learningRate or lr, not both (got ${describe(o.learningRate)} and ${describe(o.lr)})`);
  }
  const lr = o.learningRate ?? o.lr ?? fallback;
  if (lr instanceof LearningRateSchedule) return lr;
  if (isScheduleConfig(lr)) return deserializeSchedule(lr);
  if (!(typeof lr === "number" && lr > 0 && Number.isFinite(lr))) {
    throw new Error(`${where}: learningRate must be a positive number, got ${describe(lr)} (or a schedule: optimizers.schedules.ExponentialDecay(...))`);
  }
  return lr;
}

/** The optimizer's `(options)` or Keras' positional `(learningRate)` form. */
export function optionsOrRate<T extends OptimizerOptions>(where: string, arg: T | number | LearningRateSchedule | undefined): T {
  if (typeof arg === "number" || arg instanceof LearningRateSchedule) return { learningRate: arg } as T;
  if (arg !== undefined && (typeof arg !== "object" || arg === null || Array.isArray(arg))) {
    throw new Error(`${where}: expected a learning rate or an options object, got ${describe(arg)}`);
  }
  return (arg ?? {}) as T;
}
