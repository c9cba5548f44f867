// keras.callbacks. Each class is callable without `new`, as a Keras port writes it
// (`callbacks.EarlyStopping({ patience: 2 })`), and works with `new`, `instanceof` and `extends`.
import { newless } from "../../newless.js";
import { Callback as CallbackClass } from "./callback.js";
import { History as HistoryClass } from "./history.js";
import { ProgbarLogger as ProgbarLoggerClass } from "./progbar_logger.js";
import { EarlyStopping as EarlyStoppingClass } from "./early_stopping.js";
import { ModelCheckpoint as ModelCheckpointClass } from "./model_checkpoint.js";
import { BackupAndRestore as BackupAndRestoreClass } from "./backup_and_restore.js";
import { ReduceLROnPlateau as ReduceLROnPlateauClass } from "./reduce_lr_on_plateau.js";
import { CSVLogger as CSVLoggerClass } from "./csv_logger.js";
import { TerminateOnNaN as TerminateOnNaNClass } from "./terminate_on_nan.js";
import { LambdaCallback as LambdaCallbackClass } from "./lambda_callback.js";
import { LearningRateScheduler as LearningRateSchedulerClass } from "./learning_rate_scheduler.js";

export { type Logs, type TrainingParams } from "./callback.js";
export { type ProgressSink } from "./progbar_logger.js";
export { type EarlyStoppingOptions } from "./early_stopping.js";
export { type ModelCheckpointOptions } from "./model_checkpoint.js";
export { type BackupAndRestoreOptions } from "./backup_and_restore.js";
export { MonitorCallback, type Mode } from "./monitor_callback.js";
export { type ReduceLROnPlateauOptions } from "./reduce_lr_on_plateau.js";
export { type CSVLoggerOptions } from "./csv_logger.js";
export { type LambdaCallbackOptions } from "./lambda_callback.js";

export const Callback = newless(CallbackClass);
export type Callback = CallbackClass;
export const History = newless(HistoryClass);
export type History = HistoryClass;
export const ProgbarLogger = newless(ProgbarLoggerClass);
export type ProgbarLogger = ProgbarLoggerClass;
export const EarlyStopping = newless(EarlyStoppingClass);
export type EarlyStopping = EarlyStoppingClass;
export const ModelCheckpoint = newless(ModelCheckpointClass);
export type ModelCheckpoint = ModelCheckpointClass;
export const BackupAndRestore = newless(BackupAndRestoreClass);
export type BackupAndRestore = BackupAndRestoreClass;
export const ReduceLROnPlateau = newless(ReduceLROnPlateauClass);
export type ReduceLROnPlateau = ReduceLROnPlateauClass;
export const CSVLogger = newless(CSVLoggerClass);
export type CSVLogger = CSVLoggerClass;
export const TerminateOnNaN = newless(TerminateOnNaNClass);
export type TerminateOnNaN = TerminateOnNaNClass;
export const LambdaCallback = newless(LambdaCallbackClass);
export type LambdaCallback = LambdaCallbackClass;
export const LearningRateScheduler = newless(LearningRateSchedulerClass);
export type LearningRateScheduler = LearningRateSchedulerClass;
