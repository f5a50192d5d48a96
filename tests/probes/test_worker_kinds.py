"""Which worker runs what, and the one-framework-per-process rule, without a framework: the
kinds of worker, their command lines, and what another framework's module may do in them."""

from __future__ import annotations

import sys
import types

import pytest

from probes.worker import WrongProcess, check_alone, kind_of, main, not_installed_message


@pytest.mark.parametrize(
    ("framework", "backend", "native", "foreign"),
    [
        ("pytorch", None, "torch", ["tensorflow", "jax"]),
        ("tensorflow", None, "tensorflow", ["torch", "jax"]),
        ("keras", "torch", "torch", ["tensorflow", "jax"]),
        ("keras", "jax", "jax", ["torch", "tensorflow"]),
    ],
)
def test_each_worker_times_one_native_module(framework, backend, native, foreign) -> None:
    kind = kind_of(framework, backend)
    assert kind.native == native and kind.foreign() == foreign
    # A Keras worker imports (and times) Keras, which imports the backend it was given.
    assert kind.needs[-1] == ("keras" if backend else native)
    # Every Keras path holds its fit() in a greenlet: a worker without it says so up front.
    assert ("greenlet" in kind.needs) == (framework != "pytorch")


@pytest.mark.parametrize(
    "argv",
    [
        ["--framework", "keras"],  # which backend?
        ["--framework", "pytorch", "--backend", "torch"],  # a backend is Keras's alone
        ["--framework", "keras", "--backend", "tensorflow"],  # that is the tensorflow worker
    ],
)
def test_a_backend_goes_with_keras_only(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([*argv, "--cmd-fd", "0", "--reply-fd", "1", "--threads", "1"])
    assert stopped.value.code == 2


def _fake_jax(monkeypatch: pytest.MonkeyPatch, *, started: bool) -> None:
    bridge = types.ModuleType("jax._src.xla_bridge")
    bridge.backends_are_initialized = lambda: started  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "jax", types.ModuleType("jax"))
    monkeypatch.setitem(sys.modules, "jax._src.xla_bridge", bridge)


def test_jax_imported_by_keras_but_never_started_may_stay(monkeypatch) -> None:
    """Keras imports jax whenever it is installed, on every backend; an XLA backend that was
    never started runs no thread, so the worker says it is there and carries on."""
    _fake_jax(monkeypatch, started=False)
    assert check_alone(kind_of("keras", "torch"), "Keras on torch") == ["jax"]
    assert check_alone(kind_of("tensorflow", None), "tensorflow") == ["jax"]


def test_a_started_jax_or_any_tensorflow_is_refused(monkeypatch) -> None:
    _fake_jax(monkeypatch, started=True)
    with pytest.raises(WrongProcess, match="jax is loaded in the Keras on torch worker"):
        check_alone(kind_of("keras", "torch"), "Keras on torch")
    monkeypatch.delitem(sys.modules, "jax")
    monkeypatch.setitem(sys.modules, "tensorflow", types.ModuleType("tensorflow"))
    with pytest.raises(WrongProcess, match="tensorflow is loaded in the Keras on jax worker"):
        check_alone(kind_of("keras", "jax"), "Keras on jax")


def test_a_missing_greenlet_is_named_with_what_to_install() -> None:
    kind = kind_of("tensorflow", None)
    message = not_installed_message("tensorflow", "greenlet", kind.install)
    assert "greenlet is not installed" in message and "pip install tensorflow greenlet" in message


def test_a_missing_jax_names_the_extra() -> None:
    kind = kind_of("keras", "jax")
    message = not_installed_message("Keras on jax", "jax", kind.install)
    assert "jax is not installed" in message and "'framework-advisor[jax]'" in message
