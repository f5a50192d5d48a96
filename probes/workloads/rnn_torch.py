"""A one-layer GRU forecaster in PyTorch, as a user writes one: the last 48 values in, the
next value out. PyTorch's GRU applies the reset gate after the recurrent matrix product,
which is Keras's ``reset_after=True``: the same equations, with the gates stored in another
order (PyTorch: reset, update, new; Keras: update, reset, new).
"""

import numpy as np
import torch
from torch import nn

LOSS = "mse"


class GRUForecaster(nn.Module):
    def __init__(self, units: int = 128) -> None:
        super().__init__()
        self.gru = nn.GRU(input_size=1, hidden_size=units, batch_first=True)
        self.out = nn.Linear(units, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, h = self.gru(x)  # h: (layers, batch, units), the state after the last step
        return self.out(h[-1])


def _gates(m: np.ndarray) -> np.ndarray:
    """Columns in Keras's gate order (update, reset, new) -> PyTorch's (reset, update, new)."""
    z, r, n = np.split(m, 3, axis=-1)
    return np.concatenate([r, z, n], axis=-1)


def from_canonical(w: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {
        "gru.weight_ih_l0": _gates(w["gru_kernel"]).T,
        "gru.weight_hh_l0": _gates(w["gru_recurrent"]).T,
        "gru.bias_ih_l0": _gates(w["gru_bias"][0]),
        "gru.bias_hh_l0": _gates(w["gru_bias"][1]),
        "out.weight": w["dense_kernel"].T,
        "out.bias": w["dense_bias"],
    }


def inputs(x: np.ndarray) -> np.ndarray:
    return x
