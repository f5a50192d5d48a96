"""A plain PyTorch transformer training script, as a user writes one: nn.TransformerEncoder
with two pre-norm layers (d_model 128, 4 heads, feed-forward 512, GELU), token and position
embeddings, a classifier on the first position; random token data. It shares no code with
the advisor's probes.

    python bench/plain/torch_transformer.py --seconds 25 [--threads N]

Prints one JSON line: {"framework", "samples_per_s", "steps", "seconds", "first_step_s", "cpus",
"faults_per_step"}.
"""

import argparse
import json
import resource
import time

import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--seconds", type=float, default=25.0)
parser.add_argument("--warmup-steps", type=int, default=20)
parser.add_argument("--threads", type=int)
args = parser.parse_args()
if args.threads:
    torch.set_num_threads(args.threads)

VOCAB, SEQ, BATCH = 1000, 64, 32


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, 128)
        self.pos = nn.Embedding(SEQ, 128)
        layer = nn.TransformerEncoderLayer(128, 4, dim_feedforward=512, dropout=0.0,
                                           activation="gelu", layer_norm_eps=1e-6,
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(128, eps=1e-6)
        self.head = nn.Linear(128, 2)

    def forward(self, tokens):
        x = self.tok(tokens) + self.pos(torch.arange(SEQ))
        return self.head(self.norm(self.encoder(x))[:, 0])


torch.manual_seed(0)
x = torch.randint(0, VOCAB, (4096, SEQ))
y = torch.randint(0, 2, (4096,))
model = Classifier()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
loss_fn = nn.CrossEntropyLoss()


def train(steps, start=0):
    for i in range(start, start + steps):
        j = (i * BATCH) % (len(x) - BATCH)
        optimizer.zero_grad()
        loss = loss_fn(model(x[j : j + BATCH]), y[j : j + BATCH])
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
    train(5, args.warmup_steps + 1 + steps)
    steps += 5
elapsed = time.perf_counter() - start
cpus = (time.process_time() - cpu) / elapsed  # CPU seconds per second, all threads
print(json.dumps({"framework": "pytorch", "samples_per_s": steps * BATCH / elapsed,
                  "steps": steps, "seconds": elapsed, "first_step_s": first,
                  "cpus": cpus,
                  "faults_per_step": (resource.getrusage(resource.RUSAGE_SELF).ru_minflt
                                      - faults) / steps}))
