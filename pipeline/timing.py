"""Named, printed step timings: users see progress, manifests record the breakdown."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator


class Steps:
    """Times named steps of one layer build and prints each as it finishes."""

    def __init__(self, layer: str, verbose: bool = True) -> None:
        self.layer = layer
        self.verbose = verbose
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        elapsed = time.perf_counter() - start
        self.seconds[name] = round(elapsed, 3)
        if self.verbose:
            print(f"[{self.layer}]   {name}: {elapsed:.1f}s", flush=True)
