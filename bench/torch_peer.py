"""The peer: the same two networks in PyTorch from Debian (python3-torch), 2 threads, batch 32.
Prints one JSON line: samples/s for training and inference."""
import json
import os
import resource
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import torch  # noqa: E402
from torch import nn  # noqa: E402

torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "2")))
BATCH = 32
WARMUP_EPOCHS = 3
MLP_STEPS, CNN_STEPS = 1000, 32  # as bench/training.ts


def mlp():
    def block(i, o):
        return [nn.Linear(i, o, bias=False), nn.BatchNorm1d(o, momentum=0.01, eps=1e-3), nn.ReLU()]

    m = nn.Sequential(nn.Flatten(), *block(784, 300), *block(300, 200), *block(200, 100), nn.Linear(100, 10))
    opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    return m, opt, torch.rand(BATCH * 20, 28, 28), torch.randint(0, 10, (BATCH * 20,))


def cnn():
    m = nn.Sequential(
        nn.BatchNorm2d(3, momentum=0.01, eps=1e-3), nn.Conv2d(3, 32, 3), nn.ReLU(), nn.Dropout(0.2),
        nn.BatchNorm2d(32, momentum=0.01, eps=1e-3), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.BatchNorm2d(32, momentum=0.01, eps=1e-3), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.2), nn.BatchNorm1d(3136, momentum=0.01, eps=1e-3), nn.Linear(3136, 512), nn.ReLU(),
        nn.Dropout(0.2), nn.BatchNorm1d(512, momentum=0.01, eps=1e-3), nn.Linear(512, 10),
    )
    opt = torch.optim.Adam(m.parameters(), lr=1e-3, eps=1e-7)
    return m, opt, torch.rand(BATCH * 4, 3, 32, 32), torch.randint(0, 10, (BATCH * 4,))


def measure(make, steps):
    m, opt, x, y = make()
    loss_fn = nn.CrossEntropyLoss()
    n = x.shape[0]
    rounds = max(1, -(-steps * BATCH // n))

    def epoch():
        m.train()
        perm = torch.randperm(n)
        for i in range(0, n, BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad()
            loss = loss_fn(m(x[idx]), y[idx])
            loss.backward()
            opt.step()

    for _ in range(WARMUP_EPOCHS):  # warm-up, as bench/training.ts
        epoch()
    t0 = time.perf_counter()
    for _ in range(rounds):
        epoch()
    train = rounds * n / (time.perf_counter() - t0)
    m.eval()

    def predict():
        for i in range(0, n, BATCH):
            torch.softmax(m(x[i:i + BATCH]), 1)

    with torch.no_grad():
        for _ in range(rounds):  # warm-up as long as the measurement, as bench/training.ts
            predict()
        t0 = time.perf_counter()
        for _ in range(rounds):
            predict()
        infer = rounds * n / (time.perf_counter() - t0)
    return {"trainSamplesPerS": train, "inferSamplesPerS": infer, "samples": rounds * n}


if __name__ == "__main__":
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "mlp": measure(mlp, MLP_STEPS), "cnn": measure(cnn, CNN_STEPS)}
    out["peakRssMiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))
    sys.exit(0)
