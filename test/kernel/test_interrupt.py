"""Interrupting the tsdl kernel over the real protocol (jupyter_client, SIGINT as Jupyter sends it)."""
import time


SETUP = """
import { keras, layers, tf } from "tsdl";
const model = keras.Sequential([layers.Flatten({ inputShape: [28, 28] }), layers.Dense(256, { activation: "relu" }),
  layers.BatchNormalization(), layers.Dense(10, { activation: "softmax" })]);
model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
const x = tf.randomUniform([4096, 28, 28]);
const y = tf.randomUniform([4096], 0, 10, "int32");
"""


def run(kc, code, timeout=60):
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: None)
    return reply["content"]


def value_of(kc, code):
    results = []

    def hook(msg):
        if msg["msg_type"] == "execute_result":
            results.append(msg["content"]["data"]["text/plain"])

    reply = kc.execute_interactive(code, timeout=60, output_hook=hook)
    assert reply["content"]["status"] == "ok", reply["content"]
    return results[0] if results else None


def wait_for_output(kc, msg_id, text, timeout):
    """Reads the cell's output messages until one shows `text`."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=deadline - time.time())
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        c = msg["content"]
        shown = c.get("text", "") + "".join(str(v) for v in c.get("data", {}).values())
        if text in shown:
            return
    raise TimeoutError(f"no output showing {text!r}")


def wait_for_reply(kc, msg_id, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = kc.get_shell_msg(timeout=deadline - time.time())
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg["content"]
    raise TimeoutError("no execute_reply")


def test_interrupt_stops_fit_keeps_weights_and_the_kernel(kernel):
    km, kc = kernel
    assert run(kc, SETUP)["status"] == "ok"
    before = value_of(kc, "(await model.layers[1].getWeights()[0].data())[0]")
    msg_id = kc.execute("const h = await model.fit(x, y, { epochs: 1000, batchSize: 32, verbose: 1 });")
    # Training is under way once the progress bar has shown its second epoch (the cell is checked and
    # compiled first, which takes seconds on a loaded machine); 1000 epochs cannot end before the interrupt.
    wait_for_output(kc, msg_id, "Epoch 2/1000", timeout=60)
    started = time.time()
    km.interrupt_kernel()
    reply = wait_for_reply(kc, msg_id, timeout=30)
    assert reply["status"] == "error"
    assert reply["ename"] == "KeyboardInterrupt"
    assert "training interrupted in epoch" in reply["evalue"]
    assert time.time() - started < 10, "fit stops at the next batch, not at the end"
    assert km.is_alive()
    # The model is still there, trained a little (weights changed), and trains again.
    after = value_of(kc, "(await model.layers[1].getWeights()[0].data())[0]")
    assert after != before
    assert value_of(kc, "model.history!.epoch.length < 1000") == "true"
    assert run(kc, "await model.fit(x.slice(0, 64), y.slice(0, 64), { epochs: 1, verbose: 0 }); 1")["status"] == "ok"


def test_interrupt_stops_a_synchronous_endless_loop(kernel):
    km, kc = kernel
    msg_id = kc.execute("let spins = 0; while (true) { spins++; }")
    time.sleep(1.5)
    km.interrupt_kernel()
    reply = wait_for_reply(kc, msg_id, timeout=20)
    assert reply["status"] == "error"
    assert reply["ename"] == "KeyboardInterrupt"
    assert km.is_alive()
    assert value_of(kc, "40 + 2") == "42"


def test_interrupt_ends_an_await_that_never_resolves(kernel):
    km, kc = kernel
    msg_id = kc.execute("await new Promise(() => {});")
    time.sleep(1)
    km.interrupt_kernel()
    reply = wait_for_reply(kc, msg_id, timeout=20)
    assert reply["ename"] == "KeyboardInterrupt"
    assert value_of(kc, "'still here'") == "'still here'"
