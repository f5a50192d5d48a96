"""What every Keras path shares, whichever backend runs it: the article's compile call, and one
long ``fit()`` held between timed windows.

Imported only inside a Keras worker (the TensorFlow worker, or a Keras worker on the torch or
JAX backend), after KERAS_BACKEND is in the environment. Only the input pipeline a held fit()
reads differs by backend; each engine builds the one Keras builds for it from NumPy arrays.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

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
    """One fit() call for the worker's whole life, run in its own thread and held at the
    start of a batch between windows: a user's training run is one long fit(), whose input
    pipeline starts once. A fit() call per window paid the pipeline's start and the end of
    an epoch every window and read 15 % under plain scripts.

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
        self._cv = threading.Condition()
        self._allowed = 0  # batches the current window may still start
        self._held = False  # the fit() thread waits at the start of a batch
        self._stopping = False
        self._ended: BaseException | None | bool = False  # False while fit() runs
        self._thread = threading.Thread(target=self._fit, args=(model, data),
                                        name="held-fit", daemon=True)  # fmt: skip
        self._thread.start()

    def _fit(self, model: keras.Model, data: object) -> None:
        error: BaseException | None = None
        try:
            # The pipeline shuffles itself, as the one fit() builds from arrays does.
            model.fit(data, epochs=1, verbose=0, shuffle=False, callbacks=[self])
        except BaseException as exc:  # handed to the command waiting for its batches
            error = exc
        with self._cv:
            self._ended = error or RuntimeError("fit() ended before its window did")
            self._cv.notify_all()

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        with self._cv:
            self._held = True
            self._cv.notify_all()
            while self._allowed == 0 and not self._stopping:
                self._cv.wait()
            self._held = False
            if self._stopping:
                self.model.stop_training = True  # ends fit() after this batch
                return
            self._allowed -= 1

    def _wait(self, done: Callable[[], bool]) -> None:
        while not done():
            if self._ended is not False:
                raise self._ended  # type: ignore[misc]
            self._cv.wait()

    def run(self, steps: int) -> tuple[float, float]:
        """Lets ``steps`` batches run; returns when they began and their mean loss. The loss
        is read back to the host, so on a backend that dispatches steps asynchronously (JAX)
        the window ends when its last step has really finished."""
        with self._cv:
            self._wait(lambda: self._held)
            self._sync()
            # The mean loss of this window's batches, as fit() reports it per epoch.
            self.model.reset_metrics()
            start = time.perf_counter()
            self._allowed = steps
            self._cv.notify_all()
            self._wait(lambda: self._allowed == 0 and self._held)
            self._sync()
            return start, float(self.model.get_metrics_result()["loss"])

    def hold(self) -> None:
        """Waits until fit() is held and the model's variables are current, so the model can
        predict with what it has learned so far."""
        with self._cv:
            self._wait(lambda: self._held)
            self._sync()

    def close(self) -> None:
        with self._cv:
            self._stopping = True
            self._cv.notify_all()
        self._thread.join(timeout=30)
