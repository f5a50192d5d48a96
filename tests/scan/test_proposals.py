"""How findings become proposals: a careful engineer's answer for mixed trees, weak signs shown
as hints, values only ever those the questionnaire offers."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
from scan_trees import proposal_values, write_tree

from advisor.inputs.questions import Choice, Questionnaire
from advisor.knowledge.loader import bundled_questionnaire
from advisor.scan import scan_project


def _tree(n: int, text: str, prefix: str = "m") -> dict[str, str]:
    return {f"{prefix}{i}.py": text for i in range(n)}


def test_keras_3_code_that_feeds_tf_data_is_still_keras(tmp_path: Path) -> None:
    tree = _tree(6, "import keras\nfrom keras import ops\nx = ops.ones(2)\n")
    tree["data.py"] = "import tensorflow as tf\nds = tf.data.Dataset.range(3)\n"
    scan = scan_project(write_tree(tmp_path, tree))
    code = scan.proposal("existing_code")
    assert code is not None and code.value == "keras"
    assert "tf.data" in code.because
    assert scan.switching_cost.keras.files == 6 and scan.switching_cost.tensorflow.files == 1


def test_tf_keras_code_is_tensorflow(tmp_path: Path) -> None:
    scan = scan_project(write_tree(tmp_path, _tree(4, "from tensorflow import keras\n"
                                                      "m = keras.Sequential()\n")))
    assert proposal_values(scan)["existing_code"] == "tensorflow"


def test_a_few_device_names_in_a_large_code_base_are_a_hint(tmp_path: Path) -> None:
    tree = _tree(40, "import torch\nx = torch.ones(1)\n")
    tree["tpu.py"] = "import torch_xla\n"
    scan = scan_project(write_tree(tmp_path, tree))
    hardware = scan.proposal("hardware")
    assert hardware is not None and hardware.kind == "hint" and hardware.value == "tpu"


def test_what_the_project_installs_outweighs_devices_its_code_can_address(
        tmp_path: Path) -> None:
    tree = _tree(10, "import torch\nd = 'mps' if torch.backends.mps.is_available() else 'cpu'\n")
    tree["requirements.txt"] = "torch==2.5.1+cu124\n"
    hardware = scan_project(write_tree(tmp_path, tree)).proposal("hardware")
    assert hardware is not None and hardware.value == "nvidia" and hardware.kind == "default"


def test_code_that_names_every_device_alike_gets_no_hardware_answer(tmp_path: Path) -> None:
    tree = {f"d{i}.py": f"import torch\nx = torch.ones(1).to('{d}')\n"
            for i, d in enumerate(["cuda", "mps", "xpu"] * 3)}
    assert "hardware" not in proposal_values(scan_project(write_tree(tmp_path, tree)))


def test_an_llm_project_is_llm_not_nlp(tmp_path: Path) -> None:
    tree = _tree(5, "from transformers import AutoTokenizer\n", prefix="tok")
    tree["tune.py"] = "from peft import LoraConfig\nfrom trl import SFTTrainer\n"
    values = proposal_values(scan_project(write_tree(tmp_path, tree)))
    assert values["domain"] == "llm"


def _with_graph(q: Questionnaire) -> Questionnaire:
    questions = [msgspec.structs.replace(x, choices=[*x.choices, Choice(value="graph",
                                                                        label="Graphs")])
                 if x.id == "domain" and "graph" not in x.values else x for x in q.questions]
    return Questionnaire(version=q.version, questions=questions)


def test_graph_learning_proposes_graph_once_the_questionnaire_has_it(tmp_path: Path) -> None:
    tree = _tree(3, "import torch\nfrom torch_geometric.nn import GCNConv\n")
    root = write_tree(tmp_path, tree)
    bundled = bundled_questionnaire()
    before = proposal_values(scan_project(root, questionnaire=bundled))["domain"]
    assert before == ("graph" if "graph" in bundled["domain"].values else "other")
    after = proposal_values(scan_project(root, questionnaire=_with_graph(bundled)))["domain"]
    assert after == "graph"


def test_every_proposal_is_a_valid_answer(tmp_path: Path) -> None:
    tree = {
        "a.py": "import torch\nimport torchvision\nfrom torch.distributed.fsdp import "
                "FullyShardedDataParallel\n",
        "b.py": "import tensorflow as tf\nimport tensorflow_recommenders as tfrs\n",
        "requirements.txt": "jax[tpu]\ntensorflow-metal\ntorch==2.1+rocm5.6\n",
        "Dockerfile": "FROM vllm/vllm-openai:latest\n",
        "web/package.json": '{"dependencies": {"@litertjs/core": "1"}}',
    }
    scan = scan_project(write_tree(tmp_path, tree))
    q = bundled_questionnaire()
    assert scan.proposals
    for p in scan.proposals:
        values = p.value if isinstance(p.value, list) else [p.value]
        assert set(values) <= set(q[p.question].values), p
        assert 0 <= p.confidence <= 1 and p.because and p.findings
    assert "team_experience" not in {p.question for p in scan.proposals if p.kind == "default"}
    assert "inference_hardware" not in {p.question for p in scan.proposals}


def test_a_few_scripts_in_a_large_code_base_of_another_language_are_a_hint(
        tmp_path: Path) -> None:
    tree = {f"src/f{i}.c": "int main(void) { return 0; }\n" for i in range(600)}
    tree["tools/make_model.py"] = "import tensorflow as tf\nm = tf.keras.Sequential()\n"
    code = scan_project(write_tree(tmp_path, tree)).proposal("existing_code")
    assert code is not None and code.kind == "hint" and code.value == "tensorflow"
    assert "1 file of 601 source files" in code.because


def test_one_requirements_file_of_many_speaks_for_itself_only(tmp_path: Path) -> None:
    tree = {f"example{i}/requirements.txt": "tensorflow==2.16\n" for i in range(20)}
    tree["example0/requirements.txt"] = "tensorflow[and-cuda]==2.16\n"
    hardware = scan_project(write_tree(tmp_path, tree)).proposal("hardware")
    assert hardware is not None and hardware.kind == "hint"
    alone = scan_project(write_tree(tmp_path / "alone", {"requirements.txt":
                                                         "tensorflow[and-cuda]\n"}))
    assert alone.proposal("hardware").kind == "default"  # type: ignore[union-attr]


# Names and moves the libraries table's sources settled (rules/scan/libraries.yaml).
@pytest.mark.parametrize(("text", "entry"), [
    # KerasHub's public API exports ObjectDetector also as ImageObjectDetector.
    ("from keras_hub.models import ImageObjectDetector\nd = ImageObjectDetector\n", "vision-keras"),
    # ... and BertTextClassifier also as BertClassifier.
    ("import keras_hub\nc = keras_hub.models.BertClassifier\n", "nlp-keras-hub-text"),
])
def test_keras_hub_aliases_are_found(tmp_path: Path, text: str, entry: str) -> None:
    scan = scan_project(write_tree(tmp_path, {"m.py": text}))
    assert entry in {f.id for f in scan.findings}


def test_optimum_is_pytorch_code_but_no_sign_of_an_llm(tmp_path: Path) -> None:
    tree = _tree(3, "from optimum.exporters import tasks\nt = tasks\n")
    scan = scan_project(write_tree(tmp_path, tree))
    found = {f.id: f for f in scan.findings}
    assert found["hf-optimum"].bound_to == "pytorch"
    assert "llm-libraries" not in found
    assert proposal_values(scan).get("domain") != "llm"
