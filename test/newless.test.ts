// Objects are made as Python makes them, by calling the class (`widgets.IntSlider({ value: 3 })`,
// `callbacks.EarlyStopping({ patience: 1 })`, `ImageDataGenerator({ rescale })`), or with `new`: the
// same state, the same class (instanceof), and subclasses still work.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { callbacks, ImageDataGenerator, keras, layers, preprocessing, ready, tf, widgets } from "../src/index.ts";

before(async () => {
  await ready();
});

const withoutIds = (s: Record<string, unknown>) => Object.fromEntries(Object.entries(s).filter(([k]) => k !== "layout" && k !== "style" && k !== "children"));

test("a widget made by calling its class equals one made with new", () => {
  const called = widgets.IntSlider({ value: 3, min: 0, max: 10, description: "n" });
  const made = new widgets.IntSlider({ value: 3, min: 0, max: 10, description: "n" });
  assert.ok(called instanceof widgets.IntSlider && made instanceof widgets.IntSlider);
  assert.deepEqual(withoutIds(called.getState()), withoutIds(made.getState()));
  assert.equal(called.value, 3);
  const box = widgets.VBox([called, widgets.Button({ description: "go" })]);
  assert.ok(box instanceof widgets.Box);
  const drop = widgets.Dropdown({ options: ["a", "b"], value: "b" });
  assert.equal(drop.value, "b");
  for (const x of [called, made, box, drop]) x.close();
});

test("a subclass of a widget class made callable is an ordinary class", () => {
  class Counter extends widgets.IntSlider {
    bump(): void {
      this.value = this.value + 1;
    }
  }
  const c = new Counter({ value: 1, max: 5 });
  c.bump();
  assert.equal(c.value, 2);
  assert.ok(c instanceof widgets.IntSlider);
  c.close();
});

test("callbacks made by calling their class run in fit as those made with new, and subclass as classes do", async () => {
  class Counting extends callbacks.Callback {
    epochs = 0;
    async onEpochEnd(): Promise<void> {
      this.epochs++;
    }
  }
  const counting = new Counting();
  const seen: number[] = [];
  const early = callbacks.EarlyStopping({ monitor: "loss", patience: 0, minDelta: 1e9 });
  assert.ok(early instanceof callbacks.EarlyStopping && early instanceof callbacks.Callback);
  const model = keras.Sequential([keras.Input([2]), layers.Dense(1)]);
  model.compile({ optimizer: "sgd", loss: "mse" });
  const x = tf.ones([4, 2]);
  const y = tf.zeros([4, 1]);
  const h = await model.fit(x, y, { epochs: 5, verbose: 0, callbacks: [early, counting, callbacks.LambdaCallback({ onEpochEnd: (e) => void seen.push(e) })] });
  // minDelta 1e9: no epoch improves on the first, so patience 0 stops after the second.
  assert.equal(h.epoch.length, 2);
  assert.deepEqual(seen, [0, 1]);
  assert.equal(counting.epochs, 2);
  assert.ok(counting instanceof callbacks.Callback);
  tf.dispose([x, y]);
});

test("ImageDataGenerator is made by calling it, as in Keras, or with new", () => {
  const called = ImageDataGenerator({ rescale: 1 / 255 });
  const made = new preprocessing.image.ImageDataGenerator({ rescale: 1 / 255 });
  assert.ok(called instanceof ImageDataGenerator && made instanceof preprocessing.image.ImageDataGenerator);
  assert.equal(preprocessing.image.ImageDataGenerator, ImageDataGenerator);
});
