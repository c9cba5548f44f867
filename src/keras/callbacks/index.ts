// keras.callbacks.
export { Callback, type Logs, type TrainingParams } from "./callback.js";
export { History } from "./history.js";
export { ProgbarLogger, type ProgressSink } from "./progbar_logger.js";
export { EarlyStopping, type EarlyStoppingOptions } from "./early_stopping.js";
export { ModelCheckpoint, type ModelCheckpointOptions } from "./model_checkpoint.js";
export { BackupAndRestore, type BackupAndRestoreOptions } from "./backup_and_restore.js";
export { MonitorCallback, type Mode } from "./monitor_callback.js";
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from "./reduce_lr_on_plateau.js";
export { CSVLogger, type CSVLoggerOptions } from "./csv_logger.js";
export { TerminateOnNaN } from "./terminate_on_nan.js";
export { LambdaCallback, type LambdaCallbackOptions } from "./lambda_callback.js";
export { LearningRateScheduler } from "./learning_rate_scheduler.js";
