"""Which rules an answer brings into play, one line each: why the question matters."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from advisor.report.common import NAMES
from advisor.report.text import COLORS
from advisor.rulebook import LoadedRule


def rule_line(rule: LoadedRule) -> Text:
    r = rule.rule
    line = Text()
    if r.kind == "rule":
        line.append(f"{NAMES[r.favors]} +{r.points}", style=f"bold {COLORS[r.favors]}")
        line.append(f" {r.criterion}: ", style="dim")
    elif r.kind == "constraint":
        line.append(f"requires {NAMES[r.requires]}", style=f"bold {COLORS[r.requires]}")
        line.append(": ", style="dim")
    elif r.kind == "myth":
        line.append("myth", style="bold")
        line.append(": ", style="dim")
        line.append(f"“{r.claim}” ")
        return line
    else:
        line.append("note", style="bold")
        line.append(": ", style="dim")
    line.append(r.because)
    return line


class FiredRules(Static):
    """Lists ``rules`` under a heading that names the answer they follow from."""

    def show(self, answer_label: str, rules: list[LoadedRule]) -> None:
        text = Text()
        if rules:
            count = "1 rule comes" if len(rules) == 1 else f"{len(rules)} rules come"
            text.append(f"With “{answer_label}”, {count} into play:\n", style="italic")
            for i, rule in enumerate(rules):
                text.append_text(rule_line(rule))
                if i < len(rules) - 1:
                    text.append("\n")
        else:
            text.append(f"With “{answer_label}”, no rule depends on this answer.",
                        style="italic")
        self.update(text)
