"""The embedding API and the non-interactive path stay light: no UI toolkit, no framework.

Each check runs in a fresh interpreter, so none depends on what another test (or pytest
itself) imported before it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ("tensorflow", "torch", "keras", "sklearn")
HEAVY = (*FRAMEWORKS, "textual", "rich")


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(m for m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout.strip().splitlines()[-1]
    return json.loads(out)


def _of(loaded: list[str], packages: tuple[str, ...]) -> list[str]:
    return [m for m in loaded if m.split(".")[0] in packages]


def test_scoring_and_embedding_import_no_framework_and_no_ui() -> None:
    loaded = _loaded_after(
        "import advisor, advisor.scoring\nfrom advisor import recommend\n"
        "recommend({'deployment': ['mobile']})"
    )
    assert not _of(loaded, HEAVY)


def test_json_answers_mode_imports_no_framework_and_no_ui() -> None:
    example = ROOT / "examples" / "android-app.yaml"
    loaded = _loaded_after(
        "import io, contextlib\nfrom advisor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['--answers', {str(example)!r}, '--no-probe', '--format', 'json'])"
    )
    assert not _of(loaded, HEAVY)


def test_the_app_imports_no_framework() -> None:
    loaded = _loaded_after("from advisor.tui import make_app\nmake_app(no_probe=True)")
    assert "textual" in loaded  # the check is about the app, which did load
    assert not _of(loaded, FRAMEWORKS)


def test_the_scoring_never_loads_the_rule_loader() -> None:
    loaded = _loaded_after("import advisor.scoring")
    assert "advisor.scoring" in loaded
    assert not [m for m in loaded if m in ("advisor.knowledge.loader", "advisor.knowledge.checks")]
