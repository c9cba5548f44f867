"""Kernel start-up time and trivial-cell round trip: tsdl beside Jupyter's Python kernel (ipykernel),
both started the same way by jupyter_client. Prints a table and writes bench/kernel_latency.json.

Usage: python3 bench/kernel_latency.py   (after `npm run build`; installs the tsdl kernelspec to a temp dir)
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


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["node", str(ROOT / "dist" / "cli.js"), "install", "--prefix", tmp], check=True, stdout=subprocess.DEVNULL)
        os.environ["JUPYTER_PATH"] = os.path.join(tmp, "share", "jupyter")
        results = {"tsdl": measure("tsdl"), "python3 (ipykernel)": measure("python3")}
    print(f"{'kernel':24} {'start (median)':>15} {'start (max)':>12} {'round trip (median)':>20} {'p90':>8}")
    for name, r in results.items():
        print(f"{name:24} {r['start_s_median']:>14.2f}s {r['start_s_max']:>11.2f}s {r['round_trip_ms_median']:>18.1f}ms {r['round_trip_ms_p90']:>6.1f}ms")
    ratio = results["tsdl"]["round_trip_ms_median"] / results["python3 (ipykernel)"]["round_trip_ms_median"]
    print(f"round trip tsdl / ipykernel: {ratio:.2f}x; targets: start < 2 s, round trip < 50 ms")
    out = {"machine": os.uname().nodename, "date": time.strftime("%Y-%m-%d"), "results": results, "round_trip_ratio": ratio}
    (ROOT / "bench" / "kernel_latency.json").write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
