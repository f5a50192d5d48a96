"""The Recommendation (contract 4): what the scoring concludes, in a form every renderer reads."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import msgspec

from advisor.frameworks import Framework, Winner

RECOMMENDATION_VERSION = 1
TrainingRatio = Literal["train", "train_tuned"]


class _Out(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Output records: built by the scoring, read by the renderers."""


class SourceRef(_Out, frozen=True, kw_only=True):
    url: str | None = None
    title: str | None = None
    checked: date

    @property
    def label(self) -> str:
        return self.url or self.title or ""


class PerFramework(_Out, frozen=True, kw_only=True):
    tensorflow: float
    pytorch: float


class CriterionScore(_Out, frozen=True, kw_only=True):
    title: str
    base_weight: float
    weight: Annotated[
        float,
        msgspec.Meta(description="base weight × matching answer factors (× the measured cap)"),
    ]
    measured: bool
    points: PerFramework
    weighted: PerFramework
    rules: Annotated[
        list[str], msgspec.Meta(description="ids of the rules and measurements that contributed")
    ]


class Reason(_Out, frozen=True, kw_only=True):
    id: str
    kind: Literal["rule", "measurement"]
    criterion: str
    favors: Framework
    points: float
    weight: float
    weighted_points: float
    because: str
    sources: list[SourceRef]
    pack: str


class NoteOut(_Out, frozen=True, kw_only=True):
    id: str
    text: str
    criterion: str | None = None
    sources: list[SourceRef]
    pack: str


class MythOut(_Out, frozen=True, kw_only=True):
    id: str
    claim: str
    truth: str
    sources: list[SourceRef]
    pack: str


class ConstraintOut(_Out, frozen=True, kw_only=True):
    id: str
    requires: Framework
    because: str
    sources: list[SourceRef]
    pack: str
    points_winner: Annotated[
        Winner, msgspec.Meta(description="what the points alone would have recommended")
    ]


class Flip(_Out, frozen=True, kw_only=True):
    question: str
    change: Annotated[
        str, msgspec.Meta(description="the single answer change, e.g. 'deployment: remove mobile'")
    ]
    answer: Annotated[str | list[str], msgspec.Meta(description="the changed answer")]
    recommendation: Annotated[
        Winner, msgspec.Meta(description="the recommendation after the change")
    ]
    text: str


Steadiness = Literal["steady", "mostly steady", "fragile"]


class Robustness(_Out, frozen=True, kw_only=True):
    share: Annotated[
        float,
        msgspec.Meta(
            ge=0, le=1,
            description="how often the verdict (the winner, or 'either') stays the same when "
            "every criterion weight is scaled by its own random factor in [1-p, 1+p]: 1 means no "
            "such reweighting changes it, 0.5 that half of them do",
        ),
    ]
    draws: int
    perturbation: Annotated[
        float, msgspec.Meta(description="each criterion weight is scaled by U(1-p, 1+p)")
    ]
    seed: int
    level: Annotated[
        Steadiness,
        msgspec.Meta(description="the share in a word: steady from 0.95, mostly steady from "
                                 "0.80, fragile below (a fragile result is close)"),
    ] = "steady"


class MeasuredCriterion(_Out, frozen=True, kw_only=True):
    criterion: str
    favors: Framework | None
    points: float
    detail: str


class MeasuredFramework(_Out, frozen=True, kw_only=True):
    """One framework's figures as the probe reported them (the default code path)."""

    status: Literal["ok", "not_installed", "failed", "timeout"]
    message: str = ""
    version: str | None = None
    device: str | None = None
    path: Annotated[
        str | None, msgspec.Meta(description="the timed code path, e.g. keras-fit")
    ] = None
    train_samples_per_s: Annotated[
        float | None, msgspec.Meta(description="median training throughput over the windows")
    ] = None
    train_ci95: tuple[float, float] | None = None
    infer_p50_ms: float | None = None
    infer_p95_ms: float | None = None
    import_s: float | None = None
    peak_rss_mb: float | None = None
    accuracy: float | None = None
    quality_metric: Annotated[
        Literal["accuracy", "error ratio"] | None,
        msgspec.Meta(description="the workload's held-out check: accuracy (higher is better) "
                                 "or forecast error over a seasonal-naive forecast's (lower)"),
    ] = None
    quality: float | None = None


class FasterSetting(_Out, frozen=True, kw_only=True):
    """A setting that made a framework faster on the probed machine beyond doubt."""

    framework: Framework
    setting: Annotated[str, msgspec.Meta(description="the exact line to add to the environment")]
    applies: Literal["training", "inference"]
    path: str | None = None
    speedup: float
    ci95: tuple[float, float]


class MeasurementUse(_Out, frozen=True, kw_only=True):
    used: bool
    created: str
    machine: Annotated[
        str | None, msgspec.Meta(description="the CPU the file says it was measured on")
    ] = None
    this_machine: Annotated[
        bool,
        msgspec.Meta(description="the file names this machine (its CPU model and core count); "
                     "false: it was measured somewhere else, and weighs machine_scale"),
    ] = True
    here: Annotated[
        str | None,
        msgspec.Meta(description="this machine, when the file names another"),
    ] = None
    machine_scale: Annotated[
        float, msgspec.Meta(description="1 when the file was measured on this machine")
    ] = 1.0
    cap_share: Annotated[
        float, msgspec.Meta(description="measured criteria never exceed this share of the weight")
    ]
    cap_scale: Annotated[
        float, msgspec.Meta(description="factor applied to measured weights to honour the cap")
    ]
    device_scale: Annotated[
        float, msgspec.Meta(description="1 when the probe ran on the hardware you train on")
    ]
    stability_scale: Annotated[
        float, msgspec.Meta(description="below 1 when the probe flagged instability")
    ]
    flags: Annotated[
        list[str],
        msgspec.Meta(
            description="why the stability scale applies: each instability flag the probe "
            "raised, after the framework it concerns (the flag names the code path)"
        ),
    ] = msgspec.field(default_factory=list)
    criteria: list[MeasuredCriterion]
    missing: Annotated[
        list[str], msgspec.Meta(description="measurements that could not be used, and why")
    ]
    frameworks: Annotated[
        dict[str, MeasuredFramework],
        msgspec.Meta(description="each measured framework's figures, as the probe gave them"),
    ] = msgspec.field(default_factory=dict)
    workload: Annotated[
        str, msgspec.Meta(description="the probe workload whose figures these are")
    ] = "cnn"
    matching_workload: Annotated[
        str, msgspec.Meta(description="the workload that matches the answers' domain")
    ] = "cnn"
    workload_scale: Annotated[
        float,
        msgspec.Meta(description="1 when the figures are the matching workload's; less when "
                                 "they come from another workload"),
    ] = 1.0
    training_ratio: Annotated[
        TrainingRatio,
        msgspec.Meta(description="train_tuned when both frameworks were measured tuned"),
    ] = "train"
    faster: Annotated[
        list[FasterSetting],
        msgspec.Meta(description="settings whose speedup interval lies above 1.10 here"),
    ] = msgspec.field(default_factory=list)
    keras_backends: Annotated[
        dict[str, MeasuredFramework],
        msgspec.Meta(description="the workload's Keras model on other backends (torch, jax), "
                                 "as the probe gave their figures (version is Keras's)"),
    ] = msgspec.field(default_factory=dict)


class BridgeRatio(_Out, frozen=True, kw_only=True):
    """A measured ratio of training throughputs from paired windows: > 1 is faster."""

    estimate: float
    ci95: tuple[float, float] | None = None
    pairs: int | None = None


class BridgeSetting(_Out, frozen=True, kw_only=True):
    """A jit_compile setting a user of the backend would try, against its default."""

    setting: Annotated[str, msgspec.Meta(description="what to pass to model.compile()")]
    path: str | None = None
    status: Literal["ok", "not_installed", "failed", "timeout"]
    message: str = ""
    speedup: Annotated[
        BridgeRatio | None, msgspec.Meta(description="÷ the backend's default setting")
    ] = None
    against: Annotated[
        dict[Framework, BridgeRatio],
        msgspec.Meta(description="÷ each native framework's primary path (pytorch, tensorflow)"),
    ] = msgspec.field(default_factory=dict)
    compile_s: float | None = None


class BridgeBackend(_Out, frozen=True, kw_only=True):
    """Keras 3 on one backend, as measured here."""

    backend: Literal["tensorflow", "torch", "jax"]
    status: Literal["ok", "not_installed", "failed", "timeout"]
    message: str = ""
    backend_version: str | None = None
    jit_compile: bool | None = None
    train_samples_per_s: float | None = None
    train_ci95: tuple[float, float] | None = None
    equivalent: Annotated[
        bool | None,
        msgspec.Meta(description="the same function as the native models (outputs within "
                                 "1e-4); ratios are given only when true"),
    ] = None
    against: Annotated[
        dict[Framework, BridgeRatio],
        msgspec.Meta(description="training throughput ÷ each native framework's primary path "
                                 "(pytorch: eager loop; tensorflow: Keras fit on TensorFlow)"),
    ] = msgspec.field(default_factory=dict)
    settings: list[BridgeSetting] = msgspec.field(default_factory=list)


class KerasBridge(_Out, frozen=True, kw_only=True):
    """"Keras 3 as a bridge": shown where the answers make Keras relevant. Not a third
    winner: what keeping the Keras code and switching its backend costs here, and where each
    backend can export to."""

    because: Annotated[
        str, msgspec.Meta(description="why a Keras bridge concerns this team, as a sentence")
    ]
    workload: Annotated[
        str | None, msgspec.Meta(description="the probe workload the figures are of")
    ] = None
    backends: list[BridgeBackend] = msgspec.field(default_factory=list)
    lines: Annotated[
        list[str], msgspec.Meta(description="the section's sentences, in reading order")
    ]
    notes: Annotated[
        list[NoteOut],
        msgspec.Meta(description="the rule notes the section cites (keras-export-paths, "
                                 "kerashub-hf-checkpoints), when the rules have them"),
    ] = msgspec.field(default_factory=list)


class PackRef(_Out, frozen=True, kw_only=True):
    pack: str
    path: str
    rules: int
    bundled: bool


class OverrideRef(_Out, frozen=True, kw_only=True):
    rule_id: str
    replaced_pack: str
    by_pack: str
    by_path: str


class Provenance(_Out, frozen=True, kw_only=True):
    advisor_version: str
    rules_digest: str
    advice_as_of: date | None
    packs: list[PackRef]
    overrides: list[OverrideRef]


class EvidenceRef(_Out, frozen=True, kw_only=True):
    path: Annotated[str, msgspec.Meta(description="relative to the scanned folder")]
    line: int | None = None
    cell: Annotated[
        int | None, msgspec.Meta(description="a notebook's cell (1-based); line is then the "
                                             "line within the cell")
    ] = None


ProposalStatus = Literal["used", "confirmed", "overridden", "hint", "unusable"]


class ProposalUse(_Out, frozen=True, kw_only=True):
    """One answer the scan proposed, and what became of it."""

    question: str
    proposed: Annotated[str | list[str], msgspec.Meta(description="the scan's value")]
    status: Annotated[
        ProposalStatus,
        msgspec.Meta(description="used: the answer came from the scan; confirmed: the user "
                                 "gave the same answer; overridden: the user's answer differs "
                                 "and was used; hint: shown, never applied; unusable: not a "
                                 "value of this questionnaire"),
    ]
    answer: Annotated[
        str | list[str], msgspec.Meta(description="the answer the recommendation used")
    ]
    confidence: Annotated[float, msgspec.Meta(ge=0, le=1)]
    because: str
    evidence: Annotated[
        list[EvidenceRef], msgspec.Meta(description="a few example places, not all of them")
    ]


class SwitchingCostUse(_Out, frozen=True, kw_only=True):
    """The code bound to one framework, and how it scaled the existing-code points."""

    framework: Literal["tensorflow", "pytorch", "keras", "jax"]
    files: int
    lines: Annotated[int, msgspec.Meta(description="lines that call the framework")]
    model_files: dict[str, int]
    deployment: list[str]
    factor: Annotated[
        float | None,
        msgspec.Meta(description="the scale of this framework's existing-code points (1 for "
                                 "a typical small project, 0.5 to 1.6); null for Keras 3 code, "
                                 "which moves with a backend switch, and JAX code: both score "
                                 "for neither"),
    ]
    applied: Annotated[
        bool, msgspec.Meta(description="an existing-code rule for it fired and was scaled")
    ]
    text: Annotated[str, msgspec.Meta(description="what was found, in words")]


class ProjectUse(_Out, frozen=True, kw_only=True):
    """What a project scan contributed: answers it proposed, and the switching cost."""

    root: Annotated[str, msgspec.Meta(description="the folder scanned, as given")]
    complete: Annotated[
        bool, msgspec.Meta(description="false when a limit stopped the scan early")
    ]
    files_read: int
    skipped: Annotated[int, msgspec.Meta(description="files not read (too large, unreadable…)")]
    proposals: list[ProposalUse]
    switching_cost: list[SwitchingCostUse]

    def with_status(self, *statuses: ProposalStatus) -> list[ProposalUse]:
        return [p for p in self.proposals if p.status in statuses]


class VersionNotice(_Out, frozen=True, kw_only=True):
    """A package here is newer than the version some rule packs were checked against."""

    package: Annotated[str, msgspec.Meta(description="the distribution name, e.g. tensorflow")]
    version: Annotated[str, msgspec.Meta(description="the newer version seen")]
    seen_in: Annotated[
        Literal["environment", "measurements"],
        msgspec.Meta(description="installed in the advisor's Python environment, or recorded "
                                 "by the probe in the measurements file"),
    ]
    checked_against: Annotated[
        dict[str, str],
        msgspec.Meta(description="each rule pack that recorded an older version, and that "
                                 "version"),
    ]
    rules: Annotated[
        list[str],
        msgspec.Meta(description="rules shown in this report whose facts are about the package "
                                 "and may have changed"),
    ]


class Recommendation(_Out, frozen=True, kw_only=True):
    version: int = RECOMMENDATION_VERSION
    recommendation: Winner
    confidence: Annotated[
        float,
        msgspec.Meta(
            ge=0, le=1,
            description="how clearly the points separate the frameworks: lead_share, discounted "
            "while the margin is small (× (1 − e^(−margin/3)), so one strong rule at unit weight "
            "counts 0.63 and a margin of 9 points 0.95); under 0.10 the recommendation is "
            "'either'; 1 when a policy constraint decides",
        ),
    ]
    lead_share: Annotated[
        float,
        msgspec.Meta(
            ge=0, le=1,
            description="the margin as a share of the weighted points in play: margin ÷ "
            "(TensorFlow's score + PyTorch's)",
        ),
    ] = 0.0
    meaning: Annotated[
        str,
        msgspec.Meta(description="the sentence every report shows beside the headline: what "
                                 "the confidence and the robustness say about this result"),
    ] = ""
    close: Annotated[
        bool,
        msgspec.Meta(
            description="the result is close: confidence under the 'either' threshold (0.10) "
            "or robustness under 0.80; notes marked only_if_close are shown only then"
        ),
    ] = False
    decided_by: Literal["points", "constraint"]
    scores: PerFramework
    margin: Annotated[
        float, msgspec.Meta(description="weighted score of the leader minus the other's")
    ]
    criteria: dict[str, CriterionScore]
    reasons: list[Reason]
    explanation: Annotated[
        list[str], msgspec.Meta(description="plain sentences on what decided the result")
    ]
    constraint: ConstraintOut | None
    notes: list[NoteOut]
    myths: list[MythOut]
    flips: list[Flip]
    robustness: Robustness
    answers: dict[str, str | list[str]]
    defaulted: list[str]
    measurements: MeasurementUse | None
    provenance: Provenance
    project: Annotated[
        ProjectUse | None,
        msgspec.Meta(description="what a scan of the project contributed (--project); null "
                                 "without one"),
    ] = None
    versions: Annotated[
        list[VersionNotice],
        msgspec.Meta(description="packages newer here than the versions the rule packs were "
                                 "checked against (empty when none is)"),
    ] = msgspec.field(default_factory=list)
    keras_bridge: Annotated[
        KerasBridge | None,
        msgspec.Meta(description="'Keras 3 as a bridge', where the answers make Keras "
                                 "relevant (existing Keras or TensorFlow code, or a team "
                                 "that knows TensorFlow)"),
    ] = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form (contract 4)."""
        return msgspec.json.decode(msgspec.json.encode(self))
