"""The same transformer encoder classifier in Keras, as a user writes one: layers.Embedding,
a learned position embedding, two pre-norm blocks with layers.MultiHeadAttention, layer norm
epsilon 1e-6, exact (erf) GELU, and a head on the first position.
"""

import keras
import numpy as np
from keras import layers

LOSS = "cross_entropy"


class PositionEmbedding(layers.Layer):
    def __init__(self, seq: int, d_model: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pos = self.add_weight(shape=(seq, d_model), initializer="zeros", name="pos")

    def call(self, x):  # a tensor of whichever backend runs the model
        return x + self.pos


def build_transformer(vocab: int = 1000, seq: int = 64, d_model: int = 128) -> keras.Model:
    tokens = keras.Input(shape=(seq,), dtype="int32")
    x = layers.Embedding(vocab, d_model, name="tok")(tokens)
    x = PositionEmbedding(seq, d_model, name="pos")(x)
    for b in range(2):
        h = layers.LayerNormalization(epsilon=1e-6, name=f"b{b}_ln1")(x)
        x = x + layers.MultiHeadAttention(num_heads=4, key_dim=d_model // 4,
                                          name=f"b{b}_attn")(h, h)  # fmt: skip
        h = layers.LayerNormalization(epsilon=1e-6, name=f"b{b}_ln2")(x)
        h = layers.Dense(512, activation="gelu", name=f"b{b}_ff1")(h)  # exact GELU
        x = x + layers.Dense(d_model, name=f"b{b}_ff2")(h)
    x = layers.LayerNormalization(epsilon=1e-6, name="ln")(x)
    return keras.Model(tokens, layers.Dense(2, name="head")(x[:, 0]))  # logits at CLS


def set_canonical(model: keras.Model, w: dict[str, np.ndarray]) -> None:
    """Canonical dense kernels are (in, out); layers.MultiHeadAttention keeps its projections
    per head: query/key/value (d_model, heads, head size), output (heads, head size, d_model)."""
    d = w["tok"].shape[1]
    heads, size = 4, d // 4
    model.get_layer("tok").set_weights([w["tok"]])
    model.get_layer("pos").set_weights([w["pos"]])
    for b in range(2):
        p = f"b{b}_"
        for norm in ("ln1", "ln2"):
            model.get_layer(p + norm).set_weights([w[p + norm + "_gamma"], w[p + norm + "_beta"]])
        attention = []
        for x in ("q", "k", "v"):
            attention += [w[p + x + "_kernel"].reshape(d, heads, size),
                          w[p + x + "_bias"].reshape(heads, size)]  # fmt: skip
        attention += [w[p + "o_kernel"].reshape(heads, size, d), w[p + "o_bias"]]
        model.get_layer(p + "attn").set_weights(attention)
        for dense in ("ff1", "ff2"):
            model.get_layer(p + dense).set_weights([w[p + dense + "_kernel"],
                                                    w[p + dense + "_bias"]])  # fmt: skip
    model.get_layer("ln").set_weights([w["ln_gamma"], w["ln_beta"]])
    model.get_layer("head").set_weights([w["head_kernel"], w["head_bias"]])
