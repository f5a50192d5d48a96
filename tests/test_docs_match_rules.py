"""The documentation says what the rules say: the myths table (in README.md or, once the README
is restructured, in a page under docs/) lists exactly the bundled myths, and the example rule
in docs/rules.md is the bundled rule of that id."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from advisor.knowledge.formats import Myth
from advisor.knowledge.loader import load_ruleset

ROOT = Path(__file__).resolve().parents[1]
RULES = load_ruleset()
TABLE_ROW = re.compile(r"^\|\s*`(myth-[a-z0-9-]+)`\s*\|")


def myths_tables() -> dict[Path, list[str]]:
    """Every Markdown file with a table whose header starts '| myth |', and the ids it lists."""
    found = {}
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if re.match(r"^\|\s*myth\s*\|", line):
                ids = []
                for row in lines[i + 2:]:
                    if not row.startswith("|"):
                        break
                    m = TABLE_ROW.match(row)
                    assert m, f"{path.name}: a row of the myths table without a myth id: {row}"
                    ids.append(m.group(1))
                found[path] = ids
    return found


def test_the_myths_table_lists_every_bundled_myth_once() -> None:
    tables = myths_tables()
    assert len(tables) == 1, f"expected one myths table, found {list(tables)}"
    [(path, ids)] = tables.items()
    myths = [r.id for r in RULES.rules if isinstance(r.rule, Myth)]
    assert len(ids) == len(set(ids)), f"{path.name} lists a myth twice"
    assert sorted(ids) == sorted(myths), (
        f"{path.name} myths table: missing {sorted(set(myths) - set(ids))}, "
        f"not a bundled myth {sorted(set(ids) - set(myths))}"
    )


def test_the_example_rule_in_docs_rules_is_the_bundled_rule() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]
    by_id = {r.id: r for r in RULES.rules}
    examples = [r for b in blocks if isinstance(b, dict) and "rules" in b for r in b["rules"]
                if r.get("id") in by_id]  # fmt: skip
    assert examples, "docs/rules.md shows a bundled rule as its example"
    for example in examples:
        loaded = by_id[example["id"]]
        written = next(r for r in yaml.safe_load(Path(loaded.path).read_text())["rules"]
                       if r["id"] == example["id"])  # fmt: skip
        for key in ("kind", "when", "favors", "criterion", "points", "packages"):
            if key in example:
                assert example[key] == written[key], f"{example['id']}: {key}"
        urls = {s.url for s in loaded.rule.sources}
        assert {s["url"] for s in example["sources"]} <= urls, "the example cites the rule's pages"
