"""The detection tables: the bundled ones load, validate against their published schema and
state their facts with sources; an organisation's table adds or replaces entries; a bad table is
one located ScanTableError, like a bad rule file."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import msgspec
import pytest
import yaml

from advisor.errors import ScanTableError
from advisor.inputs.questions import Choice, Question, Questionnaire
from advisor.knowledge.loader import bundled_questionnaire
from advisor.scan import load_tables
from advisor.scan.tablefile import ArtifactEntry, ConfigEntry, ImageEntry, ModelEntry
from advisor.scan.tables import bundled_tables_dir

ROOT = Path(__file__).resolve().parents[2]


def _schema(name: str) -> dict:
    return json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text())


def test_the_bundled_tables_validate_against_the_published_schema() -> None:
    files = sorted(bundled_tables_dir().glob("*.yaml"))
    assert len(files) >= 5
    for path in files:
        data = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
        jsonschema.validate(data, _schema("scan-table"))


def test_every_entry_that_states_a_fact_about_a_product_names_its_source() -> None:
    tables = load_tables()
    stating = (ImageEntry, ArtifactEntry, ConfigEntry, ModelEntry)
    unsourced = [e.id for e in tables.entries if isinstance(e.entry, stating)
                 and not e.entry.sources]
    assert unsourced == []


def _table(tmp_path: Path, text: str, name: str = "ours.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_organisations_entry_is_added_and_one_with_a_bundled_id_replaces_it(
        tmp_path: Path) -> None:
    path = _table(tmp_path, """
version: 1
table: ours
entries:
  - id: image-tf-serving
    kind: image
    label: Our TF Serving mirror
    bound_to: tensorflow
    images: [registry.example.invalid/serving*]
    proposes: {deployment: server}
  - id: our-inference-image
    kind: image
    label: Our inference base image
    bound_to: pytorch
    images: [registry.example.invalid/infer*]
    proposes: {deployment: server}
""")
    tables = load_tables([path])
    assert tables.replaced == ("image-tf-serving",)
    assert tables.by_id["image-tf-serving"].entry.label == "Our TF Serving mirror"
    assert [e.id for e in tables.images.match("registry.example.invalid/infer:1")] == [
        "our-inference-image"]
    assert tables.images.match("tensorflow/serving:2.20.0") == []


@pytest.mark.parametrize(("body", "where", "words"), [
    ("  - id: x-1\n    kind: image\n    label: An image\n    images: [a]\n    proposes: "
     "{deployment: sever}\n", "entry 'x-1' → proposes.deployment", "did you mean 'server'"),
    ("  - id: x-1\n    kind: image\n    label: An image\n    images: [a]\n    proposes: "
     "{existing_code: pytorch}\n", "entry 'x-1' → proposes.existing_code", "cannot propose"),
    ("  - id: x-1\n    kind: imag\n    label: An image\n    images: [a]\n", "entry 'x-1' → kind",
     "allowed"),
    ("  - id: x-1\n    kind: image\n    label: An image\n    imgs: [a]\n", "entry 'x-1'",
     "unknown key 'imgs'"),
    ("  - id: X 1\n    kind: image\n    label: An image\n    images: [a]\n", "entry 'X 1' → id",
     "match"),
    ("  - id: x-1\n    kind: code\n    label: Some code\n", "entry 'x-1'",
     "needs names, attributes or strings"),
    ("  - id: x-1\n    kind: image\n    label: An image\n    images: [a]\n"
     "  - id: x-1\n    kind: image\n    label: An image\n    images: [b]\n", "entry 'x-1' → id",
     "used twice"),
    ("  - id: import-torch-ours\n    kind: module\n    label: Torch\n    modules: [torch]\n"
     "    sources: [{url: 'https://example.invalid/', checked: 2999-01-01}]\n",
     "sources[0].checked", "in the future"),
])
def test_a_bad_table_is_one_located_error(tmp_path: Path, body: str, where: str,
                                          words: str) -> None:
    path = _table(tmp_path, "version: 1\ntable: ours\nentries:\n" + body)
    with pytest.raises(ScanTableError) as caught:
        load_tables([path])
    message = str(caught.value)
    assert message.startswith(f"{path}, line ")
    assert where in message and words in message


def test_a_table_file_that_is_no_table_says_so(tmp_path: Path) -> None:
    with pytest.raises(ScanTableError, match="no such file"):
        load_tables([tmp_path / "missing.yaml"])
    with pytest.raises(ScanTableError, match="contains no scan tables"):
        load_tables([tmp_path])
    with pytest.raises(ScanTableError, match="YAML syntax error"):
        load_tables([_table(tmp_path, "entries: [\n")])
    with pytest.raises(ScanTableError, match="expected a path"):
        load_tables(3)  # type: ignore[arg-type]


def _with_graph(q: Questionnaire) -> Questionnaire:
    """The questionnaire with a domain value ``graph`` (which a newer questionnaire adds)."""
    questions = []
    for question in q.questions:
        if question.id == "domain":
            question = msgspec.structs.replace(
                question, choices=[*question.choices, Choice(value="graph", label="Graphs")])
        questions.append(question)
    return Questionnaire(version=q.version, questions=questions)


def test_a_preference_list_takes_the_first_value_the_questionnaire_offers() -> None:
    bundled = bundled_questionnaire()
    graph = _with_graph(bundled)
    expected = "graph" if "graph" in bundled["domain"].values else "other"
    assert load_tables(questionnaire=bundled).by_id["graph-libraries"].proposes == {
        "domain": expected}
    assert load_tables(questionnaire=graph).by_id["graph-libraries"].proposes == {
        "domain": "graph"}
    assert isinstance(graph["domain"], Question)
