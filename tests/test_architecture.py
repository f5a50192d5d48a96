"""The import contracts in pyproject.toml hold, and docs/architecture.md lists the same layers
in the same order, so neither can drift from the code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: mypy's own dependency provides the same parser
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _architecture_section() -> str:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    match = re.search(r"^## Layers\n(.*?)^## ", page, re.S | re.M)
    assert match, "docs/architecture.md has a '## Layers' section"
    return match[1]


def test_the_import_contracts_hold() -> None:
    r = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True,
                       text=True, timeout=120)  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"Contracts: {len(_contracts())} kept, 0 broken." in r.stdout


def test_the_docs_list_the_layers_of_the_contract_in_flow_order() -> None:
    rows = re.findall(r"^\| (\w+) \| `advisor/(\w+)/` \|", _architecture_section(), re.M)
    assert rows, "the section has a table of layers"
    assert all(name == folder for name, folder in rows), rows
    flow = [f"advisor.{folder}" for _, folder in rows]
    # The contract lists the layers from the top (the front ends) down to the inputs.
    assert flow == list(reversed(_contracts()["layers"]["layers"]))


def test_the_docs_name_what_the_core_never_imports() -> None:
    section = _architecture_section()
    core = _contracts()["core"]
    for module in core["forbidden_modules"]:
        assert f"`{module}`" in section, module
    for module in core["source_modules"]:
        assert re.search(rf"\b{module.removeprefix('advisor.')}\b", section), module
