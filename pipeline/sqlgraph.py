"""Run dependent SQL steps on a few DuckDB cursors at once.

A build made of many statements leaves cores idle: small aggregates, single-row-group
reads and the serial ends of sorts each keep one core busy. Two cursors of one
connection share the database and its thread pool, so while one runs a statement the
other runs the next one whose inputs are ready.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class Step:
    """``run(cursor)`` once the steps named in ``after`` are done."""

    name: str
    run: Callable[[duckdb.DuckDBPyConnection], None]
    after: tuple[str, ...] = ()


def check_order(steps: list[Step]) -> None:
    """Raise unless names are unique and each step comes after the steps it needs."""
    seen: set[str] = set()
    for step in steps:
        if step.name in seen:
            raise ValueError(f"step {step.name!r} is listed twice")
        missing = [name for name in step.after if name not in seen]
        if missing:
            raise ValueError(f"step {step.name!r} needs {missing}, which are not listed before it")
        seen.add(step.name)


def run_steps(
    con: duckdb.DuckDBPyConnection,
    steps: list[Step],
    workers: int = 2,
    done_hook: Callable[[str, float], None] | None = None,
    prepare: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> None:
    """Run ``steps`` on ``workers`` cursors of ``con``; each takes the first ready step.

    The list order is the priority (put long steps early). ``prepare(cursor)`` sets each
    new cursor up (a cursor starts with the database's defaults, not ``con``'s ``USE``);
    ``done_hook(name, seconds)`` is called after each step. The first failure stops new
    steps, interrupts the running ones and is raised; so is an interrupt of the caller.
    """
    check_order(steps)
    pending = list(steps)
    done: set[str] = set()
    errors: list[BaseException] = []
    cond = threading.Condition()
    cursors = [con.cursor() for _ in range(workers)]

    def take() -> Step | None:
        with cond:
            while not errors and pending:
                step = next((s for s in pending if done.issuperset(s.after)), None)
                if step is not None:
                    pending.remove(step)
                    return step
                cond.wait()
            return None

    def work(cursor: duckdb.DuckDBPyConnection) -> None:
        while (step := take()) is not None:
            start = time.perf_counter()
            try:
                step.run(cursor)
                if done_hook:
                    done_hook(step.name, time.perf_counter() - start)
            except BaseException as error:  # noqa: BLE001 - handed to the caller below
                error.add_note(f"in step {step.name!r}")
                with cond:
                    errors.append(error)
                    cond.notify_all()
                _interrupt(cursors)
                return
            with cond:
                done.add(step.name)
                cond.notify_all()

    threads = [threading.Thread(target=work, args=(c,), daemon=True) for c in cursors]
    try:
        for cursor in cursors:
            if prepare:
                prepare(cursor)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    except BaseException:
        with cond:
            errors.append(RuntimeError("interrupted"))
            cond.notify_all()
        _interrupt(cursors)
        raise
    finally:
        for thread in threads:
            if thread.is_alive():
                thread.join(timeout=30)
        for cursor in cursors:
            cursor.close()
    if errors:
        raise errors[0]


def _interrupt(cursors: list[duckdb.DuckDBPyConnection]) -> None:
    for cursor in cursors:
        cursor.interrupt()
