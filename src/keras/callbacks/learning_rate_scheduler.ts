// LearningRateScheduler: set the learning rate at each epoch's start from `schedule(epoch, lr)`.
import { Callback } from "./callback.js";

export class LearningRateScheduler extends Callback {
  constructor(readonly schedule: (epoch: number, lr: number) => number, readonly verbose: 0 | 1 = 0) {
    super();
    if (typeof schedule !== "function") throw new Error(`LearningRateScheduler: schedule must be a function (epoch, lr) => lr, got ${typeof schedule}`);
  }

  onEpochBegin(epoch: number): void {
    const lr = this.schedule(epoch, this.model.learningRate);
    if (!(typeof lr === "number" && Number.isFinite(lr) && lr > 0)) {
      throw new Error(`LearningRateScheduler: schedule(${epoch}, ...) must return a positive number, got ${JSON.stringify(lr)}`);
    }
    this.model.learningRate = lr;
    if (this.verbose) console.log(`Epoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${lr}.`);
  }
}
