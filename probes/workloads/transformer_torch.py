"""A small transformer encoder classifier in PyTorch, as a user writes one: token and position
embeddings, two pre-norm blocks (multi-head self-attention, then a GELU feed-forward), a final
layer norm, and a head on the first position. Layer-norm epsilon 1e-6 and exact (erf) GELU in
both frameworks; attention scaled by 1/sqrt(head size) in both, as each framework does.
"""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

LOSS = "cross_entropy"


class EncoderBlock(nn.Module):
    def __init__(self, d_model: int = 128, heads: int = 4, ff: int = 512) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model, eps=1e-6)
        self.attn = nn.MultiheadAttention(d_model, heads, batch_first=True)
        self.ln2 = nn.LayerNorm(d_model, eps=1e-6)
        self.ff1 = nn.Linear(d_model, ff)
        self.ff2 = nn.Linear(ff, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.ln1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.ff2(F.gelu(self.ff1(self.ln2(x))))


class TransformerClassifier(nn.Module):
    def __init__(self, vocab: int = 1000, seq: int = 64, d_model: int = 128) -> None:
        super().__init__()
        self.tok = nn.Embedding(vocab, d_model)
        self.pos = nn.Parameter(torch.zeros(seq, d_model))
        self.blocks = nn.ModuleList([EncoderBlock(), EncoderBlock()])
        self.ln = nn.LayerNorm(d_model, eps=1e-6)
        self.head = nn.Linear(d_model, 2)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        x = self.tok(tokens) + self.pos
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln(x)[:, 0])  # logits, read at the first (CLS) position


def from_canonical(w: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Dense kernels (in, out) -> (out, in); the q, k and v projections stacked into
    nn.MultiheadAttention's in_proj (q rows first)."""
    out = {"tok.weight": w["tok"], "pos": w["pos"], "ln.weight": w["ln_gamma"],
           "ln.bias": w["ln_beta"], "head.weight": w["head_kernel"].T,
           "head.bias": w["head_bias"]}  # fmt: skip
    for b in range(2):
        p, t = f"b{b}_", f"blocks.{b}."
        for norm in ("ln1", "ln2"):
            out[t + norm + ".weight"] = w[p + norm + "_gamma"]
            out[t + norm + ".bias"] = w[p + norm + "_beta"]
        out[t + "attn.in_proj_weight"] = np.concatenate(
            [w[p + x + "_kernel"].T for x in ("q", "k", "v")]
        )
        out[t + "attn.in_proj_bias"] = np.concatenate([w[p + x + "_bias"] for x in ("q", "k", "v")])
        out[t + "attn.out_proj.weight"] = w[p + "o_kernel"].T
        out[t + "attn.out_proj.bias"] = w[p + "o_bias"]
        for dense in ("ff1", "ff2"):
            out[t + dense + ".weight"] = w[p + dense + "_kernel"].T
            out[t + dense + ".bias"] = w[p + dense + "_bias"]
    return out


def inputs(x: np.ndarray) -> np.ndarray:
    return x
