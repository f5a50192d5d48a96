"""What the app remembers between screens, and what it asks of the core. No Textual here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor import machine
from advisor.inputs.answers import Answers, normalise_answers
from advisor.inputs.questions import NO_TARGET, AnswerValue
from advisor.knowledge.conditions import mentions
from advisor.knowledge.formats import Note
from advisor.knowledge.workloads import workload_for

if TYPE_CHECKING:
    from advisor.inputs.measurements import Measurements
    from advisor.inputs.questions import Question, Questionnaire
    from advisor.knowledge.ruleset import LoadedRule, RuleSet
    from advisor.scan.model import ProjectScan, Proposal
    from advisor.scoring.recommendation import Recommendation
    from advisor.scoring.switching import Switching


def default_values(questionnaire: Questionnaire) -> dict[str, AnswerValue]:
    return dict(normalise_answers({}, questionnaire).values)


@dataclass(frozen=True)
class ReadFiles:
    """The files a session read, which nothing the app saves may replace."""

    rules: tuple[str, ...] = ()
    answers: str | None = None
    measurements: str | None = None


@dataclass
class Session:
    """One pass through the app: the answers so far, whether to measure, what was measured."""

    ruleset: RuleSet
    values: dict[str, AnswerValue] = field(default_factory=dict)
    step: int = 0
    measure: bool = True
    measurements: Measurements | None = None
    measurements_origin: str = ""
    """Where the measurements came from, in words ("measured now", "cached run of ...")."""
    measurements_file: str | None = None
    """The measurements file they were read from, if any."""
    answers_origin: str = ""
    """The answers file the questions were pre-filled from, if any."""
    complete: bool = False
    """The answers file answered every question, so the questions can be skipped."""
    probe_settings: Any = None
    workload_choice: str | None = None
    """The workload the user chose to probe; None: the one matching the domain answered."""
    workdir: Path = field(default_factory=Path.cwd)
    saved: dict[str, AnswerValue] = field(default_factory=dict)
    """The answers as last loaded or saved: quitting asks first when they differ."""
    scan: ProjectScan | None = None
    """The project scan whose proposals fill the questions the user left open."""
    scan_values: dict[str, AnswerValue] = field(default_factory=dict)
    """The answers the scan put in, by question: such an answer is the scan's while it keeps
    that value."""
    given: set[str] = field(default_factory=set)
    """Questions the user answered: in the answers file loaded, or by a choice in the app. A
    scan never changes them."""
    installed: dict[str, str] = field(default_factory=dict)
    """Package versions installed here, compared with the rule packs' checked versions."""

    def __post_init__(self) -> None:
        self.values = {**default_values(self.questionnaire), **self.values}
        self.saved = dict(self.values)

    @property
    def questionnaire(self) -> Questionnaire:
        return self.ruleset.questionnaire

    @property
    def questions(self) -> list[Question]:
        return self.questionnaire.questions

    def load(self, answers: Answers, origin: str) -> None:
        self.values = dict(answers.values)
        self.given = {q for q in answers if q not in answers.defaulted}
        self.scan_values = {}
        self.answers_origin = origin
        self.complete = not answers.defaulted
        if self.scan is not None:  # the file's answers win; the scan fills what it leaves open
            self._propose(self.scan)
        self.saved = dict(self.values)

    # --- the project scan -----------------------------------------------------------------------

    def apply_scan(self, scan: ProjectScan) -> None:
        """Take ``scan``'s default proposals as the answers to every question the user has not
        answered; an earlier scan's answers that the user kept give way to the new scan's."""
        unsaved = self.unsaved
        defaults = default_values(self.questionnaire)
        for q, value in self.scan_values.items():
            if self.values.get(q) == value and q not in self.given:
                self.values[q] = defaults[q]
        self.scan_values = {}
        self.scan = scan
        self._propose(scan)
        if not unsaved:  # a scan can be made again: it loses nothing the user did
            self.saved = dict(self.values)

    def _propose(self, scan: ProjectScan) -> None:
        from advisor.scan.answers import with_proposals

        current = _answers(self.values, self.questionnaire)
        open_ = Answers(current.values, tuple(q for q in current if q not in self.given))
        merged = with_proposals(open_, scan, self.questionnaire)
        for q in merged.proposed:
            self.values[q] = self.scan_values[q] = merged[q]

    def choose(self, question_id: str, value: AnswerValue) -> None:
        """The user chose ``value`` in the app: from now on the answer is theirs (a scan does
        not change it), unless it is the value it had already."""
        if value != self.values.get(question_id):
            self.given.add(question_id)
        self.values[question_id] = value

    @property
    def switching(self) -> Switching:
        """How the scan scales the existing-code points (not at all without a scan)."""
        from advisor.scoring.switching import switching

        return switching(self.scan)

    def from_scan(self, question_id: str) -> bool:
        """The answer is the one the scan proposed, and the user has not made it theirs (a
        user who changes it and changes it back agrees with the scan: the answer is theirs)."""
        value = self.scan_values.get(question_id)
        return (value is not None and question_id not in self.given
                and self.values.get(question_id) == value)

    def proposal(self, question_id: str, kind: str = "default") -> Proposal | None:
        """The scan's first proposal of ``kind`` for the question, if any."""
        if self.scan is None:
            return None
        return next((p for p in self.scan.proposals
                     if p.question == question_id and p.kind == kind), None)

    def read_files(self) -> ReadFiles:
        return ReadFiles(
            rules=tuple(p.path for p in self.ruleset.packs),
            answers=self.answers_origin or None,
            measurements=self.measurements_file,
        )

    def mark_saved(self) -> None:
        self.saved = dict(self.values)

    @property
    def unsaved(self) -> bool:
        """The answers were changed since they were loaded, saved or started from defaults."""
        return self.values != self.saved

    def answers(self) -> Answers:
        """Every question is on screen with its default preselected, so none counts as
        defaulted; those still holding the scan's value count as proposed."""
        answers = _answers(self.values, self.questionnaire)
        return replace(answers, proposed=tuple(q for q in answers if self.from_scan(q)))

    @property
    def workload(self) -> str:
        """What the probes train: the user's choice, else the one matching the domain."""
        return self.workload_choice or workload_for(self.values)

    def recommendation(self) -> Recommendation:
        from advisor.scoring import score

        return score(self.answers(), self.ruleset, self.measurements, scan=self.scan,
                     here=machine.this_machine(), installed=self.installed)

    def rules_in_play(self, question: Question, value: str | tuple[str, ...]) -> list[LoadedRule]:
        """The rules that answering ``question`` with ``value`` brings into play, as the result
        would show them: a note marked ``only_if_close`` only if that result would be close."""
        values = with_answer(self.values, question, value)
        fired = rules_fired_by(self.ruleset, question.id, values)
        if not any(isinstance(r.rule, Note) and r.rule.only_if_close for r in fired):
            return fired  # nothing depends on closeness: no need to score
        from advisor.scoring import result_is_close
        from advisor.scoring.formula import shown_note

        close = result_is_close(_answers(values, self.questionnaire), self.ruleset,
                                self.measurements, scan=self.scan, here=machine.this_machine())
        return [r for r in fired if shown_note(r, close)]

    def reset(self) -> None:
        self.values = default_values(self.questionnaire)
        self.saved = dict(self.values)
        self.step = 0
        self.measurements = None
        self.measurements_origin = ""
        self.measurements_file = None
        self.workload_choice = None
        self.answers_origin = ""
        self.complete = False
        self.scan = None
        self.scan_values = {}
        self.given = set()


def answer_label(question: Question, value: AnswerValue, *, short: bool = False) -> str:
    """An answer in the questionnaire's words; ``short`` keeps each label's part before a
    colon ("Mobile" for "Mobile: Android or iOS apps"). Several targets are joined."""
    def one(v: str) -> str:
        label = question.label(v)
        return label.split(":")[0] if short else label

    if isinstance(value, tuple):
        return ", ".join(one(v) for v in value) or one(NO_TARGET)
    return one(value)


def _answers(values: Mapping[str, AnswerValue], questionnaire: Questionnaire) -> Answers:
    raw = {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}
    return normalise_answers(raw, questionnaire)


def rules_fired_by(
    ruleset: RuleSet, question_id: str, values: Mapping[str, AnswerValue]
) -> list[LoadedRule]:
    """Rules whose condition mentions ``question_id`` and holds for ``values``: what this answer
    brings into play (rules that fire whatever the answer are left out)."""
    return [
        r for r in ruleset.rules
        if r.condition is not None
        and any(q == question_id for q, _ in mentions(r.condition))
        and r.condition.holds(values)
    ]


def with_answer(
    values: Mapping[str, AnswerValue], question: Question, value: str | tuple[str, ...]
) -> dict[str, AnswerValue]:
    """``values`` with one answer changed; a list answer keeps ``none`` as the empty tuple."""
    changed = dict(values)
    if question.type == "many":
        chosen = (value,) if isinstance(value, str) else tuple(value)
        changed[question.id] = tuple(v for v in question.values if v in chosen and v != NO_TARGET)
    else:
        changed[question.id] = value
    return changed
