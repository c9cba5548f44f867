"""Kernel start-up time and trivial-cell round trip: tsdl beside Jupyter's Python kernel (ipykernel),
both started the same way by jupyter_client. Prints a table and writes bench/kernel_latency.json.

The first figure is what a user waits for: a kernel's start plus its first cell importing the library
(tsdl: `import { tf } from "tsdl"`, type-checked; ipykernel: `import numpy`), the kernels alternating in
one run, the median of FIRST_CELL_RUNS each. tsdl is measured twice: with its TypeScript start-up
snapshot (the steady state, built once in the background on a first start) and without it (a first
start on a new machine, TSDL_KERNEL_SNAPSHOT=0).

Usage: .venv/bin/python bench/kernel_latency.py   (after `npm run build`; installs tsdl to a temp dir)
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parent.parent
STARTS = 5
ROUND_TRIPS = 200
FIRST_CELL_RUNS = 7
FIRST_CELLS = {"tsdl": 'import { tf } from "tsdl";\ntf.zeros([2, 3]).shape', "python3": "import numpy as np\nnp.zeros((2, 3)).shape"}


def start_and_first_cell(kernel_name: str, env: dict) -> dict:
    """Seconds to the kernel's first reply (start_new_kernel) and to its first cell's reply."""
    t0 = time.perf_counter()
    km, kc = start_new_kernel(kernel_name=kernel_name, env=env)
    started = time.perf_counter() - t0
    try:
        reply = kc.execute_interactive(FIRST_CELLS[kernel_name], timeout=120, output_hook=lambda m: None)
        total = time.perf_counter() - t0
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return {"start_s": started, "start_and_first_cell_s": total}


def first_cell_comparison(cache: str) -> dict:
    """tsdl (with and without its start-up snapshot) and ipykernel, alternating: start plus first cell."""
    with_snapshot = {**os.environ, "TSDL_KERNEL_CACHE": cache}
    without = {**os.environ, "TSDL_KERNEL_SNAPSHOT": "0"}
    # A first start builds the snapshot in the background: wait for it (the steady state is measured).
    start_and_first_cell("tsdl", with_snapshot)
    deadline = time.time() + 300
    while not any(f.endswith(".blob") for f in os.listdir(cache)) and time.time() < deadline:
        time.sleep(0.5)
    runs = {"tsdl": [], "tsdl (no start-up snapshot)": [], "python3 (ipykernel)": []}
    for _ in range(FIRST_CELL_RUNS):
        runs["tsdl"].append(start_and_first_cell("tsdl", with_snapshot))
        runs["python3 (ipykernel)"].append(start_and_first_cell("python3", dict(os.environ)))
        runs["tsdl (no start-up snapshot)"].append(start_and_first_cell("tsdl", without))
    out = {}
    for name, rs in runs.items():
        out[name] = {
            "start_s_median": statistics.median(r["start_s"] for r in rs),
            "start_and_first_cell_s_median": statistics.median(r["start_and_first_cell_s"] for r in rs),
            "start_and_first_cell_s_all": [round(r["start_and_first_cell_s"], 3) for r in rs],
        }
    py = out["python3 (ipykernel)"]["start_and_first_cell_s_median"]
    out["ratio_tsdl_to_ipykernel"] = out["tsdl"]["start_and_first_cell_s_median"] / py
    out["ratio_tsdl_no_snapshot_to_ipykernel"] = out["tsdl (no start-up snapshot)"]["start_and_first_cell_s_median"] / py
    return out


def measure(kernel_name: str) -> dict:
    starts = []
    for _ in range(STARTS):
        t0 = time.perf_counter()
        km, kc = start_new_kernel(kernel_name=kernel_name)
        starts.append(time.perf_counter() - t0)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    km, kc = start_new_kernel(kernel_name=kernel_name)
    try:
        for _ in range(10):  # warm up
            kc.execute_interactive("1", timeout=30, output_hook=lambda m: None)
        trips = []
        for _ in range(ROUND_TRIPS):
            t0 = time.perf_counter()
            kc.execute_interactive("1", timeout=30, output_hook=lambda m: None)
            trips.append(time.perf_counter() - t0)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return {
        "start_s_median": statistics.median(starts),
        "start_s_max": max(starts),
        "round_trip_ms_median": 1e3 * statistics.median(trips),
        "round_trip_ms_p90": 1e3 * sorted(trips)[int(0.9 * len(trips))],
    }


PROGRESS_SETUP = """
import { keras, layers, tf } from "tsdl";
const model = keras.Sequential([layers.Flatten({ inputShape: [28, 28] }), layers.Dense(128, { activation: "relu" }), layers.Dense(10, { activation: "softmax" })]);
model.compile({ loss: "sparse_categorical_crossentropy", optimizer: "adam" });
const x = tf.randomUniform([16384, 28, 28]);
const y = tf.randomUniform([16384], 0, 10, "int32");
await model.fit(x.slice(0, 256), y.slice(0, 256), { verbose: 0 });
"""


def progress_overhead() -> dict:
    """Time of fit in the kernel with the live progress bar (verbose 1) vs silent (verbose 0), timed in the
    cell (the cell's type-check, which varies more than the difference, is not counted), median of 5."""
    km, kc = start_new_kernel(kernel_name="tsdl")
    try:
        kc.execute_interactive(PROGRESS_SETUP, timeout=120, output_hook=lambda m: None)
        times = {0: [], 1: []}
        updates = []
        for _ in range(5):
            for verbose in (0, 1):
                n = [0]
                result = []

                def hook(m, n=n, result=result):
                    n[0] += m["msg_type"] in ("display_data", "update_display_data")
                    if m["msg_type"] == "execute_result":
                        result.append(float(m["content"]["data"]["text/plain"]))

                kc.execute_interactive(f"const t0 = performance.now();\nawait model.fit(x, y, {{ epochs: 1, batchSize: 32, verbose: {verbose} }});\n(performance.now() - t0) / 1000", timeout=300, output_hook=hook)
                times[verbose].append(result[0])
                if verbose:
                    updates.append(n[0])
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    silent, live = statistics.median(times[0]), statistics.median(times[1])
    return {"fit_silent_s": silent, "fit_live_progress_s": live, "overhead": live / silent - 1, "updates_per_fit": statistics.median(updates)}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["node", str(ROOT / "dist" / "cli.js"), "install", "--prefix", tmp], check=True, stdout=subprocess.DEVNULL)
        os.environ["JUPYTER_PATH"] = os.path.join(tmp, "share", "jupyter")
        with tempfile.TemporaryDirectory() as cache:
            first_cell = first_cell_comparison(cache)
            os.environ["TSDL_KERNEL_CACHE"] = cache  # the starts and round trips below: the steady state too
            results = {"tsdl": measure("tsdl"), "python3 (ipykernel)": measure("python3")}
            progress = progress_overhead()
            del os.environ["TSDL_KERNEL_CACHE"]
    print(f"{'kernel':30} {'start (median)':>15} {'start + first cell (median)':>28}   all runs")
    for name in ("tsdl", "tsdl (no start-up snapshot)", "python3 (ipykernel)"):
        r = first_cell[name]
        print(f"{name:30} {r['start_s_median']:>14.2f}s {r['start_and_first_cell_s_median']:>27.2f}s   {r['start_and_first_cell_s_all']}")
    print(f"start + first cell, tsdl / ipykernel: {first_cell['ratio_tsdl_to_ipykernel']:.2f}x "
          f"({first_cell['ratio_tsdl_no_snapshot_to_ipykernel']:.2f}x without the start-up snapshot); target 1.2x")
    print(f"{'kernel':24} {'start (median)':>15} {'start (max)':>12} {'round trip (median)':>20} {'p90':>8}")
    for name, r in results.items():
        print(f"{name:24} {r['start_s_median']:>14.2f}s {r['start_s_max']:>11.2f}s {r['round_trip_ms_median']:>18.1f}ms {r['round_trip_ms_p90']:>6.1f}ms")
    ratio = results["tsdl"]["round_trip_ms_median"] / results["python3 (ipykernel)"]["round_trip_ms_median"]
    print(f"round trip tsdl / ipykernel: {ratio:.2f}x; targets: start < 2 s, round trip < 50 ms")
    print(f"live progress in fit: {progress['fit_live_progress_s']:.2f} s vs {progress['fit_silent_s']:.2f} s silent ({100 * progress['overhead']:+.1f}%), {progress['updates_per_fit']:.0f} updates; target < 2%")
    out = {"machine": os.uname().nodename, "date": time.strftime("%Y-%m-%d"), "load_average": os.getloadavg(), "start_and_first_cell": first_cell,
           "results": results, "round_trip_ratio": ratio, "progress": progress}
    (ROOT / "bench" / "kernel_latency.json").write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
