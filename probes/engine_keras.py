"""The TensorFlow side: a workload's model trained by Keras ``fit`` (the article's code), by a
lean ``tf.function`` step, and with ``jit_compile=True`` (XLA) when asked.

Imported only inside the TensorFlow worker, after KERAS_BACKEND=tensorflow and the thread
variables are in the environment.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from probes.engine_base import TimedTraining, batches, peak_rss_mb, rows, timed
from probes.keras_fit import HeldFit, compile_model
from probes.workloads import get

PRIMARY = "keras-fit"
LEAN = "tf-function"
COMPILED = "keras-jit"
MATMUL_REPEATS = 4  # matmuls per timing, synchronised once


def _pipeline(x: np.ndarray, y: np.ndarray, batch_size: int) -> tf.data.Dataset:
    """The input pipeline fit() builds from NumPy arrays (Keras's array adapter: a shuffled
    permutation of the rows each pass, whole batches of indices, the rows gathered in a
    parallel map, prefetched), repeated, so that one fit() call can train for the worker's
    whole life without an epoch boundary every few batches: the bundled sets are small, and
    an epoch's start costs about 0.2 s here (a user's MNIST-sized epoch pays it once in 937
    steps)."""
    whole = len(x) // batch_size * batch_size  # whole batches only, so nothing retraces
    data = (tf.constant(x), tf.constant(y))

    def permutation(_: tf.Tensor) -> tf.Tensor:
        order = tf.random.shuffle(tf.range(len(x), dtype=tf.int64))[:whole]
        return tf.reshape(order, (-1, batch_size))

    indices = (tf.data.Dataset.range(1).repeat().map(permutation).prefetch(1)
               .flat_map(tf.data.Dataset.from_tensor_slices))  # fmt: skip
    rows = indices.map(lambda i: (tf.gather(data[0], i), tf.gather(data[1], i)),
                       num_parallel_calls=tf.data.AUTOTUNE)  # fmt: skip
    return rows.prefetch(tf.data.AUTOTUNE)


class KerasEngine(TimedTraining):
    framework = "tensorflow"
    own_models = frozenset({COMPILED})

    def __init__(self, threads: int) -> None:
        # Before the first op: TensorFlow refuses to change its pools once it has run one.
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        # As many inter-op threads as a user's script gets on N CPUs (probes/cpus.py).
        tf.config.threading.set_inter_op_parallelism_threads(threads)
        self.gpus = tf.config.list_physical_devices("GPU")
        for gpu in self.gpus:
            tf.config.experimental.set_memory_growth(gpu, True)
        # TF32 would make GPU matmuls lower-precision than PyTorch's defaults; full fp32
        # in both, as on the CPU.
        tf.config.experimental.enable_tensor_float_32_execution(False)
        # A user's keras.json could say channels_first; the reference model is NHWC.
        tf.keras.config.set_image_data_format("channels_last")
        self.paths: dict[str, Any] = {}  # keras.Model per path
        self.skipped: dict[str, str] = {}
        self.emit: Callable[..., None] = lambda **event: None  # the worker wires its channel

    def hello(self) -> dict:
        accelerators = []
        for i, gpu in enumerate(self.gpus):
            name = tf.config.experimental.get_device_details(gpu).get("device_name", "GPU")
            kind = "cuda" if tf.test.is_built_with_cuda() else "gpu"
            accelerators.append(f"{kind}:{i} {name}")
        return {
            "version": tf.__version__,
            "device": accelerators[0] if accelerators else "cpu",
            "accelerators": accelerators,
            "threads": tf.config.threading.get_intra_op_parallelism_threads(),
            "interop_threads": tf.config.threading.get_inter_op_parallelism_threads(),
            "details": {
                "keras": tf.keras.__version__,
                "onednn_opts": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default"),
            },
        }

    def load(self, bundle: str, batch_size: int, compiled: bool, workload: str = "cnn") -> dict:
        start = time.perf_counter()
        self.batch_size, self.workload = batch_size, get(workload)
        self.module = importlib.import_module(f"probes.workloads.{workload}_keras")
        with np.load(bundle) as data:
            self.arrays = {k: data[k] for k in data.files}
        self.model = self._fresh_model()
        compile_model(self.model, loss=self.module.LOSS, jit=False)
        # Build the optimizer's slots now, before either path traces its step: the lean
        # step shares this optimizer. Built inside a tf.function, as a user's fit() builds
        # them in its first traced step: with Adam's slots built eagerly, a user's fit()
        # trained the CNN 7 % slower here (18 fresh processes a side, docs/probes.md).
        tf.function(lambda: self.model.optimizer.build(self.model.trainable_variables))()
        x, y = self.arrays["train_x"], self.arrays["train_y"]
        self.held: dict[str, HeldFit] = {}  # the long fit() of each Keras path, once started
        self.batches = [(tf.constant(xb), tf.constant(yb)) for xb, yb in batches(x, y, batch_size)]
        self.cursor = 0
        self.test_x = tf.constant(self.arrays["test_x"])
        self.equivalence_x = tf.constant(self.arrays["equivalence_x"])
        self.one = self.test_x[:1]
        self.big = tf.constant(rows(self.arrays["test_x"], self.workload.infer_batch))
        self.lean_step = self._make_lean_step()
        self.lean_forward = tf.function(lambda x: self.model(x, training=False))
        self.paths = {PRIMARY: self.model, LEAN: self.model}
        if compiled:
            self.jit_model = self._fresh_model()
            compile_model(self.jit_model, loss=self.module.LOSS, jit=True)
            self.paths[COMPILED] = self.jit_model
        return {
            "build_s": time.perf_counter() - start,
            "params": int(self.model.count_params()),
            "layers": [
                [1 if d is None else int(d) for d in layer.output.shape]
                for layer in self.model.layers
            ] if workload == "cnn" else None,
            "paths": list(self.paths),
            "skipped": self.skipped,
        }

    def _fresh_model(self) -> tf.keras.Model:
        model = getattr(self.module, self.workload.model[1])()
        self.module.set_canonical(model, self.arrays)
        return model

    def _make_lean_step(self):
        model, optimizer, loss_fn = self.model, self.model.optimizer, self.model.loss

        @tf.function
        def step(xb: tf.Tensor, yb: tf.Tensor) -> tf.Tensor:
            with tf.GradientTape() as tape:
                loss = loss_fn(yb, model(xb, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply(grads, model.trainable_variables)
            return loss

        return step

    def logits(self) -> dict:
        """Outputs of a fresh model with the shared initial weights. Asked for after the
        timed windows, so its forward pass cannot change the state training is timed in."""
        out = self._fresh_model()(self.equivalence_x, training=False)
        return {"logits": out.numpy().astype(np.float64).tolist()}

    def _steps(self, path: str, steps: int) -> float:
        if path == LEAN:
            loss: Any = None
            for _ in range(steps):
                xb, yb = self.batches[self.cursor]
                self.cursor = (self.cursor + 1) % len(self.batches)
                loss = self.lean_step(xb, yb)
            return float(loss.numpy())  # the one synchronisation per window
        if path not in self.held:
            dataset = _pipeline(self.arrays["train_x"], self.arrays["train_y"], self.batch_size)
            self.held[path] = HeldFit(self.paths[path], dataset)
        self.stepping_from, loss = self.held[path].run(steps)
        return loss

    def close(self) -> None:
        for fit in self.held.values():
            fit.close()

    def _forward(self, path: str, x: tf.Tensor) -> np.ndarray:
        if path == LEAN:
            return self.lean_forward(x).numpy()
        # Keras's compiled inference entry point; returns host memory, so it is synced.
        return self.paths[path].predict_on_batch(x)

    def latency(self, path: str, calls: int) -> dict:
        ms = []
        for _ in range(calls):
            t = time.perf_counter()
            self._forward(path, self.one)
            ms.append((time.perf_counter() - t) * 1000)
        return {"ms": ms}

    def throughput(self, path: str, batches: int) -> dict:
        elapsed, _ = timed(lambda: [self._forward(path, self.big) for _ in range(batches)])
        return {"elapsed_s": elapsed, "samples": batches * int(self.big.shape[0])}

    def _predict(self, x: object) -> np.ndarray:
        return np.asarray(self._forward(PRIMARY, x))

    def matmul(self, seconds: float) -> dict:
        n = 2048 if self.gpus else 1024
        a = tf.random.normal((n, n))
        b = tf.random.normal((n, n))
        (a @ b)[0, 0].numpy()
        best = 0.0
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            for _ in range(MATMUL_REPEATS):
                c = a @ b
            c[0, 0].numpy()
            rate = MATMUL_REPEATS * 2 * n**3 / (time.perf_counter() - t) / 1e9
            best = max(best, rate)
        return {"gflops": best}

    def memory(self) -> dict:
        return {"peak_rss_mb": peak_rss_mb()}
