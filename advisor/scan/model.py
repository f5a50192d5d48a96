"""What a project scan found and what it proposes: the records every consumer reads.

``advisor scan`` renders a ``ProjectScan``; ``--project`` turns its proposals into default
answers; the scoring reads its ``switching_cost``. The fields are a contract shared by those
three, so add fields rather than rename them. Every string in here is ``printable`` (a scanned
tree is untrusted: a file name may hold an escape sequence) and every path is relative to the
scanned root, with ``/`` separators.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

SCAN_VERSION = 1

BoundTo = Literal["tensorflow", "pytorch", "keras", "jax"]
"""What a finding ties the code to. ``keras`` is Keras 3 code that names no backend API
(``import keras``, ``keras.ops``): it runs on TensorFlow, JAX or PyTorch alike."""

ProposalKind = Literal["default", "hint"]


class _Record(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Scan records: built by the scan, read by the report, the app and the scoring."""


class Evidence(_Record, frozen=True, kw_only=True):
    """One place in the tree that shows a finding."""

    path: Annotated[str, msgspec.Meta(description="relative to the scanned root, / separators")]
    line: int | None = None
    text: Annotated[
        str, msgspec.Meta(description="the matching line or detail, shortened")
    ] = ""
    cell: Annotated[
        int | None,
        msgspec.Meta(description="a notebook's cell (1-based, all cells counted); line is then "
                                 "the line within the cell"),
    ] = None


class Finding(_Record, frozen=True, kw_only=True):
    """One kind of thing found, counted over the tree (an entry of the detection tables)."""

    id: Annotated[str, msgspec.Meta(description="the detection table entry, e.g. import-torch")]
    category: Literal[
        "import", "call", "dependency", "accelerator", "model_file", "deployment", "history"
    ]
    label: Annotated[str, msgspec.Meta(description="what was found, in words")]
    bound_to: BoundTo | None = None
    files: int
    occurrences: int
    evidence: Annotated[
        list[Evidence], msgspec.Meta(description="a few examples, not every occurrence")
    ]


class Proposal(_Record, frozen=True, kw_only=True):
    """An answer the scan proposes, with how sure it is and why."""

    question: str
    value: str | list[str]
    kind: Annotated[
        ProposalKind,
        msgspec.Meta(description="default: used as the answer unless the user gives one; "
                                 "hint: shown beside the question, never applied"),
    ] = "default"
    confidence: Annotated[float, msgspec.Meta(ge=0, le=1)]
    because: Annotated[str, msgspec.Meta(description="one or two sentences a reviewer can check")]
    findings: Annotated[list[str], msgspec.Meta(description="ids of the findings behind it")]
    evidence: list[Evidence]


class BoundCode(_Record, frozen=True, kw_only=True):
    """What a change away from one framework would have to touch."""

    files: int = 0
    lines: Annotated[int, msgspec.Meta(description="lines that call the framework")] = 0
    model_files: Annotated[
        dict[str, int], msgspec.Meta(description="model files by format, e.g. savedmodel: 3")
    ] = msgspec.field(default_factory=dict)
    deployment: Annotated[
        list[str], msgspec.Meta(description="deployment pieces bound to it, in words")
    ] = msgspec.field(default_factory=list)


class SwitchingCost(_Record, frozen=True, kw_only=True):
    tensorflow: BoundCode = msgspec.field(default_factory=BoundCode)
    pytorch: BoundCode = msgspec.field(default_factory=BoundCode)
    keras: Annotated[
        BoundCode, msgspec.Meta(description="Keras 3 code, which moves with a backend switch")
    ] = msgspec.field(default_factory=BoundCode)
    jax: Annotated[
        BoundCode, msgspec.Meta(description="JAX code (Flax, Optax, ...): neither framework's")
    ] = msgspec.field(default_factory=BoundCode)


class Tally(_Record, frozen=True, kw_only=True):
    """Files counted under one reason (skipped, or read but not understood)."""

    reason: str
    count: int
    examples: list[str] = msgspec.field(default_factory=list)


class Limits(_Record, frozen=True, kw_only=True):
    max_files: int
    max_file_bytes: int
    max_seconds: float


class ProjectScan(_Record, frozen=True, kw_only=True):
    version: int = SCAN_VERSION
    root: Annotated[str, msgspec.Meta(description="the folder scanned, as given")]
    complete: Annotated[
        bool, msgspec.Meta(description="false when a limit stopped the walk early")
    ]
    limits: Limits
    files_seen: int
    files_read: int
    bytes_read: int
    seconds: float
    findings: list[Finding]
    proposals: list[Proposal]
    switching_cost: SwitchingCost
    skipped: Annotated[
        list[Tally], msgspec.Meta(description="what was not read, and why")
    ] = msgspec.field(default_factory=list)
    problems: Annotated[
        list[Tally], msgspec.Meta(description="what was read but not understood, and why")
    ] = msgspec.field(default_factory=list)

    def proposal(self, question: str) -> Proposal | None:
        return next((p for p in self.proposals if p.question == question), None)
