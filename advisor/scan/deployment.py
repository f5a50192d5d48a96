"""Deployment artefacts read as text: Dockerfiles (FROM images, RUN lines), package.json (npm),
Gradle build files and version catalogs, Podfiles, Triton model configs and KServe manifests.

Each reader turns a file into (value, line, text) triples: an image reference, a dependency
name, ``platform:tensorflow_savedmodel``; the tables say what each one means.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from advisor.errors import InputError
from advisor.inputs.files import parse_json

Item = tuple[str, int, str]
"""(value, line, the line's text)"""


class NotReadable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Bad(InputError):
    """Stands for a manifest's JSON problems (never shown as an error)."""


def is_dockerfile(name: str) -> bool:
    lower = name.lower()
    return lower.startswith(("dockerfile", "containerfile")) or lower.endswith(
        (".dockerfile", ".containerfile"))


def _lines(text: str) -> Iterator[tuple[int, str]]:
    return enumerate(text.splitlines(), 1)


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Dockerfile instructions with their continuation lines joined, at their first line."""
    start, parts = 0, list[str]()
    for number, line in _lines(text):
        if not parts:
            start = number
            if line.lstrip().startswith("#"):
                continue
        stripped = line.rstrip()
        if stripped.endswith("\\"):
            parts.append(stripped[:-1])
            continue
        parts.append(stripped)
        yield start, " ".join(p.strip() for p in parts)
        parts = []
    if parts:
        yield start, " ".join(p.strip() for p in parts)


def dockerfile(text: str) -> tuple[list[Item], list[tuple[int, str]]]:
    """The base images (FROM) and the shell commands (RUN) of a Dockerfile."""
    images: list[Item] = []
    commands: list[tuple[int, str]] = []
    for number, line in _logical_lines(text):
        words = line.split()
        if not words:
            continue
        instruction = words[0].upper()
        if instruction == "FROM":
            refs = [w for w in words[1:] if not w.startswith("--")]
            if refs and "$" not in refs[0]:
                images.append((normalise_image(refs[0]), number, line))
        elif instruction == "RUN":
            commands.append((number, line[3:].strip()))
    return images, commands


def normalise_image(ref: str) -> str:
    """An image reference as the tables write it: no docker.io/, no library/."""
    for prefix in ("docker.io/", "index.docker.io/", "registry.hub.docker.com/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix):]
    if ref.startswith("library/"):
        ref = ref[len("library/"):]
    return ref


def package_json(text: str) -> list[Item]:
    """The dependencies named in a package.json (all dependency sections)."""
    try:
        data = parse_json(text, None, _Bad)
    except _Bad:
        raise NotReadable("package.json files that are not valid JSON") from None
    if not isinstance(data, dict):
        return []
    out: list[Item] = []
    for section in ("dependencies", "devDependencies", "peerDependencies",
                    "optionalDependencies"):
        deps = data.get(section)
        if isinstance(deps, dict):
            for name, version in deps.items():
                line = _line_of(text, f'"{name}"')
                out.append((name, line, f'"{name}": {version!r}'[:120]))
    return out


_COORDINATE = re.compile(r"""["']([A-Za-z0-9_.\-]+):([A-Za-z0-9_.\-]+)(?::[^"'\s]*)?["']""")
_CATALOG = re.compile(
    r"""group\s*=\s*["']([A-Za-z0-9_.\-]+)["']\s*,\s*name\s*=\s*["']([A-Za-z0-9_.\-]+)["']""")


def gradle(text: str) -> list[Item]:
    """group:artifact coordinates in build.gradle(.kts) and Gradle version catalogs."""
    out: list[Item] = []
    for number, line in _lines(text):
        if line.lstrip().startswith("//"):
            continue
        for m in _COORDINATE.finditer(line):
            out.append((f"{m[1]}:{m[2]}", number, line))
        for m in _CATALOG.finditer(line):
            out.append((f"{m[1]}:{m[2]}", number, line))
    return out


_POD = re.compile(r"""^\s*pod\s+["']([^"']+)["']""")


def podfile(text: str) -> list[Item]:
    out: list[Item] = []
    for number, line in _lines(text):
        m = _POD.match(line)
        if m:
            out.append((m[1].split("/")[0], number, line))
    return out


_TRITON = re.compile(r"""^\s*(platform|backend)\s*:\s*["']([^"']+)["']""")


def triton(text: str) -> list[Item]:
    """``platform:X`` and ``backend:X`` of a Triton model configuration (config.pbtxt)."""
    out: list[Item] = []
    for number, line in _lines(text):
        m = _TRITON.match(line)
        if m:
            out.append((f"{m[1]}:{m[2]}", number, line))
    return out


_FORMAT = re.compile(r"^(\s*)modelFormat\s*:\s*(\{\s*name\s*:\s*[\"']?([\w.\-]+))?")
_NAME = re.compile(r"""^\s*name\s*:\s*["']?([\w.\-]+)""")
_RUNTIME = re.compile(r"""^\s*runtime\s*:\s*["']?([\w.\-]+)""")
_PREDICTOR = re.compile(r"^(\s*)predictor\s*:\s*$")
_LEGACY = re.compile(r"^\s*(tensorflow|pytorch|triton|onnx|sklearn|xgboost|lightgbm|"
                     r"paddle|pmml|huggingface|torchserve)\s*:\s*$")


def kserve(text: str) -> list[Item]:
    """``modelFormat:X``, ``runtime:X`` and ``predictor:X`` of KServe InferenceServices."""
    if not re.search(r"^\s*kind\s*:\s*[\"']?InferenceService\b", text, re.M):
        return []
    out: list[Item] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if m := _FORMAT.match(line):
            if m[3]:
                out.append((f"modelFormat:{m[3]}", i + 1, line))
            else:
                for following in lines[i + 1:i + 4]:
                    if n := _NAME.match(following):
                        out.append((f"modelFormat:{n[1]}", i + 1, line))
                        break
        elif m := _RUNTIME.match(line):
            out.append((f"runtime:{m[1]}", i + 1, line))
        elif _PREDICTOR.match(line):
            for following in lines[i + 1:i + 6]:
                if n := _LEGACY.match(following):
                    out.append((f"predictor:{n[1]}", i + 1, line))
                    break
    return out


def _line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1
