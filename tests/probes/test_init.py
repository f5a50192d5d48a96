"""The probes' public API (probes/__init__.py): the model sources it shows, and an import that
stays cheap."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import probes
from probes import model_source
from probes.workloads import WORKLOADS


@pytest.mark.parametrize("workload", sorted(WORKLOADS))
@pytest.mark.parametrize("framework", ["pytorch", "tensorflow"])
def test_model_source_is_the_exact_definition(framework: str, workload: str) -> None:
    source = model_source(framework, workload)
    name = WORKLOADS[workload].model[0 if framework == "pytorch" else 1]
    file = f"{workload}_{'torch' if framework == 'pytorch' else 'keras'}.py"
    text = (Path(probes.__file__).parent / "workloads" / file).read_text()
    nodes = ast.parse(source).body
    assert nodes[-1].name == name  # the model last, after the classes it is built from
    for node in nodes:
        assert ast.get_source_segment(source, node) in text
    with pytest.raises(ValueError):
        model_source("jax")
    with pytest.raises(ValueError):
        model_source(framework, "gan")


def test_importing_the_probes_and_cli_loads_no_framework() -> None:
    code = ("import sys, probes, probes.runner, probes.report, advisor.cli.probe, "
            "advisor.cli.progress; "
            "bad = {'torch', 'tensorflow', 'keras'} & set(sys.modules); "
            "assert not bad, bad")  # fmt: skip
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    light = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, probes; print(sorted({'numpy', 'sklearn'} & set(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert light.stdout.strip() == "[]"  # `import probes` stays cheap


