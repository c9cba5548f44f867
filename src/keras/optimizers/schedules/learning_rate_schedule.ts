// keras.optimizers.schedules.LearningRateSchedule: a learning rate as a function of the optimizer's
// step (its `iterations` before the update: 0 at the first step). Give one as an optimizer's
// `learningRate`; the optimizer evaluates it at every step. `schedule.call(step)` is Keras'
// `schedule(step)`.
//
// Porting note: Keras evaluates schedules in float32 tensor ops; tsdl in JavaScript numbers (float64),
// so values agree to float32 precision (about 1e-7 relative).

/** The serialized form of a schedule (model.save writes it in the optimizer's config). */
export interface ScheduleConfig {
  className: string;
  config: Record<string, unknown>;
}

export abstract class LearningRateSchedule {
  /** Keras' class name (`ExponentialDecay`, ...); subclasses set it. */
  static className = "LearningRateSchedule";

  /** The learning rate at `step` (Keras' `schedule(step)`). */
  abstract call(step: number): number;

  /** The options that make this schedule again (camelCase, as the factory takes them). */
  abstract getConfig(): Record<string, unknown>;

  getClassName(): string {
    return (this.constructor as typeof LearningRateSchedule).className;
  }
}

type ScheduleFactory = (config: Record<string, unknown>) => LearningRateSchedule;
const registry = new Map<string, ScheduleFactory>();

/** Makes a schedule class loadable by `deserializeSchedule` (user schedules too). */
export function registerSchedule(className: string, fromConfig: ScheduleFactory): void {
  registry.set(className, fromConfig);
}

/** Keras' `schedules.serialize`. */
export function serializeSchedule(s: LearningRateSchedule): ScheduleConfig {
  return { className: s.getClassName(), config: s.getConfig() };
}

/** Keras' `schedules.deserialize`. */
export function deserializeSchedule(c: ScheduleConfig): LearningRateSchedule {
  const make = c && typeof c === "object" ? registry.get(c.className) : undefined;
  if (!make) {
    throw new Error(`schedules.deserialize: unknown schedule ${JSON.stringify(c?.className)}; known: ${[...registry.keys()].join(", ")} (register your own with registerSchedule)`);
  }
  return make(c.config ?? {});
}

/** Whether `v` is a schedule's serialized form. */
export function isScheduleConfig(v: unknown): v is ScheduleConfig {
  return typeof v === "object" && v !== null && typeof (v as ScheduleConfig).className === "string" && typeof (v as ScheduleConfig).config === "object";
}
