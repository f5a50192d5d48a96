"""Python read with ast: imports and what they bind, names resolved through aliases, Keras 3
told from tf.keras, and lines counted per framework."""

from __future__ import annotations

import pytest

from advisor.scan import load_tables
from advisor.scan.python import NotPython, analyse, mentions

TABLES = load_tables()


def _ids(source: str) -> set[str]:
    return {e.id for e, _ in analyse(source, TABLES).hits}


def _bound(source: str) -> dict[str, set[int]]:
    return {fw: lines for fw, lines in analyse(source, TABLES).bound.items()}


def test_lines_that_use_names_a_framework_import_binds_are_counted_once_each() -> None:
    source = (
        "import torch\n"                     # 1
        "import torch.nn as nn\n"            # 2
        "from torch.optim import Adam\n"     # 3
        "x = 1\n"                            # 4: no framework
        "model = nn.Linear(2, 2)\n"          # 5
        "opt = Adam(model.parameters())\n"   # 6
        "y = torch.ones(2) + torch.zeros(2)\n"  # 7: two uses, one line
        "# torch in a comment\n"             # 8
        "s = 'torch in a string'\n"          # 9
    )
    assert _bound(source) == {"pytorch": {1, 2, 3, 5, 6, 7}}


def test_tf_keras_is_tensorflow_and_keras_3_is_keras() -> None:
    assert set(_bound("from tensorflow import keras\nm = keras.Sequential()\n")) == {"tensorflow"}
    assert set(_bound("import tensorflow.keras as k\nk.layers.Dense(1)\n")) == {"tensorflow"}
    assert set(_bound("import tensorflow as tf\ntf.keras.layers.Dense(1)\n")) == {"tensorflow"}
    assert set(_bound("import keras\nkeras.layers.Dense(1)\n")) == {"keras"}
    assert "keras3-backend-agnostic" in _ids("import keras\nfrom keras import ops\nops.sum(1)\n")
    assert "keras3-backend-choice" in _ids("import os\nos.environ['KERAS_BACKEND'] = 'jax'\n")
    assert "keras3-backend-choice" in _ids("import keras\nkeras.config.set_backend('torch')\n")


def test_keras_2_only_apis_are_found() -> None:
    ids = _ids("from keras.engine import Layer\nmodel.fit_generator(gen)\n")
    assert "keras2-only-api" in ids


def test_names_are_resolved_through_aliases() -> None:
    ids = _ids("import tensorflow as tf\ns = tf.distribute.MultiWorkerMirroredStrategy()\n")
    assert "tf-distribute-many-machines" in ids
    ids = _ids("from torch.nn.parallel import DistributedDataParallel as DDP\nDDP(m)\n")
    assert "torch-ddp" in ids
    assert "torch-ddp" not in _ids("DistributedDataParallel = None\nDistributedDataParallel(m)\n")


def test_transformers_tf_classes_bind_tensorflow_and_attributes_are_found() -> None:
    facts = analyse("from transformers import TFBertModel\nm = TFBertModel.from_pretrained('b')\n",
                    TABLES)
    assert set(facts.bound) == {"tensorflow"}
    assert {"transformers", "pretrained-hub-loads"} <= {e.id for e, _ in facts.hits}


def test_relative_imports_and_star_imports_bind_nothing() -> None:
    assert _bound("from . import torch\ntorch.ones(1)\n") == {}
    assert _bound("from torch import *\nones(1)\n") == {"pytorch": {1}}


def test_nested_imports_count() -> None:
    assert _bound("def f():\n    import jax.numpy as jnp\n    return jnp.ones(1)\n") == {
        "jax": {2, 3}}


@pytest.mark.parametrize(("source", "reason"), [
    ("print 'python 2'\n", "do not parse"),
    (b"import torch\x00\n", "not text"),
    ("(" * 300 + ")" * 300, "parse"),
])
def test_text_that_does_not_parse_raises_not_python(source: str | bytes, reason: str) -> None:
    with pytest.raises(NotPython) as caught:
        analyse(source, TABLES)
    assert reason in caught.value.reason


def test_the_cheap_test_lets_only_relevant_files_through() -> None:
    assert mentions(b"import torch\n", TABLES)
    assert not mentions(b"import json\nprint(json.dumps({}))\n", TABLES)
