"""A tsdl kernel whose server dies (SIGKILL, no shutdown_request) exits within seconds, as ipykernel does,
with its TypeScript process, also while a long `fit` runs. The parent is a real Python process that starts
the kernel with jupyter_client (which names itself in JPY_PARENT_PID), or without JPY_PARENT_PID at all."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

# The parent: starts a tsdl kernel, optionally starts a long cell, prints the pids, then waits to be killed.
PARENT = textwrap.dedent(
    """
    import json, os, subprocess, sys, time
    from jupyter_client import KernelManager, BlockingKernelClient
    from jupyter_client.connect import write_connection_file
    mode, code = sys.argv[1], sys.argv[2]
    if mode == "jupyter_client":
        km = KernelManager(kernel_name="tsdl")
        km.start_kernel()
        pid = km.provisioner.process.pid
        kc = km.client()
    else:  # a plain Popen without JPY_PARENT_PID: the kernel falls back on its parent pid
        cf, info = write_connection_file(os.path.join(os.environ["TMP_DIR"], "conn.json"))
        spec_dir = os.path.join(os.environ["JUPYTER_PATH"], "kernels", "tsdl")
        spec = json.load(open(os.path.join(spec_dir, "kernel.json")))
        argv = [a.replace("{connection_file}", cf).replace("{resource_dir}", spec_dir) for a in spec["argv"]]
        env = {k: v for k, v in os.environ.items() if k != "JPY_PARENT_PID"}
        pid = subprocess.Popen(argv, env=env, start_new_session=True).pid
        kc = BlockingKernelClient(connection_file=cf)
        kc.load_connection_file()
    kc.start_channels()
    if mode == "jupyter_client":
        kc.wait_for_ready(timeout=120)
    else:  # no manager: wait_for_ready would take a heartbeat not yet beating for a dead kernel
        kc.kernel_info(reply=True, timeout=120)
    if code:
        kc.execute(code)
        # Wait until the cell is really running (it prints "running" first).
        deadline = time.time() + 120
        while time.time() < deadline:
            msg = kc.get_iopub_msg(timeout=120)
            if msg["msg_type"] == "stream" and "running" in msg["content"]["text"]:
                break
    print(json.dumps({"kernel": pid}), flush=True)
    time.sleep(600)
    """
)

FIT = """
import { keras, layers, tf } from "tsdl";
const m = keras.Sequential([layers.Dense(64, { activation: "relu", inputShape: [32] }), layers.Dense(1)]);
m.compile({ loss: "mse", optimizer: "adam" });
const x = tf.randomNormal([2048, 32]), y = tf.randomNormal([2048, 1]);
console.log("running");
await m.fit(x, y, { epochs: 100000, batchSize: 32, verbose: 0 });
"""

SYNC_LOOP = 'console.log("running"); await new Promise((r) => setTimeout(r, 100)); let n = 0; while (true) { n++; }'


def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
            with open(f"/proc/{d}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            out.append((int(d), cmd))
    return out


def running(pid):
    """Exists and is not a zombie (the container's init may not reap the orphan at once)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize(
    "mode,code",
    [("jupyter_client", ""), ("jupyter_client", FIT), ("jupyter_client", SYNC_LOOP), ("no_jpy_parent_pid", "")],
    ids=["idle", "during-fit", "during-sync-loop", "no-JPY_PARENT_PID"],
)
def test_kernel_exits_when_its_parent_is_killed(tmp_path, mode, code):
    env = {**os.environ, "TMP_DIR": str(tmp_path)}
    parent = subprocess.Popen([sys.executable, "-c", PARENT, mode, code], stdout=subprocess.PIPE, env=env, text=True)
    kernel = None
    ts = []
    try:
        line = parent.stdout.readline()
        assert line, "the parent did not start a kernel"
        kernel = json.loads(line)["kernel"]
        assert running(kernel)
        ts = [p for p, cmd in children(kernel) if "ts_server" in cmd]
        assert ts, f"no TypeScript process under the kernel: {children(kernel)}"
        time.sleep(1)
        assert running(kernel), "the kernel must keep running while its parent lives"
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        killed = time.time()
        while time.time() - killed < 8 and (running(kernel) or any(running(p) for p in ts)):
            time.sleep(0.1)
        took = time.time() - killed
        assert not running(kernel), "the kernel still runs 8 s after its parent was killed"
        assert not any(running(p) for p in ts), "the kernel's TypeScript process outlived it"
        # Within a few seconds: one poll (0.5 s) and the interrupt's grace, not the 4 s hard limit.
        assert took < 5, f"took {took:.1f} s"
    finally:
        if parent.poll() is None:
            parent.kill()
        for p in ([kernel] if kernel else []) + ts:
            if running(p):
                os.kill(p, signal.SIGKILL)
