"""What every Keras path shares, whichever backend runs it: the article's compile call, and one
long ``fit()`` held between timed windows.

Imported only inside a Keras worker (the TensorFlow worker, or a Keras worker on the torch or
JAX backend), after KERAS_BACKEND is in the environment. Only the input pipeline a held fit()
reads differs by backend; each engine builds the one Keras builds for it from NumPy arrays.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import greenlet
import keras


def compile_model(model: keras.Model, *, loss: str, jit: bool | str) -> None:
    """The article's compile call; ``jit`` is Keras's ``jit_compile`` (True, False or
    "auto", each backend's own default: off on torch and on a CPU-only TensorFlow, XLA on
    JAX)."""
    classifier = loss == "cross_entropy"
    model.compile(
        # Keras's default epsilon, set explicitly and identically in the PyTorch worker.
        optimizer=keras.optimizers.Adam(learning_rate=1e-3, epsilon=1e-7),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        if classifier
        else keras.losses.MeanSquaredError(),
        # As in the article, a classifier tracks accuracy: part of the idiomatic path's cost.
        metrics=["accuracy"] if classifier else [],
        jit_compile=jit,
    )


class HeldFit(keras.callbacks.Callback):
    """One fit() call for the worker's whole life, held at the start of a batch between
    windows: a user's training run is one long fit(), whose input pipeline starts once. A
    fit() call per window paid the pipeline's start and the end of an epoch every window and
    read 15 % under plain scripts.

    The fit() runs on the worker's main thread, as a user's does, in a greenlet of its own:
    held, it switches back to the command loop; a window switches into it for its batches.
    In a thread of its own, the same fit() on the torch backend trained 0.88-0.90x as fast
    and kept 1.6 of 2 cores busy instead of 2.0 (bench/fit_in_thread.py), and the probe read
    the transformer a fifth under plain scripts. A greenlet, unlike a thread, lets several
    held fit()s (a worker's keras-fit and keras-jit paths) live on the one main thread.

    Only ``on_train_batch_begin`` is overridden: a callback with a batch-end hook makes
    Keras turn every batch's logs into Python numbers synchronously, which a user's fit()
    does not do. The start of batch k + 1 is when batch k has finished.

    ``data`` is an endless input pipeline (one fit() epoch never ends). ``sync`` makes the
    model's variables current while fit() is held: the JAX backend trains on a copy of them
    and writes it back only when asked (``jax_state_sync``); elsewhere it does nothing."""

    def __init__(
        self, model: keras.Model, data: object, sync: Callable[[], None] = lambda: None
    ) -> None:
        super().__init__()
        self._sync = sync
        self._allowed = 0  # batches the current window may still start
        self._stopping = False
        self._ended: BaseException | None = None  # why fit() returned, once it has
        self._loop = greenlet.getcurrent()  # the command loop, where a held fit() returns
        self._fit = greenlet.greenlet(self._run_fit)
        self._fit.switch(model, data)  # back here when fit() is held at its first batch
        self._check()

    def _run_fit(self, model: keras.Model, data: object) -> None:
        try:
            # The pipeline shuffles itself, as the one fit() builds from arrays does.
            model.fit(data, epochs=1, verbose=0, shuffle=False, callbacks=[self])
        except BaseException as exc:  # handed to the command waiting for its batches
            self._ended = exc
        else:
            self._ended = RuntimeError("fit() ended before its window did")
        # Returning ends the greenlet and resumes the command loop where it switched in.

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        if self._allowed == 0 and not self._stopping:
            self._loop.switch()  # held until a window or close() switches back
        if self._stopping:
            self.model.stop_training = True  # ends fit() after this batch
            return
        self._allowed -= 1

    def _check(self) -> None:
        if self._fit.dead and not self._stopping:
            raise self._ended or RuntimeError("fit() ended before its window did")

    def run(self, steps: int) -> tuple[float, float]:
        """Lets ``steps`` batches run; returns when they began and their mean loss. The loss
        is read back to the host, so on a backend that dispatches steps asynchronously (JAX)
        the window ends when its last step has really finished."""
        self._check()
        self._sync()
        # The mean loss of this window's batches, as fit() reports it per epoch.
        self.model.reset_metrics()
        start = time.perf_counter()
        self._allowed = steps
        self._fit.switch()  # back here when batch ``steps + 1`` begins, or fit() failed
        self._check()
        self._sync()
        return start, float(self.model.get_metrics_result()["loss"])

    def hold(self) -> None:
        """Makes the model's variables current, so it can predict with what it has learned
        so far: fit() is held whenever the command loop runs."""
        self._check()
        self._sync()

    @property
    def running(self) -> bool:
        """Whether fit() is still there, held between windows."""
        return bool(self._fit) and not self._fit.dead

    def close(self) -> None:
        self._stopping = True
        if not self._fit.dead:
            self._fit.switch()
