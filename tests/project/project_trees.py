"""Small project trees written by the tests themselves, in the shapes real repositories have."""

from __future__ import annotations

from pathlib import Path

TREE = {
    "requirements.txt": "tensorflow==2.21.0\nnumpy\n",
    "src/model.py": (
        "import tensorflow as tf\n\n\n"
        "def build() -> tf.keras.Model:\n"
        "    return tf.keras.Sequential([\n"
        "        tf.keras.layers.Conv2D(32, 3, activation='relu'),\n"
        "        tf.keras.layers.Flatten(),\n"
        "        tf.keras.layers.Dense(10),\n"
        "    ])\n"
    ),
    "src/train.py": (
        "import tensorflow as tf\n\nfrom model import build\n\n"
        "ds = tf.data.Dataset.from_tensor_slices(([0.0], [0]))\n"
        "model = build()\nmodel.compile(optimizer='adam')\nmodel.fit(ds, epochs=2)\n"
        "tf.saved_model.save(model, 'models/classifier/1')\n"
    ),
    "serving/Dockerfile": "FROM tensorflow/serving:2.20.0\nCOPY models /models\n",
}


def write_shop(root: Path) -> Path:
    """A TensorFlow shop: Keras model code, a SavedModel, a TF Serving image."""
    for name, text in TREE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    saved = root / "models" / "classifier" / "1"
    saved.mkdir(parents=True)
    # A SavedModel's protobuf starts with its schema version field; the scan reads no more.
    (saved / "saved_model.pb").write_bytes(b"\x08\x01\x12\x00")
    (saved / "variables").mkdir()
    return root
