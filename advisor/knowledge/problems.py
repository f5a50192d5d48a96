"""What is wrong with the rule files, as records: the loader raises the first error at once
(``load_ruleset``) or collects every problem and warning (``advisor rules check``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from advisor.errors import RuleFileError


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
    """Collects problems; in fail-fast mode the first error is raised at once."""

    fail_fast: bool = True
    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        if self.fail_fast and not problem.warning:
            # Often called while handling the error this problem was made from: one traceback
            # with one message is what a program that embeds the advisor should see.
            raise problem.as_error() from None
        self.items.append(problem)

    def add_error(self, error: RuleFileError) -> None:
        self.add(Problem(error.path or "", error.detail, error.rule_id, error.key, error.line))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.warning]
