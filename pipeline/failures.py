"""How a failed command ends: one line on stderr, a documented exit status, the trace in a log.

Exit status (the same for every command, documented in docs/layers.md):

* 2 (:data:`EXIT_BAD_INPUT`): bad input or settings, a layer refused or busy; the user
  fixes the input or waits. The message names the file, line, column or variable.
* 1 (:data:`EXIT_FAULT`): the environment failed (disk full, read-only, permission, the
  Spark JVM killed) or an unexpected error. The line says what, and where the full trace is.
* 130 (:data:`EXIT_INTERRUPTED`): Ctrl-C.

Full traces go to ``DATA_DIR/.logs/<command>-<UTC time>-<pid>.log`` (Spark's own log to
``DATA_DIR/.logs/spark-<pid>.log``), never to the terminal. Only the newest
:data:`KEEP_LOGS` logs are kept.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

EXIT_FAULT = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # the shell's code for Ctrl-C
LOGS_DIR = ".logs"
KEEP_LOGS = 30

# What an environment fault looks like inside an error's text (Java traces included),
# and the one line the user gets for it.
_FAULTS = (
    ("No space left on device", "the disk is full"),
    ("Disk quota exceeded", "the disk quota is used up"),
    ("Read-only file system", "the file system is read-only"),
    ("Permission denied", "permission denied"),
    ("java.lang.OutOfMemoryError", "the Spark JVM ran out of memory (raise SPARK_DRIVER_MEMORY)"),
)
_JVM_GONE = ("Connection refused", "Answer from Java side is empty", "Error while receiving",
             "Java gateway process exited", "Py4JNetworkError")  # fmt: skip
_ERRNO_FAULTS = {
    errno.ENOSPC: "the disk is full",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EDQUOT: "the disk quota is used up",
}


def logs_dir(data_dir: Path) -> Path:
    """``DATA_DIR/.logs``, or the system temp folder when that cannot be created."""
    path = Path(data_dir) / LOGS_DIR
    try:
        path.mkdir(parents=True, exist_ok=True)
        return path
    except OSError:
        return Path(tempfile.gettempdir())


def log_path(data_dir: Path, command: str) -> Path:
    """A new log file's path for ``command`` (older logs past :data:`KEEP_LOGS` removed)."""
    folder = logs_dir(data_dir)
    prune_logs(folder)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return folder / f"{command}-{stamp}-{os.getpid()}.log"


def spark_log(data_dir: Path) -> Path:
    """This process's Spark JVM log: its stderr and its log4j output (absolute, for the JVM)."""
    return logs_dir(data_dir).absolute() / f"spark-{os.getpid()}.log"


def route_python_logs(path: Path) -> None:
    """Send every Python log record (py4j's and pyspark's included: they log whole traces
    on a lost JVM or Ctrl-C) to ``path`` instead of stderr; the file is created only if
    something is logged. The CLI's own progress lines are prints, not log records."""
    handler = logging.FileHandler(path, delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    for name in ("py4j", "pyspark"):
        logging.getLogger(name).propagate = True


@contextlib.contextmanager
def stderr_to(path: Path) -> Iterator[None]:
    """Point file descriptor 2 at ``path`` for the block. A process started inside (the
    Spark JVM) keeps writing its stderr there for its whole life; Python's is restored."""
    sys.stderr.flush()
    saved = os.dup(2)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.dup2(fd, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(fd)


def write_trace(path: Path, exc: BaseException) -> Path | None:
    """Append ``exc``'s full trace to ``path``; None when even that cannot be written."""
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return None


def prune_logs(folder: Path) -> None:
    """Keep the newest :data:`KEEP_LOGS` logs in ``folder``."""
    with contextlib.suppress(OSError):
        logs = sorted(Path(folder).glob("*.log"), key=lambda p: p.stat().st_mtime)
        for old in logs[:-KEEP_LOGS]:
            old.unlink(missing_ok=True)


def describe(exc: BaseException) -> str:
    """One line saying what went wrong in the environment, from any error (Java's too)."""
    if isinstance(exc, OSError) and exc.errno in _ERRNO_FAULTS:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{_ERRNO_FAULTS[exc.errno]}{where}"
    text = "\n".join(_chain_texts(exc))
    for needle, meaning in _FAULTS:
        if needle in text:
            return meaning
    if any(needle in text for needle in _JVM_GONE) or isinstance(exc, ConnectionError):
        return "the Spark JVM stopped (killed, or crashed) while the step ran"
    first = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    return f"{type(exc).__name__}: {first[:300]}" if first else type(exc).__name__


def _chain_texts(exc: BaseException) -> list[str]:
    """The texts of ``exc`` and of every cause or context behind it."""
    texts, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        texts.append(f"{type(exc).__name__}: {exc}")
        exc = exc.__cause__ or exc.__context__
    return texts
