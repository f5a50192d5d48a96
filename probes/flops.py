"""Floating-point operations of the reference CNN per sample (a multiply-add counts 2).

Only the convolution and the two dense layers are counted; bias, ReLU, pooling and the loss
are linear in the activations and add well under 1 %.
"""

CONV = 26 * 26 * 32 * (3 * 3 * 1) * 2  # 389,376
DENSE1 = 13 * 13 * 32 * 128 * 2  # 1,384,448
DENSE2 = 128 * 10 * 2  # 2,560
FORWARD = CONV + DENSE1 + DENSE2  # 1,776,384

# Backward: a weight gradient for every layer (as costly as its forward) and an input
# gradient for every layer but the first (the image needs none).
TRAIN = FORWARD + FORWARD + (DENSE1 + DENSE2)  # 4,939,776


def efficiency_pct(samples_per_s: float, peak_gflops: float, *, training: bool = True) -> float:
    """Achieved FLOP/s as a percentage of the measured matrix-multiply peak."""
    per_sample = TRAIN if training else FORWARD
    return 100.0 * samples_per_s * per_sample / (peak_gflops * 1e9)
