"""Memory and time of a process tree: what the scale sweep records for every step."""

from __future__ import annotations

import subprocess
import threading
import time


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (``ps`` works on Linux and macOS)."""
    out = subprocess.run(["ps", "-A", "-o", "pid=,ppid=,rss="], capture_output=True, text=True)
    children: dict[int, list[tuple[int, int]]] = {}
    for line in out.stdout.splitlines():
        pid, ppid, rss = (int(x) for x in line.split())
        children.setdefault(ppid, []).append((pid, rss))
    total, stack = 0, [root]
    rss_of = {pid: rss for kids in children.values() for pid, rss in kids}
    while stack:
        pid = stack.pop()
        total += rss_of.get(pid, 0) * 1024
        stack.extend(p for p, _ in children.get(pid, []))
    return total


class PeakSampler:
    """``with PeakSampler(pid, every) as sampler:``: the largest :func:`tree_rss` of ``pid``
    seen every ``every`` seconds, in ``sampler.peak``, until the block ends."""

    def __init__(self, pid: int, every: float) -> None:
        self.pid, self.every, self.peak = pid, every, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        """A sample at once, then every ``every`` seconds: a step shorter than one period
        still gets a figure (its size when it started)."""
        while True:
            self.peak = max(self.peak, tree_rss(self.pid))
            if self._done.wait(self.every):
                return

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def run_measured(cmd: list[str], env: dict[str, str], log=None) -> dict[str, float]:
    """Run ``cmd``; return its wall seconds and the peak RSS of its process tree.

    Its output goes to ``log`` (a file object), or is kept for the error message.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=log or subprocess.PIPE, stderr=subprocess.STDOUT)
    with PeakSampler(proc.pid, 0.25) as sampler:
        output, _ = proc.communicate()
    if proc.returncode:
        tail = output.decode(errors="replace")[-2000:] if output else f"see {log.name}"
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {proc.returncode}):\n{tail}")
    return {"seconds": time.perf_counter() - start, "peak_rss_bytes": sampler.peak}
