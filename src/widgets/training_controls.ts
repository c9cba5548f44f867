// fit(..., { controls: true }): a Stop button shown beside the progress bar, and with
// `{ controls: { learningRate: true } }` a learning-rate slider. They work while fit runs because the
// kernel handles comm messages at once, and fit lets them in between batches.
//   Stop: training ends at the next batch, as Kernel > Interrupt does (the weights of the last finished
//         batch kept, the History holding the finished epochs), but fit returns normally.
//   Learning rate: a log slider from lr/100 to lr*100; a new value is the optimizer's from the next batch.
import { display } from "../display/display.js";
import { Callback } from "../keras/callbacks/callback.js";
import { setTrainingControlsFactory, type TrainingControls } from "../keras/models/training.js";
import type { KerasModel } from "../keras/index.js";
import { HBox } from "./box.js";
import { Button } from "./button.js";
import { FloatLogSlider } from "./sliders.js";
import { Label } from "./text.js";

class ControlsCallback extends Callback {
  constructor(private readonly onBegin: () => void, private readonly onEnd: () => void) {
    super();
  }
  onTrainBegin(): void {
    this.onBegin();
  }
  onTrainEnd(): void {
    this.onEnd();
  }
}

/** The controls of one fit call. */
export class FitControls implements TrainingControls {
  readonly stopButton: Button;
  readonly learningRate: FloatLogSlider | undefined;
  readonly status: Label;
  readonly box: HBox;
  readonly callback: Callback;
  private pressed = false;
  /** Batches finished (in this fit) when Stop was pressed, and when fit stopped. */
  batchesAtStop: number | undefined;
  private batches = 0;

  constructor(private readonly model: KerasModel, options: { learningRate: boolean }) {
    this.stopButton = new Button({ description: "Stop", icon: "stop", buttonStyle: "danger", tooltip: "End training at the next batch (weights kept)" });
    this.stopButton.onClick(() => this.stop());
    const children: (Button | FloatLogSlider | Label)[] = [this.stopButton];
    if (options.learningRate) {
      const lr = model.learningRate;
      if (!(lr > 0)) throw new Error(`fit: controls.learningRate needs an optimizer with a positive learningRate, got ${lr}`);
      const e = Math.log10(lr);
      this.learningRate = new FloatLogSlider({ value: lr, min: e - 2, max: e + 2, step: 0.1, description: "learning rate", readoutFormat: ".2e", continuousUpdate: false, style: { descriptionWidth: "initial" } });
      this.learningRate.observe((c) => {
        this.model.learningRate = c.new as number;
      }, "value");
      children.push(this.learningRate);
    }
    this.status = new Label({ value: "" });
    children.push(this.status);
    this.box = new HBox(children);
    const counter = this;
    this.callback = new (class extends ControlsCallback {
      onBatchEnd(): void {
        counter.batches++;
      }
    })(
      () => display(this.box),
      () => {
        this.stopButton.disabled = true;
        if (this.learningRate) this.learningRate.disabled = true;
        if (!this.pressed) this.status.value = "training finished";
      },
    );
  }

  get stopRequested(): boolean {
    return this.pressed;
  }

  /** As a click on Stop. */
  stop(): void {
    if (this.pressed) return;
    this.pressed = true;
    this.batchesAtStop = this.batches;
    this.stopButton.disabled = true;
    this.status.value = "stopping at the next batch…";
  }

  stopped(epoch: number, batchesDone: number, finishedEpochs: number): void {
    const line = `stopped by the Stop button in epoch ${epoch + 1}, after batch ${batchesDone} of it (${this.batches} batches in this fit, ${this.batches - (this.batchesAtStop ?? 0)} after the click); the History has the ${finishedEpochs} finished epoch(s)`;
    this.status.value = `stopped in epoch ${epoch + 1} after batch ${batchesDone}; ${finishedEpochs} finished epoch(s) kept`;
    process.stdout.write(`\n${line}\n`);
  }
}

setTrainingControlsFactory((model, options) => new FitControls(model, options));
