"""Write what each ``$ command`` of a page's console blocks prints today under it.

    python tests/docs/refresh.py README.md docs/cli.md ...

For after a change that alters an output a page shows (a rule's points, a report's wording):
the page's blocks run as the tests run them (doc_blocks.py), in order, and each console block's
output lines are replaced by what its command printed. Read the diff before committing it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from doc_blocks import PARSERS, ConsoleParser, _bash, setup, teardown
from sybil import Document


def refresh(path: Path) -> bool:
    document = Document.parse(str(path), *PARSERS)
    text = document.text
    replacements: list[tuple[int, int, str]] = []
    setup(document.namespace)
    try:
        for example in document.examples():
            if example.region.evaluator is not ConsoleParser.evaluate:
                try:
                    example.evaluate()  # what the page does before: files it writes, ...
                except pytest.skip.Exception:
                    pass  # a command listed as one that cannot run here
                continue
            command, _ = example.parsed
            r = _bash(command, example)
            printed = [line.rstrip() for line in r.stdout.splitlines()]
            replacements.append((example.region.start, example.region.end,
                                 "\n".join([f"$ {command}", *printed])))
    finally:
        teardown(document.namespace)
    for start, end, new in reversed(replacements):
        text = text[:start] + new + text[end:]
    changed = text != document.text
    if changed:
        path.write_text(text, encoding="utf-8")
    return changed


def main(paths: list[str]) -> int:
    for name in paths:
        print(f"{name}: {'refreshed' if refresh(Path(name)) else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
