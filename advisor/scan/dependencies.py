"""Dependency files read as data, never run: requirements*.txt (with -r, --index-url,
--extra-index-url, --find-links), pyproject.toml (tomllib), setup.cfg, setup.py (as text),
environment.yml, Pipfile, and ``pip install`` lines of notebooks and Dockerfiles.

Each reader returns the requirements (name, extras, version text) and the package indexes it
names, with their lines; the tables decide what they mean.
"""

from __future__ import annotations

import configparser
import fnmatch
import re
import shlex
import sys
from dataclasses import dataclass
from typing import Any

from advisor.errors import InputError
from advisor.inputs.files import parse_yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: pyproject.toml and Pipfile are read as text instead
    tomllib = None


@dataclass(frozen=True)
class Requirement:
    name: str
    extras: tuple[str, ...]
    version: str
    line: int | None
    text: str


@dataclass(frozen=True)
class Index:
    url: str
    line: int | None
    text: str


@dataclass
class Dependencies:
    requirements: list[Requirement]
    indexes: list[Index]


class NotDependencies(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Bad(InputError):
    """Stands for a dependency file's YAML problems (never shown as an error)."""


DEPENDENCY_FILES = (
    "requirements*.txt", "requirements*.in", "*requirements.txt", "constraints*.txt",
    "pyproject.toml", "setup.cfg", "setup.py", "environment.yml", "environment.yaml",
    "environment-*.yml", "environment-*.yaml", "conda*.yml", "conda*.yaml", "Pipfile",
)  # fmt: skip
_DEPENDENCY_FILES = re.compile("|".join(fnmatch.translate(p) for p in DEPENDENCY_FILES))


def is_dependency_file(name: str, folder: str) -> bool:
    """Whether a file is read as a dependency list; any *.txt under a requirements/ folder is."""
    if _DEPENDENCY_FILES.match(name):
        return True
    return name.endswith((".txt", ".in")) and folder.rsplit("/", 1)[-1] == "requirements"


_REQ = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[(?P<extras>[^\]]*)\])?\s*(?P<rest>.*)$"
)
_URL_OPTIONS = ("-i", "--index-url", "--extra-index-url", "-f", "--find-links")


def requirement(text: str, line: int | None, quoted: str = "") -> Requirement | None:
    """One PEP 508 requirement (``torch[extra]==2.3.0+cu121; marker``), or None."""
    m = _REQ.match(text)
    if not m:
        return None
    extras = tuple(x.strip() for x in (m["extras"] or "").split(",") if x.strip())
    version = m["rest"].split(";")[0].strip()
    return Requirement(m["name"], extras, version, line, quoted or text)


def pip_lines(lines: list[tuple[int | None, str]]) -> Dependencies:
    """requirements.txt lines, or the arguments of ``pip install`` commands."""
    deps = Dependencies([], [])
    for number, raw in lines:
        text = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not text:
            continue
        words = text.split()
        if words[0] in _URL_OPTIONS or words[0].split("=")[0] in _URL_OPTIONS:
            url = words[1] if len(words) > 1 and "=" not in words[0] else words[0].partition("=")[2]
            deps.indexes.append(Index(url, number, raw))
            continue
        if words[0].startswith("-"):
            continue  # -r other.txt is scanned as a file of its own; -e, -c, --hash, ...
        req = requirement(text, number, raw)
        if req is None:
            continue
        if "@" in req.version:  # name @ https://.../whl/cu121/torch-...whl
            deps.indexes.append(Index(req.version.partition("@")[2].strip(), number, raw))
        deps.requirements.append(req)
    return deps


def pip_install_args(command: str) -> list[str] | None:
    """The arguments after ``pip install`` (also ``pip3``, ``python -m pip``, ``uv pip``,
    ``conda install``), or None when the command installs nothing."""
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        words = command.split()
    for i, word in enumerate(words[:-1]):
        if word.rsplit("/", 1)[-1] in ("pip", "pip3", "conda", "mamba", "micromamba") and \
                words[i + 1] == "install":
            return words[i + 2:]
    return None


def install_lines(commands: list[tuple[int | None, str]]) -> Dependencies:
    """What shell commands install: ``RUN pip install torch==2.3 --index-url URL``."""
    out = Dependencies([], [])
    for number, command in commands:
        for part in re.split(r"&&|;|\|\|", command):
            args = pip_install_args(part)
            if args is None:
                continue
            pending: list[tuple[int | None, str]] = []
            words = iter(args)
            for word in words:
                if word in _URL_OPTIONS or word in ("-c", "--channel"):
                    url = next(words, "")
                    out.indexes.append(Index(url, number, command))
                elif word.startswith("-"):
                    continue
                else:
                    pending.append((number, word))
            found = pip_lines(pending)
            out.requirements += [Requirement(r.name, r.extras, r.version, number, command)
                                 for r in found.requirements]
            out.indexes += found.indexes
    return out


def read(name: str, text: str) -> Dependencies:
    """The requirements and indexes of a dependency file named ``name``."""
    if name == "pyproject.toml":
        return _pyproject(text)
    if name == "Pipfile":
        return _pipfile(text)
    if name == "setup.cfg":
        return _setup_cfg(text)
    if name == "setup.py":
        return _quoted(text)
    if name.endswith((".yml", ".yaml")):
        return _conda(text)
    return pip_lines(list(enumerate(text.splitlines(), 1)))


def _line_of(text: str, needle: str) -> int | None:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _toml(text: str) -> dict[str, Any] | None:
    if tomllib is None:
        return None
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        raise NotDependencies("TOML files that do not parse") from None


def _from_strings(text: str, strings: list[str]) -> Dependencies:
    deps = Dependencies([], [])
    for s in strings:
        req = requirement(s, _line_of(text, s))
        if req is not None:
            deps.requirements.append(req)
    return deps


def _pyproject(text: str) -> Dependencies:
    data = _toml(text)
    if data is None:
        return _quoted(text)
    strings: list[str] = []
    project = _dict(data.get("project"))
    strings += _strs(project.get("dependencies"))
    for group in _dict(project.get("optional-dependencies")).values():
        strings += _strs(group)
    for group in _dict(data.get("dependency-groups")).values():
        strings += _strs(group)
    strings += _strs(_dict(data.get("build-system")).get("requires"))
    tool = _dict(data.get("tool"))
    poetry = _dict(tool.get("poetry"))
    tables = [_dict(poetry.get("dependencies")), _dict(poetry.get("dev-dependencies"))]
    tables += [_dict(_dict(g).get("dependencies")) for g in _dict(poetry.get("group")).values()]
    for table in tables:
        for name, spec in table.items():
            strings.append(f"{name}{_poetry_version(spec)}")
    deps = _from_strings(text, strings)
    urls = [_dict(s).get("url") for s in _list(poetry.get("source"))]
    uv = _dict(tool.get("uv"))
    urls += [_dict(s).get("url") for s in _list(uv.get("index"))]
    urls += [uv.get("index-url"), *_strs(uv.get("extra-index-url"))]
    urls += [_dict(s).get("url") for s in _list(_dict(tool.get("pdm")).get("source"))]
    deps.indexes += [Index(u, _line_of(text, u), u) for u in urls if isinstance(u, str) and u]
    return deps


def _poetry_version(spec: object) -> str:
    if isinstance(spec, str):
        return spec if spec[:1] in "<>=!~^" else f"=={spec}" if spec != "*" else ""
    if isinstance(spec, dict):
        extras = _strs(spec.get("extras"))
        version = spec.get("version")
        return (f"[{','.join(extras)}]" if extras else "") + (
            _poetry_version(version) if isinstance(version, str) else "")
    return ""


def _pipfile(text: str) -> Dependencies:
    data = _toml(text)
    if data is None:
        return _quoted(text)
    strings = []
    for section in ("packages", "dev-packages"):
        for name, spec in _dict(data.get(section)).items():
            strings.append(f"{name}{_poetry_version(spec)}")
    deps = _from_strings(text, strings)
    for source in _list(data.get("source")):
        url = _dict(source).get("url")
        if isinstance(url, str):
            deps.indexes.append(Index(url, _line_of(text, url), url))
    return deps


def _setup_cfg(text: str) -> Dependencies:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        raise NotDependencies("setup.cfg files that do not parse") from None
    strings: list[str] = []
    if parser.has_option("options", "install_requires"):
        strings += parser.get("options", "install_requires").splitlines()
    if parser.has_section("options.extras_require"):
        for _, value in parser.items("options.extras_require"):
            strings += value.splitlines()
    return _from_strings(text, [s.strip() for s in strings if s.strip()])


_QUOTED = re.compile(
    r"""["']([A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]"']*\])?\s*(?:[<>=!~@][^"'\n]*)?)["']""")


def _quoted(text: str) -> Dependencies:
    """setup.py (and TOML without tomllib): every quoted string shaped like a requirement. The
    tables only react to names they know, so a stray string costs nothing."""
    deps = Dependencies([], [])
    for m in _QUOTED.finditer(text):
        req = requirement(m[1], text.count("\n", 0, m.start()) + 1)
        if req is not None:
            deps.requirements.append(req)
    for m in re.finditer(r"""["'](https?://[^"'\s]+)["']""", text):
        deps.indexes.append(Index(m[1], text.count("\n", 0, m.start()) + 1, m[1]))
    return deps


def _conda(text: str) -> Dependencies:
    try:
        data, locator = parse_yaml(text, None, _Bad)
    except _Bad:
        raise NotDependencies("environment files that do not parse") from None
    deps = Dependencies([], [])
    data = _dict(data)
    for i, channel in enumerate(_list(data.get("channels"))):
        if isinstance(channel, str):
            deps.indexes.append(Index(channel, locator.line(("channels", i)), channel))
    for i, item in enumerate(_list(data.get("dependencies"))):
        if isinstance(item, str):
            channel, _, spec = item.rpartition("::")
            if channel:
                deps.indexes.append(Index(channel, locator.line(("dependencies", i)), item))
            spec = spec.strip()
            name = re.split(r"[=<>!~ ]", spec, maxsplit=1)[0]
            version = spec[len(name):]
            if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
                deps.requirements.append(
                    Requirement(name, (), version.strip(), locator.line(("dependencies", i)), item)
                )
        elif isinstance(item, dict) and isinstance(item.get("pip"), list):
            pip = [(locator.line(("dependencies", i, "pip", j)), s)
                   for j, s in enumerate(item["pip"]) if isinstance(s, str)]
            found = pip_lines(pip)
            deps.requirements += found.requirements
            deps.indexes += found.indexes
    return deps


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _strs(value: object) -> list[str]:
    return [v for v in _list(value) if isinstance(v, str)]
