"""The PyTorch peer: the seed workloads written as a PyTorch user writes them, 2 threads, measured as
bench/training.ts measures tsdl (same batches, same step counts). Runs on PyTorch 2.13 CPU (out/bench-venv)
and on Debian's PyTorch 1.13 (/usr/bin/python3, python3-torch). Images come through a Dataset that reads
the folder with PIL and a DataLoader with 2 workers (torchvision does not import beside the 2.13 CPU wheel);
each file is resized to 224x224 with nearest, as Keras' flow_from_directory does by default. Batch norm
gets Keras' momentum and epsilon; the networks end in logits and CrossEntropyLoss, softmax at inference.
One JSON line per workload; `sgemm` measures the machine's peak (torch.mm of 4096x4096 matrices).
    python bench/torch_peer.py WORKLOAD... --warmup W --steps S --infer-warmup W2 --infer-steps S2 [--images DIR]
"""
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
from peer_common import BATCH, IMSIZE, POOL, WORKLOADS, emit, image_files, reset_peak_rss  # noqa: E402

import torch  # noqa: E402
from PIL import Image  # noqa: E402
from torch import nn  # noqa: E402

THREADS = int(os.environ.get("TORCH_THREADS", "2"))
torch.set_num_threads(THREADS)


def bn1(n):
    return nn.BatchNorm1d(n, momentum=0.01, eps=1e-3)


def bn2(n):
    return nn.BatchNorm2d(n, momentum=0.01, eps=1e-3)


def mlp003():
    def block(i, o):
        return [nn.Linear(i, o, bias=False), bn1(o), nn.ReLU()]
    m = nn.Sequential(nn.Flatten(), *block(784, 300), *block(300, 200), *block(200, 100), nn.Linear(100, 10))
    return m, torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9, nesterov=True)


def mlp004(bn):
    def block(i, o):
        return [nn.Linear(i, o), bn1(o), nn.ReLU()] if bn else [nn.Linear(i, o), nn.ReLU()]
    m = nn.Sequential(nn.Flatten(), *block(784, 128), *block(128, 64), nn.Linear(64, 10))
    return m, torch.optim.Adam(m.parameters(), lr=1e-3, eps=1e-7)


def cnn002():
    m = nn.Sequential(
        bn2(3), nn.Conv2d(3, 32, 3), nn.ReLU(), nn.Dropout(0.2),
        bn2(32), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        bn2(32), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.2), bn1(3136), nn.Linear(3136, 512), nn.ReLU(),
        nn.Dropout(0.2), bn1(512), nn.Linear(512, 10),
    )
    return m, torch.optim.Adam(m.parameters(), lr=1e-3, eps=1e-7)


def logistic000():
    m = nn.Sequential(bn2(3), nn.Flatten(), nn.Linear(IMSIZE * IMSIZE * 3, 2))
    return m, torch.optim.Adam(m.parameters(), lr=0.01, eps=1e-7)


def wide000():
    m = nn.Sequential(bn2(3), nn.Conv2d(3, 100, 2), nn.ReLU(), nn.MaxPool2d(16), nn.Flatten(), nn.Linear(100 * 13 * 13, 2))
    return m, torch.optim.Adam(m.parameters(), lr=0.001, eps=1e-7)


def deep000():
    convs = []
    for i in range(7):
        # Keras' "same" for an even kernel pads one more on the bottom/right, as torch's "same" does
        convs += [nn.Conv2d(3 if i == 0 else 20, 20, 2, padding="same"), nn.ReLU(), nn.MaxPool2d(2)]
    m = nn.Sequential(bn2(3), *convs, nn.Flatten(), nn.Linear(20, 2))
    return m, torch.optim.Adam(m.parameters(), lr=0.01, eps=1e-7)


MODELS = {"mlp003": mlp003, "mlp004bn": lambda: mlp004(True), "mlp004": lambda: mlp004(False), "cnn002": cnn002, "logistic000": logistic000, "wide000": wide000, "deep000": deep000}
SHAPES = {"mlp003": (28, 28), "mlp004bn": (28, 28), "mlp004": (28, 28), "cnn002": (3, 32, 32), "logistic000": (3, IMSIZE, IMSIZE), "wide000": (3, IMSIZE, IMSIZE), "deep000": (3, IMSIZE, IMSIZE)}
CLASSES = {"mlp003": 10, "mlp004bn": 10, "mlp004": 10, "cnn002": 10, "logistic000": 2, "wide000": 2, "deep000": 2}


class ImageFolderPIL(torch.utils.data.Dataset):
    """What torchvision's ImageFolder + Resize + ToTensor give, with PIL: a CHW float tensor in [0, 1]."""

    def __init__(self, folder):
        self.samples, self.classes = image_files(folder)

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        path, label = self.samples[i]
        with Image.open(path) as im:
            im = im.convert("RGB").resize((IMSIZE, IMSIZE), Image.NEAREST)
            x = torch.frombuffer(bytearray(im.tobytes()), dtype=torch.uint8).view(IMSIZE, IMSIZE, 3)
        return x.permute(2, 0, 1).float().div_(255), label


def loader(folder, b):
    return torch.utils.data.DataLoader(ImageFolderPIL(folder), batch_size=b, shuffle=True, num_workers=2, persistent_workers=True)


def batches(dl):
    while True:
        for xb, yb in dl:
            yield xb, yb


def measure(name, a):
    b = BATCH[name]
    torch.manual_seed(0)
    m, opt = MODELS[name]()
    loss_fn = nn.CrossEntropyLoss()
    out = {"side": "torch", "workload": name}

    def step(xb, yb):
        opt.zero_grad()
        loss = loss_fn(m(xb), yb)
        loss.backward()
        opt.step()

    n = POOL[name] * b
    x = torch.rand(n, *SHAPES[name])
    y = torch.randint(0, CLASSES[name], (n,))
    m.train()
    if name.endswith("000"):
        it = batches(loader(a.images, b))
        for _ in range(a.warmup):
            step(*next(it))
        t0 = time.perf_counter()
        for _ in range(a.steps):
            step(*next(it))
        s = time.perf_counter() - t0
        out["train"] = {"samplesPerS": a.steps * b / s, "samples": a.steps * b, "seconds": s}
        del it
    else:
        pool = n // b

        def epoch():
            perm = torch.randperm(n)
            for i in range(0, n, b):
                idx = perm[i:i + b]
                step(x[idx], y[idx])

        for _ in range(math.ceil(a.warmup / pool)):
            epoch()
        epochs = math.ceil(a.steps / pool)
        t0 = time.perf_counter()
        for _ in range(epochs):
            epoch()
        s = time.perf_counter() - t0
        out["train"] = {"samplesPerS": epochs * n / s, "samples": epochs * n, "seconds": s}
    m.eval()
    pool = n // b

    def predict():
        for i in range(0, n, b):
            torch.softmax(m(x[i:i + b]), 1)

    with torch.no_grad():
        for _ in range(math.ceil(a.infer_warmup / pool)):
            predict()
        rounds = math.ceil(a.infer_steps / pool)
        t0 = time.perf_counter()
        for _ in range(rounds):
            predict()
        s = time.perf_counter() - t0
    out["infer"] = {"samplesPerS": rounds * n / s, "samples": rounds * n, "seconds": s}
    return out


def decode(a):
    """The DataLoader (2 workers) over the folder: decode + resize to 224x224 + to floats, images/s."""
    dl = loader(a.images, BATCH["decode"])
    for _ in dl:  # starts the workers, warms the page cache
        pass
    t0 = time.perf_counter()
    count = sum(xb.shape[0] for xb, _ in dl)
    s = time.perf_counter() - t0
    return {"side": "torch", "workload": "decode", "decode": {"samplesPerS": count / s, "samples": count, "seconds": s}}


def sgemm():
    """The machine's sgemm peak on THREADS threads: the best of a few 4096^3 products."""
    n = 4096
    a, b = torch.rand(n, n), torch.rand(n, n)
    torch.mm(a, b)
    best = math.inf
    for _ in range(3):
        t0 = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t0)
    return {"side": "torch", "workload": "sgemm", "n": n, "gflops": 2 * n ** 3 / best / 1e9, "seconds": best}


if __name__ == "__main__":
    if sys.argv[1:] == ["sgemm"]:
        r = sgemm()
        r["versions"] = {"torch": torch.__version__}
        r["threads"] = torch.get_num_threads()
        emit(r)
        sys.exit(0)
    from peer_common import args
    a = args()
    for name in a.workloads:
        reset_peak_rss()
        r = decode(a) if name == "decode" else measure(name, a)
        r["versions"] = {"torch": torch.__version__}
        r["threads"] = torch.get_num_threads()
        emit(r)
    assert set(a.workloads) <= set(WORKLOADS)
