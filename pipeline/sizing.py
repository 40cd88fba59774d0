"""Disk sizing: the space a run needs, estimated from its row count, checked before it starts.

Bytes per row were measured on the generated stand-in at 1.2M and 12M rows (this version):
the CSV 280, bronze 84, silver 92 and gold 212 bytes a row. Publishing keeps the
previous version of each layer beside the new one (:data:`pipeline.publish.KEEP_PREVIOUS`),
so a rebuild needs the layers twice. DuckDB's spill (:mod:`pipeline.layers.gold`) peaked at 3.9 GB
for 12M rows (its sorts, joins and the work tables past the memory cap): 320 bytes a row.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.manifest import human_bytes as human

BYTES_PER_ROW = {"csv": 280, "bronze": 84, "silver": 92, "gold": 212}
SPILL_BYTES_PER_ROW = 320
PARTS = ("csv", "bronze", "silver", "gold", "previous versions", "spill")


class DiskSpaceError(RuntimeError):
    """Not enough free disk for the run; nothing was started."""


def estimate(rows: int, with_csv: bool = True, reused: tuple[str, ...] = ()) -> dict[str, int]:
    """Bytes each part of a run needs at ``rows`` rows, and their ``total``; the layers
    named in ``reused`` are on disk already (a resumed sweep) and need no new space."""
    need = {part: rows * per_row for part, per_row in BYTES_PER_ROW.items()}
    for part in (*reused, *(() if with_csv else ("csv",))):
        need[part] = 0
    need["previous versions"] = need["bronze"] + need["silver"] + need["gold"]
    need["spill"] = rows * SPILL_BYTES_PER_ROW
    need["total"] = sum(need[p] for p in PARTS)
    return need


def estimated_rows(csv: Path) -> int:
    """Rows of an existing CSV, estimated from its size (the generated file's bytes a row)."""
    return Path(csv).stat().st_size // BYTES_PER_ROW["csv"]


def free_bytes(path: Path) -> int:
    """Free bytes on the filesystem that holds ``path`` (or its nearest existing parent)."""
    path = Path(path).absolute()
    while not path.exists():
        path = path.parent
    return shutil.disk_usage(path).free


def preflight(
    data_dir: Path, rows: int, with_csv: bool = True, reused: tuple[str, ...] = ()
) -> dict[str, int]:
    """Raise :class:`DiskSpaceError` unless ``data_dir``'s disk can hold a run of ``rows``.

    The free space a run needs is its new files and its spill. The previous versions it
    keeps are on disk already (the one before them is deleted after each publish), so they
    count in the footprint (:func:`estimate`), not in what must be free.
    """
    need, free = estimate(rows, with_csv, reused), free_bytes(data_dir)
    parts = [p for p in PARTS if p != "previous versions" and need[p]]
    total = sum(need[p] for p in parts)
    if total > free:
        listed = ", ".join(f"{p} {human(need[p])}" for p in parts)
        raise DiskSpaceError(
            f"{data_dir}: a run of {rows:,} rows needs about {human(total)} free ({listed}) "
            f"but only {human(free)} is free; free space, point DATA_DIR at a bigger disk, "
            "or run fewer ROWS"
        )
    return need
