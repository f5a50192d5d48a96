"""The line-delimited JSON channel and the CPU budget: garbage, deadlines, quotas."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from probes.cpus import cgroup_quota, cpu_budget, thread_environment
from probes.protocol import (
    ChannelClosed,
    ChannelStopped,
    ChannelTimeout,
    LineReader,
    ProtocolError,
    decode,
    encode,
    write_message,
)


@pytest.fixture
def pipe():
    r, w = os.pipe()
    yield r, w
    for fd in (r, w):
        try:
            os.close(fd)
        except OSError:
            pass  # the test closed it already


def test_round_trip_of_split_and_joined_lines(pipe) -> None:
    r, w = pipe
    data = encode({"type": "reply", "x": 1}) + encode({"type": "event"})
    os.write(w, data[:7])
    os.write(w, data[7:])
    reader = LineReader(r)
    deadline = time.monotonic() + 2
    assert reader.read(deadline) == {"type": "reply", "x": 1}
    assert reader.read(deadline) == {"type": "event"}


@pytest.mark.parametrize("line", [b"not json", b"[1, 2]", b"\xff\xfe", b'"text"'])
def test_garbage_is_a_protocol_error_naming_what_came(line: bytes) -> None:
    with pytest.raises(ProtocolError):
        decode(line)


def test_nan_never_goes_on_the_wire() -> None:
    with pytest.raises(ValueError):
        encode({"loss": float("nan")})


def test_silence_times_out_and_eof_is_closed(pipe) -> None:
    r, w = pipe
    reader = LineReader(r)
    t = time.monotonic()
    with pytest.raises(ChannelTimeout):
        reader.read(time.monotonic() + 0.2)
    assert time.monotonic() - t < 1.0
    write_message(w, {"type": "reply"})
    os.close(w)
    assert reader.read(time.monotonic() + 1) == {"type": "reply"}
    with pytest.raises(ChannelClosed):
        reader.read(time.monotonic() + 1)


def test_a_half_line_before_eof_is_garbage(pipe) -> None:
    r, w = pipe
    os.write(w, b'{"type": "rep')
    os.close(w)
    with pytest.raises(ProtocolError, match="unterminated"):
        LineReader(r).read(time.monotonic() + 1)


def test_a_stop_request_ends_the_wait_promptly(pipe) -> None:
    r, _ = pipe
    t = time.monotonic()
    with pytest.raises(ChannelStopped):
        LineReader(r).read(time.monotonic() + 30, should_stop=lambda: time.monotonic() - t > 0.2)
    assert time.monotonic() - t < 1.0


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
    assert env["TF_NUM_INTEROP_THREADS"] == "1"
