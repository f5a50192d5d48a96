"""A plain Keras transformer training script, as a user writes one (after the Keras example
"Text classification with Transformer"): an embedding layer adding positions, two pre-norm
blocks of layers.MultiHeadAttention and a GELU feed-forward, a classifier on the first
position, `model.fit` on random token data. It shares no code with the advisor's probes.
The rate is counted from each epoch's first batch to its end, as Keras's own progress bar
counts ms/step; what comes before an epoch's first batch, and after training before fit()
returns, is reported apart ("epoch_gaps_s", "fit_tail_s").

    python bench/plain/keras_transformer.py --seconds 25 [--threads N]

Prints one JSON line: {"framework", "samples_per_s", "steps", "seconds", "first_step_s", "cpus",
"epoch_gaps_s", "fit_tail_s"}.
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["KERAS_BACKEND"] = "tensorflow"

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.keras import layers  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--seconds", type=float, default=25.0)
parser.add_argument("--warmup-steps", type=int, default=20)
parser.add_argument("--threads", type=int)
args = parser.parse_args()
if args.threads:
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)

VOCAB, SEQ, BATCH = 1000, 64, 32


class Batches(tf.keras.callbacks.Callback):
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
        return self.tok(x) + self.pos(tf.range(SEQ))


inputs = tf.keras.Input(shape=(SEQ,), dtype="int32")
x = TokenAndPosition()(inputs)
for _ in range(2):
    h = layers.LayerNormalization(epsilon=1e-6)(x)
    x = x + layers.MultiHeadAttention(num_heads=4, key_dim=32)(h, h)
    h = layers.LayerNormalization(epsilon=1e-6)(x)
    x = x + layers.Dense(128)(layers.Dense(512, activation="gelu")(h))
x = layers.LayerNormalization(epsilon=1e-6)(x)
model = tf.keras.Model(inputs, layers.Dense(2)(x[:, 0]))
model.compile(optimizer=tf.keras.optimizers.Adam(1e-3),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
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
model.fit(*data, batch_size=BATCH, epochs=1, verbose=0, callbacks=[batches])
batches.returned = time.perf_counter()
elapsed = batches.seconds
# CPU seconds per second, all threads: about the thread count when every thread computes.
cpus = batches.cpu_seconds / elapsed
print(json.dumps({"framework": "tensorflow", "samples_per_s": steps * BATCH / elapsed,
                  "steps": steps, "seconds": elapsed, "first_step_s": first,
                  "epoch_gaps_s": batches.gaps, "fit_tail_s": batches.returned - batches.until,
                  "cpus": cpus}))
