"""A plain Keras 3 training script on a backend of the user's choice, as a user who moves
their Keras code off TensorFlow writes one: ``KERAS_BACKEND=torch`` (or jax) before Keras is
imported, then the article's model and ``model.fit`` on in-memory NumPy arrays, unchanged. It
shares no code with the advisor's probes. The rate is counted from each epoch's first batch to
its end, as Keras's own progress bar counts ms/step.

    KERAS_BACKEND=torch python bench/plain/keras3_cnn.py --seconds 25 [--threads N]
    python bench/plain/keras3_cnn.py --backend jax --seconds 25

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
parser.add_argument("--warmup-steps", type=int, default=100)
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
from scipy.ndimage import zoom  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

if args.threads and args.backend == "torch":
    import torch

    torch.set_num_threads(args.threads)
elif args.threads and args.backend == "tensorflow":
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)


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


model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    keras.layers.Conv2D(32, (3, 3), activation="relu"),
    keras.layers.MaxPooling2D((2, 2)),
    keras.layers.Flatten(),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(10),
])
model.compile(optimizer=keras.optimizers.Adam(1e-3),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])

# The probe's images, made as torch_cnn.py makes them (its comment says why these, and why
# in float32).
digits = load_digits()
images = zoom(digits.images.astype(np.float32) / 16, (1, 3.5, 3.5), order=1, grid_mode=True,
              mode="nearest")  # fmt: skip
order = np.random.default_rng(0).integers(0, len(images), 59_904)
x = images[order][..., None]
y = digits.target[order].astype(np.int64)

t = time.perf_counter()
model.fit(x[:64], y[:64], batch_size=64, epochs=1, verbose=0)
first = time.perf_counter() - t
# Warm-up, which also sizes the timed fit: as many whole batches as the time asks for.
n = args.warmup_steps * 64
warmup = Batches()
model.fit(x[:n], y[:n], batch_size=64, epochs=1, verbose=0, callbacks=[warmup])
per_step = warmup.seconds / args.warmup_steps
# Past one pass over the data, whole epochs in the one fit(), as a user trains longer.
wanted = max(50, int(args.seconds / per_step))
per_epoch = min(len(x) // 64, wanted)
epochs = max(1, round(wanted / per_epoch))
steps = per_epoch * epochs
batches = Batches()

def timed_fit():
    model.fit(x[: per_epoch * 64], y[: per_epoch * 64], batch_size=64, epochs=epochs, verbose=0,
              callbacks=[batches])
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
print(json.dumps({"framework": f"keras-{args.backend}", "samples_per_s": steps * 64 / elapsed,
                  "steps": steps, "seconds": elapsed, "first_step_s": first,
                  "epoch_gaps_s": batches.gaps, "fit_tail_s": batches.returned - batches.until,
                  "cpus": cpus}))
