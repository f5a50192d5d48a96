"""The reference CNN in Keras, as in the article, with logits out.

The article ends in ``Dense(10, activation='softmax')`` with sparse cross-entropy on
probabilities; here the last layer outputs logits and the loss takes ``from_logits=True``:
the same mathematics, numerically safer, and the same head as the PyTorch model. The input
is declared with ``keras.Input`` because Keras 3 deprecates ``input_shape=`` on a layer.

Like every ``*_keras.py`` workload it is written against Keras 3 alone (no ``tf.*`` call), as
the Keras 3 bridge needs: the same code runs on the TensorFlow, torch and JAX backends.
"""

import keras
import numpy as np

LOSS = "cross_entropy"


def build_reference_cnn() -> keras.Sequential:
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(32, (3, 3), activation="relu"),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10),
        ]
    )


def set_canonical(model: keras.Model, w: dict[str, np.ndarray]) -> None:
    model.set_weights([w[k] for k in ("conv_kernel", "conv_bias", "dense1_kernel",
                                      "dense1_bias", "dense2_kernel", "dense2_bias")])  # fmt: skip
