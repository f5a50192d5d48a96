"""'Keras 3 as a bridge' in every report format, and only where Keras is relevant; the command
line end to end, from a measurements file with the Keras backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor import recommend
from advisor.inputs.measurements import load_measurements
from advisor.report import render

DATA = Path(__file__).resolve().parents[1] / "data"
BACKENDS = DATA / "measurements-keras-backends.json"
SENTENCE = ("Keras 3 on the torch backend trains the cnn workload at 0.65× native PyTorch "
            "(95 % CI 0.55–0.77)")  # fmt: skip
TITLE = "Keras 3 as a bridge"


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_every_format_has_the_section_where_keras_is_relevant(fmt) -> None:
    rec = recommend({"existing_code": "keras"}, measurements=load_measurements(BACKENDS))
    out = render(rec, fmt, width=400)
    if fmt == "json":
        bridge = json.loads(out)["keras_bridge"]
        assert any(SENTENCE in line for line in bridge["lines"])
        torch = next(b for b in bridge["backends"] if b["backend"] == "torch")
        assert torch["against"]["pytorch"] == {"estimate": 0.65, "ci95": [0.55, 0.77],
                                               "pairs": 8}  # fmt: skip
        assert torch["settings"][0]["setting"] == "jit_compile=True"
    else:
        assert TITLE in out and SENTENCE in out
    if fmt == "markdown":
        assert f"## {TITLE}" in out and f"- {SENTENCE}" in out


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_no_section_where_keras_is_not_relevant(fmt) -> None:
    rec = recommend({"existing_code": "pytorch", "team_experience": "pytorch"},
                    measurements=load_measurements(BACKENDS))  # fmt: skip
    out = render(rec, fmt, width=400)
    assert TITLE not in out and "native PyTorch" not in out
    if fmt == "json":
        assert json.loads(out)["keras_bridge"] is None


@pytest.mark.parametrize("code, shown", [("keras", True), ("pytorch", False)])
def test_the_command_line_shows_it_for_keras_code_only(run_advisor, write, code, shown) -> None:
    answers = write("answers.yaml", f"version: 1\ndomain: vision\nexisting_code: {code}\n")
    done = run_advisor("--answers", answers, "--measurements", BACKENDS)
    assert done.returncode == 0, done.stderr
    words = " ".join(done.stdout.split())  # as the terminal width wrapped it, unwrapped
    assert (TITLE in words) == shown
    assert (SENTENCE in words) == shown
