"""The same 3-layer tabular network in Keras."""

import keras
import numpy as np

LOSS = "cross_entropy"


def build_tabular_mlp(features: int = 30, width: int = 64, classes: int = 2) -> keras.Sequential:
    return keras.Sequential(
        [
            keras.Input(shape=(features,)),
            keras.layers.Dense(width, activation="relu", name="d1"),
            keras.layers.Dense(width, activation="relu", name="d2"),
            keras.layers.Dense(classes, name="d3"),  # logits
        ]
    )


def set_canonical(model: keras.Model, w: dict[str, np.ndarray]) -> None:
    for i in (1, 2, 3):
        model.get_layer(f"d{i}").set_weights([w[f"d{i}_kernel"], w[f"d{i}_bias"]])
