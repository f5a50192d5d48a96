"""What is wrong with the rule files, as records: the loader raises the first error at once
(``load_ruleset``) or collects every problem and warning (``advisor rules check``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from advisor.errors import RuleFileError
from advisor.inputs import repeats


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    rule_id: str | None = None
    key: str | None = None
    line: int | None = None
    warning: bool = False

    def as_error(self) -> RuleFileError:
        return RuleFileError(
            self.path, self.message, rule_id=self.rule_id, key=self.key, line=self.line
        )

    def __str__(self) -> str:
        return str(self.as_error())


@dataclass
class Problems:
    """Collects problems; in fail-fast mode the first error is raised at once. Of one kind of
    problem in one file, the first ``repeats.SHOWN`` are kept and the rest counted (a file
    that repeats one mistake 60,000 times is a few lines)."""

    fail_fast: bool = True
    items: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What was left out on purpose, said once (files skipped in a rule folder)."""
    _seen: dict[tuple[str, str, bool], int] = field(default_factory=dict)

    def add(self, problem: Problem) -> None:
        if self.fail_fast and not problem.warning:
            # Often called while handling the error this problem was made from: one traceback
            # with one message is what a program that embeds the advisor should see.
            raise problem.as_error() from None
        group = (problem.path, repeats.kind(problem.message), problem.warning)
        self._seen[group] = self._seen.get(group, 0) + 1
        if self._seen[group] <= repeats.SHOWN:
            self.items.append(problem)

    def add_note(self, note: str) -> None:
        self.notes.append(note)

    def add_error(self, error: RuleFileError) -> None:
        self.add(Problem(error.path or "", error.detail, error.rule_id, error.key, error.line))

    def _more(self, warning: bool) -> list[Problem]:
        return [Problem(path, repeats.more(n - repeats.SHOWN, what), warning=warning)
                for (path, what, w), n in self._seen.items()
                if w == warning and n > repeats.SHOWN]  # fmt: skip

    @property
    def errors(self) -> list[Problem]:
        """The errors kept, then a line for each kind with more."""
        return [p for p in self.items if not p.warning] + self._more(False)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.warning] + self._more(True)

    def count(self, *, warnings: bool = False) -> int:
        """How many errors (or warnings) were found, those only counted included."""
        return sum(n for (_, _, w), n in self._seen.items() if w == warnings)
