"""Float text: Spotify's precision and the legacy pandas parser's artifacts."""

from __future__ import annotations

import numpy as np

# ---------------------------------------------------------------------------------------------
# Float formatting: Spotify precision + pandas legacy-parser artifacts
# ---------------------------------------------------------------------------------------------
_POW10 = np.array([1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10])


def sig3(v: np.ndarray) -> np.ndarray:
    """Round non-negative values to 3 significant digits (the precision of Spotify's API)."""
    dec = np.full(v.shape, 3, dtype=np.int64)
    for threshold, d in ((0.1, 4), (0.01, 5), (1e-3, 6), (1e-4, 7), (1e-5, 8), (1e-6, 9)):
        dec[v < threshold] = d
    p = _POW10[dec]
    return np.rint(v * p) / p + 0.0


def dec3(v: np.ndarray) -> np.ndarray:
    """Round to 3 decimals (loudness, tempo); ``+ 0.0`` turns ``-0.0`` into ``0.0``."""
    return np.rint(v * 1000.0) / 1000.0 + 0.0


def _xstrtod(strings: list[str]) -> np.ndarray:
    """Vectorised pandas (<1.3) legacy ``xstrtod``: digits into a double, then scale by 10^|e|
    with the binary powers 10, 100, 1e4, 1e8, ... (each step rounded). Input: Python reprs."""
    n = len(strings)
    if n == 0:
        return np.zeros(0)
    width = max(len(s) for s in strings)
    b = np.array(strings, dtype=f"S{width}").view(np.uint8).reshape(n, width)
    number = np.zeros(n)
    in_frac = np.zeros(n, dtype=bool)
    in_exp = np.zeros(n, dtype=bool)
    exp_neg = np.zeros(n, dtype=bool)
    ndec = np.zeros(n, dtype=np.int64)
    expv = np.zeros(n, dtype=np.int64)
    for j in range(width):
        c = b[:, j]
        digit = (c >= 48) & (c <= 57)
        d = c.astype(np.int64) - 48
        mant = digit & ~in_exp
        number = np.where(mant, number * 10.0 + d, number)
        ndec += mant & in_frac
        expv = np.where(digit & in_exp, expv * 10 + d, expv)
        exp_neg |= in_exp & (c == 45)
        in_frac |= c == 46
        in_exp |= c == 101
    number = np.where(b[:, 0] == 45, -number, number)
    exponent = np.where(exp_neg, -expv, expv) - ndec
    mag = np.abs(exponent)
    p10 = 10.0
    bit = 0
    with np.errstate(over="ignore", invalid="ignore"):
        while (mag >> bit).any():
            hit = ((mag >> bit) & 1).astype(bool)
            number = np.where(hit & (exponent < 0), number / p10, number)
            number = np.where(hit & (exponent > 0), number * p10, number)
            p10 = p10 * p10
            bit += 1
    return number


def pandas_roundtrip(values: np.ndarray, passes: int = 3) -> np.ndarray:
    """``values`` after ``passes`` write(repr)/read(legacy pandas parser) cycles.

    The real file is exactly this with ``passes=3`` applied to Spotify's clean decimals.
    Works on the unique values only, so it is cheap.
    """
    values = np.asarray(values, dtype=np.float64)
    uniq, inv = np.unique(values, return_inverse=True)
    x = uniq
    for _ in range(passes):
        x = _xstrtod([repr(v) for v in x.tolist()])
    return x[inv.reshape(-1)]


def float_column(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Apply the artifacts: (final unique values, their Python reprs, row -> unique index)."""
    values = np.asarray(values, dtype=np.float64)
    uniq, inv = np.unique(values, return_inverse=True)
    x = uniq
    for _ in range(3):
        x = _xstrtod([repr(v) for v in x.tolist()])
    text = np.array([repr(v) for v in x.tolist()], dtype=object)
    return x, text, inv.reshape(-1)


def csv_field(s: str) -> str:
    """QUOTE_MINIMAL as Python's csv writes it (no field here contains a newline)."""
    if "," in s or '"' in s or "\n" in s or "\r" in s:
        return '"' + s.replace('"', '""') + '"'
    return s
