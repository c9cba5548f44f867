"""The oracle for test/widgets: ipywidgets 8.1 (from .venv) builds each case and prints its model state,
with every "IPY_MODEL_<id>" replaced by the state of the model it names (layout, style, children, links).
Reads a JSON list of Python expressions on stdin (`w` is ipywidgets)."""
import json
import sys

import ipywidgets as w
from ipywidgets.widgets.widget import _instances, _remove_buffers


def dump(x):
    if isinstance(x, str) and x.startswith("IPY_MODEL_"):
        return dump_widget(_instances[x[len("IPY_MODEL_"):]])
    if isinstance(x, (list, tuple)):
        return [dump(v) for v in x]
    if isinstance(x, dict):
        return {k: dump(v) for k, v in x.items()}
    if isinstance(x, (bytes, bytearray, memoryview)):
        return {"bytes": list(bytes(x))}
    return x


def dump_widget(widget):
    return dump(widget.get_state())


def f(**kwargs):
    return None


out = []
for expr in json.load(sys.stdin):
    widget = eval(expr, {"w": w, "f": f})
    state = widget.get_state()
    _, paths, buffers = _remove_buffers(state)
    out.append({"state": dump_widget(widget), "buffer_paths": paths})
# After a marker: interactive's clear_output writes terminal codes to stdout.
sys.stdout.write("\n@@STATES@@\n" + json.dumps(out))
