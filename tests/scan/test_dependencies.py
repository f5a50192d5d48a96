"""Dependency files read as data: what each format names, with lines, and the accelerator
builds the tables recognise in versions and index URLs."""

from __future__ import annotations

from pathlib import Path

import pytest
from scan_trees import proposal_values, write_tree

from advisor.scan import scan_project
from advisor.scan.dependencies import NotDependencies, install_lines, is_dependency_file, read


def _names(deps) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {r.name: r.version for r in deps.requirements}


def test_requirements_with_includes_indexes_and_local_versions() -> None:
    deps = read("requirements.txt", "-r base.txt\n--extra-index-url https://example.invalid/whl/"
                "cu121\ntorch==2.3.0+cu121  # pinned\ntorchvision[extra]>=0.18 ; python_version"
                ">'3.9'\n-e .\n")
    assert _names(deps) == {"torch": "==2.3.0+cu121", "torchvision": ">=0.18"}
    assert [(i.url, i.line) for i in deps.indexes] == [
        ("https://example.invalid/whl/cu121", 2)]
    assert deps.requirements[0].line == 3


def test_pyproject_poetry_uv_and_optional_dependencies() -> None:
    text = """
[project]
dependencies = ["keras>=3", "jax[tpu]"]
[project.optional-dependencies]
gpu = ["torch==2.5.1+rocm6.2"]
[tool.poetry.dependencies]
tensorflow = "^2.16"
[[tool.uv.index]]
url = "https://example.invalid/whl/xpu"
"""
    deps = read("pyproject.toml", text)
    assert _names(deps) == {"keras": ">=3", "jax": "", "torch": "==2.5.1+rocm6.2",
                            "tensorflow": "^2.16"}
    assert deps.requirements[1].extras == ("tpu",)
    assert [i.url for i in deps.indexes] == ["https://example.invalid/whl/xpu"]


def test_setup_cfg_setup_py_pipfile_and_conda() -> None:
    cfg = read("setup.cfg", "[options]\ninstall_requires =\n    torch>=2\n    numpy\n")
    assert set(_names(cfg)) == {"torch", "numpy"}
    setup = read("setup.py", "setup(install_requires=['tensorflow-metal', \"keras<3\"])\n")
    assert _names(setup) == {"tensorflow-metal": "", "keras": "<3"}
    pipfile = read("Pipfile", '[packages]\ntorch = "==2.3"\n[[source]]\nurl = "https://e.invalid"\n')
    assert _names(pipfile) == {"torch": "==2.3"}
    conda = read("environment.yml", "channels: [pytorch, nvidia]\ndependencies:\n"
                 "  - pytorch::pytorch=2.1=py3.10_cuda12.1_0\n  - pip:\n    - keras==2.15\n")
    assert _names(conda) == {"pytorch": "=2.1=py3.10_cuda12.1_0", "keras": "==2.15"}
    assert {i.url for i in conda.indexes} == {"pytorch", "nvidia"}


def test_files_that_do_not_parse_say_so() -> None:
    with pytest.raises(NotDependencies):
        read("pyproject.toml", "[project\n")
    with pytest.raises(NotDependencies):
        read("environment.yml", "a: [\n")


def test_pip_install_in_shell_commands() -> None:
    deps = install_lines([(3, "apt-get update && pip install --no-cache-dir tensorflow[and-cuda]"
                              " -i https://example.invalid/simple")])
    assert _names(deps) == {"tensorflow": ""} and deps.requirements[0].extras == ("and-cuda",)
    assert [i.url for i in deps.indexes] == ["https://example.invalid/simple"]


@pytest.mark.parametrize(("name", "folder", "expected"), [
    ("requirements-dev.txt", "", True), ("dev.txt", "requirements", True),
    ("notes.txt", "", False), ("environment.yml", "", True), ("pyproject.toml", "x", True),
])
def test_which_files_are_dependency_files(name: str, folder: str, expected: bool) -> None:
    assert is_dependency_file(name, folder) is expected


@pytest.mark.parametrize(("files", "hardware"), [
    ({"requirements.txt": "torch==2.3.0+cu121\n"}, "nvidia"),
    ({"requirements.txt": "--index-url https://example.invalid/whl/rocm6.2\ntorch\n"}, "amd"),
    ({"pyproject.toml": '[project]\ndependencies = ["jax[tpu]>=0.4"]\n'}, "tpu"),
    ({"requirements.txt": "tensorflow-metal\n"}, "apple"),
    ({"requirements.txt": "torch==2.5.0+xpu\n"}, "intel"),
    ({"environment.yml": "dependencies:\n  - pytorch-cuda=12.1\n"}, "nvidia"),
    # JAX's installation page and setup.py name these extras (the CUDA 13 and ROCm 7 plugins
    # without the runtime wheels).
    ({"requirements.txt": "jax[cuda13-local]==0.8.0\n"}, "nvidia"),
    ({"requirements.txt": "jax[rocm7-local]\n"}, "amd"),
])
def test_accelerator_builds_propose_the_hardware(tmp_path: Path, files: dict[str, str],
                                                 hardware: str) -> None:
    assert proposal_values(scan_project(write_tree(tmp_path, files)))["hardware"] == hardware


def test_a_keras_2_pin_makes_keras_code_tensorflow(tmp_path: Path) -> None:
    code = {f"m{i}.py": "import keras\nmodel = keras.Sequential()\n" for i in range(3)}
    assert proposal_values(scan_project(write_tree(tmp_path / "a", code)))[
        "existing_code"] == "keras"
    pinned = {**code, "requirements.txt": "keras<3\ntensorflow==2.15\n"}
    scan = scan_project(write_tree(tmp_path / "b", pinned))
    assert proposal_values(scan)["existing_code"] == "tensorflow"
    assert scan.switching_cost.keras.files == 0 and scan.switching_cost.tensorflow.files == 3
    assert "Keras 2 pinned" in (scan.proposal("existing_code").because or "")  # type: ignore[union-attr]
