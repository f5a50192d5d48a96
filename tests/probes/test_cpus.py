"""The CPU budget: affinity, cgroup quotas (v1 and v2), a user cap, and the thread variables
every runtime reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from probes.cpus import cgroup_quota, cpu_budget, thread_environment


def _cgroup_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def test_cgroup_v2_quota_is_read_along_the_path(tmp_path: Path) -> None:
    _cgroup_tree(tmp_path, {"cpu.max": "max 100000\n", "job/cpu.max": "150000 100000\n",
                            "job/task/cpu.max": "max 100000\n"})  # fmt: skip
    assert cgroup_quota(tmp_path, "0::/job/task\n") == 1.5
    assert cgroup_quota(tmp_path, "0::/\n") is None


def test_cgroup_v1_quota(tmp_path: Path) -> None:
    _cgroup_tree(tmp_path, {"cpu,cpuacct/docker/cpu.cfs_quota_us": "200000\n",
                            "cpu,cpuacct/docker/cpu.cfs_period_us": "100000\n"})  # fmt: skip
    assert cgroup_quota(tmp_path, "4:cpu,cpuacct:/docker\n3:memory:/docker\n") == 2.0
    _cgroup_tree(tmp_path, {"cpu,cpuacct/docker/cpu.cfs_quota_us": "-1\n"})
    assert cgroup_quota(tmp_path, "4:cpu,cpuacct:/docker\n") is None


def test_budget_takes_the_tightest_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import probes.cpus as cpus

    monkeypatch.setattr(cpus, "affinity_count", lambda: 8)
    monkeypatch.setattr(cpus, "cgroup_quota", lambda: 1.5)
    b = cpu_budget()
    assert (b.threads, b.limited_by) == (2, "cgroup quota")  # 1.5 CPUs still run 2 threads
    assert cpu_budget(cap=1).limited_by == "user cap"
    monkeypatch.setattr(cpus, "cgroup_quota", lambda: None)
    assert cpu_budget().threads == 8


def test_thread_variables_are_set_for_every_runtime() -> None:
    env = thread_environment(3)
    assert env["OMP_NUM_THREADS"] == env["MKL_NUM_THREADS"] == env["TF_NUM_INTRAOP_THREADS"] == "3"
    # TensorFlow's inter-op pool as a user's script has it on 3 CPUs, not one thread.
    assert env["TF_NUM_INTEROP_THREADS"] == "3"
