"""The same GRU forecaster in Keras: ``reset_after=True`` (Keras's default, and PyTorch's
formulation), tanh and sigmoid as in PyTorch."""

import keras
import numpy as np

LOSS = "mse"


def build_gru_forecaster(units: int = 128) -> keras.Sequential:
    return keras.Sequential(
        [
            keras.Input(shape=(48, 1)),
            keras.layers.GRU(units, reset_after=True, activation="tanh",
                                recurrent_activation="sigmoid", name="gru"),  # fmt: skip
            keras.layers.Dense(1, name="out"),
        ]
    )


def set_canonical(model: keras.Model, w: dict[str, np.ndarray]) -> None:
    model.get_layer("gru").set_weights([w["gru_kernel"], w["gru_recurrent"], w["gru_bias"]])
    model.get_layer("out").set_weights([w["dense_kernel"], w["dense_bias"]])
