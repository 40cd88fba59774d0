"""Small deterministic random helpers (IEEE-exact arithmetic only; see the package doc)."""

from __future__ import annotations

import numpy as np

from pipeline.generate.targets import ALPHABET, ERA, FIRST_SPAN, Q


# ---------------------------------------------------------------------------------------------
# Small deterministic helpers (IEEE-exact arithmetic only)
# ---------------------------------------------------------------------------------------------
def _uniforms(rng: np.random.Generator, block: int):
    while True:
        yield from rng.random(block).tolist()


class Stream:
    """Scalar draws for Python loops, served from pre-drawn blocks of ``rng.random()``."""

    def __init__(self, rng: np.random.Generator, block: int = 1 << 16) -> None:
        self.u = _uniforms(rng, block).__next__  # -> float in [0, 1)

    def i(self, n: int) -> int:
        return int(self.u() * n)

    def pick(self, seq):
        return seq[int(self.u() * len(seq))]

    def chance(self, p: float) -> bool:
        return self.u() < p


def noise(rng: np.random.Generator, n: int) -> np.ndarray:
    """Approximately N(0, 1): a sum of four uniforms (Irwin-Hall), no libm involved."""
    u = rng.random((4, n))
    return (((u[0] + u[1]) + (u[2] + u[3])) - 2.0) * 1.7320508075688772


def piecewise(x: np.ndarray, xp, fp) -> np.ndarray:
    """Piecewise-linear interpolation with separately rounded ufuncs (no FMA, unlike np.interp)."""
    xp = np.asarray(xp, dtype=np.float64)
    fp = np.asarray(fp, dtype=np.float64)
    x = np.clip(np.asarray(x, dtype=np.float64), xp[0], xp[-1])
    j = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, len(xp) - 2)
    x0 = xp[j]
    f0 = fp[j]
    t = np.divide(np.subtract(x, x0), np.subtract(xp[j + 1], x0))
    return np.add(f0, np.multiply(t, np.subtract(fp[j + 1], f0)))


def quantile(name: str, u: np.ndarray) -> np.ndarray:
    knots = Q[name]
    return piecewise(u, [k[0] for k in knots], [k[1] for k in knots])


def choice(rng: np.random.Generator, weights, n: int) -> np.ndarray:
    cdf = np.cumsum(np.asarray(weights, dtype=np.float64))
    return np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")


def choice_rows(u: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Row-wise categorical draw: ``probs`` is (n, k), rows need not be normalised."""
    cdf = np.cumsum(probs, axis=1)  # sequential along the short axis
    target = u * cdf[:, -1]
    return (cdf <= target[:, None]).sum(axis=1).clip(0, probs.shape[1] - 1)


def rank_u(x: np.ndarray) -> np.ndarray:
    """Uniform scores from ranks (ties broken by position): exact marginals, any n."""
    n = len(x)
    r = np.empty(n, dtype=np.float64)
    r[np.argsort(x, kind="stable")] = np.arange(n, dtype=np.float64)
    return (r + 0.5) / n


def era_trend(key: str, year: np.ndarray) -> np.ndarray:
    xs, ys = ERA[key]
    return piecewise(year, xs, ys)


def random_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` Spotify-like ids: 22 base62 chars of a uniform 128-bit number (first char 0-7)."""
    codes = np.empty((n, 22), dtype=np.uint8)
    codes[:, 0] = ALPHABET[(rng.random(n) * FIRST_SPAN).astype(np.int64)]
    codes[:, 1:] = ALPHABET[rng.integers(0, 62, size=(n, 21))]
    return codes.view("S22").ravel().astype("U22").astype(object)
