"""A plain PyTorch training script, as a user writes one: the reference CNN defined inline,
in-memory data, a training loop, samples per second at the end. It shares no code with the
advisor's probes, so it can tell whether the probe measures what a user's script gets.

    python bench/plain/torch_cnn.py --seconds 25 [--threads N]

Prints one JSON line: {"framework", "samples_per_s", "steps", "seconds", "first_step_s", "cpus",
"faults_per_step"}.
"""

import argparse
import json
import resource
import time

import numpy as np
import torch
from scipy.ndimage import zoom
from sklearn.datasets import load_digits
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--seconds", type=float, default=25.0)
parser.add_argument("--warmup-steps", type=int, default=100)
parser.add_argument("--threads", type=int)
args = parser.parse_args()
if args.threads:
    torch.set_num_threads(args.threads)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=3)
        self.maxpool1 = nn.MaxPool2d(kernel_size=2, stride=2)
        self.flatten = nn.Flatten()
        self.linear1 = nn.Linear(13 * 13 * 32, 128)
        self.linear2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.maxpool1(torch.relu(self.conv1(x)))
        x = torch.relu(self.linear1(self.flatten(x)))
        return self.linear2(x)


# The images the probe trains on: scikit-learn's digits, resized bilinearly to 28x28 with
# pixel centres aligned, drawn into an MNIST-sized set, so that both do the same work.
# Prepared in float32: nothing of 1 to 32 MB is freed before training, where a freed float64
# copy put PyTorch in another allocator state (docs/probes.md, "What the plain scripts train
# on").
digits = load_digits()
images = zoom(digits.images.astype(np.float32) / 16, (1, 3.5, 3.5), order=1, grid_mode=True,
              mode="nearest")  # fmt: skip
order = np.random.default_rng(0).integers(0, len(images), 59_904)
x = torch.from_numpy(images[order][:, None])
y = torch.from_numpy(digits.target[order].astype(np.int64))
model = CNN()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
loss_fn = nn.CrossEntropyLoss()


def train(steps, start=0):
    for i in range(start, start + steps):
        j = (i * 64) % len(x)
        optimizer.zero_grad()
        loss = loss_fn(model(x[j : j + 64]), y[j : j + 64])
        loss.backward()
        optimizer.step()
    return loss.item()


t = time.perf_counter()
train(1)
first = time.perf_counter() - t
train(args.warmup_steps, 1)
steps, start, cpu = 0, time.perf_counter(), time.process_time()
# Minor page faults: how often glibc handed memory back and took it again (its dynamic
# mmap threshold, set by what the process freed before; docs/probes.md).
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
while time.perf_counter() - start < args.seconds:
    train(50, args.warmup_steps + 1 + steps)
    steps += 50
elapsed = time.perf_counter() - start
cpus = (time.process_time() - cpu) / elapsed  # CPU seconds per second, all threads
print(json.dumps({"framework": "pytorch", "samples_per_s": steps * 64 / elapsed, "steps": steps,
                  "seconds": elapsed, "first_step_s": first,
                  "cpus": cpus,
                  "faults_per_step": (resource.getrusage(resource.RUSAGE_SELF).ru_minflt
                                      - faults) / steps}))
