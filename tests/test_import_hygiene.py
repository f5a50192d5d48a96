"""The embedding API and the non-interactive path stay light: no UI toolkit, no framework."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("tensorflow", "torch", "textual", "keras", "sklearn")


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(m for m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout.strip().splitlines()[-1]
    return json.loads(out)


def test_scoring_and_embedding_import_no_framework_and_no_ui() -> None:
    loaded = _loaded_after(
        "import advisor, advisor.scoring\nfrom advisor import recommend\n"
        "recommend({'deployment': ['mobile']})"
    )
    assert not [m for m in loaded if m.split(".")[0] in HEAVY]


def test_json_answers_mode_imports_no_framework_and_no_ui() -> None:
    example = ROOT / "examples" / "android-app.yaml"
    loaded = _loaded_after(
        "import io, contextlib\nfrom advisor.cli.entry import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['--answers', {str(example)!r}, '--no-probe', '--format', 'json'])"
    )
    assert not [m for m in loaded if m.split(".")[0] in (*HEAVY, "rich")]


def test_the_pytest_process_never_imports_a_framework() -> None:
    assert not [m for m in ("tensorflow", "torch") if m in sys.modules]
