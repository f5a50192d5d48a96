"""Keras 3 on the torch or the JAX backend: the workload's Keras model, the very code the
TensorFlow worker trains, trained by one long ``fit()`` as a user's Keras script does, with
the other ``jit_compile`` setting as a variant when asked.

A team with Keras code can keep it and switch the backend; what that costs against the native
framework is what this engine measures. Imported only inside a Keras worker started with
``--framework keras --backend torch|jax``, after KERAS_BACKEND and the thread variables are
in the environment; the worker checks that neither TensorFlow nor the other backend is in
the process.

Paths:
    keras-fit     ``jit_compile="auto"``, the backend's default: eager on torch, XLA on JAX
    keras-jit     torch only: ``jit_compile=True``, which Keras runs through torch.compile
    keras-eager   JAX only: ``jit_compile=False``, op by op
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import keras
import numpy as np

from probes.engine_base import TimedTraining, find_cxx, peak_rss_mb, rows, timed
from probes.keras_fit import HeldFit, compile_model
from probes.workloads import get

BACKENDS = ("torch", "jax")
PRIMARY = "keras-fit"
# The path with jit_compile set the other way from the backend's default, and that setting.
VARIANT = {"torch": ("keras-jit", True), "jax": ("keras-eager", False)}
MATMUL_REPEATS = 4  # matmuls per timing, synchronised once


def _torch_pipeline(x: np.ndarray, y: np.ndarray, batch_size: int) -> object:
    """What fit() builds from NumPy arrays on the torch backend (Keras's array adapter: a
    DataLoader whose dataset gathers a whole batch of rows at once and turns it into tensors,
    over a shuffled permutation of the rows each pass, nothing to collate), with whole
    batches only and passes that never end, so that one fit() call trains for the worker's
    whole life without an epoch boundary every few batches (the bundled sets are small)."""
    import torch

    class Rows(torch.utils.data.Dataset):
        # No __len__: Keras then reads the loader as endless and fit() never ends an epoch.
        def __getitems__(self, indices: list[int]) -> tuple[Any, Any]:
            return keras.ops.convert_to_tensor(x[indices]), keras.ops.convert_to_tensor(y[indices])

    whole = len(x) // batch_size * batch_size  # whole batches only, so nothing recompiles

    class Passes(torch.utils.data.Sampler):
        def __iter__(self) -> Iterator[list[int]]:
            while True:
                order = torch.randperm(len(x))[:whole].view(-1, batch_size)
                yield from order.tolist()

    return torch.utils.data.DataLoader(Rows(), batch_sampler=Passes(), collate_fn=lambda b: b)


def _jax_pipeline(x: np.ndarray, y: np.ndarray, batch_size: int) -> Iterator[tuple]:
    """What fit() builds from NumPy arrays on the JAX backend (Keras's array adapter: NumPy
    slices of a shuffled permutation of the rows, handed to the compiled step as they are),
    with whole batches only and passes that never end."""
    rng = np.random.default_rng()
    whole = len(x) // batch_size * batch_size
    while True:
        for batch in rng.permutation(len(x))[:whole].reshape(-1, batch_size):
            yield x[batch], y[batch]


class KerasBackendEngine(TimedTraining):
    framework = "keras"

    def __init__(self, threads: int, backend: str) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"unknown Keras backend {backend!r}: choose from "
                             f"{', '.join(BACKENDS)}")  # fmt: skip
        if keras.backend.backend() != backend:
            raise RuntimeError(f"Keras runs on {keras.backend.backend()}, not {backend}: "
                               "KERAS_BACKEND must be set before Keras is imported")  # fmt: skip
        self.backend = backend
        self.native = importlib.import_module(backend)
        self.details: dict[str, object] = {}
        if backend == "torch":
            torch = self.native
            # Before the first op, as in the PyTorch worker: afterwards the inter-op pool can
            # no longer be resized.
            torch.set_num_threads(threads)
            torch.set_num_interop_threads(1)
            if torch.cuda.is_available():
                # Full fp32 and autotuned convolutions, as the native workers run them.
                torch.backends.cudnn.benchmark = True
                torch.backends.cuda.matmul.allow_tf32 = False
                torch.backends.cudnn.allow_tf32 = False
        else:
            jax = self.native
            # XLA sizes its CPU pool from the CPUs this process may run on (the worker pins
            # it to ``threads`` of them first when that is fewer); on a GPU, full fp32.
            jax.config.update("jax_default_matmul_precision", "highest")
        # A user's keras.json could say channels_first; the reference model is NHWC.
        keras.config.set_image_data_format("channels_last")
        self.paths: dict[str, Any] = {}  # keras.Model per path
        self.jit: dict[str, bool] = {}  # each path's resolved jit_compile
        self.skipped: dict[str, str] = {}
        self.held: dict[str, HeldFit] = {}
        self.emit: Callable[..., None] = lambda **event: None  # the worker wires its channel

    # -- what the worker reports --------------------------------------------------------

    def _device(self) -> tuple[str, list[str]]:
        if self.backend == "torch":
            torch = self.native
            if torch.cuda.is_available():
                names = [f"cuda:{i} {torch.cuda.get_device_name(i)}"
                         for i in range(torch.cuda.device_count())]  # fmt: skip
                return names[0], names
            return "cpu", []
        devices = self.native.devices()
        if devices[0].platform == "cpu":
            return "cpu", []
        names = [f"{'cuda' if d.platform == 'gpu' else d.platform}:{d.id} {d.device_kind}"
                 for d in devices]  # fmt: skip
        return names[0], names

    def hello(self) -> dict:
        device, accelerators = self._device()
        if self.backend == "torch":
            threads, interop = self.native.get_num_threads(), self.native.get_num_interop_threads()
        else:  # XLA's CPU pool runs on every CPU this process may use
            threads, interop = len(os.sched_getaffinity(0)), None
        return {
            "version": keras.__version__,
            "backend": self.backend,
            "backend_version": self.native.__version__,
            "device": device,
            "accelerators": accelerators,
            "threads": threads,
            "interop_threads": interop,
            "details": {"keras": keras.__version__, f"{self.backend}": self.native.__version__,
                        **self.details},  # fmt: skip
        }

    # -- commands -----------------------------------------------------------------------

    def load(self, bundle: str, batch_size: int, compiled: bool, workload: str = "cnn") -> dict:
        """``compiled``: also the path with ``jit_compile`` set the other way from the
        backend's default (on torch, keras-jit: torch.compile, which needs a C++ compiler on
        the CPU; on JAX, keras-eager)."""
        start = time.perf_counter()
        self.batch_size, self.workload = batch_size, get(workload)
        self.module = importlib.import_module(f"probes.workloads.{workload}_keras")
        with np.load(bundle) as data:
            self.arrays = {k: data[k] for k in data.files}
        self.model = self._compiled_model(PRIMARY, "auto")
        self.test_x = self.arrays["test_x"]
        self.equivalence_x = self.arrays["equivalence_x"]
        self.one = self.test_x[:1]
        self.big = rows(self.test_x, self.workload.infer_batch)
        if compiled:
            name, jit = VARIANT[self.backend]
            if jit and self.backend == "torch" and self._cpu() and find_cxx() is None:
                self.skipped[name] = (
                    "Keras jit_compile=True skipped: torch.compile's CPU backend needs a C++ "
                    "compiler (g++, c++ or clang++ on PATH, or $CXX) and none was found"
                )
            else:
                self._compiled_model(name, jit)
        return {
            "build_s": time.perf_counter() - start,
            "params": int(self.model.count_params()),
            "layers": [
                [1 if d is None else int(d) for d in layer.output.shape]
                for layer in self.model.layers
            ] if workload == "cnn" else None,
            "paths": list(self.paths),
            "jit_compile": dict(self.jit),
            "skipped": self.skipped,
        }

    def _cpu(self) -> bool:
        return self._device()[0] == "cpu"

    def _fresh_model(self) -> keras.Model:
        model = getattr(self.module, self.workload.model[1])()
        self.module.set_canonical(model, self.arrays)
        return model

    def _compiled_model(self, path: str, jit: bool | str) -> keras.Model:
        model = self._fresh_model()
        compile_model(model, loss=self.module.LOSS, jit=jit)
        self.paths[path] = model
        self.jit[path] = bool(model.jit_compile)  # "auto" resolved by Keras itself
        # Every path but keras-fit trains a model of its own, not the checked one.
        self.own_models = frozenset(self.paths) - {PRIMARY}
        return model

    def logits(self) -> dict:
        """Outputs of a fresh model with the shared initial weights, as the native workers
        give theirs: the equivalence check compares all of them."""
        out = self._fresh_model()(self.equivalence_x, training=False)
        return {"logits": keras.ops.convert_to_numpy(out).astype(np.float64).tolist()}

    def _pipeline(self) -> object:
        x, y = self.arrays["train_x"], self.arrays["train_y"]
        if self.backend == "torch":
            return _torch_pipeline(x, y, self.batch_size)
        return _jax_pipeline(x, y, self.batch_size)

    def _held(self, path: str) -> HeldFit:
        if path not in self.held:
            model = self.paths[path]
            sync = model.jax_state_sync if self.backend == "jax" else (lambda: None)
            self.held[path] = HeldFit(model, self._pipeline(), sync)
        return self.held[path]

    def _steps(self, path: str, steps: int) -> float:
        self.stepping_from, loss = self._held(path).run(steps)
        return loss

    def warmup(self, path: str, max_s: float) -> dict:
        """As every engine's warm-up; a path that compiles (torch.compile, or XLA on JAX)
        says so, with its compile time apart: the warm-up's time beyond what its steps take
        at the rate it settled at. Not the first step alone: torch.compile compiled the
        tabular network's step again at the second step here (84 s, then 13 s)."""
        warm = super().warmup(path, max_s)
        if self.jit[path]:
            steady = warm["warmup_steps"] * warm["step_s"]
            warm["compile_s"] = max(0.0, warm["warmup_s"] - steady)
        warm["jit_compile"] = self.jit[path]
        return warm

    def close(self) -> None:
        for fit in self.held.values():
            fit.close()

    def _forward(self, path: str, x: np.ndarray) -> np.ndarray:
        if path in self.held:  # predict with what the held fit() has trained so far
            self.held[path].hold()
        # Keras's compiled inference entry point; returns host memory, so it is synced.
        return np.asarray(self.paths[path].predict_on_batch(x))

    def _predict(self, x: object) -> np.ndarray:
        return self._forward(PRIMARY, x)  # type: ignore[arg-type]

    def latency(self, path: str, calls: int) -> dict:
        ms = []
        for _ in range(calls):
            t = time.perf_counter()
            self._forward(path, self.one)
            ms.append((time.perf_counter() - t) * 1000)
        return {"ms": ms}

    def throughput(self, path: str, batches: int) -> dict:
        elapsed, _ = timed(lambda: [self._forward(path, self.big) for _ in range(batches)])
        return {"elapsed_s": elapsed, "samples": batches * len(self.big)}

    def matmul(self, seconds: float) -> dict:
        """The backend's fp32 matrix-multiply rate through Keras's ops, the peak the model's
        achieved FLOP/s is compared with."""
        ops = keras.ops
        n = 1024 if self._cpu() else 2048
        a = ops.convert_to_tensor(np.random.default_rng(0).standard_normal((n, n), np.float32))
        b = ops.convert_to_tensor(np.random.default_rng(1).standard_normal((n, n), np.float32))
        ops.convert_to_numpy(ops.matmul(a, b)[0, 0])
        best = 0.0
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            for _ in range(MATMUL_REPEATS):
                c = ops.matmul(a, b)
            ops.convert_to_numpy(c[0, 0])  # waits for the last product, and so for all
            best = max(best, MATMUL_REPEATS * 2 * n**3 / (time.perf_counter() - t) / 1e9)
        return {"gflops": best}

    def memory(self) -> dict:
        return {"peak_rss_mb": peak_rss_mb()}
