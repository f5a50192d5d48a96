"""The one file both workers load: data, initial weights and the equivalence batch.

The runner has it written by ``python -m probes.bundle`` (numpy and scikit-learn, no
framework) in a short process of its own, so the advisor process never imports either and
a core install without the [probes] extra still runs. Both frameworks start from
byte-identical weights and see byte-identical batches. Everything is stored in one
canonical layout, Keras's: images NHWC, conv kernel HWIO, dense kernels (in, out) with the
flattened features in (h, w, c) order. The PyTorch worker converts to its own layout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

IMAGE = 28
CLASSES = 10
FILTERS = 32
HIDDEN = 128
POOLED = (IMAGE - 2) // 2  # 3x3 valid convolution, then 2x2 pooling: 13
FLAT = POOLED * POOLED * FILTERS  # 5408
HELD_OUT = 360  # of sklearn's 1,797 digits: 20 %, enough to read accuracy to ±2 %
EQUIVALENCE_BATCH = 16
# conv 3*3*1*32 + 32, dense 5408*128 + 128, dense 128*10 + 10: the Keras model's count
REFERENCE_PARAMS = (9 * FILTERS + FILTERS) + (FLAT * HIDDEN + HIDDEN) + (HIDDEN * CLASSES + CLASSES)
# fp32 logits of two correct implementations differ by summation order only (~1e-6)
LOGIT_TOLERANCE = 1e-4


@dataclass(frozen=True)
class Bundle:
    path: Path
    train_samples: int
    test_samples: int


def _resize_matrix(src: int, dst: int) -> np.ndarray:
    """Bilinear interpolation as a (dst, src) matrix, pixel centres aligned."""
    m = np.zeros((dst, src), dtype=np.float64)
    for i in range(dst):
        x = (i + 0.5) * src / dst - 0.5
        x = min(max(x, 0.0), src - 1.0)
        lo = int(np.floor(x))
        hi = min(lo + 1, src - 1)
        m[i, lo] += 1.0 - (x - lo)
        m[i, hi] += x - lo
    return m


def digits_28(cache_dir: Path | None) -> tuple[np.ndarray, np.ndarray]:
    """sklearn's bundled 8x8 digits, bilinearly resized to 28x28 and scaled to [0, 1].

    Importing scikit-learn costs over a second, so the resized set is cached (keyed by the
    scikit-learn version) and later runs only read it back."""
    from importlib import metadata

    version = metadata.version("scikit-learn")
    cached = cache_dir / f"digits28-sklearn{version}.npz" if cache_dir else None
    if cached is not None and cached.is_file():
        try:
            with np.load(cached) as data:
                return data["x"], data["y"]
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache file is rebuilt below
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images.astype(np.float64) / 16.0  # pixel values are 0..16
    r = _resize_matrix(8, IMAGE)
    x = np.einsum("ij,njk,lk->nil", r, images, r).astype(np.float32)[..., np.newaxis]
    y = digits.target.astype(np.int64)
    if cached is not None:
        try:
            _atomic_savez(cached, x=x, y=y)
        except OSError:
            pass  # a cache that cannot be written only costs the next run a second
    return x, y


def _glorot(rng: np.random.Generator, shape: tuple[int, ...], fan_in: int, fan_out: int):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(np.float32)


def initial_weights(seed: int) -> dict[str, np.ndarray]:
    """Glorot-uniform kernels (Keras's default) and small non-zero biases, so that the
    equivalence check also proves the biases land in the right place."""
    rng = np.random.default_rng(seed)

    def bias(n: int) -> np.ndarray:
        return rng.uniform(-0.05, 0.05, size=(n,)).astype(np.float32)

    return {
        "conv_kernel": _glorot(rng, (3, 3, 1, FILTERS), 3 * 3 * 1, 3 * 3 * FILTERS),
        "conv_bias": bias(FILTERS),
        "dense1_kernel": _glorot(rng, (FLAT, HIDDEN), FLAT, HIDDEN),
        "dense1_bias": bias(HIDDEN),
        "dense2_kernel": _glorot(rng, (HIDDEN, CLASSES), HIDDEN, CLASSES),
        "dense2_bias": bias(CLASSES),
    }


def write_bundle(directory: Path, *, seed: int, cache_dir: Path | None) -> Bundle:
    x, y = digits_28(cache_dir)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))
    test, train = order[:HELD_OUT], order[HELD_OUT:]
    equivalence = rng.uniform(0.0, 1.0, size=(EQUIVALENCE_BATCH, IMAGE, IMAGE, 1))
    path = directory / "bundle.npz"
    np.savez(
        path,
        train_x=x[train],
        train_y=y[train],
        test_x=x[test],
        test_y=y[test],
        equivalence_x=equivalence.astype(np.float32),
        **initial_weights(seed),
    )
    return Bundle(path=path, train_samples=len(train), test_samples=len(test))


def _atomic_savez(path: Path, **arrays: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    """Write the bundle; print one JSON line (or one line of error on stderr, exit 1)."""
    parser = argparse.ArgumentParser(prog="probes.bundle")
    parser.add_argument("--dir", required=True, type=Path)
    parser.add_argument("--seed", required=True, type=int)
    parser.add_argument("--cache-dir", type=Path)
    args = parser.parse_args(argv)
    try:
        bundle = write_bundle(args.dir, seed=args.seed, cache_dir=args.cache_dir)
    except Exception as exc:  # one line for the runner, which reports it per framework
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({"path": str(bundle.path), "train_samples": bundle.train_samples,
                      "test_samples": bundle.test_samples}))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
