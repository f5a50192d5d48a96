"""The measurements file (contract 3): a real probe result loads; anything else is a
MeasurementsError that names the file and the key."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from advisor.errors import MeasurementsError
from advisor.inputs.measurements import Measurements, load_measurements, parse_measurements

DATA = Path(__file__).resolve().parents[1] / "data"
OK = DATA / "measurements-ok.json"
TF_MISSING = DATA / "measurements-tf-missing.json"


@pytest.fixture
def good() -> dict:
    return json.loads(OK.read_text(encoding="utf-8"))


def rejected(write, data, needle: str = "") -> MeasurementsError:
    p = write("measurements.json", data if isinstance(data, str | bytes) else json.dumps(data))
    with pytest.raises(MeasurementsError) as info:
        load_measurements(p)
    assert str(info.value).startswith(f"{p}"), "the message starts with the file name"
    assert needle in str(info.value)
    return info.value


# --- valid files -----------------------------------------------------------------------------

def test_both_frameworks_ok():
    m = load_measurements(OK)
    assert isinstance(m, Measurements)
    assert m.schema_version == 1
    pt, tf = m.frameworks["pytorch"], m.frameworks["tensorflow"]
    assert pt.ok and tf.ok
    assert (pt.path, tf.path) == ("eager-loop", "keras-fit")
    assert pt.device_kind == tf.device_kind == "cpu"
    assert pt.train_samples_per_s.median == 5210.4
    assert pt.train_samples_per_s.iqr == (5102.0, 5301.7)
    assert tf.infer_latency_ms.p95 == 0.83
    assert tf.variants["tf-function"].train_samples_per_s.windows == 7
    assert set(m.ratios) == {"train", "train_lean", "infer_latency"}
    assert m.ratios["train"].estimate == 1.32 and m.ratios["train"].pairs == 7
    assert m.ratios["infer_latency"].ci95 == (0.66, 0.77)
    assert m.equivalence.ok and m.equivalence.params["tensorflow"] == 109386
    assert m.machine.logical_cores == 2


def test_round_trip_keeps_the_contract_keys(good):
    m = load_measurements(OK)
    out = m.to_dict()
    assert out["schema"] == 1 and "schema_version" not in out
    assert out["ratios"] == good["ratios"]
    assert parse_measurements(out) == m


def test_a_framework_not_installed_and_null_ratios():
    m = load_measurements(TF_MISSING)
    tf = m.frameworks["tensorflow"]
    assert tf.status == "not_installed" and not tf.ok
    assert "No module named" in tf.message
    assert m.frameworks["pytorch"].ok
    for key in ("train", "train_lean", "infer_latency"):
        assert m.ratios[key].estimate is None
        assert "not_installed" in m.ratios[key].reason
    assert m.equivalence.ok is False


def test_probe_diagnostics_inside_records_are_accepted(good):
    good["frameworks"]["pytorch"]["efficiency"] = 0.83
    good["frameworks"]["tensorflow"]["variants"]["tf-function"]["xla"] = True
    good["machine"]["gpu_driver"] = "n/a"
    good["ratios"]["train"]["method"] = "paired windows"
    m = parse_measurements(good)
    assert m.frameworks["pytorch"].ok and m.ratios["train"].estimate == 1.32


@pytest.mark.parametrize("device, kind", [
    ("cuda:0 NVIDIA H200", "cuda"), ("mps", "mps"), ("CPU", "cpu"), (None, "cpu"), ("xpu:1", "xpu"),
])
def test_device_kind(good, device, kind):
    good["frameworks"]["pytorch"]["device"] = device
    assert parse_measurements(good).frameworks["pytorch"].device_kind == kind


# --- invalid files ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["[1, 2]", '"measurements"', "42", "null", "true"])
def test_not_an_object(write, text):
    rejected(write, text, "expected a JSON object")


@pytest.mark.parametrize("schema", [2, 0, "1", None, 1.5])
def test_wrong_schema_version(write, good, schema):
    good["schema"] = schema
    err = rejected(write, good)
    assert err.key == "schema"


def test_missing_schema(write, good):
    del good["schema"]
    err = rejected(write, good, "missing")
    assert "schema" in str(err)


@pytest.mark.parametrize("extra, suggestion", [("ratio", "ratios"), ("frameworkz", "frameworks"),
                                               ("equivalance", "equivalence")])
def test_unknown_top_level_key_with_suggestion(write, good, extra, suggestion):
    good[extra] = {}
    err = rejected(write, good, f"unknown key {extra!r} (did you mean {suggestion!r}?)")
    assert err.key is None


def test_renamed_required_key(write, good):
    good["machines"] = good.pop("machine")
    err = rejected(write, good)
    assert "machine" in str(err)


def test_typo_of_schema_gets_a_suggestion(write, good):
    good["schemas"] = good.pop("schema")
    rejected(write, good, "did you mean 'schema'?")


def test_internal_field_name_is_not_a_contract_key(write, good):
    good["schema_version"] = good.pop("schema")
    rejected(write, good, "schema_version")


@pytest.mark.parametrize("path, value, key", [
    (("frameworks", "pytorch", "train_samples_per_s", "median"), -5.0,
     "frameworks.pytorch.train_samples_per_s.median"),
    (("frameworks", "tensorflow", "infer_latency_ms", "p50"), 0,
     "frameworks.tensorflow.infer_latency_ms.p50"),
    (("frameworks", "pytorch", "import_s"), -0.1, "frameworks.pytorch.import_s"),
    (("frameworks", "pytorch", "accuracy"), 1.2, "frameworks.pytorch.accuracy"),
    (("frameworks", "pytorch", "status"), "crashed", "frameworks.pytorch.status"),
    (("frameworks", "pytorch", "train_samples_per_s", "windows"), 0,
     "frameworks.pytorch.train_samples_per_s.windows"),
    (("frameworks", "pytorch", "flags"), "unstable", "frameworks.pytorch.flags"),
    (("ratios", "train", "estimate"), -1.3, "ratios.train.estimate"),
    (("ratios", "train", "ci95"), "wide", "ratios.train.ci95"),
    (("equivalence", "ok"), "maybe", "equivalence.ok"),
    (("created",), 20261127, "created"),
])
def test_bad_values_name_the_key(write, good, path, value, key):
    node = good
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    err = rejected(write, good)
    assert err.key == key
    assert f": {key}: " in str(err)


def test_null_estimate_needs_a_reason(write, good):
    good["ratios"]["train_lean"] = {"estimate": None}
    err = rejected(write, good, "needs a reason")
    assert err.key == "ratios.train_lean"


def test_unknown_framework(write, good):
    good["frameworks"]["jax"] = copy.deepcopy(good["frameworks"]["pytorch"])
    err = rejected(write, good, "jax")
    assert "pytorch" in str(err) and "tensorflow" in str(err)


def test_missing_section(write, good):
    del good["equivalence"]
    err = rejected(write, good, "missing")
    assert "equivalence" in str(err)


def test_json_syntax_error_has_line_and_column(write):
    err = rejected(write, '{\n  "schema": 1,\n  "created": "x",,\n}\n', "JSON syntax error")
    assert (err.line, err.column) == (3, 18)


@pytest.mark.parametrize("content, needle", [
    (b"", "empty"),
    (b'{"schema": 1}\x00', "binary"),
    (b'{"created": "\xff"}', "UTF-8"),
])
def test_file_level_problems(write, content, needle):
    rejected(write, content, needle)


def test_missing_and_directory(tmp_path):
    for p, needle in ((tmp_path / "none.json", "no such file"), (tmp_path, "is a directory")):
        with pytest.raises(MeasurementsError, match=needle) as info:
            load_measurements(p)
        assert str(p) in str(info.value)


def test_the_embedding_api_reports_without_a_file(good):
    good["schema"] = 9
    with pytest.raises(MeasurementsError) as info:
        parse_measurements(good)
    assert str(info.value).startswith("<input>: schema:")


# --- numbers that are numbers (issue 10, item 6) -------------------------------------------

def _set(data: dict, path: tuple, value) -> dict:
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return data


TRAIN = ("frameworks", "pytorch", "train_samples_per_s")
LATENCY = ("frameworks", "pytorch", "infer_latency_ms")


@pytest.mark.parametrize("path, value, key, needle", [
    ((*TRAIN, "median"), "Infinity", "frameworks.pytorch.train_samples_per_s",
     "median is not a finite number (inf)"),
    (("ratios", "train", "estimate"), "Infinity", "ratios.train",
     "estimate is not a finite number (inf)"),
    (("ratios", "train", "estimate"), "1e999", "ratios.train", "not a finite number (inf)"),
    (("ratios", "train", "ci95"), "[NaN, 2.0]", "ratios.train.ci95[0]",
     "not a finite number (nan)"),
    (("frameworks", "tensorflow", "import_s"), "Infinity", "frameworks.tensorflow",
     "import_s is not a finite number"),
    (("machine", "memory_gb"), "-Infinity", "machine", "memory_gb is not a finite number"),
    (("equivalence", "max_abs_logit_diff"), "NaN", "equivalence", "not a finite number"),
])  # fmt: skip
def test_every_figure_is_finite(write, good, path, value, key, needle):
    text = json.dumps(_set(good, path, "@@")).replace('"@@"', value)
    err = rejected(write, text, needle)
    assert err.key == key and err.line is not None


@pytest.mark.parametrize("path, value, needle", [
    (("ratios", "train"), {"estimate": 1.5, "ci95": [2.0, 0.5], "pairs": 7},
     "ci95 [2, 0.5] is reversed"),
    (("ratios", "train"), {"estimate": 1.5, "ci95": [1.6, 1.9], "pairs": 7},
     "ci95 [1.6, 1.9] does not contain the estimate 1.5"),
    (("ratios", "train"), {"estimate": None, "reason": "x", "ci95": [1.0, 2.0]},
     "without an estimate cannot have an interval"),
    ((*TRAIN, "iqr"), [5301.7, 5102.0], "iqr [5301.7, 5102] is reversed"),
    ((*TRAIN, "iqr"), [5300.0, 5400.0], "iqr [5300, 5400] does not contain the median 5210.4"),
    ((*TRAIN, "ci95"), [5322.9, 5088.2], "ci95 [5322.9, 5088.2] is reversed"),
    ((*LATENCY, "p50"), 9.0, "p50 9 ms exceeds p95 0.58 ms"),
])  # fmt: skip
def test_intervals_are_ordered_and_hold_their_estimate(write, good, path, value, needle):
    err = rejected(write, _set(good, path, value), needle)
    assert err.line is not None


def test_a_reversed_interval_no_longer_counts_as_significant(good):
    """estimate 1.5 with ci95 [2.0, 0.5] used to score: [lo, hi] 'excluded' 1."""
    from advisor import recommend

    _set(good, ("ratios", "train"), {"estimate": 1.5, "ci95": [2.0, 0.5], "pairs": 7})
    with pytest.raises(MeasurementsError, match="reversed"):
        recommend({}, measurements=good)


def test_the_throughput_interval_need_not_hold_the_median(good):
    """ci95 is the geometric mean's interval; skewed windows put the median outside it."""
    _set(good, (*TRAIN, "ci95"), [5000.0, 5100.0])
    parse_measurements(good)


@pytest.mark.parametrize("device", ["", "  ", "\t"])
def test_a_blank_device_is_refused(write, good, device):
    err = rejected(write, _set(good, ("frameworks", "pytorch", "device"), device),
                   "must not be blank")
    assert err.key == "frameworks.pytorch.device" and err.line is not None


@pytest.mark.parametrize("device, kind", [(":0", ":0"), ("CUDA", "cuda"), (" mps ", "mps")])
def test_device_kind_of_odd_names_never_raises(good, device, kind):
    m = parse_measurements(_set(good, ("frameworks", "pytorch", "device"), device))
    assert m.frameworks["pytorch"].device_kind == kind


def test_a_cross_device_ratio_is_not_scored_and_the_report_says_why(good):
    from advisor import recommend
    from advisor.report import render

    _set(good, ("frameworks", "pytorch", "device"), "cuda:0")
    rec = recommend({"hardware": "nvidia"}, measurements=good)
    use = rec.measurements
    assert use is not None and use.used is False and use.criteria == []
    assert [r for r in rec.reasons if r.kind == "measurement"] == []
    why = " ".join(use.missing)
    assert "different devices" in why and "PyTorch on cuda:0" in why
    assert "TensorFlow on cpu" in why
    assert "different devices" in render(rec, "text").replace("\n", " ")
    same = recommend({"hardware": "nvidia"}, measurements=_set(
        good, ("frameworks", "tensorflow", "device"), "cuda:0"))
    assert same.measurements is not None and same.measurements.used is True


def test_the_schema_states_the_number_rules():
    from advisor.cli.schemas import all_schemas
    from advisor.knowledge.loader import bundled_questionnaire

    schema = json.dumps(all_schemas(bundled_questionnaire())["measurements"])
    for words in ("finite, > 0", "low <= high", "contains it", "not blank", "finite, >= p50"):
        assert words in schema, words


# --- Keras 3 on other backends (keras_backends) ------------------------------------------------

BACKENDS = DATA / "measurements-keras-backends.json"
SCHEMA_1_KEYS = {"schema", "created", "workload", "machine", "equivalence", "frameworks",
                 "ratios", "workloads"}  # fmt: skip


@pytest.fixture
def with_backends() -> dict:
    return json.loads(BACKENDS.read_text(encoding="utf-8"))


def test_keras_backends_load_with_their_ratios_sensitivity_and_equivalence():
    m = load_measurements(BACKENDS)
    backends = m.keras_backends("cnn")
    assert set(backends) == {"torch", "jax"}
    torch = backends["torch"]
    assert (torch.path, torch.jit_compile, torch.backend_version) == (
        "keras-fit", False, "2.13.0+cpu")
    assert torch.ratios["pytorch"].estimate == 0.65 and torch.ratios["pytorch"].ci95 == (0.55, 0.77)
    assert torch.equivalence is not None and torch.equivalence.ok
    jit = torch.sensitivity[0]
    assert (jit.setting, jit.where, jit.compile_s) == ("jit_compile=True", "compile", 41.7)
    assert jit.ratios["pytorch"].estimate == 0.9
    assert backends["jax"].jit_compile is True
    assert m.keras_backends("transformer") == {}  # not measured
    assert parse_measurements(m.to_dict()) == m


def test_readers_that_predate_the_backends_still_read_the_file(with_backends):
    """Schema 1 stays readable by older readers: the backends add no top-level key (the top
    level refuses unknown keys) and sit in a workload's entry, which ignores keys it does not
    know; the native figures and ratios keep their meaning."""
    from advisor.inputs.measurements import WorkloadResult

    assert set(with_backends) <= SCHEMA_1_KEYS
    assert not WorkloadResult.__struct_config__.forbid_unknown_fields
    older = copy.deepcopy(with_backends)
    for entry in older["workloads"].values():
        entry.pop("keras_backends")
    assert parse_measurements(older).frameworks == parse_measurements(with_backends).frameworks


@pytest.mark.parametrize("path, value, key", [
    (("keras_backends", "tensorflow"), {"status": "ok"}, "workloads.cnn.keras_backends"),
    (("keras_backends", "torch", "status"), "crashed", "workloads.cnn.keras_backends.torch.status"),
    (("keras_backends", "torch", "ratios", "tensorflow", "estimate"), -0.5,
     "workloads.cnn.keras_backends.torch.ratios.tensorflow.estimate"),
    (("keras_backends", "torch", "ratios", "jax"), {"estimate": 1.0},
     "workloads.cnn.keras_backends.torch.ratios"),
    (("keras_backends", "torch", "sensitivity", 0, "where"), "keras.json",
     "workloads.cnn.keras_backends.torch.sensitivity[0].where"),
    (("keras_backends", "torch", "sensitivity", 0, "compile_s"), -3,
     "workloads.cnn.keras_backends.torch.sensitivity[0].compile_s"),
    (("keras_backends", "jax", "jit_compile"), "auto",
     "workloads.cnn.keras_backends.jax.jit_compile"),
])  # fmt: skip
def test_bad_backend_values_name_the_key(write, with_backends, path, value, key):
    err = rejected(write, _set(with_backends, ("workloads", "cnn", *path), value))
    assert err.key == key and err.line is not None


@pytest.mark.parametrize("path, value, needle", [
    (("ratios", "pytorch"), {"estimate": 0.65, "ci95": [0.7, 0.9], "pairs": 8},
     "does not contain the estimate 0.65"),
    (("equivalence", "max_abs_logit_diff", "pytorch"), 0.002,
     "differ from pytorch's by more than the tolerance 0.0001"),
])  # fmt: skip
def test_backend_figures_hold_together(write, with_backends, path, value, needle):
    rejected(write, _set(with_backends, ("workloads", "cnn", "keras_backends", "torch", *path),
                         value), needle)  # fmt: skip
