"""The reference CNN in PyTorch: the article's model, corrected so that it runs and matches.

The article's snippet does not run: with ``padding=1`` the convolution keeps 28x28, pooling
gives 14x14x32 = 6,272 features, yet ``linear1`` expects 28*28*32 = 25,088. It also has no
ReLU after the convolution, unlike its Keras twin. Here the convolution uses valid padding
(Keras's default), a ReLU follows it, and ``linear1`` takes the 13*13*32 = 5,408 features
that really arrive, which gives the Keras model's 693,962 parameters exactly.
"""

import numpy as np
import torch
from torch import nn

LOSS = "cross_entropy"


class ReferenceCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=3)  # valid padding: 28x28 -> 26x26
        self.maxpool1 = nn.MaxPool2d(kernel_size=2, stride=2)  # -> 13x13
        self.flatten = nn.Flatten()
        self.linear1 = nn.Linear(13 * 13 * 32, 128)
        self.linear2 = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool1(torch.relu(self.conv1(x)))
        x = self.flatten(x)
        x = torch.relu(self.linear1(x))
        return self.linear2(x)  # logits: nn.CrossEntropyLoss applies log-softmax itself


def from_canonical(w: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Canonical (Keras) layout -> PyTorch: HWIO -> OIHW, (in, out) -> (out, in), and the
    first dense layer's inputs re-ordered from (h, w, c) to PyTorch's flatten order (c, h, w)."""
    dense1 = w["dense1_kernel"].reshape(13, 13, 32, 128).transpose(2, 0, 1, 3).reshape(-1, 128)
    return {
        "conv1.weight": w["conv_kernel"].transpose(3, 2, 0, 1),
        "conv1.bias": w["conv_bias"],
        "linear1.weight": dense1.T,
        "linear1.bias": w["dense1_bias"],
        "linear2.weight": w["dense2_kernel"].T,
        "linear2.bias": w["dense2_bias"],
    }


def inputs(x: np.ndarray) -> np.ndarray:
    """Images NHWC (canonical) -> NCHW, PyTorch's layout, with the strides a user's tensor has.

    A copy, not ``np.ascontiguousarray``: with one channel the transposed view already counts
    as contiguous to NumPy, keeps a channel stride of 1, and PyTorch reads such a tensor as
    channels_last, so every convolution after it ran in that memory format, 1.2-1.5x faster
    on CPU here than the plain NCHW tensor a user's script trains on (docs/probes.md).
    """
    return x.transpose(0, 3, 1, 2).copy()  # ndarray.copy lays out C order from the shape
