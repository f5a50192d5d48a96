"""A plain Keras 3 transformer training script on a backend of the user's choice (after the
Keras example "Text classification with Transformer"), as a user who moves their Keras code
off TensorFlow runs it: ``KERAS_BACKEND=torch`` (or jax) before Keras is imported, keras.layers
and keras.ops only, ``model.fit`` on random token data. It shares no code with the advisor's
probes. The rate is counted from each epoch's first batch to its end.

    KERAS_BACKEND=torch python bench/plain/keras3_transformer.py --seconds 25 [--threads N]
    python bench/plain/keras3_transformer.py --backend jax --seconds 25

Prints one JSON line: {"framework": "keras-<backend>", "samples_per_s", "steps", "seconds",
"first_step_s", "cpus", "epoch_gaps_s", "fit_tail_s"}.
"""

import argparse
import json
import os
import time

parser = argparse.ArgumentParser()
parser.add_argument("--backend", default=os.environ.get("KERAS_BACKEND", "torch"),
                    choices=("torch", "jax", "tensorflow"))
parser.add_argument("--seconds", type=float, default=25.0)
parser.add_argument("--warmup-steps", type=int, default=20)
parser.add_argument("--threads", type=int)
# Where the timed fit() runs: the main thread, as a script runs it; a thread of its own, as a
# program that trains behind a UI or a server does (and as the probe's held fit() once ran);
# a greenlet on the main thread, as the probe's held fit() runs now. bench/fit_in_thread.py
# compares them.
parser.add_argument("--fit-in", choices=("main", "thread", "greenlet"), default="main")
args = parser.parse_args()
os.environ["KERAS_BACKEND"] = args.backend  # before Keras is imported: it reads it once
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
if args.threads and args.backend == "jax":
    # XLA takes no thread count: its CPU pool has as many threads as the process has CPUs.
    os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[: args.threads])

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

if args.threads and args.backend == "torch":
    import torch

    torch.set_num_threads(args.threads)
elif args.threads and args.backend == "tensorflow":
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)

VOCAB, SEQ, BATCH = 1000, 64, 32


class Batches(keras.callbacks.Callback):
    """The time from each epoch's first batch to its end, summed: the time per step that
    Keras's progress bar shows. Apart from it, the gaps before each epoch's first batch
    ("epoch_gaps_s"), where on the TensorFlow backend the last epoch's input pipeline can
    wait for tf.data's autotuner to wake before it lets go, and the same wait after the last
    epoch, before fit() returns ("fit_tail_s"); docs/probes.md has what they cost."""

    def on_train_begin(self, logs=None):
        self.seconds = self.cpu_seconds = self.gaps = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_at = time.perf_counter()

    def on_train_batch_begin(self, batch, logs=None):
        if batch == 0:
            self.at, self.cpu = time.perf_counter(), time.process_time()
            self.gaps += self.at - self.epoch_at

    def on_epoch_end(self, epoch, logs=None):
        self.until = time.perf_counter()
        self.seconds += self.until - self.at
        self.cpu_seconds += time.process_time() - self.cpu


class TokenAndPosition(layers.Layer):
    def __init__(self):
        super().__init__()
        self.tok = layers.Embedding(VOCAB, 128)
        self.pos = layers.Embedding(SEQ, 128)

    def call(self, x):
        return self.tok(x) + self.pos(keras.ops.arange(SEQ))


inputs = keras.Input(shape=(SEQ,), dtype="int32")
x = TokenAndPosition()(inputs)
for _ in range(2):
    h = layers.LayerNormalization(epsilon=1e-6)(x)
    x = x + layers.MultiHeadAttention(num_heads=4, key_dim=32)(h, h)
    h = layers.LayerNormalization(epsilon=1e-6)(x)
    x = x + layers.Dense(128)(layers.Dense(512, activation="gelu")(h))
x = layers.LayerNormalization(epsilon=1e-6)(x)
model = keras.Model(inputs, layers.Dense(2)(x[:, 0]))
model.compile(optimizer=keras.optimizers.Adam(1e-3),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])

rng = np.random.default_rng(0)
xs = rng.integers(0, VOCAB, (4096, SEQ)).astype(np.int32)
ys = rng.integers(0, 2, 4096)

t = time.perf_counter()
model.fit(xs[:BATCH], ys[:BATCH], batch_size=BATCH, epochs=1, verbose=0)
first = time.perf_counter() - t
n = args.warmup_steps * BATCH
warmup = Batches()
model.fit(xs[:n], ys[:n], batch_size=BATCH, epochs=1, verbose=0, callbacks=[warmup])
per_step = warmup.seconds / args.warmup_steps
steps = max(5, int(args.seconds / per_step))
data = np.resize(xs, (steps * BATCH, SEQ)), np.resize(ys, steps * BATCH)
batches = Batches()

def timed_fit():
    model.fit(*data, batch_size=BATCH, epochs=1, verbose=0, callbacks=[batches])
    batches.returned = time.perf_counter()


if args.fit_in == "thread":
    import threading

    fitting = threading.Thread(target=timed_fit)
    fitting.start()
    fitting.join()
elif args.fit_in == "greenlet":
    import greenlet

    greenlet.greenlet(timed_fit).switch()
else:
    timed_fit()

elapsed = batches.seconds
# CPU seconds per second, all threads: about the thread count when every thread computes.
cpus = batches.cpu_seconds / elapsed
print(json.dumps({"framework": f"keras-{args.backend}", "samples_per_s": steps * BATCH / elapsed,
                  "steps": steps, "seconds": elapsed, "first_step_s": first,
                  "epoch_gaps_s": batches.gaps, "fit_tail_s": batches.returned - batches.until,
                  "cpus": cpus}))
