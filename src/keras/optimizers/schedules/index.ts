// keras.optimizers.schedules.
export { LearningRateSchedule, serializeSchedule as serialize, deserializeSchedule as deserialize, registerSchedule, type ScheduleConfig } from "./learning_rate_schedule.js";
export { ExponentialDecay, ExponentialDecaySchedule, type ExponentialDecayOptions } from "./exponential_decay.js";
export { PiecewiseConstantDecay, PiecewiseConstantDecaySchedule, type PiecewiseConstantDecayOptions } from "./piecewise_constant_decay.js";
export { PolynomialDecay, PolynomialDecaySchedule, type PolynomialDecayOptions } from "./polynomial_decay.js";
export { InverseTimeDecay, InverseTimeDecaySchedule, type InverseTimeDecayOptions } from "./inverse_time_decay.js";
export { CosineDecay, CosineDecaySchedule, type CosineDecayOptions } from "./cosine_decay.js";
export { CosineDecayRestarts, CosineDecayRestartsSchedule, type CosineDecayRestartsOptions } from "./cosine_decay_restarts.js";
