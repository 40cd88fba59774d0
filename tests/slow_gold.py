"""``python -m tests.slow_gold SECONDS gold ...``: the pipeline CLI with a pause after each
gold table, so a test can kill or interrupt a build while it is under way.

A test hook, kept out of the product: it wraps gold's step runner in this process only.
"""

from __future__ import annotations

import sys
import time

from pipeline import cli
from pipeline.layers import gold


def _slowed(pause: float):
    run_steps = gold.run_steps

    def run_slowly(con, steps, cursors, done, **options):
        def done_then_wait(name: str, seconds: float) -> None:
            done(name, seconds)
            time.sleep(pause)

        return run_steps(con, steps, cursors, done_then_wait, **options)

    return run_slowly


if __name__ == "__main__":
    gold.run_steps = _slowed(float(sys.argv[1]))
    sys.exit(cli.main(sys.argv[2:]))
