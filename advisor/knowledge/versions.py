"""Release numbers, compared: is the version somebody has newer than the one the rules were
checked against?

The rule packs record versions as the package index spells them (``2.21.0``, ``2.22.0rc0``);
installed packages and probe results may add a local label (``2.13.0+cpu``). This reads the
public part of a PEP 440 version: the release numbers, then an ``a``/``b``/``rc``
pre-release, a ``.post`` and a ``.dev`` part. Anything it cannot read is not compared: a
version nobody can order says nothing about newer facts.
"""

from __future__ import annotations

import re

_VERSION = re.compile(
    r"^v?(?P<release>[0-9]+(?:\.[0-9]+)*)"
    r"(?:[-_.]?(?P<pre>a|alpha|b|beta|rc|c)[-_.]?(?P<pre_n>[0-9]*))?"
    r"(?:[-_.]?post[-_.]?(?P<post>[0-9]*))?"
    r"(?:[-_.]?dev[-_.]?(?P<dev>[0-9]*))?"
    r"(?:\+[a-z0-9.]+)?$",
    re.IGNORECASE,
)
_PRE = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "rc": 2, "c": 2}
_FINAL = 3
"""Where a release without a pre-release tag sorts among a, b and rc."""

Key = tuple[tuple[int, ...], int, int, int, int]


def version_key(text: str) -> Key | None:
    """A sort key for ``text`` (release, pre-release, post, dev), or None if it is unreadable."""
    m = _VERSION.match(text.strip())
    if m is None:
        return None
    release = tuple(int(part) for part in m["release"].split("."))
    while len(release) > 1 and release[-1] == 0:  # 2.21 == 2.21.0
        release = release[:-1]
    if m["pre"]:
        pre, pre_n = _PRE[m["pre"].lower()], int(m["pre_n"] or 0)
    elif m["dev"] is not None and m["post"] is None:
        pre, pre_n = -1, 0  # 2.22.0.dev1 comes before 2.22.0a0
    else:
        pre, pre_n = _FINAL, 0
    post = int(m["post"] or 0) + 1 if m["post"] is not None else 0
    dev = int(m["dev"] or 0) if m["dev"] is not None else 1 << 62  # no dev part: after every dev
    return release, pre, pre_n, post, dev


def is_newer(version: str, than: str) -> bool:
    """Whether ``version`` is a later release than ``than``; False when either is unreadable."""
    a, b = version_key(version), version_key(than)
    return a is not None and b is not None and a > b
