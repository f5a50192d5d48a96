"""Rendering a Recommendation as text (rich), Markdown or JSON. Renderers only read."""

from __future__ import annotations

import json
from typing import Literal

import msgspec

from advisor.printable import printable_data
from advisor.scoring.recommendation import Recommendation

Format = Literal["text", "markdown", "json"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "json")


def printable_recommendation(rec: Recommendation) -> Recommendation:
    """``rec`` with ``advisor.printable`` applied to every string in it. The loaders already
    clean what they read; this keeps a report safe from a model built some other way (an
    embedding program's own ``Measurements``, say)."""
    return msgspec.convert(printable_data(msgspec.to_builtins(rec)), Recommendation)


def render(rec: Recommendation, fmt: Format, *, width: int = 100, color: bool = False) -> str:
    """The report as a string in ``fmt``."""
    rec = printable_recommendation(rec)
    if fmt == "json":
        return json.dumps(rec.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        from advisor.report.markdown import render_markdown

        return render_markdown(rec)
    from advisor.report.text import render_text

    return render_text(rec, width=width, color=color)
