"""How long `advisor rules check` takes on an organisation's rule packs of many rules that all
cite one policy page (target: 10,000 rules in under 5 s, and one warning for that page).

Writes the packs into a temporary folder (several files, since a rule file may hold at most
1 MB), runs the real command in a fresh interpreter as a user would, discards one warm-up run
and reports the median and range of the rest, with the warnings it printed. Usage:
    python bench/rules_check_scale.py [--rules 1000 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = {10_000: 5.0}
PER_FILE = 2_000
"""Rules per file: about 700 KB, under the 1 MB limit a rule file has."""
DOMAINS = ["vision", "nlp", "llm", "audio", "tabular", "timeseries", "recommender"]


def rule(n: int) -> str:
    """Rule n of the organisation's pack: each gives PyTorch a point under ecosystem for one
    domain (so many of them can fire together) and cites the same policy page."""
    return (
        f"  - id: acme-policy-{n}\n"
        "    kind: rule\n"
        f"    when: {{domain: {DOMAINS[n % len(DOMAINS)]}, horizon: years}}\n"
        "    favors: pytorch\n"
        "    criterion: ecosystem\n"
        "    points: 1\n"
        f"    because: ACME's platform policy, clause {n}, prefers PyTorch for this domain.\n"
        "    sources:\n"
        "      - {url: 'https://example.org/policy', checked: 2026-11-01}\n"
    )


def write_packs(folder: Path, rules: int) -> None:
    for start in range(0, rules, PER_FILE):
        body = "".join(rule(n) for n in range(start, min(start + PER_FILE, rules)))
        name = f"acme-{start // PER_FILE:03d}"
        (folder / f"{name}.yaml").write_text(f"pack: {name}\ntitle: ACME policy\nrules:\n{body}")


def time_check(folder: Path) -> tuple[float, str]:
    command = [sys.executable, "-m", "advisor", "rules", "check", str(folder)]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"rules check failed ({result.returncode}): {result.stderr}")
    return elapsed, result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{platform.python_version()} on {platform.machine()}, {args.runs} runs after a "
          "warm-up")
    for rules in args.rules:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_packs(folder, rules)
            time_check(folder)  # warm-up: file cache, compiled bytecode
            runs = [time_check(folder) for _ in range(args.runs)]
        times = sorted(t for t, _ in runs)
        warnings = [line for line in runs[-1][1].splitlines() if line.startswith("warning:")]
        shared = [w for w in warnings if "example.org/policy" in w]
        target = TARGET_S.get(rules)
        verdict = "" if target is None else (
            f" (target {target:g} s: {'met' if times[len(times) // 2] < target else 'MISSED'})")
        print(f"{rules:>7,} rules: median {statistics.median(times):.2f} s, range "
              f"{times[0]:.2f}-{times[-1]:.2f} s{verdict}; {len(warnings)} warnings, "
              f"{len(shared)} about the shared page")
        for line in shared:
            print(f"         {line[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
