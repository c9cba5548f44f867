// TerminateOnNaN: stop training as soon as a batch's loss is NaN or infinite.
import { Callback, type Logs } from "./callback.js";

export class TerminateOnNaN extends Callback {
  onBatchEnd(batch: number, logs?: Logs): void {
    const loss = logs?.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      console.log(`Batch ${batch}: invalid loss (${loss}), terminating training`);
      this.model.stopTraining = true;
    }
  }
}
