"""A built wheel carries its rules and probes: installed outside the checkout, it still works."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(dist), str(ROOT)], check=True)
    wheel = next(dist.glob("framework_advisor-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / "bin"
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet",
                    "-c", str(ROOT / "constraints.txt"), str(wheel)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

    def advisor(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(bin_dir / "advisor"), *args], cwd=elsewhere, env=env,
                              capture_output=True, text=True, timeout=120)

    rec = advisor("--answers", str(ROOT / "examples" / "android-app.yaml"), "--no-probe",
                  "--format", "json")
    assert rec.returncode == 0, rec.stderr
    assert '"recommendation"' in rec.stdout
    assert advisor("probe", "--help").returncode == 0
    check = advisor("rules", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    where = subprocess.run([str(bin_dir / "python"), "-c",
                            "import advisor.knowledge.loader as r, probes; "
                            "print(r.bundled_rules_dir()); "
                            "print(probes.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert str(ROOT) not in where.stdout, "the installed advisor must not read the checkout"

    # This venv has the core install only (no [probes] extra): the default mode, which
    # probes, says so in one line and still recommends from the rules.
    default = advisor("--answers", str(ROOT / "examples" / "android-app.yaml"), "--format", "json",
                      "--output", str(elsewhere / "rec.json"))  # fmt: skip
    assert default.returncode == 0, default.stderr
    assert default.stderr.count("\n") == 1, default.stderr
    assert "framework-advisor[probes]" in default.stderr and "rules alone" in default.stderr
    assert "Traceback" not in default.stderr
    assert '"measurements": null' in (elsewhere / "rec.json").read_text()
    probe = advisor("probe", "--quick")
    assert probe.returncode == 3, probe.stderr
    assert probe.stderr.count("\n") == 1 and "framework-advisor[probes]" in probe.stderr
