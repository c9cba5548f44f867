// Widget protocol messages (Jupyter widgets message protocol 2.1) as the kernel's comm manager sends them,
// recorded from a real CommManager: comm_open's shape and metadata, updates, echo_update, custom messages,
// the control comm's update_states; and the notebook's widget state (managerState) valid against the
// schema ipywidgets ships (state.schema.json, checked by Python's jsonschema) and equal to ipywidgets'
// own get_manager_state for the same widget. (ipywidgets ships no per-model schema: each model's state is
// checked against ipywidgets itself in state.test.ts.)
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { CommManager, installCommManager } from "../../src/kernel/comms.ts";
import { widgets } from "../../src/index.ts";
import { registerControlTarget } from "../../src/widgets/widget.ts";

const PY = new URL("../../.venv/bin/python", import.meta.url).pathname;
const SCHEMA = new URL("../../.venv/lib/python3.11/site-packages/ipywidgets/state.schema.json", import.meta.url).pathname;
const skip = existsSync(SCHEMA) ? false : "no ipywidgets in .venv (scripts/setup-python.sh)";

type Sent = { type: string; content: Record<string, any>; metadata: Record<string, unknown>; buffers: Uint8Array[] };
const sent: Sent[] = [];
const manager = new CommManager({ publish: (type, content, metadata, buffers) => void sent.push({ type, content, metadata, buffers }), parentMsgId: () => "cell-1", flush: async () => {} });
registerControlTarget(manager);
installCommManager(manager);
after(() => installCommManager(undefined));

const take = () => sent.splice(0);

test("comm_open: target jupyter.widget, comm id = model id, data {state, buffer_paths}, metadata version 2.1.0, binary values as buffers", () => {
  take();
  const im = new widgets.Image({ value: new Uint8Array([5, 6]) });
  const opens = take();
  assert.deepEqual(opens.map((m) => [m.type, m.content.data.state._model_name]), [["comm_open", "LayoutModel"], ["comm_open", "ImageModel"]]);
  const o = opens[1];
  assert.equal(o.content.comm_id, im.modelId);
  assert.equal(o.content.target_name, "jupyter.widget");
  assert.deepEqual(o.metadata, { version: "2.1.0" });
  assert.deepEqual(o.content.data.buffer_paths, [["value"]]);
  assert.equal("value" in o.content.data.state, false);
  assert.deepEqual([...o.buffers[0]], [5, 6]);
  assert.deepEqual((im as unknown as Record<symbol, () => Record<string, unknown>>)[Symbol.for("Jupyter.display")]()["application/vnd.jupyter.widget-view+json"], { version_major: 2, version_minor: 0, model_id: im.modelId });
});

test("an update from the front end: echo_update first, then observers; a Dropdown's index change tells value and label observers", () => {
  const d = new widgets.Dropdown({ options: [["One", 1], ["Two", 2]] });
  const seen: unknown[] = [];
  d.observe((c) => seen.push([c.name, c.old, c.new]));
  take();
  manager.handle("comm_msg", { comm_id: d.modelId, data: { method: "update", state: { index: 1 }, buffer_paths: [] } }, []);
  assert.deepEqual(take().map((m) => m.content.data), [{ method: "echo_update", state: { index: 1 }, buffer_paths: [] }]);
  assert.deepEqual(seen, [["index", 0, 1], ["label", "One", "Two"], ["value", 1, 2]]);
  assert.equal(d.value, 2);
  d.value = 1;
  assert.deepEqual(take().map((m) => m.content.data), [{ method: "update", state: { index: 0 }, buffer_paths: [] }]);
  // Keys the model lacks are neither echoed nor applied.
  manager.handle("comm_msg", { comm_id: d.modelId, data: { method: "update", state: { nonsense: 1 }, buffer_paths: [] } }, []);
  assert.deepEqual(take(), []);
});

test("custom messages both ways; the control comm answers request_states with every live model", () => {
  const b = new widgets.Button({ description: "b" });
  const got: unknown[] = [];
  b.onMsg((content, buffers) => got.push([content, buffers.length]));
  take();
  b.send({ hello: 1 }, [new Uint8Array([1])]);
  const m = take()[0];
  assert.deepEqual([m.type, m.content.data, m.buffers.length], ["comm_msg", { method: "custom", content: { hello: 1 } }, 1]);
  manager.handle("comm_msg", { comm_id: b.modelId, data: { method: "custom", content: { x: 2 } } }, [new Uint8Array([9])]);
  assert.deepEqual(got, [[{ x: 2 }, 1]]);
  manager.handle("comm_open", { comm_id: "ctl", target_name: "jupyter.widget.control", data: {} }, []);
  manager.handle("comm_msg", { comm_id: "ctl", data: { method: "request_states" } }, []);
  const reply = take();
  assert.equal(reply.length, 1);
  assert.equal(reply[0].content.data.method, "update_states");
  assert.deepEqual(new Set(Object.keys(reply[0].content.data.states)), new Set(widgets.liveWidgets().keys()));
  assert.equal(reply[0].content.data.states[b.modelId].state.description, "b");
  // The Image of the first test: its value as a buffer at [model id, "state", "value"], as ipywidgets sends it.
  assert.ok(reply[0].content.data.buffer_paths.some((p: unknown[]) => p[1] === "state" && p[2] === "value"));
  b.close();
  assert.deepEqual(take().map((x) => [x.type, x.content.comm_id]), [["comm_close", b.modelId]]);
  assert.equal(manager.info("jupyter.widget")[b.modelId], undefined);
});

test("managerState (the notebook's widget state) is valid against ipywidgets' state.schema.json and equals ipywidgets' get_manager_state", { skip }, () => {
  const im = new widgets.Image({ value: new Uint8Array([97, 98]) });
  const mine = widgets.managerState([im]);
  const py = `
import json, sys, jsonschema, ipywidgets as w
mine = json.loads(sys.stdin.read())
jsonschema.validate(mine, json.load(open(sys.argv[1])))
i = w.Image(value=b"ab")
theirs = json.loads(json.dumps(w.Widget.get_manager_state(drop_defaults=False, widgets=[i])))  # tuples as lists, as on the wire
jsonschema.validate(theirs, json.load(open(sys.argv[1])))
def norm(s):
    (model,) = s["state"].values()
    model["state"]["layout"] = "IPY_MODEL_"
    return s["version_major"], s["version_minor"], model
print(json.dumps(norm(mine) == norm(theirs)), json.dumps(norm(theirs)))
`;
  const out = execFileSync(PY, ["-c", py, SCHEMA], { input: JSON.stringify(mine), encoding: "utf8" }).trim();
  assert.match(out, /^true /, out);
});
