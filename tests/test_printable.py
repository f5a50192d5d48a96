import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor.printable import printable


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain text", "plain text"),
        ("clear\x1b[2J\x1b[Hthe screen", "clearthe screen"),
        ("\x1b[1;31mred\x1b[0m", "red"),
        ("a \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 here", "a link here"),
        ("title \x1b]0;owned\x1b\\ set", "title  set"),
        ("c1 csi \x9b31mred", "c1 csi red"),
        ("bell\x07 and backspace\x08", "bell and backspace"),
        ("over\rwrite", "over\nwrite"),
        ("crlf\r\nline", "crlf\nline"),
        ("tab\tand\nnewline kept", "tab\tand\nnewline kept"),
        ("bidi \u202eevil\u202c", "bidi evil"),
        ("lone escape at the end \x1b", "lone escape at the end "),
        ("unterminated osc \x1b]0;title", "unterminated osc "),
        ("keypad \x1b=mode", "keypad mode"),
        ("ünïcödé ✓ 漢字", "ünïcödé ✓ 漢字"),
    ],
)
def test_escapes_and_controls_are_removed_whole(raw: str, shown: str) -> None:
    assert printable(raw) == shown


@given(st.text())
def test_no_escape_or_control_byte_survives(raw: str) -> None:
    out = printable(raw)
    controls = [ch for ch in out if ord(ch) < 0x20 and ch not in "\t\n" or 0x7F <= ord(ch) <= 0x9F]
    assert controls == []
    assert not set(out) & set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Zl", "Zp"))))
def test_printable_text_is_unchanged(raw: str) -> None:
    assert printable(raw) == raw


def test_printable_data_cleans_every_string_keys_included() -> None:
    from advisor.printable import printable_data

    raw = {"k\x1b[2J": ["a\x85b", ("c\rd", 3)], "n": 1.5, "none": None, "t": True}
    assert printable_data(raw) == {"k": ["ab", ("c\nd", 3)], "n": 1.5, "none": None, "t": True}
