"""Who committed to which framework's files, from ``git log``: the team-experience hint.

git runs only when the scanned folder has its own ``.git``, with a time limit and an output
cap, and never in a way that runs a program the repository configures: no pager, no hooks (log
runs none), no fsmonitor, no textconv or external diff, no signature checks, no lazy fetches,
neither the system's nor the user's configuration, and ``safe.directory`` left as it is (git
refuses a repository another user owns, and the hint is then skipped). When in doubt, nothing
is run.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from dataclasses import dataclass, field

from advisor.printable import printable
from advisor.scan.model import BoundTo, Evidence, Finding
from advisor.scan.walk import Tallies

MAX_COMMITS = 3000
MAX_OUTPUT = 16 * 1024 * 1024
"""Bytes of git's output read at most (the newest commits come first)."""
TIMEOUT = 10.0
"""Seconds git may take at most (less when the scan's own time limit leaves less)."""
FINDING_ID = "history-commit-authors"


@dataclass
class Team:
    """Authors per framework: how many distinct people committed to its bound files."""

    authors: dict[BoundTo, set[str]] = field(default_factory=dict)
    commits: dict[BoundTo, int] = field(default_factory=dict)
    finding: Finding | None = None


def git_command(root: str) -> list[str] | None:
    git = shutil.which("git")
    if git is None:
        return None
    return [
        git, "--no-pager", "-c", "core.fsmonitor=false", "-c", "core.pager=cat",
        "-c", "log.showSignature=false", "-c", "diff.external=", "-c", "core.hooksPath=/dev/null",
        "-C", root, "log", "--no-merges", "--no-renames", "--no-textconv", "--no-ext-diff",
        "--no-show-signature", "--no-color", f"--max-count={MAX_COMMITS}",
        "--format=%x00%aN <%aE>", "--name-only", "--",
    ]


def git_env() -> dict[str, str]:
    env = {k: os.environ[k] for k in ("PATH", "SYSTEMROOT", "LANG") if k in os.environ}
    env.update({
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0",
        "GIT_NO_LAZY_FETCH": "1", "GIT_OPTIONAL_LOCKS": "0", "GIT_ATTR_NOSYSTEM": "1",
        "LC_ALL": "C", "HOME": os.devnull, "GIT_PAGER": "cat", "PAGER": "cat",
    })  # fmt: skip
    return env


def read(root: str, bound: dict[str, dict[BoundTo, int]], seconds: float,
         skipped: Tallies) -> Team | None:  # fmt: skip
    """The team's history over the framework-bound files ``bound``; None when there is no
    repository, nothing bound, or git could not be asked safely."""
    if not bound or not _has_repository(root):
        return None
    command = git_command(root)
    if command is None:
        skipped.add("git history not read (git is not installed)", ".git")
        return None
    output = _run(command, min(TIMEOUT, seconds), skipped)
    if output is None:
        return None
    return _team(output, bound)


def _has_repository(root: str) -> bool:
    try:
        st = os.lstat(os.path.join(root, ".git"))
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)


def _run(command: list[str], timeout: float, skipped: Tallies) -> bytes | None:
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                              env=git_env(), timeout=timeout, check=False)
    except subprocess.TimeoutExpired:  # run() has killed and reaped it
        skipped.add("git history not read (git took too long)", ".git")
        return None
    except OSError:
        skipped.add("git history not read (git could not be started)", ".git")
        return None
    if done.returncode != 0:
        skipped.add("git history not read (git refused the repository)", ".git")
        return None
    return done.stdout[:MAX_OUTPUT]


def _team(output: bytes, bound: dict[str, dict[BoundTo, int]]) -> Team:
    team = Team()
    examples: list[Evidence] = []
    files: set[str] = set()
    for record in output.split(b"\x00")[1:]:
        lines = record.decode("utf-8", "replace").splitlines()
        if not lines:
            continue
        author = printable(lines[0].strip())
        touched: set[BoundTo] = set()
        for name in lines[1:]:
            frameworks = bound.get(name.strip())
            if frameworks:
                touched.update(frameworks)
                files.add(name.strip())
                if len(examples) < 5 and not any(e.path == name.strip() for e in examples):
                    examples.append(Evidence(path=printable(name.strip()),
                                             text=f"changed by {author.split(' <')[0]}"))
        for framework in touched:
            team.authors.setdefault(framework, set()).add(author)
            team.commits[framework] = team.commits.get(framework, 0) + 1
    if team.commits:
        total = sum(team.commits.values())
        label = "Commits to framework-bound files (" + ", ".join(
            f"{fw} {n}" for fw, n in sorted(team.commits.items(), key=lambda kv: -kv[1])) + ")"
        team.finding = Finding(id=FINDING_ID, category="history", label=label[:200],
                               files=len(files), occurrences=total, evidence=examples)
    return team
