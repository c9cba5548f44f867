"""Memory of one notebook kernel, as a class on one server pays it per student: tsdl beside Jupyter's Python
kernel (ipykernel with numpy), both started the same way by jupyter_client, in the same run.

Three states: idle (started, one trivial cell), with a small Keras model, and with Fashion-MNIST loaded
(Debian's files; tsdl: datasets.fashionMnist.loadData(), Python: the same IDX files read into numpy
float32 arrays, as Keras' users normalise them). Memory is the kernel process and everything it started
(tsdl's TypeScript process), as RSS and as PSS (shared pages divided among their users), in MiB; the
start-up snapshot builder, which runs once per machine at low priority, is not counted.

Usage: .venv/bin/python bench/kernel_memory.py [--label NAME]   (after `npm run build`; installs tsdl
to a temp dir). Prints a table and writes bench/kernel_memory.json (NAME: the entry it fills, e.g.
"before" / "after").
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

# TSDL_BENCH_ROOT: another checkout to measure (a "before"); the results still go beside this script.
ROOT = Path(os.environ.get("TSDL_BENCH_ROOT") or Path(__file__).resolve().parent.parent)
FASHION = "/usr/share/datasets/fashion-mnist"

TSDL = {
    "idle": "1",
    "model": """
import { datasets, keras, layers, tf } from "tsdl";
const model = keras.Sequential([layers.Flatten({ inputShape: [28, 28] }), layers.Dense(128, { activation: "relu" }), layers.Dense(10, { activation: "softmax" })]);
model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"] });
await model.fit(tf.zeros([64, 28, 28]), tf.zeros([64], "int32"), { verbose: 0 });
""",
    "fashion_mnist": """
const [[xTrain, yTrain], [xTest, yTest]] = await datasets.fashionMnist.loadData();
const xs = xTrain.div(255);
await model.fit(xs.slice(0, 1024), yTrain.slice(0, 1024), { verbose: 0 });
""",
}
PYTHON = {
    "idle": "1",
    "model": "import numpy as np\nw1 = np.random.rand(784, 128).astype('float32'); w2 = np.random.rand(128, 10).astype('float32')",
    "fashion_mnist": f"""
import gzip
def idx(name, offset):
    with gzip.open('{FASHION}/' + name) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)
x_train = idx('train-images-idx3-ubyte.gz', 16).reshape(-1, 28, 28); y_train = idx('train-labels-idx1-ubyte.gz', 8)
x_test = idx('t10k-images-idx3-ubyte.gz', 16).reshape(-1, 28, 28); y_test = idx('t10k-labels-idx1-ubyte.gz', 8)
xs = x_train.astype('float32') / 255
""",
}


def tree(pid: int) -> list[int]:
    """pid and its descendants (by /proc), leaving out the start-up snapshot builder."""
    parents = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    parents[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            cmd = open(f"/proc/{p}/cmdline", "rb").read()
        except OSError:
            continue
        if b"build-snapshot" in cmd or cmd.startswith(b"/bin/sh"):
            continue
        out.append(p)
        todo.extend(c for c, pp in parents.items() if pp == p)
    return out


def memory(pid: int) -> dict:
    rss = pss = 0
    procs = tree(pid)
    each = {}
    for p in procs:
        r = 0
        with open(f"/proc/{p}/smaps_rollup") as f:
            for line in f:
                k, v = line.split(":", 1)
                if k == "Rss":
                    r = int(v.split()[0])
                    rss += r
                elif k == "Pss":
                    pss += int(v.split()[0])
        name = "kernel" if p == pid else ("typescript" if b"ts_server" in open(f"/proc/{p}/cmdline", "rb").read() else f"pid {p}")
        each[name] = round(r / 1024, 1)
    return {"rss_mib": round(rss / 1024, 1), "pss_mib": round(pss / 1024, 1), "processes": len(procs), "rss_mib_by_process": each}


def measure(kernel_name: str, cells: dict) -> dict:
    km, kc = start_new_kernel(kernel_name=kernel_name, startup_timeout=120)
    try:
        pid = km.provisioner.process.pid
        out = {}
        for state, code in cells.items():
            r = kc.execute_interactive(code, timeout=300, output_hook=lambda m: None)
            assert r["content"]["status"] == "ok", (kernel_name, state, r["content"])
            time.sleep(2)  # let the collector settle
            out[state] = memory(pid)
        return out
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main() -> int:
    label = sys.argv[sys.argv.index("--label") + 1] if "--label" in sys.argv else "latest"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["node", str(ROOT / "dist" / "cli.js"), "install", "--prefix", tmp], check=True, stdout=subprocess.DEVNULL)
        os.environ["JUPYTER_PATH"] = os.path.join(tmp, "share", "jupyter")
        os.environ["TSDL_HOME"] = os.path.join(tmp, "home")  # a first start: no snapshot yet, as a new student
        results = {"tsdl": measure("tsdl", TSDL), "python3 (ipykernel + numpy)": measure("python3", PYTHON)}
    print(f"{'kernel':30} {'state':14} {'RSS MiB':>8} {'PSS MiB':>8} procs")
    for name, r in results.items():
        for state, m in r.items():
            print(f"{name:30} {state:14} {m['rss_mib']:>8.1f} {m['pss_mib']:>8.1f} {m['processes']:>5}  {m['rss_mib_by_process']}")
    path = ROOT / "bench" / "kernel_memory.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[label] = {"machine": os.uname().nodename, "date": time.strftime("%Y-%m-%d %H:%M"), "results": results}
    path.write_text(json.dumps(data, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
