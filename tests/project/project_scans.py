"""ProjectScan records made to order, and hypothesis strategies for them: what the scan could
report about a project, without scanning one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hypothesis import strategies as st

from advisor.inputs.questions import Questionnaire
from advisor.scan.model import (
    BoundCode,
    Evidence,
    Finding,
    Limits,
    ProjectScan,
    Proposal,
    SwitchingCost,
    Tally,
)

LIMITS = Limits(max_files=20_000, max_file_bytes=5_000_000, max_seconds=30.0)


def evidence(path: str = "train.py", line: int | None = 1, text: str = "") -> Evidence:
    return Evidence(path=path, line=line, text=text)


def proposal(
    question: str,
    value: str | list[str],
    *,
    kind: str = "default",
    confidence: float = 0.9,
    because: str = "",
    examples: Iterable[Evidence] = (),
) -> Proposal:
    return Proposal(
        question=question, value=value, kind=kind,  # type: ignore[arg-type]
        confidence=confidence, because=because or f"the scan found {question}: {value}",
        findings=[f"finding-{question}"], evidence=list(examples) or [evidence()],
    )  # fmt: skip


def bound(
    files: int = 0,
    lines: int = 0,
    model_files: Mapping[str, int] | None = None,
    deployment: Iterable[str] = (),
) -> BoundCode:
    return BoundCode(files=files, lines=lines, model_files=dict(model_files or {}),
                     deployment=list(deployment))


def scan(
    *proposals: Proposal,
    tensorflow: BoundCode | None = None,
    pytorch: BoundCode | None = None,
    keras: BoundCode | None = None,
    root: str = "repo",
    complete: bool = True,
    skipped: Iterable[Tally] = (),
    findings: Iterable[Finding] = (),
) -> ProjectScan:
    return ProjectScan(
        root=root, complete=complete, limits=LIMITS, files_seen=120, files_read=100,
        bytes_read=400_000, seconds=0.2, findings=list(findings), proposals=list(proposals),
        switching_cost=SwitchingCost(tensorflow=tensorflow or BoundCode(),
                                     pytorch=pytorch or BoundCode(), keras=keras or BoundCode()),
        skipped=list(skipped),
    )  # fmt: skip


# --- hypothesis ------------------------------------------------------------------------------

@st.composite
def bound_codes(draw: st.DrawFn, *, max_files: int = 2_000) -> BoundCode:
    files = draw(st.integers(0, max_files))
    return BoundCode(
        files=files,
        lines=draw(st.integers(0, 40 * max_files)),
        model_files=draw(st.dictionaries(st.sampled_from(["savedmodel", "h5", "keras", "pt",
                                                          "safetensors", "onnx", "tflite"]),
                                         st.integers(0, 50), max_size=3)),
        deployment=draw(st.lists(st.sampled_from(["a TF Serving Dockerfile", "a Triton config",
                                                  "a TorchServe archive", "an Android app"]),
                                 max_size=3)),
    )


@st.composite
def proposals(draw: st.DrawFn, questionnaire: Questionnaire) -> list[Proposal]:
    """Any proposals: for real questions with allowed values (as a scan makes them), now and
    then for a question or a value this questionnaire does not have, either kind."""
    out = []
    for q in draw(st.lists(st.sampled_from(questionnaire.questions), max_size=8)):
        if q.type == "many":
            value: str | list[str] = draw(st.lists(st.sampled_from(
                [v for v in q.values if v != "none"]), unique=True, min_size=1, max_size=3))
        else:
            value = draw(st.sampled_from(q.values))
        out.append(proposal(q.id, value, kind=draw(st.sampled_from(["default", "hint"])),
                            confidence=draw(st.floats(0, 1))))
    if draw(st.booleans()):
        out.append(proposal(draw(st.sampled_from(["graph_size", "domain"])), "graph"))
    return out


class FakeEngine:
    """Stands in for ``advisor.scan.scan_project`` (scan-core's engine): answers every folder
    with ``result``, its root the folder as given, and remembers what it was asked."""

    def __init__(self, result: ProjectScan | None = None) -> None:
        self.result = result or scan()
        self.calls: list[str] = []

    def __call__(self, folder: object, *, cancel: object = None) -> ProjectScan:
        import msgspec

        self.calls.append(str(folder))
        return msgspec.structs.replace(self.result, root=str(folder))


def use_engine(monkeypatch: object, result: ProjectScan | None = None) -> FakeEngine:
    """Make ``FakeEngine(result)`` the engine that ``advisor.scan.project.scan_folder`` calls."""
    import advisor.scan

    engine = FakeEngine(result)
    monkeypatch.setattr(advisor.scan, "scan_project", engine, raising=False)  # type: ignore[attr-defined]
    return engine
