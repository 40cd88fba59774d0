"""Read-only serving of catalogue queries from the gold DuckDB file.

Every thread keeps its own ``read_only`` connection and reopens it when the published
file changes (a rebuild renames a new file into place), so many readers work at once and
pick up a new gold without a restart. Values are passed only as bound parameters.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipeline import catalogue
from pipeline.settings import SERVING_MEMORY_LIMIT
from pipeline.sqltext import sql_literal


class GoldMissingError(FileNotFoundError):
    """There is no gold file yet: the message says what to run."""


@dataclass(frozen=True)
class Served:
    """A query's result and how long the gold query took."""

    name: str
    params: dict[str, Any]
    frame: pd.DataFrame
    seconds: float  # the query alone
    open_seconds: float = 0.0  # opening this thread's connection first (its first use only)

    @property
    def millis(self) -> float:
        return self.seconds * 1000


def open_read_only(
    path: Path | str, memory_limit: str = SERVING_MEMORY_LIMIT
) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the gold file now at ``path``, its buffer pool capped at
    ``memory_limit`` (DuckDB units, e.g. "512MB") so serving memory does not grow with gold.

    The file is attached to a new in-memory database: ``duckdb.connect(path)`` would return
    the process's cached instance of that path while any connection to it is open, and after
    a publish that instance is the previous file. The path comes from settings.
    """
    con = duckdb.connect(config={"memory_limit": memory_limit})
    con.execute(f"ATTACH {sql_literal(str(path))} AS gold (READ_ONLY)")
    con.execute("USE gold")
    return con


class GoldReader:
    """Runs catalogue queries against ``gold/spotify.duckdb``; safe to share across threads."""

    def __init__(self, path: Path | str, memory_limit: str = SERVING_MEMORY_LIMIT) -> None:
        self.path = Path(path)
        self.memory_limit = memory_limit
        self._local = threading.local()

    def _file_id(self) -> tuple[int, int, int]:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise GoldMissingError(
                f"no gold database at {self.path}: run `make all` (or `make gold`) first"
            ) from None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def connection(self) -> duckdb.DuckDBPyConnection:
        """This thread's connection, reopened if a new gold file was published."""
        file_id = self._file_id()
        con = getattr(self._local, "con", None)
        self._local.open_seconds = 0.0
        if con is None or self._local.file_id != file_id:
            if con is not None:
                con.close()
            start = time.perf_counter()
            con = open_read_only(self.path, self.memory_limit)
            self._local.open_seconds = time.perf_counter() - start
            self._local.con, self._local.file_id = con, file_id
        return con

    def run(self, name: str, **params: Any) -> Served:
        """Validate ``params`` and run query ``name``; the query's time and the time taken to
        open this thread's connection (its first use, or after a new gold) are kept apart."""
        query = catalogue.get(name)
        bound = query.bind(params)
        con = self.connection()
        start = time.perf_counter()
        frame = con.execute(query.duckdb, query.sql_args(bound)).df()
        seconds = time.perf_counter() - start
        if query.columns:
            frame = frame[query.columns(bound)]
        return Served(name, bound, frame, seconds, self._local.open_seconds)

    def build_info(self) -> dict[str, Any]:
        """The ``_build`` row: when gold was built, from which silver, with what."""
        cur = self.connection().execute("SELECT * FROM _build")
        names = [d[0] for d in cur.description]
        return dict(zip(names, cur.fetchone(), strict=True))

    def close(self) -> None:
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None
