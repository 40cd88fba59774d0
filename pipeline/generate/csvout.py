"""A block as CSV text or as a typed DataFrame."""

from __future__ import annotations

import numpy as np

from pipeline.generate.catalogue import Catalogue
from pipeline.generate.features import track_features
from pipeline.generate.floats import csv_field, float_column
from pipeline.generate.rand import random_ids
from pipeline.schema import RAW_COLUMNS

_FLOAT_COLS = ("danceability", "energy", "loudness", "speechiness", "acousticness",
               "instrumentalness", "liveness", "valence", "tempo")  # fmt: skip


class Table:
    """The generated rows, column by column, as compactly as possible: a column is a list of
    field strings, or a (lookup table, row index) pair materialised chunk by chunk."""

    def __init__(
        self, rows: int, seed: tuple[int, ...], head: dict | None = None, head_weight: float = 1.0
    ) -> None:
        if rows < 0:
            raise ValueError("rows must be >= 0")
        self.rows = rows
        self.cols: dict[str, object] = {}
        self.typed: dict[str, object] = {}
        if rows == 0:
            return
        cat = Catalogue(rows, seed, head, head_weight)
        cat.make_albums()
        cat.album_text()
        tab = cat.rows_table()
        feats = track_features(cat, tab)
        row_alb = tab["row_alb"]
        alb = cat.alb
        cols, typed = self.cols, self.typed
        ids = random_ids(cat.rng, rows)
        cols["id"] = typed["id"] = ids
        cols["name"] = _quote_all(tab["names"])
        typed["name"] = tab["names"]
        cols["album"] = (np.array(_quote_all(cat.alb_names), dtype=object), row_alb)
        typed["album"] = (np.array(cat.alb_names, dtype=object), row_alb)
        cols["album_id"] = typed["album_id"] = (cat.alb_ids, row_alb)
        cols["artists"] = _quote_all(tab["artists"])
        cols["artist_ids"] = _quote_all(tab["artist_ids"])
        typed["artists"] = tab["artists"]
        typed["artist_ids"] = tab["artist_ids"]
        small = np.array([str(k) for k in range(64)], dtype=object)
        for c, v in (("track_number", tab["track"]), ("disc_number", tab["disc"]),
                     ("key", feats["key"]), ("mode", feats["mode"])):  # fmt: skip
            v = np.asarray(v, dtype=np.int64)
            cols[c] = (small, v)
            typed[c] = v
        dur = np.asarray(feats["duration_ms"], dtype=np.int64)
        du, dinv = np.unique(dur, return_inverse=True)
        cols["duration_ms"] = (np.array(list(map(str, du.tolist())), dtype=object), dinv)
        typed["duration_ms"] = dur
        typed["explicit"] = feats["explicit"]
        cols["explicit"] = (np.array(["False", "True"], dtype=object),
                            feats["explicit"].astype(np.int64))  # fmt: skip
        for c in _FLOAT_COLS:
            x, text, inv = float_column(feats[c])
            cols[c] = (text, inv)
            typed[c] = (x, inv)
        ts = feats["time_signature"]
        tsu, tsinv = np.unique(ts, return_inverse=True)
        cols["time_signature"] = (np.array([repr(v) for v in tsu.tolist()], dtype=object), tsinv)
        typed["time_signature"] = ts
        cols["year"] = (np.array(list(map(str, alb["year"].tolist())), dtype=object), row_alb)
        typed["year"] = alb["year"][row_alb].astype(np.int64)
        cols["release_date"] = typed["release_date"] = (alb["date"], row_alb)

    @staticmethod
    def _slice(col, start: int, stop: int) -> list:
        if isinstance(col, tuple):
            table, index = col
            return table[index[start:stop]].tolist()
        if isinstance(col, np.ndarray):
            return col[start:stop].tolist()
        return col[start:stop]

    def lines(self, chunk: int = 100_000):
        """CSV text (no header) in chunks of whole LF-terminated lines."""
        for start in range(0, self.rows, chunk):
            stop = min(self.rows, start + chunk)
            part = [self._slice(self.cols[c], start, stop) for c in RAW_COLUMNS]
            yield "\n".join(map(",".join, zip(*part, strict=True))) + "\n"

    def frame(self):
        import pandas as pd

        data = {}
        for c in RAW_COLUMNS:
            v = self.typed.get(c, [])
            if isinstance(v, tuple):
                v = v[0][v[1]]
            data[c] = v
        return pd.DataFrame(data)


def _quote_all(values: list[str]) -> list[str]:
    """CSV-quote every field, sharing the result between equal strings."""
    memo: dict[str, str] = {}
    out = []
    for v in values:
        q = memo.get(v)
        if q is None:
            q = memo[v] = csv_field(v)
        out.append(q)
    return out
