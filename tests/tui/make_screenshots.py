"""Regenerate docs/screenshots/*.svg from the same Pilot scripts as the snapshot tests.

    python tests/tui/make_screenshots.py [OUT_DIR]      (make screenshots)

Uses the bundled rule base (the snapshots pin a small one) and the fake probe runner's sample
measurements, at 80×24 (what a user of a small terminal sees; the code tab at 120×30).
The snapshot of flagged measurements stays a test: docs/app.md shows the plain measured tab.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import tui_pilots
from tui_fakes import MEASUREMENTS, FakeRunner
from tui_pilots import EXAMPLES, SCREENS, SIZE, app_with, to_result

from advisor import machine

WIDE = (120, 30)
PICTURES = {
    **{name: (factory, before, SIZE) for name, (factory, before) in SCREENS.items()
       if name not in ("result-code", "result-flagged")},
    "result-measured": (SCREENS["result"][0], lambda pilot: to_result(pilot, "2"), SIZE),
    "result-reasons": (SCREENS["result"][0], lambda pilot: to_result(pilot, "3"), SIZE),
    "result-change": (SCREENS["result"][0], lambda pilot: to_result(pilot, "4"), SIZE),
    # The probes' own model source, on a terminal wide enough to show both side by side
    # (below 120 columns the two stack, every line wrapped).
    "result-code": (lambda: app_with(FakeRunner(real_sources=True),
                                     answers_path=EXAMPLES / "android-app.yaml"),
                    lambda pilot: to_result(pilot, "5"), WIDE),
}


async def shoot(name: str, factory, before, size, out: Path) -> Path:  # type: ignore[no-untyped-def]
    app = factory()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if before is not None:
            await before(pilot)
        await pilot.pause()
        return Path(app.save_screenshot(filename=f"{name}.svg", path=str(out)))


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    tui_pilots.use_bundled_rules = True
    with tempfile.TemporaryDirectory() as scratch:
        # A private cache and home: the pictures must not depend on this machine's state.
        os.environ["ADVISOR_CACHE_DIR"] = scratch
        os.environ["HOME"] = scratch
        os.environ.pop("NO_COLOR", None)
        os.environ["TZ"] = "UTC"  # the app shows local times
        time.tzset()
        # The fake runner's sample measurements are "this machine" in the pictures, wherever
        # they are made (a file from another machine is shown as such).
        fake = MEASUREMENTS["machine"]
        machine.this_machine = lambda: machine.MachineId(fake["cpu"], fake["logical_cores"])
        for name, (factory, before, size) in PICTURES.items():
            path = asyncio.run(shoot(name, factory, before, size, out))
            print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
