"""Harness overhead: the probe's samples/s against a bare hand-written loop over the same
steps (same model, batch, threads), run before and after the probe to bracket drift.
Target: within 3 %.

    python bench/probe_overhead.py [--budget S]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap

from probe_common import machine_line, med, timed_run

from probes import ProbeSettings
from probes.cpus import cpu_budget, thread_environment

BARE = {
    "pytorch": """
        import time, torch
        from torch import nn
        torch.set_num_threads({threads}); torch.set_num_interop_threads(1)
        from probes.cnn_torch import ReferenceCNN
        model = ReferenceCNN()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        loss_fn = nn.CrossEntropyLoss()
        x = torch.rand(64, 1, 28, 28); y = torch.randint(0, 10, (64,))
        def steps(n):
            for _ in range(n):
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(x), y); loss.backward(); opt.step()
            return float(loss)
        steps(50)
    """,
    "tensorflow": """
        import os, time
        os.environ["KERAS_BACKEND"] = "tensorflow"
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads({threads})
        tf.config.threading.set_inter_op_parallelism_threads(1)
        from probes.cnn_keras import build_reference_cnn
        model = build_reference_cnn()
        opt = tf.keras.optimizers.Adam(1e-3, epsilon=1e-7)
        opt.build(model.trainable_variables)
        loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        x = tf.random.uniform((64, 28, 28, 1)); y = tf.random.uniform((64,), 0, 10, tf.int64)
        @tf.function
        def step():
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            opt.apply(tape.gradient(loss, model.trainable_variables), model.trainable_variables)
            return loss
        def steps(n):
            for _ in range(n):
                loss = step()
            return float(loss.numpy())
        steps(50)
    """,
}
TIMING = """
    rates = []
    for _ in range({windows}):
        t = time.perf_counter()
        steps({steps})
        rates.append({steps} * 64 / (time.perf_counter() - t))
        time.sleep(0.3)
    print(json.dumps(sorted(rates)[len(rates) // 2]))
"""


def bare(framework: str, threads: int, steps: int, windows: int = 6) -> float:
    code = "import json\n" + textwrap.dedent(BARE[framework]).format(threads=threads)
    code += textwrap.dedent(TIMING).format(windows=windows, steps=steps)
    env = {**os.environ, **thread_environment(threads), "TF_CPP_MIN_LOG_LEVEL": "2"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True)  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", type=float, default=20.0)
    args = parser.parse_args()
    print(machine_line())
    threads = cpu_budget().threads
    result, _, runner = timed_run(ProbeSettings(budget_s=args.budget))
    steps = {"pytorch": runner.records["pytorch"].paths[0].steps,
             "tensorflow": runner.records["tensorflow"].paths[1].steps}  # fmt: skip
    before = {fw: bare(fw, threads, steps[fw]) for fw in steps}
    result2, _, _ = timed_run(ProbeSettings(budget_s=args.budget))
    after = {fw: bare(fw, threads, steps[fw]) for fw in steps}
    probe = {
        "pytorch": [r["frameworks"]["pytorch"]["train_samples_per_s"]["median"]
                    for r in (result, result2)],
        "tensorflow": [r["frameworks"]["tensorflow"]["variants"]["tf-function"]
                       ["train_samples_per_s"]["median"] for r in (result, result2)],
    }  # fmt: skip
    for fw, label in (("pytorch", "eager-loop"), ("tensorflow", "tf-function")):
        b = med([before[fw], after[fw]])
        p = med(probe[fw])
        print(f"{fw} {label}: probe {p:,.0f} samples/s, bare loop {b:,.0f} samples/s, "
              f"probe/bare {p / b:.3f} ({steps[fw]} steps per window)")
    print(json.dumps({"before": before, "after": after, "probe": probe}))


if __name__ == "__main__":
    main()
