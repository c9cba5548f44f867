"""What bench/keras_peer.py and bench/torch_peer.py share: the command line bench/run.ts passes to every
side (the same batches and step counts as bench/training.ts), peak RSS per workload, one JSON line per
workload on stdout."""
import argparse
import json
import sys

WORKLOADS = ["mlp003", "mlp004bn", "mlp004", "cnn002", "logistic000", "wide000", "deep000", "decode"]
BATCH = {"mlp003": 32, "mlp004bn": 32, "mlp004": 32, "cnn002": 32, "logistic000": 10, "wide000": 10, "deep000": 10, "decode": 10}
# Batches of in-memory data the measured epochs cycle over, as bench/workloads.ts.
POOL = {"mlp003": 20, "mlp004bn": 20, "mlp004": 20, "cnn002": 4, "logistic000": 10, "wide000": 10, "deep000": 10}
IMSIZE = 224


def args():
    p = argparse.ArgumentParser()
    p.add_argument("workloads", nargs="+", choices=WORKLOADS)
    for a in ("--warmup", "--steps", "--infer-warmup", "--infer-steps"):
        p.add_argument(a, type=int, required=True)
    p.add_argument("--images", help="the bench image folder (bench/images.ts)")
    return p.parse_args()


def reset_peak_rss():
    """Linux: writing 5 to clear_refs resets the peak RSS (VmHWM) to the current RSS."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def emit(result):
    result["peakRssMiB"] = peak_rss_mib()
    print(json.dumps(result), flush=True)
    parts = [f"{k} {v['samplesPerS']:.1f}/s" for k, v in result.items() if isinstance(v, dict) and "samplesPerS" in v]
    if "gflops" in result:
        parts.append(f"{result['gflops']:.1f} GFLOP/s")
    print(f"  {result.get('side')} {result.get('workload')}: " + ", ".join(parts), file=sys.stderr, flush=True)


def image_files(folder):
    """(path, class index) of every JPEG under folder/<class>/, classes sorted, as flow_from_directory."""
    import os
    classes = sorted(d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d)))
    return [(os.path.join(folder, c, f), i) for i, c in enumerate(classes) for f in sorted(os.listdir(os.path.join(folder, c)))], classes
