"""How two results are compared: one place for the catalogue test, the bench's answer
check and the ETL reference.

- :func:`compare_frames`: two query results, row by row (floats within a relative
  tolerance, NULL equal to NaN); the bench's answer check and the catalogue tests use it.
- :func:`checksum`: an order-sensitive digest of a result, recorded beside its timings.
- :func:`silver_fingerprint`: an order-independent summary of a silver folder, so the
  DuckDB reference silver can be checked equal to Spark's before it is timed.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from pipeline.layers.silver_contract import REJECT
from pipeline.sqltext import sql_literal

if TYPE_CHECKING:  # only annotations: importing the module needs no pandas
    import pandas as pd


def plain(value: Any) -> Any:
    """A comparable Python value: arrays become lists, numpy scalars become Python ones."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _close(a: Any, b: Any, rel: float) -> bool:
    if a is None or b is None or isinstance(a, bool | str) or isinstance(b, bool | str):
        return a == b or (_is_nan(a) and _is_nan(b))
    if isinstance(a, float) or isinstance(b, float):
        if _is_nan(a) or _is_nan(b):
            return _is_nan(a) and _is_nan(b)
        return math.isclose(a, b, rel_tol=rel, abs_tol=0.0) or a == b
    return a == b


def _is_nan(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def compare_frames(left, right, rel: float = 1e-9, limit: int = 5) -> list[str]:
    """Differences between two query results (empty when equal).

    Columns and row order must match exactly; floats may differ by ``rel`` (relative);
    nulls and NaNs are equal to each other.
    """
    if list(left.columns) != list(right.columns):
        return [f"columns differ: {list(left.columns)} vs {list(right.columns)}"]
    if len(left) != len(right):
        return [f"row counts differ: {len(left)} vs {len(right)}"]
    problems = []
    for column in left.columns:
        for i, (a, b) in enumerate(zip(left[column], right[column], strict=True)):
            a, b = plain(a), plain(b)
            ok = (
                len(a) == len(b) and all(_close(x, y, rel) for x, y in zip(a, b, strict=True))
                if isinstance(a, list) and isinstance(b, list)
                else _close(a, b, rel)
            )
            if not ok:
                problems.append(f"row {i}, column {column}: {a!r} vs {b!r}")
                if len(problems) >= limit:
                    return problems
    return problems


def checksum(frame: pd.DataFrame) -> str:
    """An order-sensitive checksum of a result, with floats rounded to 9 significant digits."""
    digest = hashlib.sha256(",".join(map(str, frame.columns)).encode())
    for row in frame.itertuples(index=False):
        digest.update(repr(tuple(_rounded(v) for v in row)).encode())
    return digest.hexdigest()[:16]


def _rounded(value: Any) -> Any:
    """``value`` plain, with floats rounded to 9 significant digits and lists as tuples."""
    value = plain(value)
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, list):
        return tuple(_rounded(v) for v in value)
    return value


# Columns a wrong parse, rule or derivation would change (floats rounded: no last-ulp noise).
FINGERPRINT_COLUMNS = (
    "id, artists, artist_ids, primary_artist, artist_count, explicit, track_number, "
    "release_date, release_precision, decade, is_party_song, mood, year, "
    "round(duration_min, 9), round(tempo, 9), round(valence, 9)"
)


def silver_fingerprint(silver_dir: Path) -> dict[str, object]:
    """An order-independent summary of a silver directory (either engine's), to compare.

    Row counts, rejects by reason, and sums of row hashes for tracks, track_artists and
    rejects; equal fingerprints mean equal silvers up to a hash collision.
    """
    silver = Path(silver_dir)

    def scan(table: str) -> str:
        glob = sql_literal(str(silver / table / "**" / "*.parquet"))
        return f"read_parquet({glob}, hive_partitioning = {str(table == 'tracks').lower()})"

    con = duckdb.connect()
    try:
        tracks = con.execute(
            f"SELECT count(*), sum(hash({FINGERPRINT_COLUMNS})) FROM {scan('tracks')}"
        ).fetchone()
        artists = con.execute(
            "SELECT count(*), sum(hash(track_id, position, artist_id, artist_name)) "
            f"FROM {scan('track_artists')}"
        ).fetchone()
        rejects = con.execute(
            f"SELECT {REJECT}, count(*), sum(hash(id, name, release_date)) "
            f"FROM {scan('_rejects')} GROUP BY 1 ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    return {
        "tracks": tracks[0],
        "tracks_hash": int(tracks[1] or 0),
        "track_artists": artists[0],
        "track_artists_hash": int(artists[1] or 0),
        "rejects_by_reason": {reason: n for reason, n, _ in rejects},
        "rejects_hash": sum(int(h) for _, _, h in rejects),
    }
