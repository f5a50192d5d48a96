"""The code blocks of README.md and docs/*.md are tests (see tests/docs/doc_blocks.py): pytest
collects them through Sybil, because testpaths in pyproject.toml name those files too."""

from __future__ import annotations

from doc_blocks import PARSERS, setup, teardown
from sybil import Sybil

pytest_collect_file = Sybil(
    parsers=PARSERS,
    patterns=["README.md", "docs/*.md"],
    setup=setup,
    teardown=teardown,
).pytest()
