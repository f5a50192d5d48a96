"""The PyTorch side: a workload's model trained by a plain eager loop (and torch.compile).

Imported only inside the PyTorch worker, after the thread variables are in the environment.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn

from probes.engine_base import TimedTraining, batches, find_cxx, peak_rss_mb, rows, timed
from probes.workloads import get

PRIMARY = "eager-loop"
COMPILED = "torch-compile"
MATMUL_REPEATS = 4  # matmuls per timing, synchronised once


def _select_device() -> torch.device:
    if torch.cuda.is_available():
        return torch.device("cuda", 0)
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


class TorchEngine(TimedTraining):
    framework = "pytorch"

    def __init__(self, threads: int) -> None:
        # Before the first op: afterwards the inter-op pool can no longer be resized.
        torch.set_num_threads(threads)
        torch.set_num_interop_threads(1)
        self.device = _select_device()
        if self.device.type == "cuda":
            # TensorFlow autotunes convolutions by default; let cuDNN do the same. TF32 is
            # off in both workers so that both compute in full fp32 as on the CPU.
            torch.backends.cudnn.benchmark = True
            torch.backends.cuda.matmul.allow_tf32 = False
            torch.backends.cudnn.allow_tf32 = False
        self.paths: dict[str, Any] = {}  # the module, or its torch.compile wrapper, per path
        self.skipped: dict[str, str] = {}
        self.emit: Callable[..., None] = lambda **event: None  # the worker wires its channel

    def hello(self) -> dict:
        if self.device.type == "cuda":
            device = f"cuda:0 {torch.cuda.get_device_name(0)}"
            accelerators = [
                f"cuda:{i} {torch.cuda.get_device_name(i)}"
                for i in range(torch.cuda.device_count())
            ]
        else:
            device = self.device.type
            accelerators = ["mps"] if self.device.type == "mps" else []
        cpu_capability = getattr(torch.backends.cpu, "get_cpu_capability", lambda: None)()
        return {
            "version": torch.__version__,
            "device": device,
            "accelerators": accelerators,
            "threads": torch.get_num_threads(),
            "interop_threads": torch.get_num_interop_threads(),
            "details": {"cpu_capability": cpu_capability},
        }

    def _sync(self) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        elif self.device.type == "mps":
            torch.mps.synchronize()

    def _tensor(self, x: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(self.module.inputs(x))).to(self.device)

    def load(self, bundle: str, batch_size: int, compiled: bool, workload: str = "cnn") -> dict:
        start = time.perf_counter()
        self.batch_size, self.workload = batch_size, get(workload)
        self.module = importlib.import_module(f"probes.workloads.{workload}_torch")
        with np.load(bundle) as data:
            self.arrays = {k: data[k] for k in data.files}
        torch.manual_seed(0)
        self.initial = {k: torch.from_numpy(np.ascontiguousarray(v))
                        for k, v in self.module.from_canonical(self.arrays).items()}  # fmt: skip
        self.model = self._fresh_model()
        # Keras's Adam epsilon (1e-7) in both: the defaults differ (PyTorch's is 1e-8).
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3, eps=1e-7)
        classifier = self.module.LOSS == "cross_entropy"
        self.loss_fn = nn.CrossEntropyLoss() if classifier else nn.MSELoss()
        # Pre-batched, in memory, partial batch dropped: no input pipeline in the timing and
        # no odd-sized last batch.
        self.batches = [(self._tensor(x), torch.from_numpy(y).to(self.device))
                        for x, y in batches(self.arrays["train_x"], self.arrays["train_y"],
                                            batch_size)]  # fmt: skip
        self.cursor = 0
        self.test_x = self._tensor(self.arrays["test_x"])
        self.equivalence_x = self._tensor(self.arrays["equivalence_x"])
        self.one = self.test_x[:1].clone()
        self.big = self._tensor(rows(self.arrays["test_x"], self.workload.infer_batch))
        self.paths[PRIMARY] = self.model
        if compiled:
            if self.device.type == "cpu" and find_cxx() is None:
                self.skipped[COMPILED] = (
                    "torch.compile skipped: no C++ compiler found (g++, c++ or clang++ on "
                    "PATH, or $CXX); its CPU backend needs one"
                )
            else:
                self.paths[COMPILED] = torch.compile(self.model)
        build_s = time.perf_counter() - start
        return {
            "build_s": build_s,
            "params": sum(p.numel() for p in self.model.parameters()),
            "layers": self._layer_shapes() if workload == "cnn" else None,
            "paths": list(self.paths),
            "skipped": self.skipped,
        }

    def _fresh_model(self) -> nn.Module:
        model = getattr(self.module, self.workload.model[0])().to(self.device)
        model.load_state_dict(self.initial)  # copies: self.initial stays as it was
        return model

    def _layer_shapes(self) -> list[list[int]]:
        """The CNN's output shape after each layer for one sample, in canonical NHWC order."""
        shapes: list[list[int]] = []
        x = self.equivalence_x[:1]
        with torch.no_grad():
            for name, layer in self.model.named_children():
                x = layer(x)
                if name in ("conv1", "linear1"):  # the ReLUs are functional in forward()
                    x = torch.relu(x)
                shape = list(x.shape)
                if len(shape) == 4:
                    n, c, h, w = shape
                    shape = [n, h, w, c]
                shapes.append(shape)
        return shapes

    def logits(self) -> dict:
        """Outputs of a fresh model with the shared initial weights. Asked for after the
        timed windows, so its forward pass cannot change the state training is timed in."""
        with torch.no_grad():
            out = self._fresh_model()(self.equivalence_x)
        return {"logits": out.cpu().double().tolist()}

    def _steps(self, path: str, steps: int) -> float:
        model = self.paths[path]
        loss: Any = None
        for _ in range(steps):
            xb, yb = self.batches[self.cursor]
            self.cursor = (self.cursor + 1) % len(self.batches)
            self.optimizer.zero_grad(set_to_none=True)
            loss = self.loss_fn(model(xb), yb)
            loss.backward()
            self.optimizer.step()
        self._sync()
        return float(loss)

    def _forward(self, path: str, x: torch.Tensor) -> torch.Tensor:
        self.model.eval()
        try:
            with torch.inference_mode():
                out = self.paths[path](x)
                self._sync()
        finally:
            self.model.train()
        return out

    def _predict(self, x: object) -> np.ndarray:
        return self._forward(PRIMARY, x).cpu().numpy()  # type: ignore[arg-type]

    def latency(self, path: str, calls: int) -> dict:
        ms = []
        for _ in range(calls):
            t = time.perf_counter()
            self._forward(path, self.one)  # synchronised per call: latency, not throughput
            ms.append((time.perf_counter() - t) * 1000)
        return {"ms": ms}

    def throughput(self, path: str, batches: int) -> dict:
        elapsed, _ = timed(lambda: [self._forward(path, self.big) for _ in range(batches)])
        return {"elapsed_s": elapsed, "samples": batches * len(self.big)}

    def matmul(self, seconds: float) -> dict:
        """This framework's fp32 matrix-multiply rate on its device: the peak we compare
        the model's achieved FLOP/s against."""
        n = 2048 if self.device.type != "cpu" else 1024
        a = torch.randn(n, n, device=self.device)
        b = torch.randn(n, n, device=self.device)
        a @ b
        self._sync()
        best = 0.0
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            for _ in range(MATMUL_REPEATS):
                a @ b
            self._sync()
            best = max(best, MATMUL_REPEATS * 2 * n**3 / (time.perf_counter() - t) / 1e9)
        return {"gflops": best}

    def memory(self) -> dict:
        return {"peak_rss_mb": peak_rss_mb()}
