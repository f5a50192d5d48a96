"""Process states: what a tuned worker is started with, and what a worker reports of itself."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from probes import runtime

LDCONFIG = """\
1234 libs found in cache `/etc/ld.so.cache'
\tlibjemalloc.so.2 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libjemalloc.so.2
\tlibtcmalloc_minimal.so.4 (libc6,x86-64) => /opt/gperf/lib/libtcmalloc_minimal.so.4
\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6
"""


def test_the_glibc_state_is_the_exact_line_a_user_adds() -> None:
    state = runtime.glibc_thresholds()
    assert state.tuned and state.name == "glibc-thresholds"
    assert state.setting == "MALLOC_MMAP_THRESHOLD_=268435456 MALLOC_TRIM_THRESHOLD_=268435456"
    assert runtime.out_of_the_box().setting == "" and not runtime.out_of_the_box().tuned


def test_a_preloadable_allocator_is_found_only_where_the_system_has_it() -> None:
    assert runtime.find_preload(("libjemalloc.so.2",), LDCONFIG) == (
        "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
    )
    assert runtime.find_preload(("libtcmalloc_minimal.so.4",), LDCONFIG) == (
        "/opt/gperf/lib/libtcmalloc_minimal.so.4"
    )
    assert runtime.find_preload(("libnothing.so.9",), LDCONFIG) is None
    jemalloc = runtime.preloaded(runtime.JEMALLOC, LDCONFIG)
    assert jemalloc is not None
    assert jemalloc.setting == "LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"


@pytest.mark.skipif(not runtime.is_glibc(), reason="glibc's thresholds exist only on glibc")
def test_the_default_run_tunes_glibc_and_tuning_adds_what_is_installed() -> None:
    assert [s.name for s in runtime.tuned_states(everything=False, ldconfig=LDCONFIG)] == [
        "glibc-thresholds"
    ]
    everything = runtime.tuned_states(everything=True, ldconfig=LDCONFIG)
    assert [s.name for s in everything] == ["glibc-thresholds", "jemalloc", "tcmalloc"]
    # Without ldconfig's cache, only the usual library folders are looked in.
    names = [s.name for s in runtime.tuned_states(everything=True, ldconfig="")]
    assert names[0] == "glibc-thresholds" and set(names[1:]) <= {"jemalloc", "tcmalloc"}


def test_a_worker_reports_only_the_variables_that_change_speed() -> None:
    described = runtime.describe({"MALLOC_MMAP_THRESHOLD_": "268435456", "OMP_NUM_THREADS": "2",
                                  "LD_PRELOAD": "/x/libjemalloc.so.2", "HOME": "/root",
                                  "TF_ENABLE_ONEDNN_OPTS": "0", "PATH": "/bin"})  # fmt: skip
    assert described["env"] == {"LD_PRELOAD": "/x/libjemalloc.so.2",
                                "MALLOC_MMAP_THRESHOLD_": "268435456",
                                "OMP_NUM_THREADS": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}  # fmt: skip
    if described["allocator"].startswith("glibc"):
        assert described["mmap_threshold"] == "268435456"
        assert described["trim_threshold"] == "dynamic"


def test_a_process_knows_which_allocator_it_runs_on() -> None:
    """From the inside: the maps of a process started with a tuned state show its library."""
    code = "from probes import runtime; print(runtime.allocator())"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)  # fmt: skip
    expected = "glibc" if runtime.is_glibc() else ""
    assert out.stdout.startswith(expected)
    found = runtime.preloaded(runtime.JEMALLOC)
    if found is not None:  # only where the system already has jemalloc
        env["LD_PRELOAD"] = found.env["LD_PRELOAD"]
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True)  # fmt: skip
        assert out.stdout.strip() == "jemalloc"
