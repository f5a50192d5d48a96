"""What a widget shows, as text: the tests read the screen the way a user does."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from textual.content import Content
from textual.geometry import Region
from textual.widget import Widget


def shown(widget: Widget) -> str:
    """Every line ``widget`` draws at its current width, scrolled or not."""
    region = Region(0, 0, widget.size.width, widget.size.height)
    return "\n".join(strip.text.rstrip() for strip in widget.render_lines(region))


def plain(widget: Any) -> str:
    """The text a Static holds, whatever kind of content it is, unwrapped."""
    content = widget.content
    if isinstance(content, str):
        return content
    if isinstance(content, Content):
        return content.plain
    console = Console(width=200, no_color=True, file=io.StringIO())
    console.print(content)
    return console.file.getvalue()


def footer_keys(app: Any) -> dict[str, str]:
    """What the footer lists now: key as displayed -> description."""
    return {app.get_key_display(b.binding): b.binding.description
            for b in app.screen.active_bindings.values() if b.binding.show and b.enabled}
