"""The text and Markdown reports say the same things: here, why a measurement weighs less."""

from __future__ import annotations

import json
from pathlib import Path

from advisor import recommend
from advisor.inputs.measurements import parse_measurements
from advisor.report import render

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "measurements.json"


def _flagged() -> object:
    data = json.loads(EXAMPLE.read_text())
    data["frameworks"]["pytorch"]["flags"] = ["eager-loop: throughput falling across windows"]
    data["frameworks"]["tensorflow"]["flags"] = ["keras-fit: window CV 36% > 10%"]
    # Both start-up figures beyond 1.5×: two measured reasons under the same criterion.
    frameworks = data["frameworks"]
    frameworks["pytorch"]["peak_rss_mb"] = 3 * frameworks["tensorflow"]["peak_rss_mb"]
    return parse_measurements(data)


def test_every_flag_is_named_wherever_the_stability_scale_is() -> None:
    rec = recommend({"hardware": "cpu"}, measurements=_flagged())  # type: ignore[arg-type]
    assert rec.measurements is not None and rec.measurements.stability_scale == 0.5
    assert rec.measurements.flags == [
        "TensorFlow: keras-fit: window CV 36% > 10%",
        "PyTorch: eager-loop: throughput falling across windows",
    ]
    text = render(rec, "text", width=200)
    markdown = render(rec, "markdown")
    for flag in rec.measurements.flags:
        assert flag in text
        assert f"  - {flag}" in markdown
    assert "stability scale 0.5, because the probe flagged:" in text


def test_an_unflagged_run_says_so() -> None:
    data = json.loads(EXAMPLE.read_text())
    data["frameworks"]["tensorflow"]["flags"] = []
    rec = recommend({"hardware": "cpu"}, measurements=parse_measurements(data))
    assert rec.measurements is not None and rec.measurements.flags == []
    assert "stability scale 1 (no instability flagged)" in render(rec, "text", width=200)


def test_measured_reasons_each_say_their_own_number_in_words() -> None:
    rec = recommend({"hardware": "cpu"}, measurements=_flagged())  # type: ignore[arg-type]
    measured = [r for r in rec.reasons if r.kind == "measurement"]
    assert sum(r.criterion == "startup_memory" for r in measured) == 2
    assert len({r.because for r in measured}) == len(measured)
    for r in measured:
        assert "pytorch" not in r.because and "tensorflow" not in r.because  # names, not keys
    text = render(rec, "text", width=200)
    assert "training_speed:" not in text
    assert "Training speed: cnn workload: training throughput" in text


def test_a_model_built_without_the_loaders_still_renders_without_escapes() -> None:
    # An embedding program may build its Measurements itself (msgspec.convert, no loader):
    # the renderers clean what they print all the same.
    import msgspec

    from advisor.inputs.measurements import Measurements

    data = json.loads(EXAMPLE.read_text())
    data["machine"]["cpu"] = "CPU \x1b[2J\x9b31m\x1b]8;;https://evil.example/\x07x\x1b]8;;\x07"
    data["frameworks"]["pytorch"]["flags"] = ["flag \x1b[2J\rover\x85"]
    rec = recommend({"hardware": "cpu"}, measurements=msgspec.convert(data, Measurements))
    assert rec.measurements is not None
    assert any("\x1b" in f for f in rec.measurements.flags), "the model holds the escapes"
    for fmt in ("text", "markdown", "json"):
        shown = render(rec, fmt, width=200)
        if fmt == "json":
            shown = json.dumps(json.loads(shown), ensure_ascii=False)  # what a script prints
        bad = {c for c in shown if c in "\x1b\r" or "\x80" <= c <= "\x9f"}
        assert not bad, (fmt, bad)
        assert "flag" in shown and "over" in shown
def test_every_report_says_what_the_numbers_mean_beside_the_headline() -> None:
    rec = recommend({"deployment": ["mobile"], "team_experience": "tensorflow"})
    assert rec.recommendation == "tensorflow"
    assert rec.meaning.startswith(f"Confidence {rec.confidence:.0%}: ")
    text = render(rec, "text", width=120).splitlines()
    # The panel's top border carries the headline; the sentence opens the panel, wrapped.
    assert "Recommendation: TensorFlow" in text[0]
    inside = " ".join(line.strip("│ ") for line in text[1:])
    assert inside.startswith(rec.meaning + " TensorFlow ")
    markdown = render(rec, "markdown").splitlines()
    assert markdown[:3] == ["# Recommendation: TensorFlow", "", rec.meaning]
    data = json.loads(render(rec, "json"))
    assert data["meaning"] == rec.meaning
    assert data["lead_share"] == rec.lead_share
    assert data["robustness"]["level"] == rec.robustness.level
