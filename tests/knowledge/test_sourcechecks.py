"""What the cited sources are worth (advisor/knowledge/sourcechecks.py, through ``rules
check``): proxy sites are errors; no primary source, and one source behind two rules that
count the same thing, are warnings."""

from __future__ import annotations

import pytest
from rule_files import TODAY, find, pack

from advisor.knowledge.checks import check_rules
from advisor.knowledge.loader import load_ruleset


def sourced(rule_id: str, sources: str, *, when: str = "{domain: llm}", favors: str = "pytorch",
            criterion: str = "ecosystem", points: int = 2, kind: str = "rule") -> str:
    scoring = (f"    favors: {favors}\n    criterion: {criterion}\n    points: {points}\n"
               if kind == "rule" else "")
    return (f"  - id: {rule_id}\n    kind: {kind}\n    when: {when}\n{scoring}"
            f"    because: A sentence long enough to explain the rule.\n    sources:\n{sources}")


def src(url: str, kind: str | None = None) -> str:
    return (f"      - url: {url}\n" + (f"        kind: {kind}\n" if kind else "")
            + "        checked: 2026-11-01\n")


@pytest.mark.parametrize("url, domain", [
    ("https://vuink.com/post/clgbepu-d-dbet/blog/x", "vuink.com"),
    ("https://www.theaicatchup.com/article/whats-new/", "theaicatchup.com"),
    ("http://hacknews-clone.netlify.app/post?id=1", "hacknews-clone.netlify.app"),
])
def test_a_proxy_or_aggregator_source_is_an_error(write, url, domain):
    p = write("proxy.yaml", pack(sourced("proxied-fact", src(url), kind="note")))
    problems = check_rules([p], today=TODAY)
    f = find(problems, "proxied-fact")
    assert not f.warning and f.key == "sources" and f.line == 4 and f.path == str(p)
    assert url in f.message and domain in f.message and "primary page" in f.message


def test_a_page_that_merely_mentions_a_proxy_domain_is_not_one(write):
    p = write("ok.yaml", pack(sourced("fine-fact", src("https://example.org/vuink.com/notes"))))
    assert check_rules([p], today=TODAY).items == []


def test_a_scoring_rule_without_a_primary_source_is_a_warning(write):
    text = pack(
        sourced("only-news", src("https://news.example.org/a", "secondary"), points=1)
        + sourced("heavy-news", src("https://news.example.org/b", "secondary"), points=3,
                  when="{domain: nlp}")
        + sourced("news-note", src("https://news.example.org/c", "secondary"), kind="note")
        + sourced("mixed", src("https://news.example.org/d", "secondary")
                  + src("https://docs.example.org/d", "primary"), when="{domain: vision}"))
    problems = check_rules([write("kinds.yaml", text)], today=TODAY)
    assert problems.errors == []
    assert {w.rule_id for w in problems.warnings} == {"only-news", "heavy-news"}
    light, heavy = find(problems, "only-news"), find(problems, "heavy-news")
    assert light.key == "sources" and "no primary source" in light.message
    assert "weighs 1 at most" not in light.message
    assert "gives 3 points" in heavy.message and "weighs 1 at most" in heavy.message


def test_a_source_without_kind_counts_as_primary(write):
    """The documented default: rule files written before `kind` existed keep passing."""
    text = pack(sourced("untyped", src("https://docs.example.org/x"))
                + sourced("titled", "      - {title: Our platform handbook, checked: 2026-11-01}\n",
                          when="{domain: audio}"))
    assert check_rules([write("untyped.yaml", text)], today=TODAY).items == []
    rs = load_ruleset([write("untyped2.yaml", text)])
    assert {s.kind for r in rs.rules if r.pack == "extra" for s in r.rule.sources} == {"primary"}


@pytest.mark.parametrize("value", ["tertiary", "Primary", "true"])
def test_source_kind_is_primary_or_secondary(write, value):
    p = write("bad-kind.yaml", pack(sourced("odd-kind", src("https://docs.example.org/x", value))))
    f = find(check_rules([p], today=TODAY), "odd-kind")
    assert not f.warning and f.key.startswith("sources") and f.key.endswith("kind")
    assert "primary" in f.message and "secondary" in f.message
    assert f.line == 13, "the line of the offending kind"


def test_one_source_behind_two_rules_for_the_same_thing_is_a_warning(write):
    text = pack(
        sourced("fact-once", src("https://docs.example.org/release-notes/"))
        + sourced("fact-twice", src("http://www.docs.example.org/release-notes#2-0"),
                  when="{pretrained: central}"))
    problems = check_rules([write("twice.yaml", text)], today=TODAY)
    assert problems.errors == []
    w = find(problems, "fact-twice")
    assert w.warning and w.key == "sources" and w.line == 14
    assert "'fact-once'" in w.message and "line 4" in w.message
    assert "docs.example.org/release-notes" in w.message and "pytorch" in w.message
    assert {x.rule_id for x in problems.warnings} == {"fact-twice"}


@pytest.mark.parametrize("second", [
    {"when": "{domain: nlp}"},                              # never fires with domain: llm
    {"when": "{pretrained: central}", "criterion": "maintenance"},
    {"when": "{pretrained: central}", "favors": "tensorflow"},
])
def test_a_shared_source_is_fine_when_the_rules_cannot_count_the_same_thing(write, second):
    url = "https://docs.example.org/page"
    text = pack(sourced("first-rule", src(url)) + sourced("second-rule", src(url), **second))
    assert check_rules([write("fine.yaml", text)], today=TODAY).items == []


def test_shared_sources_are_found_across_packs_and_notes_do_not_count(write):
    url = "https://docs.example.org/shared"
    a = write("a/one.yaml", pack(sourced("in-one", src(url), when="{deployment: {has: mobile}}"),
                                 "one"))
    b = write("b/two.yaml", pack(sourced("in-two", src(url), when="{deployment: [browser, mobile]}")
                                 + sourced("a-note", src(url), kind="note"), "two"))
    problems = check_rules([a, b], today=TODAY)
    assert [(w.rule_id, w.path) for w in problems.warnings] == [("in-two", str(b))]


# --- at scale: an organisation's pack of many rules citing one policy page --------------------

POLICY = "https://example.org/policy"
DOMAINS = ["vision", "nlp", "llm", "audio", "tabular", "timeseries", "recommender"]


def policy_packs(folder, rules: int, per_file: int = 2_000) -> None:
    """``rules`` rules in packs of ``per_file`` (a rule file may hold 1 MB), all citing one
    policy page; rule n fires for one domain, so many of them fire together."""
    for start in range(0, rules, per_file):
        body = "".join(
            sourced(f"acme-{n}", src(POLICY), when=f"{{domain: {DOMAINS[n % 7]}}}", points=1)
            for n in range(start, min(start + per_file, rules)))
        (folder / f"acme-{start // per_file}.yaml").write_text(pack(body, f"acme-{start}"))


def test_ten_thousand_rules_citing_one_page_get_one_warning(tmp_path):
    policy_packs(tmp_path, 10_000)
    problems = check_rules(tmp_path, today=TODAY)
    assert problems.errors == []
    shared = [w for w in problems.warnings if "example.org/policy" in w.message]
    assert len(shared) == 1, [str(w) for w in problems.warnings[:5]]
    assert "10,000 rules cite example.org/policy for PyTorch under ecosystem" in shared[0].message
    assert "'acme-0'" in shared[0].message and shared[0].rule_id == "acme-7"


def test_many_rules_that_never_fire_together_share_a_page_without_a_warning(write):
    """One rule per answer value may all cite the same table of a policy: never two count."""
    text = pack("".join(sourced(f"per-domain-{d}", src(POLICY), when=f"{{domain: {d}}}")
                        for d in DOMAINS))
    assert check_rules([write("per-domain.yaml", text)], today=TODAY).items == []


def test_too_many_different_conditions_to_check_is_said_not_guessed(write, monkeypatch):
    from advisor.knowledge import sourcechecks

    monkeypatch.setattr(sourcechecks, "CHECK_BUDGET", 10)
    text = pack("".join(sourced(f"per-domain-{d}", src(POLICY), when=f"{{domain: {d}}}")
                        for d in DOMAINS))
    warnings = check_rules([write("budget.yaml", text)], today=TODAY).warnings
    [w] = [w for w in warnings if "example.org/policy" in w.message]
    assert "7 rules cite example.org/policy" in w.message and "too many" in w.message
