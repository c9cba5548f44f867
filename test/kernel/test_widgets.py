"""Widgets in the real tsdl kernel over ZeroMQ (jupyter_client): comms both ways and the Jupyter widgets
message protocol 2.1 as jupyterlab-manager 5 speaks it. This test plays the front end: it reads the
kernel's comm_open/comm_msg on iopub and sends comm_open/comm_msg/comm_info_request on shell."""
import time
import uuid

from test_cells import run

VIEW = "application/vnd.jupyter.widget-view+json"


def comms(msgs, kind="comm_open"):
    return [c for t, c in msgs if t == kind]


def send(kc, msg_type, content, buffers=None):
    msg = kc.session.msg(msg_type, content)
    kc.session.send(kc.shell_channel.socket, msg, buffers=buffers)
    return msg["header"]["msg_id"]


def iopub_until_idle(kc, parent_id, timeout=30):
    """The iopub messages whose parent is parent_id, up to its idle status."""
    out = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = kc.get_iopub_msg(timeout=deadline - time.time())
        if m["parent_header"].get("msg_id") != parent_id:
            continue
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            return out
        out.append(m)
    raise AssertionError(f"no idle for {parent_id}: {out}")


def value_of(kc, expr):
    reply, msgs = run(kc, expr)
    assert reply["status"] == "ok", reply
    return [c["data"]["text/plain"] for t, c in msgs if t == "execute_result"][0]


def make(kc, code):
    """Runs code whose value is a widget: (its model id, every comm_open of the cell)."""
    reply, msgs = run(kc, code)
    assert reply["status"] == "ok", reply
    views = [c["data"][VIEW] for t, c in msgs if t == "execute_result"]
    assert len(views) == 1 and views[0]["version_major"] == 2 and views[0]["version_minor"] == 0, msgs
    return views[0]["model_id"], comms(msgs)


def test_a_widget_opens_comms_for_itself_its_layout_and_style_and_shows_as_a_view(kernel):
    km, kc = kernel
    reply, msgs = run(kc, 'import { widgets } from "tsdl";\nconst s = new widgets.IntSlider({ value: 3, description: "n" });\ns')
    assert reply["status"] == "ok", reply
    opens = comms(msgs)
    assert [o["data"]["state"]["_model_name"] for o in opens] == ["LayoutModel", "SliderStyleModel", "IntSliderModel"]
    assert all(o["target_name"] == "jupyter.widget" for o in opens)
    raw = [m for m in msgs if m[0] == "comm_open"]
    slider = opens[2]
    assert slider["data"]["state"]["value"] == 3 and slider["data"]["state"]["description"] == "n"
    assert slider["data"]["state"]["layout"] == "IPY_MODEL_" + opens[0]["comm_id"]
    assert slider["data"]["buffer_paths"] == []
    view = [c["data"][VIEW] for t, c in msgs if t == "execute_result"][0]
    assert view["model_id"] == slider["comm_id"]
    # comm_info lists the three, for the target asked about.
    mid = send(kc, "comm_info_request", {"target_name": "jupyter.widget"})
    reply = kc.get_shell_msg(timeout=10)
    assert reply["parent_header"]["msg_id"] == mid and reply["msg_type"] == "comm_info_reply"
    assert set(reply["content"]["comms"]) >= {o["comm_id"] for o in opens}
    assert all(v == {"target_name": "jupyter.widget"} for v in reply["content"]["comms"].values())


def test_metadata_of_comm_open_says_protocol_2_1(kernel):
    km, kc = kernel
    got = []
    kc.execute_interactive('import { widgets } from "tsdl"; new widgets.Checkbox()', output_hook=lambda m: got.append(m), timeout=120)
    opens = [m for m in got if m["msg_type"] == "comm_open"]
    assert opens and all(m["metadata"] == {"version": "2.1.0"} for m in opens)


def test_an_update_from_the_page_is_echoed_observed_and_read_back(kernel):
    km, kc = kernel
    sid, _ = make(kc, 'import { widgets } from "tsdl";\nconst s = new widgets.IntSlider({ value: 3 });\ns.observe((c) => console.log(`${c.name}: ${c.old} -> ${c.new}`), "value");\ns')
    mid = send(kc, "comm_msg", {"comm_id": sid, "data": {"method": "update", "state": {"value": 42}, "buffer_paths": []}})
    got = iopub_until_idle(kc, mid)
    kinds = [(m["msg_type"], m["content"].get("data", {}).get("method")) for m in got]
    assert kinds[0] == ("status", None) and ("comm_msg", "echo_update") in kinds, kinds
    echo = [m for m in got if m["msg_type"] == "comm_msg"][0]["content"]
    assert echo["comm_id"] == sid and echo["data"] == {"method": "echo_update", "state": {"value": 42}, "buffer_paths": []}
    # The observer ran in the kernel, its print belongs to the comm message; no update goes back (the page has 42).
    assert "".join(m["content"]["text"] for m in got if m["msg_type"] == "stream") == "value: 3 -> 42\n"
    assert [m for m in got if m["msg_type"] == "comm_msg" and m["content"]["data"]["method"] == "update"] == []
    assert value_of(kc, "s.value") == "42"
    # A value out of range: echoed as sent, then the clamped value is sent as an update.
    mid = send(kc, "comm_msg", {"comm_id": sid, "data": {"method": "update", "state": {"value": 500}, "buffer_paths": []}})
    got = [m["content"]["data"] for m in iopub_until_idle(kc, mid) if m["msg_type"] == "comm_msg"]
    assert got == [{"method": "echo_update", "state": {"value": 500}, "buffer_paths": []}, {"method": "update", "state": {"value": 100}, "buffer_paths": []}]
    assert value_of(kc, "s.value") == "100"
    # A kernel-side change is sent as an update.
    reply, msgs = run(kc, "s.value = 7;")
    assert [c["data"] for c in comms(msgs, "comm_msg")] == [{"method": "update", "state": {"value": 7}, "buffer_paths": []}]


def test_request_state_custom_click_and_the_control_comm(kernel):
    km, kc = kernel
    bid, _ = make(kc, 'import { widgets } from "tsdl";\nlet clicks = 0;\nconst b = new widgets.Button({ description: "go", onClick: () => { clicks++; console.log("clicked", clicks); } });\nb')
    mid = send(kc, "comm_msg", {"comm_id": bid, "data": {"method": "custom", "content": {"event": "click"}}})
    got = iopub_until_idle(kc, mid)
    assert "".join(m["content"]["text"] for m in got if m["msg_type"] == "stream") == "clicked 1\n"
    assert value_of(kc, "clicks") == "1"
    mid = send(kc, "comm_msg", {"comm_id": bid, "data": {"method": "request_state"}})
    state = [m["content"]["data"] for m in iopub_until_idle(kc, mid) if m["msg_type"] == "comm_msg"]
    assert len(state) == 1 and state[0]["method"] == "update" and state[0]["state"]["_model_name"] == "ButtonModel" and state[0]["state"]["description"] == "go"
    # jupyterlab-manager 5 on a reload: a "jupyter.widget.control" comm and request_states.
    cid = uuid.uuid4().hex
    mid = send(kc, "comm_open", {"comm_id": cid, "target_name": "jupyter.widget.control", "data": {}})
    assert [m for m in iopub_until_idle(kc, mid) if m["msg_type"] == "comm_close"] == []
    mid = send(kc, "comm_msg", {"comm_id": cid, "data": {"method": "request_states"}})
    reply = [m["content"] for m in iopub_until_idle(kc, mid) if m["msg_type"] == "comm_msg"]
    assert len(reply) == 1 and reply[0]["comm_id"] == cid and reply[0]["data"]["method"] == "update_states"
    states = reply[0]["data"]["states"]
    assert states[bid]["model_name"] == "ButtonModel" and states[bid]["model_module"] == "@jupyter-widgets/controls" and states[bid]["state"]["description"] == "go"
    assert {s["model_name"] for s in states.values()} == {"ButtonModel", "ButtonStyleModel", "LayoutModel"}
    # A target nobody registered: closed at once, as the spec asks.
    cid = uuid.uuid4().hex
    mid = send(kc, "comm_open", {"comm_id": cid, "target_name": "no.such.target", "data": {}})
    assert [m["content"]["comm_id"] for m in iopub_until_idle(kc, mid) if m["msg_type"] == "comm_close"] == [cid]


def test_binary_buffers_both_ways(kernel):
    km, kc = kernel
    got = []
    kc.execute_interactive('import { widgets } from "tsdl";\nconst im = new widgets.Image({ value: new Uint8Array([1, 2, 3]) });\nim', output_hook=got.append, timeout=120)
    opens = [m for m in got if m["msg_type"] == "comm_open" and m["content"]["data"]["state"]["_model_name"] == "ImageModel"]
    assert len(opens) == 1
    assert opens[0]["content"]["data"]["buffer_paths"] == [["value"]] and "value" not in opens[0]["content"]["data"]["state"]
    assert [bytes(b) for b in opens[0]["buffers"]] == [b"\x01\x02\x03"]
    iid = opens[0]["content"]["comm_id"]
    mid = send(kc, "comm_msg", {"comm_id": iid, "data": {"method": "update", "state": {}, "buffer_paths": [["value"]]}}, buffers=[b"\x09\x08"])
    echo = [m for m in iopub_until_idle(kc, mid) if m["msg_type"] == "comm_msg"]
    assert echo[0]["content"]["data"]["buffer_paths"] == [["value"]] and [bytes(b) for b in echo[0]["buffers"]] == [b"\x09\x08"]
    assert value_of(kc, "Array.from(im.value).join(',')") == "'9,8'"


def test_a_comm_message_is_handled_while_a_cell_runs(kernel):
    km, kc = kernel
    bid, _ = make(kc, 'import { widgets } from "tsdl";\nlet stop = false;\nconst b = new widgets.Button({ description: "stop", onClick: () => { stop = true; } });\nb')
    mid = kc.execute("let n = 0; await new Promise<void>((r) => { const t = setInterval(() => { n++; if (stop) { clearInterval(t); r(); } }, 10); }); `stopped after ${n} ticks`")
    time.sleep(1.0)
    send(kc, "comm_msg", {"comm_id": bid, "data": {"method": "custom", "content": {"event": "click"}}})
    reply = kc.get_shell_msg(timeout=20)
    assert reply["parent_header"]["msg_id"] == mid and reply["content"]["status"] == "ok"


def test_output_captures_the_prints_of_its_capture(kernel):
    km, kc = kernel
    oid, _ = make(kc, 'import { widgets } from "tsdl";\nconst out = new widgets.Output();\nout')
    got = []
    reply = kc.execute_interactive('console.log("before"); await out.capture(() => console.log("inside")); console.log("after");', output_hook=got.append, timeout=60)
    cell = reply["parent_header"]["msg_id"]
    seq = [(m["msg_type"], m["content"].get("data", {}).get("state", {}).get("msg_id") if m["msg_type"] == "comm_msg" else m["content"].get("text")) for m in got if m["msg_type"] in ("comm_msg", "stream")]
    # The front end routes the cell's outputs to the Output while msg_id names the cell.
    assert seq == [("stream", "before\n"), ("comm_msg", cell), ("stream", "inside\n"), ("comm_msg", ""), ("stream", "after\n")], seq
