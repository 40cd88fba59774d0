"""Synthetic ``tracks_features.csv``: byte-faithful to the Kaggle "Spotify 1.2M+ Songs" file.

:func:`generate_csv` writes a file that a parser cannot tell from the real one: the same
24-column header, UTF-8/LF/no BOM, pandas-style values (``True``/``False``, ``4.0``, plain
integers), minimal CSV quoting exactly as Python's :mod:`csv` writes it, and Python list reprs
for ``artists``/``artist_ids`` (``["Gigi D'Agostino"]`` style included). The figures it aims at
are those of ``shared/data/real/FACTS.md`` (describe() table, year histogram, date formats,
multi-artist and non-ASCII shares, quirk rows); ``tests/test_generate.py`` checks them.

How it works
------------
1. **Catalogue.** An artist pool with Zipf-like popularity (weights ``1/sqrt(rank + c)``,
   "Various Artists"-style heavy hitters first) owns albums. Albums get a genre (from the
   artist), a format (single/EP/LP/long/box), discs, a year and a release date. Albums sorted
   by (artist anchor + noise) are laid end to end on the row-weighted year CDF of the FACTS
   per-year counts (1950-2020, plus a thin pre-1950 tail back to 1908), so the year histogram
   holds at any size and an artist's albums sit close in time. Rows are written album by album,
   disc by disc, in ``track_number`` order. The real quirk albums are scaled in: year 0 with
   release_date ``0000`` and year 1900 with ``1900-01-01`` (>= 1 row each once ``rows >= 100``).
   About 0.3% of rows are explicit/clean twins (same name and artists, new ids), and 4.2% are
   re-releases: an album again as a "Deluxe Edition" or "Remastered", the same songs under
   new ids, so about 5% of rows repeat an earlier (name, artist_ids) pair, as in the full file.
2. **Audio features.** Each track gets latent scores (genre offset + era trend + album effect +
   track noise) that share an "energy" factor, so energy/loudness/acousticness/valence/...
   correlate like the real data and drift by year (louder, less acoustic, more explicit
   lately). Each latent is rank-transformed to a uniform and mapped through a
   piecewise-linear inverse CDF whose knots are the FACTS quartiles/min/max (plus tails
   tuned to the FACTS mean and std). Values are then quantised to Spotify's precision
   (3 significant digits; 3 decimals for loudness and tempo).
3. **Float artifacts.** The long reprs in the real file (``0.35600000000000004``,
   ``-5.763999999999999``, ``5.400000000000001e-05``) are not random: every audio value in the
   real sample is reproduced exactly by taking the clean decimal and passing it three times
   through ``repr`` and pandas' *legacy* C float parser (``xstrtod``: accumulate digits, then
   scale by repeated ``*``/``/`` with 10, 100, 1e4, 1e8, ...), i.e. the file went through three
   old-pandas read/write cycles. :func:`_xstrtod` emulates that parser with numpy ufuncs, so the
   artifact share per column (about 25%, ~7% for speechiness) and its ulp pattern come out
   like the real file.
4. **Text.** Names come from word/syllable banks (English plus Spanish, German, French,
   Portuguese, Italian, Japanese, Korean, Russian, Polish, Swedish), classical work titles
   (``Symphony No. 5 in C Minor, Op. 67: I. Allegro con brio`` style), audiobook chapters,
   ``- Remastered 2011``/``(feat. X)`` decorations. No real rows are used.

Determinism
-----------
The output depends only on ``(rows, seed)`` and is byte-identical on any platform:

* All randomness comes from ``numpy.random.default_rng(seed)`` (PCG64), using only
  ``random()``/``integers()``/``permutation()``, whose streams are platform independent.
  Scalar draws inside Python loops consume pre-drawn blocks of those uniforms.
* No transcendental function is used anywhere (no ``exp``/``log``/``pow``/``sin``, no
  ``rng.normal``/``beta``/``gamma``, which call libm and may differ in the last ulp). Normal-
  like noise is a sum of four uniforms; distributions are piecewise-linear inverse CDFs; Zipf
  weights use ``sqrt`` (correctly rounded by IEEE 754).
* Arithmetic is done with separate numpy ufunc calls (``+``, ``-``, ``*``, ``/``, ``rint``)
  which are correctly rounded, so no compiler can fuse them into an FMA (this is why
  ``np.interp``, a C loop that may be contracted on aarch64, is not used). Sorting uses
  ``kind="stable"``. Float text is Python ``repr`` (shortest round-trip, exact algorithm).
* Float reductions whose order could vary with SIMD dispatch (``sum``) are only applied to
  integer-valued data, where every order gives the same exact result.
* A different ``rows`` gives a different (not a prefix-compatible) file; that is fine.
* Caveat: numpy does not promise that ``Generator`` methods keep their streams across numpy
  releases; pin numpy (``requirements.lock``) for cross-version reproducibility.
  ``tests/test_generate.py`` pins a golden sha256 to catch any drift.

Size and speed: 1,204,025 rows take ~10-12 s on 2 cores and ~1.1 GB of RAM; the file is
~337 MB, 280 bytes a row (the real one is ~345 MB, ~287 bytes a row).
"""

from pipeline.generate.blocks import (
    BLOCK_ROWS,
    GenerateResult,
    block_sizes,
    generate_csv,
    generate_frame,
    generate_lines,
    write_sidecar,
)
from pipeline.generate.floats import pandas_roundtrip
from pipeline.generate.targets import REAL_ROWS

__all__ = [
    "BLOCK_ROWS",
    "REAL_ROWS",
    "GenerateResult",
    "block_sizes",
    "generate_csv",
    "generate_frame",
    "generate_lines",
    "pandas_roundtrip",
    "write_sidecar",
]
