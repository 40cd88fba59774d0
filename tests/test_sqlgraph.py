"""The step runner behind the gold build: order, concurrency and failures, on real DuckDB."""

from __future__ import annotations

import threading
import time

import duckdb
import pytest

from pipeline.sqlgraph import Step, check_order, run_steps


def _sql(sql: str):
    return lambda cursor: cursor.execute(sql)


def test_steps_run_after_what_they_read():
    con = duckdb.connect()
    steps = [
        Step("a", _sql("CREATE TABLE a AS SELECT range AS x FROM range(1000)")),
        Step("b", _sql("CREATE TABLE b AS SELECT x * 2 AS y FROM a"), after=("a",)),
        Step("c", _sql("CREATE TABLE c AS SELECT 7 AS z")),
        Step("d", _sql("CREATE TABLE d AS SELECT sum(y) + max(z) AS s FROM b, c"), ("b", "c")),
    ]
    finished = []
    run_steps(con, steps, workers=2, done_hook=lambda name, _s: finished.append(name))
    assert con.execute("SELECT s FROM d").fetchone()[0] == 2 * sum(range(1000)) + 7
    assert sorted(finished) == ["a", "b", "c", "d"] and finished[-1] == "d"


def test_two_workers_run_two_steps_at_once():
    """Each step waits for the other to start: only concurrent workers get past it."""
    started = {name: threading.Event() for name in ("left", "right")}

    def meet(me: str, other: str):
        def run(_cursor):
            started[me].set()
            assert started[other].wait(timeout=30), f"{other} never ran beside {me}"

        return run

    steps = [Step("left", meet("left", "right")), Step("right", meet("right", "left"))]
    run_steps(duckdb.connect(), steps, workers=2)


def test_prepare_sets_up_each_cursor():
    con = duckdb.connect()
    con.execute("ATTACH ':memory:' AS work")
    steps = [Step(f"s{i}", _sql(f"CREATE TABLE s{i} AS SELECT {i} AS v")) for i in range(4)]
    run_steps(con, steps, workers=2, prepare=lambda cursor: cursor.execute("USE work"))
    tables = con.execute("SELECT database_name, table_name FROM duckdb_tables()").fetchall()
    assert sorted(tables) == [("work", f"s{i}") for i in range(4)]


def test_a_failure_stops_the_run_and_interrupts_the_other_step():
    con = duckdb.connect()
    ran = []
    steps = [
        # Minutes of work unless it is interrupted.
        Step("slow", _sql("SELECT count(*) FROM range(10000000000) WHERE range % 7 = 3")),
        Step("bad", _sql("SELECT * FROM no_such_table")),
        Step("later", lambda _c: ran.append("later"), after=("bad",)),
    ]
    start = time.perf_counter()
    with pytest.raises(duckdb.CatalogException, match="no_such_table"):
        run_steps(con, steps, workers=2)
    assert ran == []
    assert time.perf_counter() - start < 60, "the slow step was not interrupted"


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([Step("b", print, after=("a",)), Step("a", print)], "not listed before it"),
        ([Step("a", print, after=("zzz",))], "not listed before it"),
        ([Step("a", print), Step("a", print)], "listed twice"),
    ],
)
def test_bad_step_lists_are_refused(steps, message):
    with pytest.raises(ValueError, match=message):
        check_order(steps)


def test_a_failing_hook_is_raised_not_a_hang():
    def hook(name, _seconds):
        raise ValueError(f"hook failed after {name}")

    steps = [Step("a", _sql("SELECT 1")), Step("b", _sql("SELECT 2"), after=("a",))]
    with pytest.raises(ValueError, match="hook failed after a"):
        run_steps(duckdb.connect(), steps, workers=2, done_hook=hook)
