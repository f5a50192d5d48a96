"""The reference CNN in Keras, as in the article, with logits out.

The article ends in ``Dense(10, activation='softmax')`` with sparse cross-entropy on
probabilities; here the last layer outputs logits and the loss takes ``from_logits=True``:
the same mathematics, numerically safer, and the same head as the PyTorch model. The input
is declared with ``tf.keras.Input`` because Keras 3 deprecates ``input_shape=`` on a layer.
"""

import numpy as np
import tensorflow as tf

LOSS = "cross_entropy"


def build_reference_cnn() -> tf.keras.Sequential:
    return tf.keras.Sequential(
        [
            tf.keras.Input(shape=(28, 28, 1)),
            tf.keras.layers.Conv2D(32, (3, 3), activation="relu"),
            tf.keras.layers.MaxPooling2D((2, 2)),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(128, activation="relu"),
            tf.keras.layers.Dense(10),
        ]
    )


def set_canonical(model: tf.keras.Model, w: dict[str, np.ndarray]) -> None:
    model.set_weights([w[k] for k in ("conv_kernel", "conv_bias", "dense1_kernel",
                                      "dense1_bias", "dense2_kernel", "dense2_bias")])  # fmt: skip
