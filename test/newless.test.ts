// Widgets are made as ipywidgets makes them, by calling the class (`widgets.IntSlider({ value: 3 })`),
// or with `new`: the same model state, the same class (instanceof), and subclasses still work.
import { test } from "node:test";
import assert from "node:assert/strict";
import { widgets } from "../../src/index.ts";

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
