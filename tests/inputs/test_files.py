"""Safe reading of user files (advisor.inputs.files): every failure is the caller's InputError,
naming the file and, for syntax errors, the line and column."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from advisor.errors import AnswersError, InputError, MeasurementsError, RuleFileError
from advisor.inputs.files import MAX_BYTES, Locator, load_yaml, parse_yaml, read_text
from advisor.inputs.measurements import load_measurements

WHAT = "an answers file (YAML)"


def load(path: Path, error: type[InputError] = AnswersError):
    return load_yaml(path, error, what=WHAT)


def raises_naming(path: Path, error: type[InputError] = AnswersError) -> pytest.ExceptionInfo:
    with pytest.raises(error) as info:
        load(path, error)
    assert str(path) in str(info.value)
    return info


# --- the file itself -------------------------------------------------------------------------

def test_missing_file(tmp_path):
    info = raises_naming(tmp_path / "nope.yaml")
    assert "no such file" in str(info.value)
    assert WHAT in str(info.value)


def test_directory(tmp_path):
    info = raises_naming(tmp_path)
    assert "is a directory" in str(info.value)


def test_over_one_megabyte(write):
    p = write("big.yaml", "domain: llm\n" + "#" * MAX_BYTES + "\n")
    info = raises_naming(p)
    assert f"{MAX_BYTES:,}" in str(info.value)


def test_exactly_at_the_limit_is_read(write):
    body = "domain: llm\n"
    p = write("edge.yaml", body + "#" * (MAX_BYTES - len(body)))
    assert p.stat().st_size == MAX_BYTES
    data, _ = load(p)
    assert data == {"domain": "llm"}


def test_binary_file_with_nul(write):
    p = write("model.bin", b"domain: llm\n\x00\x01\x02")
    info = raises_naming(p)
    assert "binary" in str(info.value)


def test_not_utf8(write):
    p = write("latin1.yaml", "domain: caf\xe9\n".encode("latin-1"))
    info = raises_naming(p)
    assert "UTF-8" in str(info.value)
    assert "offset 11" in str(info.value)


def test_utf8_bom_is_accepted(write):
    p = write("bom.yaml", "\ufeffdomain: llm\n".encode())
    assert load(p)[0] == {"domain": "llm"}


@pytest.mark.parametrize("text", ["", "   \n\n\t\n", "# only a comment\n"])
def test_empty(write, text):
    p = write("empty.yaml", text)
    info = raises_naming(p)
    assert "empty" in str(info.value)


def test_error_type_follows_the_caller(write):
    p = write("x.yaml", "a: [1\n")
    for error in (AnswersError, RuleFileError, MeasurementsError):
        with pytest.raises(error):
            load(p, error)


def test_over_one_megabyte_through_a_pipe(tmp_path):
    fifo = tmp_path / "answers.fifo"
    os.mkfifo(fifo)
    payload = ("domain: llm\n" + "# padding\n" * (MAX_BYTES // 10 + 10)).encode()

    def feed():
        with open(fifo, "wb") as fh:
            fh.write(payload)

    threading.Thread(target=feed, daemon=True).start()
    with pytest.raises(AnswersError, match="1,000,000"):
        load(fifo)


# --- YAML syntax and safety ------------------------------------------------------------------

def test_syntax_error_names_file_line_and_column(write):
    p = write("bad.yaml", "version: 1\ndomain: llm\ndeployment: [server, mobile\nos: linux\n")
    info = raises_naming(p)
    err = info.value
    assert "YAML syntax error" in str(err)
    assert err.line == 4 and err.column is not None
    assert f"{p}, line 4, column {err.column}:" in str(err)


def test_indentation_error_line(write):
    p = write("indent.yaml", "domain: llm\nos:\n  linux\n hardware: nvidia\n")
    info = raises_naming(p)
    assert info.value.line == 4


@pytest.mark.parametrize("tag", [
    "!!python/object:os.system {}",
    "!!python/object/apply:os.system ['echo hi']",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/tuple [1, 2]",
    "!custom 3",
])
def test_object_building_tags_are_rejected(write, tag):
    p = write("tag.yaml", f"domain: {tag}\n")
    info = raises_naming(p)
    assert "tag" in str(info.value)
    assert info.value.line == 1


def test_duplicate_key_names_both_lines(write):
    p = write("dup.yaml", "domain: llm\nos: linux\n\ndomain: vision\n")
    info = raises_naming(p)
    assert info.value.line == 4
    assert "duplicate key 'domain'" in str(info.value)
    assert "line 1" in str(info.value)


def test_duplicate_key_in_a_nested_mapping(write):
    p = write("dup.yaml", "rules:\n  - id: a\n    kind: rule\n    id: b\n")
    info = raises_naming(p, RuleFileError)
    assert info.value.line == 4
    assert "first given on line 2" in str(info.value)


def test_same_key_in_different_mappings_is_fine(write):
    p = write("ok.yaml", "- {id: a}\n- {id: b}\n")
    assert load(p)[0] == [{"id": "a"}, {"id": "b"}]


def test_unhashable_key_is_rejected(write):
    p = write("key.yaml", "? [a, b]\n: 1\n")
    info = raises_naming(p)
    assert info.value.line == 1


def test_two_documents_are_rejected(write):
    p = write("two.yaml", "domain: llm\n---\nos: linux\n")
    info = raises_naming(p)
    assert info.value.line == 2


@pytest.mark.parametrize("text, line", [("domain: llm\nos: \x1f\n", 2), ("\x01", 1)],
                         ids=["x1f-line-2", "x01-line-1"])
def test_control_character_is_a_located_one_line_error(write, text, line):
    p = write("ctrl.yaml", text)
    info = raises_naming(p)
    assert "\n" not in str(info.value)
    assert info.value.line == line


def test_nesting_depth_is_bounded(write):
    p = write("deep.yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n")
    raises_naming(p)


def test_recursive_alias(write):
    p = write("loop.yaml", "a: &x [*x]\n")
    raises_naming(p)


@pytest.mark.parametrize("text", [
    "a: !!float abc\n",
    "a: !!int abc\n",
    "a: !!timestamp not-a-date\n",
])
def test_bad_explicit_scalar_tag(write, text):
    p = write("tag.yaml", text)
    info = raises_naming(p)
    assert info.value.line == 1


def test_huge_integer(write):
    p = write("int.yaml", "a: " + "9" * 5000 + "\n")  # 5 kB
    raises_naming(p)


def test_alias_bomb_work_stays_proportional_to_the_file(write):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcd", "bcde", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    p = write("bomb.yaml", "\n".join(lines) + "\n")  # 10^5 leaves through aliases, 300 bytes
    try:
        _, locator = load(p)
    except AnswersError:
        return  # rejecting alias bombs is fine too
    assert len(locator.lines) < 1000, f"{len(locator.lines)} located paths for a 5-line file"


def test_merge_key_is_not_called_a_python_tag(write):
    p = write("merge.yaml", "base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n")
    try:
        data, _ = load(p)
    except AnswersError as exc:
        assert "Python objects" not in str(exc)
    else:
        assert data["c"] == {"x": 1, "y": 2}


# --- JSON ------------------------------------------------------------------------------------

def test_json_syntax_error_line_and_column(write):
    p = write("m.json", '{\n  "schema": 1,\n  "created": oops\n}\n')
    with pytest.raises(MeasurementsError) as info:
        load_measurements(p)
    assert info.value.line == 3 and info.value.column == 14
    assert f"{p}, line 3, column 14: JSON syntax error" in str(info.value)


def test_json_shares_the_file_checks(write, tmp_path):
    for p, needle in ((tmp_path / "missing.json", "no such file"),
                      (write("nul.json", b'{"a": 1}\x00'), "binary"),
                      (write("empty.json", "\n"), "empty")):
        with pytest.raises(MeasurementsError, match=needle) as info:
            load_measurements(p)
        assert str(p) in str(info.value)


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"a": ' + "9" * 5000 + "}"],
                         ids=["deep-nesting", "5000-digit-int"])
def test_json_pathological_but_small(write, text):
    p = write("m.json", text)
    with pytest.raises(MeasurementsError) as info:
        load_measurements(p)
    assert str(p) in str(info.value)


# --- Locator ---------------------------------------------------------------------------------

DOC = """\
pack: demo
rules:
  - id: first
    when:
      all:
        - {domain: llm}
        - deployment: {has: mobile}
  - id: second

    because: >-
      folded text
"""


def test_locator_lines():
    _, loc = parse_yaml(DOC, "demo.yaml", RuleFileError)
    assert loc.line(()) == 1
    assert loc.line(("pack",)) == 1
    assert loc.line(("rules",)) == 2
    assert loc.line(("rules", 0)) == 3
    assert loc.line(("rules", 0, "when", "all", 1, "deployment")) == 7
    assert loc.line(("rules", 0, "when", "all", 1, "deployment", "has")) == 7
    assert loc.line(("rules", 1)) == 8
    assert loc.line(("rules", 1, "because")) == 10


def test_locator_falls_back_to_the_nearest_ancestor():
    _, loc = parse_yaml(DOC, "demo.yaml", RuleFileError)
    assert loc.line(("rules", 1, "no-such-key")) == 8
    assert loc.line(("rules", 7, "id")) == 2
    assert Locator().line(("anything",)) is None


def test_read_text_returns_the_text(write):
    p = write("a.yaml", "domain: llm\n")
    assert read_text(p, AnswersError, what=WHAT) == "domain: llm\n"
