"""Cells in the real tsdl kernel over ZeroMQ (jupyter_client): promise-valued cells, rejections nobody
awaited, clearOutput/display/input imported from "tsdl", tensors as tables and images, the leak hint, the
memory error, an interrupt during the start, and the TypeScript start-up snapshot."""
import base64
import os
import tempfile
import time

import pytest
from jupyter_client.manager import KernelManager, start_new_kernel

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run(kc, code, timeout=120, **kw):
    """The reply's content and the iopub messages of one cell, as (msg_type, content) pairs."""
    msgs = []
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: msgs.append((m["msg_type"], m["content"])), **kw)
    return reply["content"], msgs


def results(msgs):
    return [c["data"] for t, c in msgs if t == "execute_result"]


def stderr(msgs):
    return "".join(c["text"] for t, c in msgs if t == "stream" and c["name"] == "stderr")


def test_a_promise_valued_cell_shows_what_it_resolves_to(kernel):
    km, kc = kernel
    for code, text in [
        ("Promise.resolve(42)", "42"),
        ("new Promise((r) => setTimeout(() => r('late'), 200))", "'late'"),
        ("({ then(resolve: (v: number) => void) { resolve(7); } })", "7"),
        ("const p = Promise.resolve([1, 2]); p", "[ 1, 2 ]"),
        ("(async () => ({ a: 1 }))()", "{ a: 1 }"),
    ]:
        reply, msgs = run(kc, code)
        assert reply["status"] == "ok", (code, reply)
        assert [d["text/plain"] for d in results(msgs)] == [text], (code, msgs)
        assert "Promise {" not in str(msgs)
    reply, msgs = run(kc, "Promise.resolve(undefined)")
    assert reply["status"] == "ok" and results(msgs) == []


def test_a_promise_valued_cells_rejection_is_that_cells_error(kernel):
    km, kc = kernel
    reply, msgs = run(kc, "Promise.reject(new Error('boom'))")
    assert reply["status"] == "error"
    assert (reply["ename"], reply["evalue"]) == ("Error", "boom")
    assert [c["evalue"] for t, c in msgs if t == "error"] == ["boom"]
    reply, msgs = run(kc, "new Promise((_, reject) => setTimeout(() => reject(new RangeError('later boom')), 100))")
    assert (reply["ename"], reply["evalue"]) == ("RangeError", "later boom")
    # Nothing left over for the next cell.
    reply, msgs = run(kc, "1 + 1")
    assert reply["status"] == "ok" and stderr(msgs) == ""


def test_a_rejection_nobody_awaited_shows_on_the_cell_that_made_it_else_on_the_next(kernel):
    km, kc = kernel
    reply, msgs = run(kc, "Promise.reject(new Error('nobody awaits me')); 'after'")
    assert reply["status"] == "ok"
    assert "Unhandled promise rejection" in stderr(msgs) and "nobody awaits me" in stderr(msgs)
    reply, msgs = run(kc, "Promise.reject(new Error('while awaiting')); await new Promise((r) => setTimeout(r, 50)); 'done'")
    assert "while awaiting" in stderr(msgs)
    assert [d["text/plain"] for d in results(msgs)] == ["'done'"]
    reply, msgs = run(kc, "setTimeout(() => { Promise.reject(new Error('after the cell')); }, 300); 'scheduled'")
    assert "after the cell" not in stderr(msgs)
    time.sleep(1.0)
    reply, msgs = run(kc, "2 + 2")
    assert reply["status"] == "ok"
    assert "from an earlier cell, after it had finished" in stderr(msgs) and "after the cell" in stderr(msgs)
    reply, msgs = run(kc, "3")
    assert stderr(msgs) == ""
    assert km.is_alive()


def test_clear_output_display_and_input_import_from_tsdl(kernel):
    km, kc = kernel
    reply, msgs = run(kc, 'import { clearOutput, display, input } from "tsdl";\ndisplay("first");\nclearOutput();\ndisplay("second");')
    assert reply["status"] == "ok", reply
    seen = [(t, c.get("data", {}).get("text/plain")) for t, c in msgs if t in ("display_data", "clear_output")]
    assert seen == [("display_data", "'first'"), ("clear_output", None), ("display_data", "'second'")]
    reply, msgs = run(kc, "clearOutput({ wait: true })")
    assert [c for t, c in msgs if t == "clear_output"] == [{"wait": True}]
    prompts = []

    def answer(msg):
        prompts.append(msg["content"]["prompt"])
        kc.input("grace")

    reply, msgs = run(kc, "(await input('Who? ')).toUpperCase()", allow_stdin=True, stdin_hook=answer)
    assert prompts == ["Who? "]
    assert [d["text/plain"] for d in results(msgs)] == ["'GRACE'"]


def test_tensors_show_shape_and_dtype_a_table_and_an_image(kernel):
    km, kc = kernel
    reply, msgs = run(kc, 'import { tf } from "tsdl";\ntf.tensor2d([[1, 2.5], [3, 4]])')
    [data] = results(msgs)
    assert data["text/plain"] == "Tensor shape=[2, 2] dtype=float32\n[[1. , 2.5],\n [3. , 4. ]]"
    assert "<table>" in data["text/html"] and "Tensor shape=[2, 2] dtype=float32" in data["text/html"] and ">2.5</td>" in data["text/html"]
    reply, msgs = run(kc, "tf.range(0, 2000).reshape([40, 50])")
    [data] = results(msgs)
    assert data["text/plain"].startswith("Tensor shape=[40, 50] dtype=float32\n[[")
    assert "...," in data["text/plain"]
    html = data["text/html"]
    assert html.count("<tr>") == 8 and ">...</th>" in html, "the first and last 3 rows around '...', and a header"
    reply, msgs = run(kc, "tf.linspace(0, 1, 28 * 28).reshape([28, 28, 1])")
    [data] = results(msgs)
    assert base64.b64decode(data["image/png"])[:8] == PNG_MAGIC
    assert data["text/plain"].startswith("Tensor shape=[28, 28, 1] dtype=float32")
    reply, msgs = run(kc, "tf.zeros([4, 4, 3])")
    [data] = results(msgs)
    assert "image/png" not in data and "text/html" not in data, "a small 3-D tensor is numbers"
    reply, msgs = run(kc, "display(tf.ones([2, 3], 'int32'))")
    [shown] = [c["data"] for t, c in msgs if t == "display_data"]
    assert shown["text/plain"] == "Tensor shape=[2, 3] dtype=int32\n[[1, 1, 1],\n [1, 1, 1]]" and "<table>" in shown["text/html"]


def test_the_leak_hint_counts_tensors_no_variable_holds_when_on_and_says_nothing_when_off(kernel):
    km, kc = kernel
    run(kc, 'import { config, tf } from "tsdl";')
    reply, msgs = run(kc, "const kept = tf.ones([3]); tf.add(kept, 1); tf.mul(kept, 2); 'x'")
    assert "leak hint" not in stderr(msgs), "off by default"
    run(kc, "config.tensorLeakHint = true;")
    reply, msgs = run(kc, "const a = tf.ones([3]); tf.add(a, 1); tf.mul(a, 2); tf.sub(a, 3); 'x'")
    hint = stderr(msgs)
    assert "tsdl leak hint: this cell left 3 tensors alive that no top-level variable holds" in hint, hint
    assert "1 new tensor reachable from the variables" in hint
    reply, msgs = run(kc, "const b = tf.ones([2]); const c = { nested: [tf.zeros([2])] }; tf.tidy(() => tf.add(b, 1).sum())")
    assert "leak hint" not in stderr(msgs), "held by variables, or the cell's value, or tidied"
    reply, msgs = run(kc, "const d = tf.ones([2]); d.dispose(); 1")
    assert "leak hint" not in stderr(msgs)
    run(kc, "config.tensorLeakHint = false;")
    reply, msgs = run(kc, "tf.ones([5]); tf.ones([5]); 1")
    assert "leak hint" not in stderr(msgs)


def test_a_tensor_too_large_fails_with_its_shape_bytes_and_the_limit_and_the_kernel_goes_on(kernel):
    km, kc = kernel
    run(kc, 'import { tf, backend } from "tsdl";')
    reply, msgs = run(kc, "tf.zeros([100000, 100000])")
    assert reply["status"] == "error"
    assert reply["ename"] == "ResourceExhaustedError"
    assert "shape [100000, 100000]" in reply["evalue"] and "40,000,000,000 bytes" in reply["evalue"], reply["evalue"]
    assert "Invalid typed array length" not in reply["evalue"]
    reply, msgs = run(kc, "backend().name")
    if results(msgs)[0]["text/plain"] == "'wasm'":
        reply, msgs = run(kc, "tf.ones([40000, 40000])")
        assert reply["ename"] == "ResourceExhaustedError" and "WebAssembly heap holds at most 4 GiB" in reply["evalue"]
    reply, msgs = run(kc, "tf.ones([2, 2]).sum()")
    assert reply["status"] == "ok" and results(msgs)[0]["text/plain"].endswith("\n4.")
    assert km.is_alive()


def test_an_interrupt_during_the_start_ends_the_waiting_cell_and_the_kernel_goes_on():
    km = KernelManager(kernel_name="tsdl")
    # No start-up snapshot: the start takes seconds, and the interrupt surely comes while the cell waits.
    km.start_kernel(env={**os.environ, "TSDL_KERNEL_SNAPSHOT": "0"})
    try:
        time.sleep(0.3)
        km.interrupt_kernel()  # before any cell: stops nothing
        kc = km.client()
        kc.start_channels()
        # Sent before the kernel says it is ready (its first kernel_info_reply waits for TypeScript): the
        # cell waits for TypeScript too, and the interrupt comes while it waits.
        msg_id = kc.execute("40 + 2")
        time.sleep(0.5)
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=120)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = kc.get_shell_msg(timeout=120)
        assert reply["content"]["status"] == "error", reply["content"]
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        assert "before it started" in reply["content"]["evalue"]
        assert km.is_alive()
        kc.wait_for_ready(timeout=60)
        r, msgs = run(kc, "40 + 2")
        assert r["status"] == "ok" and results(msgs)[0]["text/plain"] == "42"
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)


CELLS = ['import { tf } from "tsdl";\nconst z = tf.zeros([2, 3]);\nz.shape', "const n: number = z.shape[0]; n + 1", "const s: string = z;"]


def outcomes(kc):
    out = []
    for code in CELLS:
        reply, msgs = run(kc, code)
        out.append((reply["status"], reply.get("evalue"), [d["text/plain"] for d in results(msgs)]))
    return out


def outcomes_of_a_new_kernel(env, stderr):
    km, kc = start_new_kernel(kernel_name="tsdl", env=env, stderr=stderr)
    try:
        return outcomes(kc)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_the_typescript_start_up_snapshot_is_built_then_used_with_the_same_results():
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryFile("w+") as log1, tempfile.TemporaryFile("w+") as log2:
        env = {**os.environ, "TSDL_KERNEL_CACHE": cache}
        first = outcomes_of_a_new_kernel(env, log1)
        assert first[0] == ("ok", None, ["[ 2, 3 ]"]) and first[1] == ("ok", None, ["3"])
        assert first[2][0] == "error" and "not assignable to type 'string'" in first[2][1]
        deadline = time.time() + 240
        while not any(f.endswith(".blob") for f in os.listdir(cache)) and time.time() < deadline:
            time.sleep(0.5)
        assert any(f.endswith(".blob") for f in os.listdir(cache)), os.listdir(cache)
        second = outcomes_of_a_new_kernel({**env, "TSDL_KERNEL_TRACE": "1"}, log2)
        assert second == first
        log1.seek(0)
        log2.seek(0)
        assert "(no start-up snapshot)" in log1.read()
        traced = log2.read()
        assert "from the start-up snapshot" in traced
        # From the snapshot the kernel says it is ready at once (its first cell waits for TypeScript).
        lines = traced.splitlines()
        first_reply = next(i for i, line in enumerate(lines) if line.endswith("kernel_info_reply sent"))
        typescript_ready = next(i for i, line in enumerate(lines) if line.endswith("TypeScript ready"))
        assert first_reply < typescript_ready, traced
