"""The questionnaire as text: a listing, and an answers-file template that is valid as it is."""

from __future__ import annotations

import textwrap

from advisor.inputs.answers import Answers
from advisor.inputs.questions import ANSWERS_VERSION, Question, Questionnaire


def _default(q: Question) -> str:
    if isinstance(q.default, list):
        return "[" + ", ".join(q.default) + "]"
    return q.default


def describe_questions(questionnaire: Questionnaire) -> str:
    out: list[str] = []
    for n, q in enumerate(questionnaire.questions, 1):
        kind = "one or more of" if q.type == "many" else "one of"
        out.append(f"{n:>2}. {q.id}: {q.prompt}")
        out += textwrap.wrap(q.help, 88, initial_indent="    ", subsequent_indent="    ")
        out.append(f"    {kind} (default {_default(q)}):")
        out += [f"      {c.value:<14} {c.label}" for c in q.choices]
        out.append("")
    return "\n".join(out)


def answers_template(questionnaire: Questionnaire) -> str:
    """A commented answers file; saved unchanged, it is valid and means 'all defaults'."""
    out = [
        "# framework-advisor answers file. Every key is optional: a missing key or a null takes",
        "# the default shown. Run: advisor --answers THIS_FILE",
        f"version: {ANSWERS_VERSION}",
    ]
    for q in questionnaire.questions:
        out.append("")
        out.append(f"# {q.prompt}")
        out += textwrap.wrap(q.help, 90, initial_indent="# ", subsequent_indent="# ")
        if q.type == "many":
            out.append("# A list of one or more of these ([] or [none]: nothing is deployed):")
        else:
            out.append("# One of:")
        out += [f"#   {c.value:<14} {c.label}" for c in q.choices]
        out.append(f"{q.id}: {_default(q)}")
    return "\n".join(out) + "\n"


def dump_answers(answers: Answers, questionnaire: Questionnaire) -> str:
    """An answers file holding ``answers``, each with its question as a comment."""
    out = [
        "# framework-advisor answers file. Run: advisor --answers THIS_FILE",
        f"version: {ANSWERS_VERSION}",
    ]
    for q in questionnaire.questions:
        value = answers[q.id]
        shown = "[" + ", ".join(value) + "]" if isinstance(value, tuple) else value
        out += [f"# {q.prompt}", f"{q.id}: {shown}"]
    return "\n".join(out) + "\n"
