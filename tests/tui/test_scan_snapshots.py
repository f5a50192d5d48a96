"""Pictures of the project scan in the app, at 80×24 (the evidence dialog also at 60×20).
Each was looked at before it was accepted; update with ``pytest tests/tui --snapshot-update``
and look again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scan_fakes import FakeScanner
from tui_pilots import SIZE, app_with, number, settle, to_result

from advisor.tui import AdvisorApp

EXISTING_CODE, TEAM = number("existing_code"), number("team_experience")


def scanned_app(**kwargs: Any) -> AdvisorApp:
    # A relative folder, so that every machine draws the same picture.
    return app_with(scanner=FakeScanner(), project_path=Path("shop"), no_probe=True, **kwargs)


def at_question(number: int, *keys: str) -> Any:
    async def before(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.session.step = number - 1
        await pilot.press("s", *keys)
        await pilot.pause()

    return before


def test_the_welcome_screen_after_a_scan(snap_compare: Any) -> None:
    assert snap_compare(scanned_app(), terminal_size=SIZE, run_before=settle)


@pytest.mark.parametrize("number", [EXISTING_CODE, TEAM], ids=["proposed", "hint"])
def test_a_question_the_scan_answered(number: int, snap_compare: Any) -> None:
    assert snap_compare(scanned_app(), terminal_size=SIZE, run_before=at_question(number))


@pytest.mark.parametrize("size", [SIZE, (60, 20)], ids=["80x24", "60x20"])
def test_the_evidence_dialog(size: tuple[int, int], snap_compare: Any) -> None:
    assert snap_compare(scanned_app(), terminal_size=size,
                        run_before=at_question(EXISTING_CODE, "e"))


def test_the_reasons_end_with_what_the_scan_contributed(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await settle(pilot)
        await to_result(pilot, "3", then=("end",))

    assert snap_compare(scanned_app(), terminal_size=SIZE, run_before=before)


def test_the_answers_list_marks_the_scans_answers(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await settle(pilot)
        await to_result(pilot)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("end")
        await pilot.pause(0.3)

    assert snap_compare(scanned_app(), terminal_size=SIZE, run_before=before)
