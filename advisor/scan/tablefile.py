"""The detection tables' file format (``rules/scan/*.yaml``), declared once: validation and the
JSON Schema (``schemas/scan-table.schema.json``) both come from here.

A table lists what the scan looks for. Each entry has a ``kind`` saying where it looks (Python
imports, names used in code, dependency files, container images, app manifests, build files,
model files) and what a match means: the framework it ties code to (``bound_to``) and the
answers it supports (``proposes``). An organisation adds its own tables with ``advisor scan
--tables``; an entry with the id of a bundled one replaces it.

Patterns are plain text, never regular expressions (a table is data, and a pattern must not be
able to make the scan slow): ``*`` and ``?`` are shell wildcards where a field says so, and a
module or name matches itself and everything under it (``torch`` matches ``torch.nn``).
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from advisor.knowledge.formats import RuleId, Source
from advisor.scan.model import BoundTo

Pattern = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"^\S+( \S+)*$")]
Patterns = Annotated[list[Pattern], msgspec.Meta(min_length=1)]
Label = Annotated[str, msgspec.Meta(min_length=3, max_length=120)]
Proposes = Annotated[
    dict[str, str | Annotated[list[str], msgspec.Meta(min_length=1)]],
    msgspec.Meta(
        description="question -> value this finding supports. A list is an order of "
        "preference: the first value the questionnaire in use offers (so a table can name a "
        "value a newer questionnaire adds, and a fallback for older ones).",
        examples=[{"deployment": "server"}, {"domain": ["graph", "other"]}],
    ),
]
PROPOSABLE = ("domain", "deployment", "pretrained", "hardware", "scale_out")
"""The questions a table entry may support. ``existing_code`` comes from how much code each
framework binds, ``team_experience`` from the history; no entry proposes those directly."""


class _Entry(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True,
             tag_field="kind"):  # fmt: skip
    id: RuleId
    label: Annotated[Label, msgspec.Meta(description="what was found, in words")]
    bound_to: Annotated[
        BoundTo | None,
        msgspec.Meta(description="the framework a match ties the project to; keras is Keras 3 "
                     "code that names no backend"),
    ] = None
    proposes: Proposes = msgspec.field(default_factory=dict)
    weight: Annotated[
        float,
        msgspec.Meta(gt=0, le=1, description="how strongly one file with this finding supports "
                     "its proposals (1 decisive on its own, 0.2 a faint sign)"),
    ] = 1.0
    rebinds: Annotated[
        dict[BoundTo, BoundTo],
        msgspec.Meta(description="when found, code bound to a key counts as bound to its value "
                     "(a keras<3 pin makes `import keras` Keras 2, i.e. TensorFlow)"),
    ] = msgspec.field(default_factory=dict)
    sources: Annotated[
        list[Source],
        msgspec.Meta(description="where the fact an entry states can be checked (that an image "
                     "is TF Serving's, that an artifact is LiteRT's)"),
    ] = msgspec.field(default_factory=list)


class ModuleEntry(_Entry, frozen=True, kw_only=True, tag="module"):
    """Python imports (``import x``, ``from x import y``) in .py files and notebooks."""

    modules: Annotated[Patterns, msgspec.Meta(description="dotted module names; each matches "
                                              "itself and its submodules")]


class CodeEntry(_Entry, frozen=True, kw_only=True, tag="code"):
    """Names used in Python code, resolved through its imports (``tf.distribute.MirroredStrategy``
    is ``tensorflow.distribute.MirroredStrategy`` after ``import tensorflow as tf``)."""

    names: Annotated[
        list[Pattern], msgspec.Meta(description="dotted names, each matching itself and what is "
                                    "under it; a trailing * matches any continuation")
    ] = msgspec.field(default_factory=list)
    attributes: Annotated[
        list[Pattern], msgspec.Meta(description="an attribute used on anything: from_pretrained")
    ] = msgspec.field(default_factory=list)
    strings: Annotated[
        list[Pattern], msgspec.Meta(description="a string literal, exactly (a trailing * matches "
                                    "any continuation): 'KERAS_BACKEND', 'cuda'")
    ] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        if not (self.names or self.attributes or self.strings):
            raise ValueError("a code entry needs names, attributes or strings")


class PackageEntry(_Entry, frozen=True, kw_only=True, tag="package"):
    """Requirements in dependency files (requirements*.txt, pyproject.toml, setup.cfg, setup.py,
    environment.yml, Pipfile) and in ``pip install`` lines of notebooks and Dockerfiles."""

    packages: Annotated[
        Patterns, msgspec.Meta(description="distribution names, normalised (lower case, - for "
                               "_ and .); name[extra] requires that extra")
    ]
    versions: Annotated[
        list[Pattern], msgspec.Meta(description="if given, the version text must contain one of "
                                    "these: +cu12, <3")
    ] = msgspec.field(default_factory=list)


class IndexEntry(_Entry, frozen=True, kw_only=True, tag="index"):
    """Package indexes and channels: --index-url, --extra-index-url, --find-links, a direct
    URL, a conda channel, a [[tool.uv.index]]."""

    urls: Annotated[Patterns, msgspec.Meta(description="text the URL or channel contains")]


class ImageEntry(_Entry, frozen=True, kw_only=True, tag="image"):
    """Container images in FROM lines of Dockerfiles and Containerfiles."""

    images: Annotated[
        Patterns, msgspec.Meta(description="shell-style patterns on the image reference without "
                               "docker.io/ and library/: tensorflow/serving*")
    ]


class ArtifactEntry(_Entry, frozen=True, kw_only=True, tag="artifact"):
    """Dependencies of apps: npm (package.json), Gradle (build.gradle[.kts], version catalogs),
    CocoaPods (Podfile)."""

    ecosystem: Literal["npm", "gradle", "cocoapods"]
    names: Annotated[
        Patterns, msgspec.Meta(description="shell-style patterns: @tensorflow/tfjs*, "
                               "org.tensorflow:tensorflow-lite* (Gradle group:artifact)")
    ]


class ConfigEntry(_Entry, frozen=True, kw_only=True, tag="config"):
    """Serving configurations: Triton model configs (config.pbtxt: platform:X, backend:X) and
    KServe InferenceService manifests (modelFormat:X, runtime:X)."""

    reader: Literal["triton", "kserve"]
    values: Annotated[Patterns, msgspec.Meta(description="shell-style patterns: platform:tensor*")]


class TextEntry(_Entry, frozen=True, kw_only=True, tag="text"):
    """Literal text in build files and scripts (CMake, Makefiles, platformio.ini, shell scripts,
    Dockerfiles, config.properties, ...)."""

    files: Annotated[Patterns, msgspec.Meta(description="shell-style patterns on the file name")]
    tokens: Annotated[Patterns, msgspec.Meta(description="text the file contains")]
    ignore_case: bool = False


ModelReader = Literal[
    "pytorch", "safetensors", "hdf5", "keras", "savedmodel", "tflite", "onnx", "pte",
    "coreml", "tfjs", "gguf", "mar", "folder",
]


class ModelEntry(_Entry, frozen=True, kw_only=True, tag="model_file"):
    """Model files, told by their name and checked by their first bytes (never loaded)."""

    format: Annotated[
        str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$", description="the key model files are "
                          "counted under: savedmodel, pytorch, tflite")
    ]
    reader: Annotated[
        ModelReader, msgspec.Meta(description="which header check confirms the file (folder: "
                                  "a folder matched by its name, e.g. *.mlpackage)")
    ]
    extensions: Annotated[
        list[Annotated[str, msgspec.Meta(pattern=r"^\.[a-z0-9_.\-]+$")]],
        msgspec.Meta(description="lower-case name endings: .pt, .weights.h5"),
    ] = msgspec.field(default_factory=list)
    names: Annotated[
        list[Pattern], msgspec.Meta(description="shell-style patterns on the whole name, checked "
                                    "before extensions: saved_model.pb, pytorch_model*.bin")
    ] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        if not (self.extensions or self.names):
            raise ValueError("a model_file entry needs extensions or names")


Entry = (
    ModuleEntry | CodeEntry | PackageEntry | IndexEntry | ImageEntry | ArtifactEntry
    | ConfigEntry | TextEntry | ModelEntry
)
ENTRY_KINDS: dict[str, type] = {
    "module": ModuleEntry, "code": CodeEntry, "package": PackageEntry, "index": IndexEntry,
    "image": ImageEntry, "artifact": ArtifactEntry, "config": ConfigEntry, "text": TextEntry,
    "model_file": ModelEntry,
}  # fmt: skip


class ScanTable(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """One file of detection tables: rules/scan/*.yaml, or an organisation's --tables file."""

    version: Literal[1] = 1
    table: RuleId
    title: str = ""
    description: str = ""
    entries: Annotated[list[Entry], msgspec.Meta(min_length=1)]
