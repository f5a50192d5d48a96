"""How long `advisor` takes to paint its first screen: process start to the welcome screen drawn.

Each run is a fresh interpreter (imports included, as a user pays them), the app running
headless, with the real probe runner (which imports nothing heavy until a probe starts). The
child reports the moment after the welcome screen's first refresh; the figure is the median
of the runs, in milliseconds. The target (issue 5) is under 1 s.

    python bench/tui_first_paint.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

TARGET_S = 1.0


def child() -> None:
    from advisor.tui import make_app
    from advisor.tui.screens import welcome

    original = welcome.WelcomeScreen.on_mount

    def on_mount(self: welcome.WelcomeScreen) -> None:
        original(self)

        def painted() -> None:
            print(f"PAINTED {time.time():.6f}", flush=True)
            self.app.exit()

        self.call_after_refresh(painted)

    welcome.WelcomeScreen.on_mount = on_mount  # type: ignore[method-assign]
    make_app().run(headless=True)


def one_run() -> float:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    started = time.time()
    out = subprocess.run([sys.executable, __file__, "--child"], capture_output=True, text=True,
                         env=env, timeout=60, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("PAINTED "))
    return float(line.split()[1]) - started


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")),
                       cpu)
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return 0
    one_run()  # warm the bytecode and file caches; not counted
    times = [one_run() for _ in range(args.runs)]
    median = statistics.median(times)
    print(f"first paint: median {median * 1000:.0f} ms over {args.runs} runs "
          f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); target < "
          f"{TARGET_S * 1000:.0f} ms")
    print(f"machine: {machine()}")
    return 0 if median < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
