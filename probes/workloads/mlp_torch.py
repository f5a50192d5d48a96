"""A 3-layer tabular network in PyTorch, as a user writes one: two hidden layers of 64 ReLU
units and a 2-class head."""

import numpy as np
import torch
from torch import nn

LOSS = "cross_entropy"


class TabularMLP(nn.Module):
    def __init__(self, features: int = 30, width: int = 64, classes: int = 2) -> None:
        super().__init__()
        self.d1 = nn.Linear(features, width)
        self.d2 = nn.Linear(width, width)
        self.d3 = nn.Linear(width, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.d3(torch.relu(self.d2(torch.relu(self.d1(x)))))  # logits


def from_canonical(w: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    out = {}
    for i in (1, 2, 3):
        out[f"d{i}.weight"] = w[f"d{i}_kernel"].T
        out[f"d{i}.bias"] = w[f"d{i}_bias"]
    return out


def inputs(x: np.ndarray) -> np.ndarray:
    return x
