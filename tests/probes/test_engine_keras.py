"""The Keras engine's long-lived fit(), driven directly in a TensorFlow-only subprocess
(marked `probe`): the pytest process itself never imports a framework."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.probe,
    pytest.mark.skipif(
        importlib.util.find_spec("tensorflow") is None,
        reason="needs the [probes] extra (tensorflow)",
    ),
]

DRIVER = """
import json, math, os, sys, threading
from pathlib import Path
os.environ["KERAS_BACKEND"] = "tensorflow"
from probes.bundle import write_bundle
from probes.engine_keras import COMPILED, LEAN, PRIMARY, KerasEngine

bundle = write_bundle(Path(sys.argv[1]), workload="mlp", seed=0, cache_dir=None)
engine = KerasEngine(threads=1)
engine.load(str(bundle), batch_size=64, compiled=True, workload="mlp")
held = lambda: sum(fit.running for fit in engine.held.values())
windows = [engine.window(PRIMARY, 7), engine.window(LEAN, 3), engine.window(PRIMARY, 5)]
steps = int(engine.model.optimizer.iterations.numpy())
engine.window(COMPILED, 4)  # its own model: these steps do not train the checked one
during = held()
threads = threading.active_count()  # no thread of the probe's: fit() is on the main one
quality = engine.quality(PRIMARY)
engine.close()
print(json.dumps({
    "steps": steps, "held_during": during, "threads": threads, "held_after": held(),
    "quality": quality,
    "samples": [w["samples"] for w in windows],
    "finite": all(math.isfinite(w["loss"]) and w["elapsed_s"] > 0 for w in windows),
}))
"""


def drive(driver: str, tmp_path: Path) -> dict:
    """Runs a driver in a TensorFlow-only subprocess; its last line of output, as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", driver, str(tmp_path)],
        capture_output=True, text=True, timeout=80, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.timeout(90)
def test_keras_fit_windows_are_batches_of_one_fit_call_held_between_them(tmp_path: Path) -> None:
    """Two keras-fit windows of 7 and 5 batches, a lean window of 3 between them: the one fit()
    outlives the windows, on the worker's main thread, and runs exactly the batches asked for,
    across the bundled data's passes (the tabular set has 7 whole batches), and closing the
    engine ends it. The jit-compiled path trains a model of its own and is not counted as the
    checked model's."""
    report = drive(DRIVER, tmp_path)
    assert report["steps"] == 7 + 3 + 5  # the optimizer's own count: no batch more or less
    assert report["samples"] == [7 * 64, 3 * 64, 5 * 64]
    assert report["finite"]
    assert report["held_during"] == 2  # one fit() for both keras-fit windows, one for keras-jit
    assert report["held_after"] == 0
    assert report["threads"] == 1  # a held fit() in a thread trained a tenth slower
    # The quality check tops the checked model up to the workload's minimum: the jit copy's
    # 4 steps are not counted as its training.
    assert report["quality"]["steps"] == 60 and report["quality"]["topped_up"] == 60 - 15


SLOTS_DRIVER = """
import json, os, sys
from pathlib import Path
os.environ["KERAS_BACKEND"] = "tensorflow"
import keras
import numpy as np
from probes.bundle import write_bundle
from probes.engine_keras import KerasEngine
from probes.keras_fit import compile_model

def slot_kinds(optimizer):
    built = {id(v) for v in (optimizer.iterations, optimizer.learning_rate)}
    return sorted({type(v.value).__name__ for v in optimizer.variables if id(v) not in built})

bundle = write_bundle(Path(sys.argv[1]), workload="mlp", seed=0, cache_dir=None)
engine = KerasEngine(threads=1)
engine.load(str(bundle), batch_size=64, compiled=False, workload="mlp")
# A user's fit(): the same model and compile call, its optimizer built by fit() itself.
user = engine._fresh_model()
compile_model(user, loss=engine.module.LOSS, jit=False)
x, y = engine.arrays["train_x"][:64], engine.arrays["train_y"][:64]
user.fit(x, y, batch_size=64, epochs=1, verbose=0)
print(json.dumps({"engine": slot_kinds(engine.model.optimizer),
                  "user": slot_kinds(user.optimizer)}))
engine.close()
"""


@pytest.mark.timeout(90)
def test_the_optimizer_slots_are_built_as_a_users_fit_builds_them(tmp_path: Path) -> None:
    """The engine builds Adam's slots before either path traces its step (the lean step
    shares the optimizer), inside a traced function as a user's fit() builds them in its
    first step: slots built eagerly are variables of another kind, and a user's fit() with
    them trained a median 5-7 % slower on the CNN here (docs/probes.md)."""
    report = drive(SLOTS_DRIVER, tmp_path)
    assert report["engine"] and report["engine"] == report["user"]
