"""Where a plain Keras fit() on TensorFlow sits idle: before an epoch's first batch and after
its last, while the last epoch's tf.data pipeline waits for its autotuner to wake.

tf.data's autotuner runs in a thread of the pipeline that sleeps for a period doubling from
10 ms (to 60 s at most), so its wake-ups fall 0.6, 1.3, 2.6, 5.1, 10.2, 20.5, 41 s … after the
pipeline started. A pipeline that is let go of between wake-ups can wait for the next one:
fit() then starts its next epoch, or returns, only then. How often, and for how long, on
this machine: rounds of fresh processes, each a user's script (the reference CNN, MNIST-sized
in-memory data, ``model.fit`` for a few epochs) fed in one of four ways, the order rotating:

- ``arrays``: NumPy arrays, ``model.fit(x, y, batch_size=64)`` (Keras builds the pipeline);
- ``dataset``: the tf.data pipeline its guide suggests (shuffle, batch, ``prefetch(AUTOTUNE)``);
- ``no-autotune``: the same pipeline with ``options.autotune.enabled = False``;
- ``repeated``: the guide's pipeline repeated, with ``steps_per_epoch``, so that one pipeline
  serves every epoch (as the probe's held fit() does).

Each process prints the seconds inside its epochs' batches, the gaps before each epoch's first
batch, the wait after the last before fit() returned, and its wall time; the summary gives the
median share of fit()'s wall time spent outside the batches for each way. It shares no code
with the advisor's probes (they hold one repeated pipeline for a worker's life, so they never
let one go; docs/probes.md).

    python bench/keras_epoch_stall.py [--rounds 4] [--epochs 4] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

MODES = ("arrays", "dataset", "no-autotune", "repeated")
ROWS = 936 * 64  # one MNIST-sized epoch of 64-sample batches


def child(mode: str, epochs: int) -> dict:
    """One user's script, in this process: train, and say where fit()'s time went."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    import tensorflow as tf

    class Where(tf.keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.gaps: list[float] = []
            self.batches = 0.0

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch_at = time.perf_counter()

        def on_train_batch_begin(self, batch, logs=None):
            if batch == 0:
                self.at = time.perf_counter()
                self.gaps.append(self.at - self.epoch_at)

        def on_epoch_end(self, epoch, logs=None):
            self.until = time.perf_counter()
            self.batches += self.until - self.at

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28, 1)),
        tf.keras.layers.Conv2D(32, (3, 3), activation="relu"),
        tf.keras.layers.MaxPooling2D((2, 2)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dense(10),
    ])  # fmt: skip
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])  # fmt: skip
    rng = np.random.default_rng(0)
    x = rng.random((ROWS, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, ROWS)
    model.fit(x[:640], y[:640], batch_size=64, epochs=1, verbose=0)  # trace outside the timing
    if mode == "arrays":
        data: dict = {"x": x, "y": y, "batch_size": 64}
    else:
        pipeline = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(ROWS).batch(64)
        if mode == "no-autotune":
            options = tf.data.Options()
            options.autotune.enabled = False
            data = {"x": pipeline.with_options(options)}
        elif mode == "repeated":
            data = {"x": pipeline.repeat().prefetch(tf.data.AUTOTUNE),
                    "steps_per_epoch": ROWS // 64}  # fmt: skip
        else:
            data = {"x": pipeline.prefetch(tf.data.AUTOTUNE)}
    where = Where()
    start = time.perf_counter()
    model.fit(**data, epochs=epochs, verbose=0, callbacks=[where])
    returned = time.perf_counter()
    return {"mode": mode, "epochs": epochs, "batches_s": where.batches,
            "gaps_s": where.gaps[1:],  # the first epoch's is building the pipeline
            "first_gap_s": where.gaps[0], "tail_s": returned - where.until,
            "wall_s": returned - start}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.epochs)))
        return
    from probe_common import fresh_rounds, machine_line

    print(machine_line(), flush=True)
    print(f"{args.rounds} rounds of fresh processes, the reference CNN, {args.epochs} epochs of "
          f"{ROWS // 64} batches each", flush=True)  # fmt: skip

    def show(mode: str, run: dict) -> str:
        gaps = ", ".join(f"{g:.1f}" for g in run["gaps_s"])
        return (f"batches {run['batches_s']:5.1f} s; gaps before epochs 2+: {gaps} s; after "
                f"the last {run['tail_s']:.1f} s; wall {run['wall_s']:.1f} s")

    runs = fresh_rounds(args.rounds, MODES,
                        lambda mode: [sys.executable, __file__, "--child", mode,
                                      "--epochs", str(args.epochs)],
                        show)  # fmt: skip
    print("\nsummary: share of fit()'s wall time outside its epochs' batches")
    for mode in MODES:
        idle = [1 - r["batches_s"] / r["wall_s"] for r in runs[mode]]
        waits = sum(g > 1.0 for r in runs[mode] for g in [*r["gaps_s"], r["tail_s"]])
        ends = sum(len(r["gaps_s"]) + 1 for r in runs[mode])
        print(f"  {mode:12s} median {statistics.median(idle):.0%} (range {min(idle):.0%}-"
              f"{max(idle):.0%}); waits over 1 s at {waits} of {ends} epoch ends")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine_line(), "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
