"""The PyTorch workloads train on tensors laid out as a user's script lays them out.

Checked in a subprocess: the pytest process never imports a framework (conftest.py).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

# One channel: the case where a transposed view passes for contiguous in NumPy, and PyTorch
# then ran every convolution channels_last, 1.2-1.5x faster than a user's script.
CHECK = textwrap.dedent(
    """
    import numpy as np
    import torch
    from probes.workloads import cnn_torch

    images = np.random.default_rng(0).random((8, 28, 28, 1), dtype=np.float32)
    x = torch.from_numpy(cnn_torch.inputs(images))
    assert x.shape == (8, 1, 28, 28)
    # what torch.from_numpy of a user's (N, 1, 28, 28) array gives
    assert x.stride() == (784, 784, 28, 1), x.stride()
    np.testing.assert_array_equal(x.numpy()[:, 0], images[..., 0])
    with torch.no_grad():
        out = cnn_torch.ReferenceCNN().conv1(x)
    # the convolution ran in PyTorch's default memory format
    assert out.is_contiguous() and not out.is_contiguous(memory_format=torch.channels_last)
    """
)


def test_cnn_inputs_are_plain_nchw_not_channels_last() -> None:
    run = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                         timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stderr
