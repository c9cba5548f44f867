# The peer of bench/seed000_models.ts: seed 000/001's logistic, wide and deep models in PyTorch (2
# threads, channels-last input permuted as a PyTorch user would, NCHW), batch 10, random data.
# Prints {"train": samples/s, "infer": samples/s} for the model named on the command line.
import json, sys, time
import torch
from torch import nn

torch.set_num_threads(2)
name = sys.argv[1]
N, B = 50, 10

def build():
    if name == "logistic":
        return nn.Sequential(nn.BatchNorm2d(3, eps=1e-3, momentum=0.01), nn.Flatten(), nn.Linear(3 * 224 * 224, 2))
    if name == "wide":
        return nn.Sequential(nn.BatchNorm2d(3, eps=1e-3, momentum=0.01), nn.Conv2d(3, 100, 2), nn.ReLU(), nn.MaxPool2d(16), nn.Flatten(), nn.Linear(100 * 13 * 13, 2))
    layers, c = [nn.BatchNorm2d(3, eps=1e-3, momentum=0.01)], 3
    for _ in range(7):
        # Keras' "same" for a 2x2 kernel pads one row/column after
        layers += [nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(c, 20, 2), nn.ReLU(), nn.MaxPool2d(2)]
        c = 20
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(20, 2))

model = build()
opt = torch.optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss()
x = torch.rand(N, 3, 224, 224)
y = torch.randint(0, 2, (N,))

def epoch():
    model.train()
    for i in range(0, N, B):
        opt.zero_grad()
        loss = loss_fn(model(x[i:i + B]), y[i:i + B])
        loss.backward()
        opt.step()

def predict():
    model.eval()
    with torch.no_grad():
        for i in range(0, N, B):
            torch.softmax(model(x[i:i + B]), 1)

epoch(); predict()
t0 = time.perf_counter(); epoch(); train = N / (time.perf_counter() - t0)
t0 = time.perf_counter(); predict(); infer = N / (time.perf_counter() - t0)
print(json.dumps({"train": train, "infer": infer}))
