// The same widget made from Python (ipywidgets 8.1 in .venv, test/widgets/ipywidgets_oracle.py) and from
// tsdl has the same model state: every trait's name and value, the model and view names, modules and
// versions, and the layout, style and children models it names, recursively; binary values at the same
// buffer paths.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { widgets } from "../../src/index.ts";
import type * as W from "../../src/widgets/index.ts";
import { removeBuffers } from "../../src/widgets/buffers.ts";

const PY = new URL("../../.venv/bin/python", import.meta.url).pathname;
const ORACLE = new URL("./ipywidgets_oracle.py", import.meta.url).pathname;
const skip = existsSync(PY) ? false : "no .venv/bin/python (scripts/setup-python.sh)";

const w = widgets;
const f = () => undefined;

/** [tsdl, Python] pairs. */
const CASES: [() => W.Widget, string][] = [
  [() => new w.IntSlider(), "w.IntSlider()"],
  [() => new w.IntSlider({ value: 7, min: 5, max: 10, step: 1, description: "n", continuousUpdate: false, orientation: "vertical", readoutFormat: "02d", disabled: true }), "w.IntSlider(value=7, min=5, max=10, step=1, description='n', continuous_update=False, orientation='vertical', readout_format='02d', disabled=True)"],
  [() => new w.IntSlider({ value: 300 }), "w.IntSlider(value=300)"],
  [() => new w.IntSlider({ min: 200, max: 300 }), "w.IntSlider(min=200, max=300)"],
  [() => new w.IntSlider({ style: { descriptionWidth: "initial", handleColor: "red" }, layout: { width: "300px" }, tooltip: "t" }), "w.IntSlider(style={'description_width': 'initial', 'handle_color': 'red'}, layout={'width': '300px'}, tooltip='t')"],
  [() => new w.FloatSlider(), "w.FloatSlider()"],
  [() => new w.FloatSlider({ value: 0.5, min: 0, max: 1, step: 0.01, readoutFormat: ".3f" }), "w.FloatSlider(value=0.5, min=0, max=1, step=0.01, readout_format='.3f')"],
  [() => new w.FloatLogSlider(), "w.FloatLogSlider()"],
  [() => new w.FloatLogSlider({ value: 1e5 }), "w.FloatLogSlider(value=1e5)"],
  [() => new w.FloatLogSlider({ base: 2, min: -3, max: 3, value: 0.5 }), "w.FloatLogSlider(base=2, min=-3, max=3, value=0.5)"],
  [() => new w.IntRangeSlider(), "w.IntRangeSlider()"],
  [() => new w.IntRangeSlider({ min: 0, max: 10 }), "w.IntRangeSlider(min=0, max=10)"],
  [() => new w.IntRangeSlider({ value: [3, 8], behavior: "drag-snap" }), "w.IntRangeSlider(value=(3, 8), behavior='drag-snap')"],
  [() => new w.Dropdown(), "w.Dropdown()"],
  [() => new w.Dropdown({ options: ["a", "b", "c"], value: "b", description: "pick" }), "w.Dropdown(options=['a', 'b', 'c'], value='b', description='pick')"],
  [() => new w.Dropdown({ options: [["One", 1], ["Two", 2]] }), "w.Dropdown(options=[('One', 1), ('Two', 2)])"],
  [() => new w.Dropdown({ options: [1, 2, 3], index: 2 }), "w.Dropdown(options=[1, 2, 3], index=2)"],
  [() => new w.RadioButtons({ options: ["x", "y"], orientation: "horizontal" }), "w.RadioButtons(options=['x', 'y'], orientation='horizontal')"],
  [() => new w.ToggleButtons({ options: ["s", "m"], buttonStyle: "info", tooltips: ["small", "medium"], icons: ["check", ""], style: { buttonWidth: "80px" } }), "w.ToggleButtons(options=['s', 'm'], button_style='info', tooltips=['small', 'medium'], icons=['check', ''], style={'button_width': '80px'})"],
  [() => new w.Checkbox(), "w.Checkbox()"],
  [() => new w.Checkbox({ value: true, description: "on", indent: false }), "w.Checkbox(value=True, description='on', indent=False)"],
  [() => new w.Button(), "w.Button()"],
  [() => new w.Button({ description: "Go", buttonStyle: "success", icon: "check", tooltip: "run", style: { buttonColor: "lightgreen", fontWeight: "bold" } }), "w.Button(description='Go', button_style='success', icon='check', tooltip='run', style={'button_color': 'lightgreen', 'font_weight': 'bold'})"],
  [() => new w.Text(), "w.Text()"],
  [() => new w.Text({ value: "hi", placeholder: "type", continuousUpdate: false }), "w.Text(value='hi', placeholder='type', continuous_update=False)"],
  [() => new w.Textarea({ rows: 4, value: "a\nb" }), "w.Textarea(rows=4, value='a\\nb')"],
  [() => new w.Label({ value: "L" }), "w.Label(value='L')"],
  [() => new w.HTML({ value: "<b>x</b>", descriptionAllowHtml: true }), "w.HTML(value='<b>x</b>', description_allow_html=True)"],
  [() => new w.IntProgress(), "w.IntProgress()"],
  [() => new w.IntProgress({ value: 3, max: 10, barStyle: "success" }), "w.IntProgress(value=3, max=10, bar_style='success')"],
  [() => new w.FloatProgress({ value: 0.25, max: 1, orientation: "vertical", style: { barColor: "red" } }), "w.FloatProgress(value=0.25, max=1, orientation='vertical', style={'bar_color': 'red'})"],
  [() => new w.Output(), "w.Output()"],
  [() => new w.HBox([new w.IntSlider(), new w.Label({ value: "x" })]), "w.HBox([w.IntSlider(), w.Label(value='x')])"],
  [() => new w.VBox({ children: [new w.Button()], boxStyle: "info" }), "w.VBox(children=[w.Button()], box_style='info')"],
  [() => new w.Tab({ children: [new w.Label(), new w.Label()], titles: ["A"] }), "w.Tab(children=[w.Label(), w.Label()], titles=['A'])"],
  [() => new w.Tab(), "w.Tab()"],
  [() => new w.Accordion({ children: [new w.Label()] }), "w.Accordion(children=[w.Label()])"],
  [() => new w.Accordion({ children: [new w.Label(), new w.Label()], selectedIndex: 1, titles: ["p", "q"] }), "w.Accordion(children=[w.Label(), w.Label()], selected_index=1, titles=['p', 'q'])"],
  [() => new w.Layout(), "w.Layout()"],
  [() => new w.Layout({ width: "300px", border: "1px solid red", flexFlow: "row wrap" }), "w.Layout(width='300px', border='1px solid red', flex_flow='row wrap')"],
  [() => w.jslink([new w.IntSlider(), "value"], [new w.IntProgress(), "value"]), "w.jslink((w.IntSlider(), 'value'), (w.IntProgress(), 'value'))"],
  [() => w.jsdlink([new w.IntSlider(), "max"], [new w.FloatSlider(), "value"]), "w.jsdlink((w.IntSlider(), 'max'), (w.FloatSlider(), 'value'))"],
  [() => new w.Image({ value: new Uint8Array([137, 80, 78, 71]), format: "jpeg", width: "20" }), "w.Image(value=bytes([137, 80, 78, 71]), format='jpeg', width='20')"],
  [() => w.interactive(f, { x: [0, 10], s: "t", b: true, o: ["p", "q"], n: 4, r: [0, 1, 0.25] }), "w.interactive(f, x=(0, 10), s='t', b=True, o=['p', 'q'], n=4, r=(0.0, 1.0, 0.25))"],
];

function dump(x: unknown): unknown {
  if (typeof x === "string" && x.startsWith("IPY_MODEL_")) {
    const target = w.liveWidgets().get(x.slice("IPY_MODEL_".length));
    assert.ok(target, `${x} names no live widget`);
    return dump(target.getState());
  }
  if (x instanceof Uint8Array) return { bytes: [...x] };
  if (Array.isArray(x)) return x.map(dump);
  if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, dump(v)]));
  return x;
}

test("each widget's model state equals ipywidgets 8.1's for the same construction (44 cases, nested models included)", { skip }, () => {
  const printed = execFileSync(PY, [ORACLE], { input: JSON.stringify(CASES.map(([, py]) => py)), encoding: "utf8" });
  const oracle = JSON.parse(printed.slice(printed.indexOf("@@STATES@@") + "@@STATES@@".length)) as { state: unknown; buffer_paths: unknown }[];
  assert.equal(oracle.length, CASES.length);
  CASES.forEach(([make, py], i) => {
    const widget = make();
    assert.deepStrictEqual(dump(widget.getState()), oracle[i].state, py);
    assert.deepStrictEqual(removeBuffers(widget.getState()).bufferPaths, oracle[i].buffer_paths, `${py}: buffer paths`);
  });
});

test("values ipywidgets refuses are refused with the widget and trait named", () => {
  assert.throws(() => new w.IntSlider({ value: 1.5 }), /IntSlider: value must be an integer, got 1.5/);
  assert.throws(() => new w.IntSlider({ min: 10, max: 5 }), /IntSlider: min \(10\) must not be above max \(5\)/);
  assert.throws(() => new w.Dropdown({ options: ["a"], value: "z" }), /Dropdown: invalid selection: "z" is none of the options' values \("a"\)/);
  assert.throws(() => new w.Button({ buttonStyle: "loud" as never }), /Button: button_style must be one of "primary", "success", "info", "warning", "danger", "", got "loud"/);
  assert.throws(() => new w.IntSlider({ valeu: 3 } as never), /IntSlider: unknown option "valeu"; its options are .*value/);
  assert.throws(() => new w.HBox([1 as never]), /HBox: children must be an array of widgets, got number/);
  assert.throws(() => w.jslink([new w.IntSlider(), "nope"], [new w.IntSlider(), "value"]), /jslink: IntSlider has no synced trait "nope"/);
  const s = new w.IntSlider({ max: 10 });
  assert.throws(() => (s.value = 2.5), /integer/);
  assert.equal(s.value, 0);
});
