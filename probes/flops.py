"""Floating-point operations per sample of each workload's model (a multiply-add counts 2).

Only the matrix products are counted (convolutions, dense layers, attention, GRU gates);
biases, activations, norms, pooling and the loss are linear in the activations and add a few
per cent at most. Training costs the forward pass, a weight gradient for every layer (as
costly as its forward) and an input gradient for every layer but the first.
"""

# cnn: conv 3x3x1 -> 32 on 26x26, dense 5,408 -> 128 -> 10
_CONV = 26 * 26 * 32 * (3 * 3 * 1) * 2  # 389,376
_DENSE1 = 13 * 13 * 32 * 128 * 2
_DENSE2 = 128 * 10 * 2
# transformer, per sequence of 64: per block q, k, v, o (128x128) and the feed-forward
# (128x512, 512x128) on every token, plus scores and weighted values (64x64x128 each)
_TOKENS, _D, _FF = 64, 128, 512
_BLOCK = _TOKENS * (4 * _D * _D + 2 * _D * _FF) * 2 + 2 * _TOKENS * _TOKENS * _D * 2
# rnn: three gates of (1 + 128) x 128 at each of 48 steps, then 128 -> 1
_GRU = 48 * 3 * (1 + 128) * 128 * 2
# mlp: 30 -> 64 -> 64 -> 2
_MLP = (30 * 64 + 64 * 64 + 64 * 2) * 2

FORWARD = {
    "cnn": _CONV + _DENSE1 + _DENSE2,
    "transformer": 2 * _BLOCK + _D * 2 * 2,
    "rnn": _GRU + 128 * 2,
    "mlp": _MLP,
}
# The first layer needs no input gradient: the conv on the image, the first projections on
# the embeddings, the GRU's input product and the first dense layer on the raw features.
_FIRST = {
    "cnn": _CONV,
    "transformer": _TOKENS * 3 * _D * _D * 2,
    "rnn": 48 * 3 * 1 * 128 * 2,
    "mlp": 30 * 64 * 2,
}
TRAIN = {name: 3 * f - _FIRST[name] for name, f in FORWARD.items()}


def efficiency_pct(
    samples_per_s: float, peak_gflops: float, workload: str = "cnn", *, training: bool = True
) -> float:
    """Achieved FLOP/s as a percentage of the measured matrix-multiply peak."""
    per_sample = (TRAIN if training else FORWARD)[workload]
    return 100.0 * samples_per_s * per_sample / (peak_gflops * 1e9)
