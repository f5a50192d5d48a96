"""The Keras backends' entries in the measurements file (probes/bridge.py), from hand-made
values: what the probe writes is what the advisor reads."""

from __future__ import annotations

import json
from pathlib import Path

from advisor.inputs.measurements import parse_measurements
from probes.bridge import backend_equivalence, jit_sensitivity, keras_backend_entry, ratio_entry
from probes.stats import RatioEstimate

OK = Path(__file__).resolve().parents[1] / "data" / "measurements-ok.json"
NATIVE = [[0.5, -0.25], [1.0, 0.125]]
NATIVES = {"pytorch": NATIVE, "tensorflow": [[0.5, -0.25], [1.0, 0.1250001]]}


def test_the_same_outputs_within_the_tolerance_of_both_native_models() -> None:
    mine = [[0.50000002, -0.25], [1.0, 0.125]]
    eq = backend_equivalence(mine, NATIVES, params=6274, expected_params=6274)
    assert eq["ok"] and set(eq["max_abs_logit_diff"]) == {"pytorch", "tensorflow"}
    assert eq["max_abs_logit_diff"]["tensorflow"] < 1e-6 and eq["tolerance"] == 1e-4


def test_each_way_of_not_being_the_same_model_is_named() -> None:
    off = backend_equivalence([[0.6, -0.25], [1.0, 0.125]], NATIVES, 6274, 6274)
    assert not off["ok"] and "logits differ from pytorch's by 1.00e-01" in off["reason"]
    assert "tensorflow's" in off["reason"]
    params = backend_equivalence(NATIVE, NATIVES, 6000, 6274)
    assert params["reason"] == "parameter count 6000 is not 6,274"
    shape = backend_equivalence([[0.5]], NATIVES, 6274, 6274)
    assert "another shape" in shape["reason"]
    assert "could not be had" in backend_equivalence(None, NATIVES, 6274, 6274)["reason"]
    alone = backend_equivalence(NATIVE, {"pytorch": None, "tensorflow": None}, 6274, 6274)
    assert not alone["ok"]


def _entry() -> dict:
    throughput = {"median": 3000.0, "iqr": [2900.0, 3100.0], "ci95": [2850.0, 3150.0],
                  "windows": 6}  # fmt: skip
    return {"status": "ok", "message": "", "version": "3.15.1", "device": "cpu",
            "path": "keras-fit", "threads": 2, "params": 109386, "flags": [],
            "train_samples_per_s": throughput, "sensitivity": []}  # fmt: skip


def _file_with(backend: dict) -> dict:
    data = json.loads(OK.read_text(encoding="utf-8"))
    data["workloads"] = {"cnn": {k: data[k] for k in ("equivalence", "frameworks", "ratios")}}
    data["workloads"]["cnn"]["keras_backends"] = {"torch": backend}
    return data


def test_what_the_probe_writes_the_advisor_reads() -> None:
    ratio = RatioEstimate(0.65, (0.55, 0.77), 6, process_sd=0.14)
    jit = jit_sensitivity(
        path="keras-jit", jit=True, speedup=RatioEstimate(1.38, (1.2, 1.6), 6),
        train_samples_per_s=None, compile_s=41.73,
        ratios={"pytorch": ratio_entry(RatioEstimate(0.9, (0.8, 1.0), 6), path="keras-jit",
                                       backend="torch", native="pytorch")},
    )  # fmt: skip
    entry = keras_backend_entry(
        _entry(), hello={"backend_version": "2.13.0+cpu"},
        load={"jit_compile": {"keras-fit": False, "keras-jit": True}},
        equivalence=backend_equivalence(NATIVE, NATIVES, 109386, 109386),
        ratios={"pytorch": ratio_entry(ratio, path="keras-fit", backend="torch",
                                       native="pytorch"),
                "tensorflow": ratio_entry(None, path="keras-fit", backend="torch",
                                          native="tensorflow")},
        jit=[jit],
    )  # fmt: skip
    m = parse_measurements(_file_with(entry))
    torch = m.keras_backends("cnn")["torch"]
    assert torch.ratios["pytorch"].estimate == 0.65
    assert torch.ratios["pytorch"].against == "keras-fit (torch backend) / eager-loop"
    assert torch.ratios["tensorflow"].reason == "no paired windows"
    assert (torch.jit_compile, torch.backend_version) == (False, "2.13.0+cpu")
    setting = torch.sensitivity[0]
    assert (setting.setting, setting.where, setting.state) == ("jit_compile=True", "compile",
                                                               "jit-compile")  # fmt: skip
    assert setting.compile_s == 41.73 and setting.ratios["pytorch"].estimate == 0.9


def test_a_backend_not_proven_equivalent_has_no_ratio_and_a_flag() -> None:
    entry = keras_backend_entry(
        _entry(), hello={}, load={},
        equivalence=backend_equivalence([[9.0, 9.0], [9.0, 9.0]], NATIVES, 109386, 109386),
        ratios={"pytorch": ratio_entry(RatioEstimate(0.65, (0.55, 0.77), 6), path="keras-fit",
                                       backend="torch", native="pytorch")},
        jit=[],
    )  # fmt: skip
    m = parse_measurements(_file_with(entry))
    torch = m.keras_backends("cnn")["torch"]
    assert torch.ratios["pytorch"].estimate is None
    assert torch.ratios["pytorch"].reason.startswith("not proven equivalent: logits differ")
    assert any(f.startswith("equivalence check failed") for f in torch.flags)
