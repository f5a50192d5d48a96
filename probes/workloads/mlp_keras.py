"""The same 3-layer tabular network in Keras."""

import numpy as np
import tensorflow as tf

LOSS = "cross_entropy"


def build_tabular_mlp(features: int = 30, width: int = 64, classes: int = 2) -> tf.keras.Sequential:
    return tf.keras.Sequential(
        [
            tf.keras.Input(shape=(features,)),
            tf.keras.layers.Dense(width, activation="relu", name="d1"),
            tf.keras.layers.Dense(width, activation="relu", name="d2"),
            tf.keras.layers.Dense(classes, name="d3"),  # logits
        ]
    )


def set_canonical(model: tf.keras.Model, w: dict[str, np.ndarray]) -> None:
    for i in (1, 2, 3):
        model.get_layer(f"d{i}").set_weights([w[f"d{i}_kernel"], w[f"d{i}_bias"]])
