"""The one file every worker of a workload loads: data, initial weights, the equivalence batch.

The runner has it written by ``python -m probes.bundle`` (numpy and scikit-learn, no
framework) in a short process of its own, so the advisor process never imports either and
a core install without the [probes] extra still runs. Both frameworks start from
byte-identical weights and see byte-identical batches, in the canonical layout described in
``probes.workloads.data``; the PyTorch worker converts to its own.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from probes.workloads import WORKLOADS
from probes.workloads.data import MAKERS

# fp32 outputs of two correct implementations differ by summation order only (~1e-6)
LOGIT_TOLERANCE = 1e-4


def write_bundle(directory: Path, *, workload: str, seed: int, cache_dir: Path | None) -> Path:
    arrays = MAKERS[workload](seed, cache_dir)
    path = directory / f"bundle-{workload}.npz"
    np.savez(path, **arrays)  # type: ignore[arg-type]  # numpy stubs type **kwds as its flags
    return path


def main(argv: list[str] | None = None) -> int:
    """Write the bundle; print one JSON line (or one line of error on stderr, exit 1)."""
    parser = argparse.ArgumentParser(prog="probes.bundle")
    parser.add_argument("--dir", required=True, type=Path)
    parser.add_argument("--workload", choices=sorted(WORKLOADS), default="cnn")
    parser.add_argument("--seed", required=True, type=int)
    parser.add_argument("--cache-dir", type=Path)
    args = parser.parse_args(argv)
    try:
        path = write_bundle(args.dir, workload=args.workload, seed=args.seed,
                            cache_dir=args.cache_dir)  # fmt: skip
    except Exception as exc:  # one line for the runner, which reports it per framework
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({"path": str(path), "workload": args.workload}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
