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

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.schema import RAW_COLUMNS

__all__ = [
    "REAL_ROWS",
    "GenerateResult",
    "generate_csv",
    "generate_frame",
    "generate_lines",
    "pandas_roundtrip",
]

REAL_ROWS = 1_204_025
# Rows per block. A block is generated whole in memory (about 0.9 KB a row), so this bounds
# the generator's memory whatever ``rows`` is; files of up to this many rows are one block.
BLOCK_ROWS = 250_000
# The most popular artists of block 0 (names, ids, genres, eras) are every block's too, so
# the head of the artist distribution grows with the file, as a real catalogue's does.
# Characters that repr() escapes, as real artist names carry them, and where they go.
UNPRINTABLE = (
    ("\xa0", "end"),  # a trailing no-break space: the most common in catalogues
    ("\u200b", "inside"),  # zero-width space
    ("\u3000", "space"),  # ideographic space
    ("\xa0", "space"),  # no-break space between words
    ("\xad", "inside"),  # soft hyphen
    ("\u200e", "end"),  # left-to-right mark
    ("\t", "space"),  # a tab
    ("\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", "end"),  # flag tags
)
UNPRINTABLE_ARTIST_SHARE = 0.00015  # of the artist pool: about 1 row in 3,500
HEAD_ARTISTS = 40

# ---------------------------------------------------------------------------------------------
# Facts (FACTS.md) turned into tables
# ---------------------------------------------------------------------------------------------


def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


# Per-year row counts 1950..2020 (FACTS.md section 12, Spark counts on the full file).
_YEAR_COUNTS_1950 = (
    161, 175, 100, 118, 203, 179, 508, 412, 473, 830,
    727, 623, 842, 905, 729, 933, 932, 916, 930, 1247,
    1110, 1202, 1938, 1762, 1389, 1806, 1985, 1962, 1923, 2106,
    2119, 1897, 1754, 1977, 2571, 2596, 2727, 3314, 4545, 5095,
    7453, 8380, 9639, 11017, 14130, 17417, 17840, 20229, 21013, 25931,
    30575, 29378, 30861, 34996, 38696, 49977, 56945, 56287, 50475, 45563,
    44550, 45642, 45108, 49048, 45005, 46558, 47427, 51308, 56167, 67276,
    69726,
)  # fmt: skip


def _year_weights() -> tuple[np.ndarray, np.ndarray]:
    """Years and row weights, including the ~1,663 normal pre-1950 rows (FACTS section 4)."""
    years = list(range(1908, 2021))
    w = []
    for y in years:
        if y == 1908:
            w.append(19.0)  # the "Living Chicago Blues"-like 1908-08-01 album
        elif y < 1920:
            w.append(2.0)
        elif y < 1930:
            w.append(15.0)
        elif y < 1940:
            w.append(35.0)
        elif y < 1950:
            w.append(110.0)
        else:
            w.append(float(_YEAR_COUNTS_1950[y - 1950]))
    return np.array(years, dtype=np.int64), np.array(w)


# Share of full YYYY-MM-DD dates by year (FACTS section 5 and 12); the rest is mostly YYYY.
_FULLDATE_X = (1900, 1950, 1970, 1980, 1989, 1990, 1999, 2000, 2001, 2002, 2003, 2004, 2005,
               2006, 2007, 2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018,
               2019, 2020)  # fmt: skip
_FULLDATE_Y = (0.36, 0.40, 0.46, 0.52, 0.58, 0.62, 0.79, 0.773, 0.781, 0.790, 0.806, 0.845,
               0.887, 0.915, 0.939, 0.961, 0.961, 0.968, 0.956, 0.961, 0.950, 0.976, 0.983,
               0.992, 0.994, 0.999, 0.9998, 0.99998)  # fmt: skip
_YEAR_MONTH_SHARE_OF_PARTIAL = 0.0045  # YYYY-MM is 0.05% of rows, ~0.45% of the non-full dates

# Piecewise-linear inverse CDFs (u -> value). Knots: FACTS describe() min/25/50/75/max, tails
# tuned so that the mean and std match too. Zero masses (silent tracks, instrumentalness 0.0)
# are handled outside these tables.
_Q = {
    "danceability": ((0, 0.022), (0.01, 0.11), (0.05, 0.19), (0.25, 0.356), (0.5, 0.501),
                     (0.75, 0.633), (0.95, 0.78), (0.995, 0.9), (1, 0.985)),
    "energy": ((0, 1e-5), (0.01, 0.012), (0.05, 0.05), (0.1, 0.09), (0.25, 0.252), (0.5, 0.524),
               (0.75, 0.766), (0.9, 0.905), (0.97, 0.965), (1, 1.0)),
    "loudness": ((0, -55.0), (0.001, -40.0), (0.01, -31.0), (0.05, -24.3), (0.25, -15.254),
                 (0.5, -9.791), (0.75, -6.717), (0.95, -4.2), (0.9999, -0.6), (1, 7.234)),
    "speechiness": ((0, 0.0218), (0.05, 0.0283), (0.25, 0.0351), (0.5, 0.0446), (0.75, 0.0723),
                    (0.9, 0.155), (0.95, 0.26), (0.98, 0.45), (0.995, 0.85), (1, 0.969)),
    "acousticness": ((0, 1e-6), (0.01, 1e-5), (0.04, 1e-4), (0.1, 6e-4), (0.15, 0.002),
                     (0.2, 0.01), (0.25, 0.0376), (0.375, 0.17), (0.5, 0.389), (0.625, 0.66),
                     (0.75, 0.861), (0.8, 0.94), (0.88, 0.98), (0.95, 0.99), (1, 0.996)),
    "instrumentalness": ((0.165, 1e-6), (0.2, 3e-6), (0.25, 7.6e-6), (0.3, 2.5e-5),
                         (0.35, 1e-4), (0.4, 4e-4), (0.45, 0.0018), (0.5, 0.00808), (0.55, 0.03),
                         (0.6, 0.08), (0.65, 0.28), (0.7, 0.6), (0.75, 0.719), (0.8, 0.81),
                         (0.9, 0.885), (0.97, 0.93), (1, 0.99)),
    "liveness": ((0, 0.0119), (0.05, 0.062), (0.25, 0.0968), (0.5, 0.125), (0.75, 0.245),
                 (0.9, 0.375), (0.95, 0.62), (0.99, 0.91), (1, 1.0)),
    "valence": ((0, 0.0), (0.01, 0.0296), (0.1, 0.075), (0.25, 0.191), (0.5, 0.403),
                (0.75, 0.644), (0.9, 0.82), (0.98, 0.95), (1, 0.99)),
    "tempo": ((0, 35.0), (0.02, 70.0), (0.1, 79.0), (0.25, 94.054), (0.5, 116.726),
              (0.75, 137.046), (0.9, 159.0), (0.98, 181.0), (0.999, 205.0), (1, 248.934)),
    "duration_ms": ((0, 1000.0), (0.002, 20000.0), (0.01, 60000.0), (0.05, 120000.0),
                    (0.25, 174090.0), (0.5, 224339.0), (0.75, 285840.0), (0.9, 360000.0),
                    (0.97, 470000.0), (0.995, 900000.0), (0.9999, 2600000.0), (1, 6061090.0)),
}  # fmt: skip
_INSTR_ZERO_SHARE = 0.165  # instrumentalness exactly 0.0 (head sample: 16%; q25 is 7.6e-06)
# Re-releases: deluxe editions, remasters and anniversary editions of an earlier album by the
# same artists, the same songs under new ids. With the clean twins (0.3%) and chance title
# collisions, about 5% of rows repeat an earlier (name, artist_ids) pair (FACTS section 14:
# 5.2% in the full file).
_TWIN_SHARE = 0.003
_REISSUE_SHARE = 0.042
_REISSUE_SUFFIXES = (" (Deluxe Edition)", " (Deluxe)", " (Remastered)", " (Expanded Edition)",
                     " (Anniversary Edition)", " [Remastered]", " (Deluxe Version)",
                     " (Special Edition)", " (Bonus Track Version)")  # fmt: skip
_SILENT_SHARE = 0.002  # tempo 0, danceability 0, valence 0, speechiness 0 (FACTS section 10)

# key: FACTS 1k sample says 7 and 0 are the most common, 3 the rarest; mean ~5.19.
_KEY_P = (0.121, 0.095, 0.104, 0.031, 0.079, 0.086, 0.066, 0.118, 0.064, 0.102, 0.066, 0.068)
_MAJOR_P = (0.80, 0.58, 0.80, 0.72, 0.57, 0.66, 0.54, 0.80, 0.64, 0.68, 0.59, 0.49)

# ---------------------------------------------------------------------------------------------
# Genres: latent offsets (energy, dance, acoustic, instrumental, speech, live, valence, tempo,
# duration) in units of the latent's sd, format mix and explicit multiplier.
# ---------------------------------------------------------------------------------------------
_GENRES = ("pop", "rock", "metal", "hiphop", "electronic", "folk", "jazz", "classical",
           "ambient", "spoken", "latin")  # fmt: skip
_G = {g: i for i, g in enumerate(_GENRES)}
_GENRE_W = (0.22, 0.19, 0.055, 0.09, 0.095, 0.10, 0.07, 0.065, 0.03, 0.015, 0.07)
_GENRE_SLOPE = (0.1, -0.1, 0.0, 0.8, 0.5, -0.15, -0.3, -0.15, 0.2, 0.0, 0.2)  # newer <-> older
_OFF = np.array([
    # E     D     A     I     S     L     V     T     Dur
    [0.35, 0.55, 0.00, -0.70, 0.05, 0.00, 0.30, 0.00, -0.15],  # pop
    [0.75, -0.10, -0.15, -0.30, -0.10, 0.15, 0.10, 0.20, 0.10],  # rock
    [1.40, -0.45, -0.45, 0.00, 0.15, 0.15, -0.35, 0.40, 0.05],  # metal
    [0.35, 0.95, -0.25, -0.80, 1.70, 0.10, 0.10, 0.05, -0.20],  # hiphop
    [0.80, 0.85, -0.55, 1.10, -0.10, -0.20, -0.05, 0.30, 0.45],  # electronic
    [-0.50, 0.00, 0.45, -0.45, -0.25, 0.00, 0.20, 0.00, -0.10],  # folk
    [-0.55, 0.15, 0.40, 0.70, -0.05, 0.30, 0.10, 0.00, 0.35],  # jazz
    [-1.60, -1.10, 0.90, 1.70, -0.45, -0.15, -0.65, -0.25, 0.70],  # classical
    [-1.40, -0.60, 0.55, 1.70, -0.40, -0.30, -0.75, -0.30, 0.95],  # ambient
    [-0.60, 0.25, 0.60, -1.10, 3.20, 1.30, 0.20, -0.30, -0.60],  # spoken
    [0.45, 0.85, 0.00, -0.60, 0.20, 0.15, 0.70, 0.10, 0.00],  # latin
])  # fmt: skip
# format probabilities: single, EP, LP, long (17-30), box (31-50)
_FORMAT_P = np.array([
    [0.20, 0.11, 0.635, 0.05, 0.005],  # pop
    [0.15, 0.09, 0.70, 0.055, 0.005],  # rock
    [0.14, 0.12, 0.69, 0.045, 0.005],  # metal
    [0.26, 0.10, 0.58, 0.055, 0.005],  # hiphop
    [0.30, 0.16, 0.48, 0.055, 0.005],  # electronic
    [0.16, 0.09, 0.69, 0.055, 0.005],  # folk
    [0.12, 0.08, 0.71, 0.08, 0.01],  # jazz
    [0.06, 0.10, 0.62, 0.16, 0.06],  # classical
    [0.16, 0.10, 0.64, 0.08, 0.02],  # ambient
    [0.05, 0.06, 0.49, 0.20, 0.20],  # spoken
    [0.22, 0.10, 0.62, 0.055, 0.005],  # latin
])  # fmt: skip
_MULTI_DISC_P = 0.038  # share of LP-or-longer albums with 2+ discs
# cumulative probabilities of 2, 3, ..., 13 discs for a multi-disc album
_DISCS_CDF = (0.88, 0.965, 0.99, 0.996, 0.9975, 0.998, 0.9985, 0.999, 0.9993, 0.9995, 0.9997, 1.0)
_EXPLICIT_MULT = (1.1, 0.6, 1.2, 5.5, 0.9, 0.15, 0.08, 0.0, 0.0, 0.5, 1.1)
_FEAT_P = (0.11, 0.032, 0.032, 0.40, 0.24, 0.032, 0.055, 0.0, 0.02, 0.02, 0.28)

# Era trends of the latents (years, values). Calibrated against the FACTS decade figures.
_ERA = {
    "E": ((1950, 1980, 2000, 2010, 2020), (-0.25, -0.15, -0.05, 0.15, 0.20)),
    "L": ((1950, 1990, 2003, 2010, 2020), (0.15, 0.17, 0.07, 0.35, 0.40)),
    "A": ((1950, 1980, 2000, 2020), (0.50, 0.25, 0.00, -0.10)),
    "D": ((1950, 1990, 2020), (-0.10, 0.00, 0.15)),
    "V": ((1950, 1980, 2000, 2020), (0.35, 0.25, 0.00, -0.20)),
    "S": ((1950, 1990, 2010, 2020), (0.00, -0.05, 0.10, 0.25)),
    "X": ((1950, 1980, 1990, 2000, 2010, 2017, 2019, 2020),
          (0.004, 0.02, 0.045, 0.055, 0.065, 0.095, 0.135, 0.31)),
}  # fmt: skip

_NA_LIKE = frozenset(("na", "nan", "null", "none", "nat"))
_ALPHABET = np.frombuffer(
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", np.uint8
)
# Spotify ids are 128-bit numbers in base62, so the first char is 0..7 (exact int division)
_FIRST_SPAN = 2**128 / 62**21

# ---------------------------------------------------------------------------------------------
# Word banks (made up / generic vocabulary; no real rows)
# ---------------------------------------------------------------------------------------------
_EN_N = _words(
    "Heart Night Fire Love Rain River Light Dream Road Home Sky Star Ocean Summer Winter Shadow "
    "Soul World City Moon Sun Time Child Eyes Angel Ghost Heaven Storm Wind Song Fever Gold "
    "Silver Stone Glass Mirror Door Window Garden Island Mountain Valley Desert Highway Train "
    "Letter Story Game Machine Engine Signal Wave Echo Thunder Lightning Diamond Rose Flower "
    "Blood Bone Tears Smoke Paradise Memory Silence Morning Evening Midnight Daylight Sunrise "
    "Sunset Horizon Kingdom Empire Castle Tower Bridge Harbor Shore Field Forest Wolf Tiger Lion "
    "Raven Dove Bird Butterfly Snake Dragon Queen King Prince Lady Stranger Lover Friend Brother "
    "Sister Mother Father Baby Girl Boy Man Woman Rebel Hero Soldier Prisoner Saint Sinner Devil "
    "Honey Sugar Candy Whiskey Wine Coffee Radio Telephone Money Dollar Crown Chain Flame Spark "
    "Neon Magic Mystery Secret Promise Lie Truth Chance Luck Fate Destiny Freedom Glory "
    "Revolution Nation Party Weekend Holiday Christmas Snow Ice Water Sea Tide Sand Dust Cloud "
    "Thunderbird Satellite Rocket Planet Galaxy Universe Circle Line Edge Corner Street Avenue "
    "Boulevard Station Airport Hotel Motel Diner Bar Club Dancefloor Stage Spotlight Camera Film "
    "Picture Postcard Photograph Book Page Poem Prayer Church Chapel Cathedral Bell Drum Guitar "
    "Piano Violin Trumpet Melody Rhythm Harmony Groove Blues Soul Jazz Boogie Shuffle Waltz "
    "Tango Lullaby Anthem Ballad Serenade Hymn Carol Gospel Spirit Witch Wizard Vampire Zombie "
    "Alien Robot Cowboy Outlaw Sheriff Gambler Preacher Sailor Pirate Captain Pilot Driver "
    "Runner Dancer Singer Dreamer Believer Wanderer Traveler Hunter Fighter Lover Killer"
)
_EN_A = _words(
    "Golden Silver Broken Lonely Wild Sweet Bitter Blue Red Black White Green Cold Warm Dark "
    "Bright Electric Crazy Lost Young Old New Last First Little Big Free Blind Silent Hidden "
    "Secret Holy Empty Endless Perfect Beautiful Strange Lucky Dirty Pretty Savage Gentle Tender "
    "Heavy Hollow Open Burning Falling Rising Fading Shining Sleeping Velvet Crystal Purple "
    "Scarlet Emerald Ancient Modern Distant Final Midnight Summer Winter Eternal Fragile Sacred "
    "Restless Reckless Careless Faithful Wicked Precious Quiet Loud Soft Hard Slow Fast High Low "
    "Deep Shallow Long Short Sad Happy Kind Cruel Brave True False Real Sudden Magic Cosmic Lunar "
    "Solar Northern Southern Eastern Western Paper Plastic Cotton Leather Iron Steel Wooden"
)
_EN_VING = _words(
    "Running Falling Dancing Dreaming Burning Waiting Fading Walking Driving Flying Breaking "
    "Losing Chasing Calling Crying Shining Drifting Rolling Sinking Fighting Holding Living "
    "Dying Leaving Coming Going Moving Turning Spinning Floating Singing Screaming Whispering"
)
_EN_V = _words(
    "Hold Take Break Call Run Dance Fly Fall Stay Leave Save Tell Show Feel Love Need Want Find "
    "Lose Shake Wake Stop Give Bring Keep Follow Remember Forget Trust Kiss Touch Miss Chase "
    "Catch Let Turn Move Light Burn Heal Hide Free"
)
_EN_PART = _words("Away Down Up Out Home Back Around Together Alone Again Tonight Forever Now")
_EN_SUBJ = _words("I You We They")
_EN_OBJ = _words("You Me Us Them Her Him It")
_EN_INTERJ = _words("Oh Hey Yeah Baby Please No Yes Well Girl Boy Darling Honey Mama")
_EN_PLACE = _words(
    "the Roxy,the Fillmore,Red Rocks,the Apollo,the Paradiso,the Ryman,the Troubadour,"
    "the Forum,the Palladium,the Olympia,the Bowl,the Garden,the Opera House,the Town Hall",
    ",",
)
_EN_COMMON = _words(
    "Intro,Outro,Interlude,Home,Stay,Forever,Alone,Hold On,Runaway,Breathe,Tonight,"
    "Closer,Wonderland,Paradise,Gravity,Echoes,Silence,Lullaby,Reprise,Untitled,"
    "Skit,Prelude,Epilogue,Goodbye,Hello,Heartbeat,Sunrise,Fireflies,Daydream",
    ",",
)

_SYL_ON = _words("b br c ch d dr f fl g gr h j k kr l m n p pr r s sh st t tr v z")
_SYL_V = _words("a e i o u ai ea io ou y a e o")
_SYL_CO = ["", "", "", "n", "r", "l", "x", "s", "th", "m", "k", "nd"]

_FIRST = {
    "en": _words(
        "Aaron Abby Ada Alex Alice Amber Amos Ana Andy Ari Ava Beau Ben Bess Billie Bo Brooke Cal "
        "Cara Cass Chet Clara Cody Cole Dana Dean Della Dex Dina Drew Eddie Eli Ella Emmy Etta "
        "Evan "
        "Faye Finn Flo Gale Gene Gia Gus Hank Hattie Hazel Holly Ida Iris Ivy Jack Jade Jake Jana "
        "Jesse Joan Joel Jonah Josie Jude June Kai Kate Kit Kyle Lana Lane Leah Lena Leo Lila Lou "
        "Lucy Luke Mabel Mack Mae Mara Max Maya Mia Milo Nate Nell Nico Nina Noah Nora Otis Owen "
        "Pearl Pete Quinn Rae Ray Reid Rex Rita Rose Roy Ruby Russ Ruth Sam Sara Seth Shay Sid "
        "Skye Tess Theo Toby Tom Troy Vera Vic Wade Will Wren Zane Zoe"
    ),
    "es": _words(
        "Alejandro Ana Andrés Carlos Carmen Diego Elena Gabriela Javier Jorge José Juan Lucía "
        "Luis Manuel María Marta Miguel Pablo Paula Raúl Rosa Sofía Tomás Valeria Ángel Inés "
        "Ramón Iván Julián"
    ),
    "de": _words(
        "Anna Bernd Clara Dieter Elke Felix Frieda Günter Hannah Jörg Jürgen Karl Katrin Klaus "
        "Lena Lukas Marlene Matthias Moritz Paul Sabine Stefan Ursula Uwe Wolfgang Björn "
        "Käthe"
    ),
    "fr": _words(
        "Amélie Antoine Camille Chloé Clément Élodie Étienne François Gaëlle Hélène Jérôme "
        "Julien Léa Louis Manon Mathilde Noël Océane Pierre René Sébastien Thérèse Zoé "
        "Luc"
    ),
    "pt": _words(
        "João Ana Beatriz Caio Carolina Gonçalo Inês Luísa Marcelo Mariana Paulo Rafael Tiago "
        "Vitória Antônio Lúcia Sérgio Thaís"
    ),
    "it": _words(
        "Alessandro Chiara Davide Francesca Giorgio Giulia Lorenzo Luca Marco Niccolò Sara "
        "Stefano Nicolò Ilaria"
    ),
    "ja": _words("陽菜 結衣 さくら 美咲 葵 健太 翔太 大輝 蓮 悠斗 直樹 あかり ひかり 真央"),
    "ko": _words("민준 서연 지우 하윤 도윤 서준 예은 지민 수아 현우 하늘 나래"),
    "ru": _words("Алексей Анна Дмитрий Екатерина Иван Мария Николай Ольга Сергей Татьяна Юлия"),
    "pl": _words(
        "Agnieszka Bartłomiej Jakub Katarzyna Łukasz Małgorzata Paweł Wojciech Zofia Ewa Marek"
    ),
    "sv": _words("Åsa Björn Elin Gustav Ingrid Lars Maja Nils Sigrid Öjvind Karin Sven"),
}
_LAST = {
    "es": _words(
        "García Fernández López Martínez Sánchez Pérez Gómez Díaz Ruiz Hernández Jiménez "
        "Moreno Álvarez Romero Navarro Torres Domínguez Vázquez Ramos Castillo Ortega Rubio "
        "Marín Núñez Iglesias Medina Garrido Cortés Peña Vargas Cruz Rojas Montoya Salazar "
        "Robles Soto"
    ),
    "de": _words(
        "Müller Schäfer Köhler Krüger Hoffmann Becker Wagner Schröder Fischer Weiß Zimmermann "
        "Braun Hartmann Lange Vogel Böhm Jäger Schulz Groß Wolff Brückner Neumann Förster "
        "Kühn Seidel Franke"
    ),
    "fr": _words(
        "Dubois Lefèvre Moreau Girard Lemaître Fontaine Chevalier Rousseau Mercier Bérard Faure "
        "Gauthier Leroy Bonnet Lambert Garnier Perrin Marchand Dupré Benoît Roux"
    ),
    "pt": _words(
        "Silva Santos Oliveira Souza Conceição Araújo Gonçalves Magalhães Simões Assunção "
        "Figueiredo Brandão Falcão Guimarães Lacerda Pereira Costa"
    ),
    "it": _words(
        "Rossi Bianchi Ricci Colombo Marino Greco Bruno Gallo Conti Mancini Fabbri Caruso "
        "Barbieri Lombardi Moretti"
    ),
    "ja": _words("佐藤 鈴木 高橋 田中 渡辺 伊藤 山本 中村 小林 加藤 吉田 山田 松本 井上 木村 清水"),
    "ko": _words("김 이 박 최 정 강 조 윤 장 임 한 오"),
    "ru": _words(
        "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов"
    ),
    "pl": _words(
        "Nowak Kowalski Wiśniewski Wójcik Kamiński Lewandowski Zieliński Szymański Woźniak "
        "Dąbrowski Kozłowski"
    ),
    "sv": _words(
        "Åberg Lindqvist Sjöberg Ström Holmgren Nyström Bergström Lundgren Ekström Söderberg "
        "Hedlund"
    ),
}
_EN_LAST_PRE = _words(
    "Ash Bell Black Brad Brook Burn Carl Chad Clay Cole Crane Dal Dar Dun El Fair Fen Fitz Gar "
    "Gold Gray Hal Hart Haw Hol Kel Kings Lang Lock Mar Mead Mor Nor Pem Pen Ral Red Ros Rush "
    "Sel Shel Stan Thorn Wal Wen West Whit Win Wood Ald Bar Cal Dor Gil Mill Oak Park Quil"
)
_EN_LAST_SUF = _words(
    "ford ley ton well wood man er son by field more wick ridge ing stone hurst land "
    "worth low mont ham"
)
_ROMAN_NAMES = {
    "ja": (_words("Haruka Yuki Kenta Sora Riku Aoi Mio Ren Hina Daiki Akira Yui"),
           _words("Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kato Mizuno Ogawa")),
    "ko": (_words("Minjun Seoyeon Jiwoo Hayoon Doyoon Seojun Yeeun Jimin Sua Hyunwoo"),
           _words("Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim")),
}  # fmt: skip

# Titles in other languages: (nouns, adjectives, templates) per language.
_LANG_TITLES = {
    "es": (
        _words(
            "Amor Corazón Noche Vida Fuego Luna Sol Cielo Mar Tiempo Camino Sueño Alma Canción "
            "Ciudad Verano Lluvia Estrella Beso Flor Mañana Recuerdo Silencio Pasión Ilusión Dolor "
            "Libertad Destino Mujer Niña Baile Fiesta Corrido Guitarra Invierno Árbol Río"
        ),
        _words(
            "Nuevo Eterno Perdido Loco Triste Dulce Oscuro Bonito Salvaje Último Mágico Azul Rojo"
        ),
        (
            "{N}",
            "{N} de {N}",
            "Mi {N}",
            "La {N} {A}",
            "Sin {N}",
            "Tu {N}",
            "{N} {A}",
            "Para Mi {N}",
            "Dónde Está Mi {N}",
            "{N} y {N}",
            "Te Quiero",
            "Ay, {N}",
            "Cómo Te Extraño",
            "Bailando",
            "Qué Será",
        ),
    ),
    "de": (
        _words(
            "Liebe Nacht Herz Traum Licht Himmel Welt Zeit Sommer Winter Feuer Stadt Straße "
            "Mädchen "
            "Glück Träume Sonne Mond Meer Wind Regen Heimat Freiheit Sehnsucht Märchen Brücke"
        ),
        _words("Schön Grün Müde Früh Alt Neu Wild Süß Kalt Heiß Blau Weiß Dunkel"),
        (
            "{N}",
            "Die {N}",
            "{A}e {N}",
            "Über den {N}",
            "Für Immer",
            "Ohne {N}",
            "{N} und {N}",
            "Mein {N}",
            "Wenn die {N} kommt",
            "Nur ein {N}",
            "Tausend {N}e",
            "Komm, {N}",
        ),
    ),
    "fr": (
        _words(
            "Amour Nuit Cœur Rêve Lumière Ciel Monde Temps Été Hiver Feu Ville Rue Fille Vie "
            "Chanson Étoile Mer Soleil Lune Âme Fête Liberté Mémoire Beauté Café"
        ),
        _words("Beau Noir Blanc Doux Perdu Éternel Fou Dernier Étrange Léger"),
        (
            "Le {N}",
            "La {N}",
            "Mon {N}",
            "{N} d'{N}",
            "Sous le {N}",
            "{N} {A}",
            "Je t'aime",
            "Ma {N}",
            "Déjà {N}",
            "Au Revoir",
            "C'est la {N}",
            "Oh, {N}",
        ),
    ),
    "pt": (
        _words(
            "Saudade Coração Noite Amor Vida Sol Mar Céu Lua Tempo Canção Menina Cidade Sonho "
            "Estrela Paixão Solidão Ilusão Verão Samba Destino"
        ),
        _words("Bonita Triste Eterno Perdido Doce Azul"),
        (
            "{N}",
            "{N} de {N}",
            "Meu {N}",
            "Minha {N}",
            "Você",
            "{N} {A}",
            "Sem {N}",
            "Aquele {N}",
            "Coração, {N}",
        ),
    ),
    "it": (
        _words(
            "Amore Notte Cuore Sole Mare Cielo Vita Tempo Stella Città Canzone Estate Destino "
            "Libertà Ragazza"
        ),
        _words("Bella Dolce Eterno Perduto Vero Ultimo"),
        ("{N}", "Il {N}", "La {N}", "{N} {A}", "Perché", "Più {N}", "Senza {N}", "Ciao, {N}"),
    ),
    "ja": (
        _words(
            "夜 海 空 花 夢 星 月 雨 風 光 声 心 恋 涙 君 僕 街 桜 夏 冬 "
            "季節 約束 永遠 花火 記憶 未来"
        ),
        _words("青い 白い 赤い 遠い 優しい 新しい 小さな"),
        (
            "{N}の{N}",
            "{N}",
            "{A}{N}",
            "{N}と{N}",
            "さよなら",
            "ありがとう",
            "{N}へ",
            "Yume no Naka",
            "Sayonara {N}",
        ),
    ),
    "ko": (
        _words("사랑 그대 밤 하늘 별 꿈 눈물 노래 우리 너 봄 바람 기억 마음 하루"),
        _words("아름다운 작은 푸른 하얀 슬픈"),
        ("{N}", "{N}의 {N}", "너의 {N}", "{A} {N}", "안녕", "{N} (Feat. {N})"),
    ),
    "ru": (
        _words("Любовь Ночь Звезда Город Небо Весна Зима Песня Мечта Река Душа Сердце Дорога"),
        _words("Белая Тёмная Последняя Новая Вечная"),
        ("{N}", "{A} {N}", "Моя {N}", "{N} и {N}", "Без {N}"),
    ),
    "pl": (
        _words("Miłość Noc Gwiazda Serce Życie Słońce Miasto Zima Wiosna Dziewczyna Łąka"),
        _words("Biała Czarna Ostatnia Złota"),
        ("{N}", "{A} {N}", "Moja {N}", "{N} i {N}", "Bez {N}"),
    ),
    "sv": (
        _words("Kärlek Natt Hjärta Sommar Vinter Himmel Stjärna Drömmar Ljus Hav Skog Vän"),
        _words("Blå Vit Mörk Sista Söt"),
        ("{N}", "{A} {N}", "Min {N}", "{N} och {N}", "Över {N}"),
    ),
}
_LANGS = ("en", "es", "de", "fr", "pt", "it", "ja", "ko", "ru", "pl", "sv")
_LANG_W = (0.9, 0.028, 0.016, 0.013, 0.011, 0.007, 0.009, 0.005, 0.005, 0.003, 0.003)
_NATIVE_TITLE_P = (1.0, 0.7, 0.6, 0.6, 0.7, 0.6, 0.75, 0.7, 0.8, 0.7, 0.6)  # else English title

# Invented place names (cities) for orchestras, live albums.
_CITY_A = _words("Al Bren Cas Dor El Fal Gal Hel Kar Lin Mar Nor Os Ral Sal Tor Val Wes Ys Zan")
_CITY_B = _words("bury dorf vik grave holm mora stad ford heim ville ona ara bridge")

_FORMS = (
    ("Symphony", True, True),
    ("Piano Concerto", True, True),
    ("Violin Concerto", True, True),
    ("Cello Concerto", True, True),
    ("String Quartet", True, True),
    ("Piano Sonata", True, True),
    ("Violin Sonata", True, True),
    ("Piano Trio", True, True),
    ("Serenade", False, True),
    ("Suite", True, True),
    ("Partita", True, True),
    ("Mass", False, True),
    ("Nocturne", True, False),
    ("Étude", True, False),
    ("Prelude", True, False),
    ("Waltz", True, False),
    ("Mazurka", True, False),
    ("Ballade", True, False),
    ("Impromptu", True, False),
    ("Rhapsody", True, False),
    ("Divertimento", True, True),
)  # (name, numbered, has movements)
_KEYS = ("C", "C-Sharp", "D-Flat", "D", "E-Flat", "E", "F", "F-Sharp", "G", "A-Flat", "A",
         "B-Flat", "B")  # fmt: skip
_TEMPI = (
    "Allegro", "Allegro con brio", "Allegro ma non troppo", "Andante", "Andante cantabile",
    "Adagio", "Adagio sostenuto", "Largo", "Larghetto", "Presto", "Vivace",
    "Scherzo. Allegro vivace",
    "Menuetto. Allegretto", "Moderato", "Rondo. Allegro", "Finale. Presto", "Molto vivace", "Lento",
    "Grave - Allegro", "Allegretto", "Tempo di minuetto", "Allegro moderato", "Poco adagio",
)  # fmt: skip
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
_NICK = ("Pastoral", "Spring", "Winter", "Tempest", "Little", "Great", "Farewell", "Hunt", "Lark",
         "Storm", "Italian", "Nordic", "Tragic", "Heroic", "Moonlit", "Clock")  # fmt: skip
_ORCHESTRAS = ("Philharmonic Orchestra", "Symphony Orchestra", "Chamber Orchestra", "Radio Choir",
               "Baroque Ensemble", "Festival Orchestra")  # fmt: skip
_ENSEMBLES = ("String Quartet", "Trio", "Consort", "Ensemble")
_CLASSICAL_SETS = ("Symphonies", "Piano Concertos", "String Quartets", "Piano Sonatas",
                   "Cello Suites", "Sacred Works", "Overtures")  # fmt: skip
_COMP_A = ("Greatest", "Essential", "Classic", "Ultimate", "Timeless")
_COMP_B = ("Hits", "Love Songs", "Anthems", "Ballads", "Party Songs", "Road Trip Songs")
_COMP_C = ("Summer", "Winter", "Country", "Soul", "Dance", "Rock", "Chill", "Workout")
_COMP_D = ("Classics", "Hits", "Favorites", "Essentials")
_COMPOSER_SUF = ("mann", "ini", "ov", "ský", "ier", "berg", "elli", "ek", "ard", "inger", "owski")
_CAT = ("Op.", "Op.", "Op.", "K.", "BWV", "RV", "D.", "Hob.")


# ---------------------------------------------------------------------------------------------
# Small deterministic helpers (IEEE-exact arithmetic only)
# ---------------------------------------------------------------------------------------------
def _uniforms(rng: np.random.Generator, block: int):
    while True:
        yield from rng.random(block).tolist()


class _Stream:
    """Scalar draws for Python loops, served from pre-drawn blocks of ``rng.random()``."""

    def __init__(self, rng: np.random.Generator, block: int = 1 << 16) -> None:
        self.u = _uniforms(rng, block).__next__  # -> float in [0, 1)

    def i(self, n: int) -> int:
        return int(self.u() * n)

    def pick(self, seq):
        return seq[int(self.u() * len(seq))]

    def chance(self, p: float) -> bool:
        return self.u() < p


def _z(rng: np.random.Generator, n: int) -> np.ndarray:
    """Approximately N(0, 1): a sum of four uniforms (Irwin-Hall), no libm involved."""
    u = rng.random((4, n))
    return (((u[0] + u[1]) + (u[2] + u[3])) - 2.0) * 1.7320508075688772


def _pl(x: np.ndarray, xp, fp) -> np.ndarray:
    """Piecewise-linear interpolation with separately rounded ufuncs (no FMA, unlike np.interp)."""
    xp = np.asarray(xp, dtype=np.float64)
    fp = np.asarray(fp, dtype=np.float64)
    x = np.clip(np.asarray(x, dtype=np.float64), xp[0], xp[-1])
    j = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, len(xp) - 2)
    x0 = xp[j]
    f0 = fp[j]
    t = np.divide(np.subtract(x, x0), np.subtract(xp[j + 1], x0))
    return np.add(f0, np.multiply(t, np.subtract(fp[j + 1], f0)))


def _quantile(name: str, u: np.ndarray) -> np.ndarray:
    knots = _Q[name]
    return _pl(u, [k[0] for k in knots], [k[1] for k in knots])


def _choice(rng: np.random.Generator, weights, n: int) -> np.ndarray:
    cdf = np.cumsum(np.asarray(weights, dtype=np.float64))
    return np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")


def _choice_rows(u: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Row-wise categorical draw: ``probs`` is (n, k), rows need not be normalised."""
    cdf = np.cumsum(probs, axis=1)  # sequential along the short axis
    target = u * cdf[:, -1]
    return (cdf <= target[:, None]).sum(axis=1).clip(0, probs.shape[1] - 1)


def _rank_u(x: np.ndarray) -> np.ndarray:
    """Uniform scores from ranks (ties broken by position): exact marginals, any n."""
    n = len(x)
    r = np.empty(n, dtype=np.float64)
    r[np.argsort(x, kind="stable")] = np.arange(n, dtype=np.float64)
    return (r + 0.5) / n


def _era(key: str, year: np.ndarray) -> np.ndarray:
    xs, ys = _ERA[key]
    return _pl(year, xs, ys)


def _ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` Spotify-like ids: 22 base62 chars of a uniform 128-bit number (first char 0-7)."""
    codes = np.empty((n, 22), dtype=np.uint8)
    codes[:, 0] = _ALPHABET[(rng.random(n) * _FIRST_SPAN).astype(np.int64)]
    codes[:, 1:] = _ALPHABET[rng.integers(0, 62, size=(n, 21))]
    return codes.view("S22").ravel().astype("U22").astype(object)


# ---------------------------------------------------------------------------------------------
# Float formatting: Spotify precision + pandas legacy-parser artifacts
# ---------------------------------------------------------------------------------------------
_POW10 = np.array([1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10])


def _sig3(v: np.ndarray) -> np.ndarray:
    """Round non-negative values to 3 significant digits (the precision of Spotify's API)."""
    dec = np.full(v.shape, 3, dtype=np.int64)
    for threshold, d in ((0.1, 4), (0.01, 5), (1e-3, 6), (1e-4, 7), (1e-5, 8), (1e-6, 9)):
        dec[v < threshold] = d
    p = _POW10[dec]
    return np.rint(v * p) / p + 0.0


def _dec3(v: np.ndarray) -> np.ndarray:
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


def _float_column(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Apply the artifacts: (final unique values, their Python reprs, row -> unique index)."""
    values = np.asarray(values, dtype=np.float64)
    uniq, inv = np.unique(values, return_inverse=True)
    x = uniq
    for _ in range(3):
        x = _xstrtod([repr(v) for v in x.tolist()])
    text = np.array([repr(v) for v in x.tolist()], dtype=object)
    return x, text, inv.reshape(-1)


def _csv_field(s: str) -> str:
    """QUOTE_MINIMAL as Python's csv writes it (no field here contains a newline)."""
    if "," in s or '"' in s or "\n" in s or "\r" in s:
        return '"' + s.replace('"', '""') + '"'
    return s


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------
def _plural(w: str) -> str:
    if w.endswith(("s", "x", "ch", "sh")):
        return w + "es"
    if w.endswith("y") and w[-2:-1] not in ("a", "e", "o", "u"):
        return w[:-1] + "ies"
    if w in ("Man", "Woman"):
        return w[:-2] + "en"
    if w == "Child":
        return "Children"
    return w + "s"


class _Namer:
    def __init__(self, s: _Stream) -> None:
        self.s = s

    # -- words
    def invented(self, syl_min: int = 2, syl_max: int = 3) -> str:
        s = self.s
        while True:
            k = syl_min + s.i(syl_max - syl_min + 1)
            w = "".join(s.pick(_SYL_ON) + s.pick(_SYL_V) for _ in range(k)) + s.pick(_SYL_CO)
            if w not in _NA_LIKE:  # a name must never read as a pandas NA token
                return w.capitalize()

    def city(self) -> str:
        return self.s.pick(_CITY_A) + self.s.pick(_CITY_B)

    def first(self, lang: str) -> str:
        return self.s.pick(_FIRST.get(lang, _FIRST["en"]))

    def last(self, lang: str) -> str:
        s = self.s
        if lang == "en":
            if s.chance(0.015):
                return "O'" + s.pick(_EN_LAST_PRE) + s.pick(_EN_LAST_SUF)
            return s.pick(_EN_LAST_PRE) + s.pick(_EN_LAST_SUF)
        return s.pick(_LAST[lang])

    def person(self, lang: str) -> str:
        s = self.s
        if lang in ("ja", "ko"):
            if s.chance(0.5):  # native script, family name first
                return self.last(lang) + self.first(lang)
            first, last = _ROMAN_NAMES[lang]
            return f"{s.pick(first)} {s.pick(last)}"
        name = f"{self.first(lang)} {self.last(lang)}"
        r = s.u()
        if r < 0.004:
            nick = s.pick(_EN_A) if s.chance(0.5) else s.pick(_EN_N)
            name = f'{self.first(lang)} "{nick}" {self.last(lang)}'
        elif r < 0.008 and "'" not in name:
            name += ", Jr."
        elif r < 0.0086:
            name += ","
        return name

    # -- artists
    def artist(self, genre: int, lang: str) -> str:
        s = self.s
        g = _GENRES[genre]
        r = s.u()
        if g == "classical":
            if r < 0.35:
                return f"{self.city()} {s.pick(_ORCHESTRAS)}"
            if r < 0.45:
                return f"{self.last(lang)} {s.pick(_ENSEMBLES)}"
            return self.person(lang)
        if g == "hiphop" and r < 0.55:
            w = s.pick(_EN_N) if s.chance(0.5) else self.invented(1, 2)
            form = s.i(8)
            return (f"Lil {w}", f"Young {w}", f"MC {w}", f"DJ {w}", f"{w} Beats", f"Big {w}",
                    f"Yung {w}", f"{w}$")[form]  # fmt: skip
        if g == "electronic" and r < 0.5:
            w = self.invented(1, 3)
            form = s.i(6)
            return (w, f"DJ {w}", f"{w} & {self.invented(1, 2)}", w.upper(), f"{w} Sound System",
                    f"{w} {s.i(900) + 100}")[form]  # fmt: skip
        if g == "ambient" and r < 0.2:
            kind = s.pick(("Soundscapes", "Solitudes", "Meditations", "Nature Sounds"))
            return f"{self.person('en')}'s {kind}"
        if g == "spoken" and r < 0.5:
            return self.person(lang)
        if g == "folk" and r < 0.05:
            verb = s.pick(("Strummin", "Pickin", "Fiddlin", "Ramblin"))
            return f"{verb}' On {s.pick(('Series', 'Players', 'Band'))}"
        if r < 0.45:
            return self.person(lang)
        r2 = s.u()
        if lang != "en" and r2 < 0.5:
            nouns, adjs, _ = _LANG_TITLES[lang]
            return s.pick(nouns) if s.chance(0.5) else f"{s.pick(adjs)} {s.pick(nouns)}"
        if r2 < 0.25:
            return f"The {s.pick(_EN_A)} {_plural(s.pick(_EN_N))}"
        if r2 < 0.45:
            return self.invented(2, 3)
        if r2 < 0.6:
            return f"The {_plural(s.pick(_EN_N))}"
        if r2 < 0.72:
            return f"{s.pick(_EN_A)} {s.pick(_EN_N)}"
        if r2 < 0.8:
            return f"{self.first('en')} & the {_plural(s.pick(_EN_N))}"
        if r2 < 0.86:
            return (
                f"{self.person('en')} {s.pick(('Band', 'Trio', 'Quartet', 'Orchestra', 'Group'))}"
            )
        if r2 < 0.87:
            return f"{self.first('en')}'s {_plural(s.pick(_EN_N))}"
        if r2 < 0.902:
            return f"Oh, {s.pick(_EN_N)}!"
        if r2 < 0.93:
            return f"{s.pick(_EN_N)} {s.pick(_EN_N)}"
        return self.invented(1, 2).lower() if s.chance(0.3) else self.invented(2, 4)

    # -- titles
    def title_en(self) -> str:
        s = self.s
        r = s.i(30)
        if r < 3:
            return s.pick(_EN_N)
        if r < 6:
            return f"{s.pick(_EN_A)} {s.pick(_EN_N)}"
        if r == 6:
            return f"The {s.pick(_EN_A)} {s.pick(_EN_N)}"
        if r == 7:
            return f"{s.pick(_EN_VING)} {s.pick(_EN_PART)}"
        if r == 8:
            return f"{s.pick(_EN_V)} Me {s.pick(_EN_PART)}"
        if r == 9:
            w = s.pick(_EN_N)
            return f"{s.pick(_EN_N)} of {_plural(w) if s.chance(0.4) else w}"
        if r == 10:
            return f"{s.pick(_EN_VING)} in the {s.pick(_EN_N)}"
        if r == 11:
            return f"{s.pick(_EN_SUBJ)} {s.pick(_EN_V)} {s.pick(_EN_OBJ)}"
        if r == 12:
            return f"Don't {s.pick(_EN_V)} {s.pick(_EN_OBJ)}"
        if r == 13:
            if s.chance(0.5):
                subj = s.pick(("I", "You", "We", "They"))
                return subj + s.pick(("'re", "'ll", "'ve")) + " " + s.pick(_EN_VING)
            return f"I'm {s.pick(_EN_VING)} {s.pick(_EN_PART)}"
        if r == 14:
            sep = ", " if s.chance(0.8) else " "
            return f"{s.pick(_EN_INTERJ)}{sep}{s.pick(_EN_SUBJ)} {s.pick(_EN_V)} {s.pick(_EN_OBJ)}"
        if r == 15:
            return f"{s.pick(_EN_A)} {_plural(s.pick(_EN_N))}"
        if r == 16:
            return f"The {s.pick(_EN_N)}"
        if r == 17:
            return f"{s.pick(_EN_N)} & {s.pick(_EN_N)}"
        if r == 18:
            return s.pick(_EN_COMMON)
        if r == 19:
            return f"When the {s.pick(_EN_N)} Comes {s.pick(_EN_PART)}"
        if r == 20:
            return f"All the {s.pick(_EN_A)} {_plural(s.pick(_EN_N))}"
        if r == 21:
            return f"{s.pick(_EN_VING)} Through the {s.pick(_EN_A)} {s.pick(_EN_N)}"
        if r == 22:
            return f"{s.pick(_EN_V)} Me Like a {s.pick(_EN_N)}"
        if r == 23:
            return f"Nothing but the {s.pick(_EN_N)}"
        if r == 24:
            return f"{s.pick(_EN_N)} on the {s.pick(_EN_N)}"
        if r == 25:
            return f"Song for {self.first('en')}"
        if r == 26:
            return f"The {s.pick(_EN_N)} Song"
        if r == 27:
            return f"{s.pick(_EN_SUBJ)} Can't {s.pick(_EN_V)} the {s.pick(_EN_N)}"
        if r == 28:
            return f"Back to the {s.pick(_EN_A)} {s.pick(_EN_N)}"
        return f"{s.pick(_EN_V)} the {s.pick(_EN_N)}"

    def title(self, lang: str) -> str:
        if lang == "en":
            return self.title_en()
        s = self.s
        nouns, adjs, templates = _LANG_TITLES[lang]
        fixed = [t for t in templates if "{" not in t]
        slots = [t for t in templates if "{" in t]
        t = s.pick(fixed) if fixed and s.chance(0.06) else s.pick(slots)
        romance = lang in ("es", "pt", "it", "fr")
        while "{N}" in t:
            w = s.pick(nouns)
            if romance and not t.startswith("{N}") and s.chance(0.5):
                w = w.lower()
            t = t.replace("{N}", w, 1)
        while "{A}" in t:
            t = t.replace("{A}", s.pick(adjs), 1)
        return t[:1].upper() + t[1:]

    def album_title(self, lang: str) -> str:
        s = self.s
        r = s.u()
        base = self.title(lang)
        if lang != "en":
            return base
        if r < 0.04:
            return f"Songs from the {s.pick(_EN_N)}"
        if r < 0.07:
            return f"Live at {s.pick(_EN_PLACE)}"
        if r < 0.08:
            return f"{s.pick(_EN_A)} {s.pick(_EN_N)}, {s.pick(_EN_A)} {s.pick(_EN_N)}"
        if r < 0.09:
            return f"{s.pick(_EN_N)}, {s.pick(_EN_N)} & {s.pick(_EN_N)}"
        if r < 0.12:
            return f"The {_plural(s.pick(_EN_N))}"
        if r < 0.16:
            return f"The {s.pick(_EN_A)} {s.pick(_EN_N)} Sessions"
        if r < 0.20:
            return f"Tales of the {s.pick(_EN_A)} {s.pick(_EN_N)}"
        if r < 0.23:
            return f"Music for {_plural(s.pick(_EN_N))}"
        if r < 0.26:
            return f"{s.pick(_EN_A)} {_plural(s.pick(_EN_N))} & Other Stories"
        if r < 0.30:
            return f"{s.pick(_EN_N)} in the {s.pick(_EN_A)} {s.pick(_EN_N)}"
        return base

    def composer(self) -> str:
        s = self.s
        lang = s.pick(("de", "de", "de", "it", "it", "en", "en", "fr", "ru", "cs"))
        if lang == "cs":
            first = s.pick(("Antonín", "Bohuslav", "Leoš", "Zdeněk", "Josef", "Vítězslav"))
            return f"{first} {self.invented(2, 2)}{s.pick(('ák', 'ek', 'ský', 'ík'))}"
        first = (
            self.first(lang)
            if lang != "ru"
            else s.pick(("Pyotr", "Sergei", "Nikolai", "Modest", "Alexander", "Dmitri"))
        )
        return f"{first} {self.invented(1, 2)}{s.pick(_COMPOSER_SUF)}"

    def work(self) -> tuple[str, str]:
        """A classical work title and its kind: "mov" (movements), "single" or "opera"."""
        s = self.s
        if s.chance(0.08):
            name = self.title(s.pick(("it", "it", "de", "fr")))
            if s.chance(0.5):
                name += f", {s.pick(('K.', 'Op.', 'WoO', 'BWV'))} {s.i(600) + 1}"
            return name, "opera"
        form, numbered, movements = s.pick(_FORMS)
        key = f"{s.pick(_KEYS)} {s.pick(('Major', 'Minor'))}"
        cat = s.pick(_CAT)
        if cat == "Hob.":
            catalog = f"Hob. XVI:{s.i(60) + 1}"
        elif cat == "Op.":
            catalog = f"Op. {s.i(130) + 1}" + (f" No. {s.i(6) + 1}" if s.chance(0.25) else "")
        else:
            catalog = f"{cat} {s.i(900) + 1}"
        num = f" No. {s.i(12) + 1}" if numbered and s.chance(0.7) else ""
        title = f"{form}{num} in {key}, {catalog}" if s.chance(0.6) else f"{form}{num} in {key}"
        if s.chance(0.15):
            title += f' "{s.pick(_NICK)}"'
        return title, "mov" if movements else "single"


# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GenerateResult:
    path: Path
    rows: int
    bytes: int
    seconds: float


class _Catalogue:
    """Everything about artists and albums, then rows. Arrays are per album or per row."""

    def __init__(
        self, rows: int, seed: tuple[int, ...], head: dict | None = None, head_weight: float = 1.0
    ) -> None:
        self.rows = rows
        self.seed = seed
        self.head_weight = head_weight  # scales the head's popularity in a file of many blocks
        self.rng = np.random.default_rng(list(seed))
        self.s = _Stream(np.random.default_rng([*seed, 1]))
        self.namer = _Namer(self.s)
        self.head = head  # the first block's most popular artists, shared by every block

    # -- artists ---------------------------------------------------------------------------
    def make_artists(self, n_albums_hint: int) -> None:
        rng = self.rng
        p = max(40, n_albums_hint)
        self.anchor = rng.random(p)  # where the artist's albums sit in the year ranking
        gw = np.array(_GENRE_W)[None, :] * (
            1.0 + np.array(_GENRE_SLOPE)[None, :] * ((self.anchor[:, None] - 0.5) * 2.0)
        )
        self.a_genre = _choice_rows(rng.random(p), gw)
        self.a_lang = _choice(rng, _LANG_W, p)
        self.a_ids = _ids(rng, p)
        names: list[str] = []
        seen: dict[str, int] = {}
        specials = {
            0: ("Various Artists", _G["pop"], 0),
            1: ("The Silverline String Quartet", _G["classical"], 0),
            2: ("The Karvena Philharmonic Orchestra", _G["classical"], 0),
            3: ("Ellis Warden's Solitudes", _G["ambient"], 0),
            5: ("Strummin' On Series", _G["folk"], 0),
        }
        for i in range(p):
            if i in specials:
                name, g, lang = specials[i]
                self.a_genre[i] = g
                self.a_lang[i] = lang
            else:
                lang = _LANGS[self.a_lang[i]]
                name = self.namer.artist(int(self.a_genre[i]), lang)
                for _ in range(3):
                    if name not in seen:
                        break
                    name = self.namer.artist(int(self.a_genre[i]), lang)
            seen[name] = i
            names.append(name)
        self.a_name = names
        if self.head is not None:  # later blocks: the same top artists, so their counts add up
            h, k = self.head, min(p, len(self.head["name"]))
            self.a_name[:k] = h["name"][:k]
            self.a_ids[:k] = h["ids"][:k]
            self.a_genre[:k] = h["genre"][:k]
            self.a_lang[:k] = h["lang"][:k]
            self.anchor[:k] = h["anchor"][:k]
        self._mark_unprintable()
        # Zipf-like popularity: weight 1/sqrt(rank + 1.6); rank = position in the pool.
        self.a_weight = 1.0 / np.sqrt(np.arange(p, dtype=np.float64) + 1.6)
        # a fatter head: the real top-10 credits hold 739-1,753 rows each (FACTS section 6)
        self.a_weight[:40] *= 1.4
        self.a_weight[0] *= 1.2  # "Various Artists" is the top string in the real file
        # Shared by every block, the head gets the share it would have in one catalogue of all
        # the blocks' artists: the pool's weight total grows as sqrt(artists).
        self.a_weight[:HEAD_ARTISTS] *= self.head_weight
        self.n_artists = p
        self.classical_pool = np.nonzero(self.a_genre == _G["classical"])[0]
        self.composers = [self.namer.composer() for _ in range(max(10, p // 60))]
        self.composer_ids = _ids(rng, len(self.composers)).tolist()
        self.composer_w = 1.0 / np.sqrt(np.arange(len(self.composers), dtype=np.float64) + 1.0)

    def _mark_unprintable(self) -> None:
        """Give a few artists (never the shared head) a character that ``repr`` escapes, as
        real names have: about 1 row in 3,500 (FACTS section 14). Their own random stream,
        so every other draw stays as it was; the kinds take turns, so each one occurs."""
        rng = np.random.default_rng([*self.seed, 0xE5C])
        chosen = np.nonzero(rng.random(len(self.a_name)) < UNPRINTABLE_ARTIST_SHARE)[0]
        first = int(rng.integers(len(UNPRINTABLE)))  # blocks start at different kinds
        for turn, i in enumerate(chosen[chosen >= HEAD_ARTISTS].tolist(), first):
            char, where = UNPRINTABLE[turn % len(UNPRINTABLE)]
            name = self.a_name[i]
            if where == "space" and " " in name:
                name = name.replace(" ", char, 1)
            elif where == "inside":
                name = name[: len(name) // 2] + char + name[len(name) // 2 :]
            else:
                name += char
            self.a_name[i] = name

    # -- albums ----------------------------------------------------------------------------
    def _draw_sizes(self, genre: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Tracks per disc (n, 13) and disc counts for albums of the given genres."""
        rng = self.rng
        n = len(genre)
        fmt = _choice_rows(rng.random(n), _FORMAT_P[genre])
        u = rng.random((3, n, 13))
        single = np.where(u[0] < 0.72, 1, np.where(u[0] < 0.90, 2, 3))
        ep = 4 + (u[0] * 4).astype(np.int64)
        lp = 10 + ((u[0] + u[1]) * 2.5).astype(np.int64)
        long_ = 17 + (u[0] * 14).astype(np.int64)
        box = 31 + (u[0] * u[1] * 20).astype(np.int64)
        per_disc = np.choose(fmt[:, None], [single, ep, lp, long_, box])
        # multi-disc albums (only LP and longer): FACTS disc_number mean 1.056, sd 0.295, max 13
        ud = rng.random(n)
        discs = np.ones(n, dtype=np.int64)
        big = fmt >= 2
        multi = big & (ud < _MULTI_DISC_P)
        extra = 2 + np.searchsorted(np.array(_DISCS_CDF), rng.random(n), side="right")
        discs[multi] = extra[multi]
        # later discs of multi-disc sets are LP/long sized
        later = np.where(u[2] < 0.75, lp, long_)
        per_disc[:, 1:] = np.where(multi[:, None], later[:, 1:], per_disc[:, 1:])
        per_disc = np.where(np.arange(13)[None, :] < discs[:, None], per_disc, 0)
        return per_disc, discs

    def plan(self) -> tuple[int, int, int]:
        """Rows of the year-0 quirk album, of the 1900 quirk albums, and of the other original
        albums; the rest (``copy_budget``) is filled by copies (:meth:`_insert_twins`)."""
        rows = self.rows
        quirk = rows >= 100
        # scaled quirk rows (10 and 14 per 1,204,025), one album (two for 1900) of <= 50 tracks
        q0 = min(50, max(1, round(10 * rows / REAL_ROWS))) if quirk else 0
        q1900 = min(100, max(1, round(14 * rows / REAL_ROWS))) if quirk else 0
        return q0, q1900, rows - q0 - q1900 - self.copy_budget

    @property
    def copy_budget(self) -> int:
        """Rows set aside for clean twins and re-releases (none below 1,000 rows)."""
        return round((_TWIN_SHARE + _REISSUE_SHARE) * self.rows) if self.rows >= 1000 else 0

    def make_albums(self) -> None:
        rng = self.rng
        q0, q1900, target = self.plan()
        self.make_artists(max(4, target // 10))
        cdf = np.cumsum(self.a_weight)
        art, per_disc, discs, genre, comp = [], [], [], [], []
        total = 0
        while total < target:
            b = max(16, int((target - total) / 10.5 * 1.05) + 8)
            a = np.searchsorted(cdf, rng.random(b) * cdf[-1], side="right")
            g = self.a_genre[a].copy()
            swap = rng.random(b) < 0.08  # artists sometimes cross genres
            g[swap] = _choice(rng, _GENRE_W, int(swap.sum()))
            is_comp = (rng.random(b) < 0.02) & (g != _G["classical"]) & (g != _G["spoken"])
            pd_, dc = self._draw_sizes(g)
            sz = pd_.sum(axis=1)
            csum = total + np.cumsum(sz)
            k = int(np.searchsorted(csum, target, side="left")) + 1
            k = min(k, b)
            art.append(a[:k])
            per_disc.append(pd_[:k])
            discs.append(dc[:k])
            genre.append(g[:k])
            comp.append(is_comp[:k])
            total = int(csum[k - 1])
        a_art = np.concatenate(art)
        a_pd = np.concatenate(per_disc)
        a_discs = np.concatenate(discs)
        a_genre = np.concatenate(genre)
        a_comp = np.concatenate(comp)
        # trim the last album to land exactly on target
        over = int(a_pd.sum()) - target
        while over > 0:
            last = len(a_pd) - 1
            d = int(a_discs[last]) - 1
            take = min(over, int(a_pd[last, d]))
            a_pd[last, d] -= take
            over -= take
            if a_pd[last, d] == 0:
                if d == 0:
                    a_pd = a_pd[:-1]
                    a_discs = a_discs[:-1]
                    a_art = a_art[:-1]
                    a_genre = a_genre[:-1]
                    a_comp = a_comp[:-1]
                else:
                    a_discs[last] -= 1
        n_alb = len(a_art)
        # file order: artists in a random order, an artist's albums near each other
        perm = rng.permutation(self.n_artists).astype(np.float64)
        key = perm[a_art] + rng.random(n_alb) * 2.5
        key = np.where(a_comp, rng.random(n_alb) * self.n_artists, key)
        order = np.argsort(key, kind="stable")
        a_art, a_pd, a_discs, a_genre, a_comp = (
            a_art[order], a_pd[order], a_discs[order], a_genre[order], a_comp[order])  # fmt: skip
        # Years: albums sorted by (artist anchor + noise) are laid end to end and each gets
        # the year at its middle row on the FACTS row-weighted year CDF. The row histogram is
        # thus right at any size, and an artist's albums are close in time.
        years, weights = _year_weights()
        ycdf = np.cumsum(weights) / float(weights.sum())
        sizes = a_pd.sum(axis=1)
        ykey = self.anchor[a_art] + (rng.random(n_alb) - 0.5) * 0.16
        ykey = np.where(a_comp, rng.random(n_alb), ykey)
        yorder = np.argsort(ykey, kind="stable")
        sz = sizes[yorder].astype(np.float64)
        mid = (np.cumsum(sz) - sz * 0.5) / float(sz.sum())
        a_year = np.empty(n_alb, dtype=np.int64)
        a_year[yorder] = years[np.minimum(np.searchsorted(ycdf, mid, side="right"), len(years) - 1)]
        self.alb = {
            "artist": a_art, "per_disc": a_pd, "discs": a_discs, "genre": a_genre,
            "comp": a_comp, "year": a_year,
        }  # fmt: skip
        self._insert_quirks(q0, q1900)
        self._decide_album_flags()
        self._insert_twins()
        self.n_alb = len(self.alb["artist"])

    def _insert_quirks(self, q0: int, q1900: int) -> None:
        if q0 == 0:
            self.alb["quirk"] = np.zeros(len(self.alb["artist"]), dtype=np.int64)
            return
        alb = self.alb
        n = len(alb["artist"])
        sizes = alb["per_disc"].sum(axis=1)
        pos_rows = np.cumsum(sizes)
        rng = self.rng
        # a mid-popularity hip-hop artist and a world/jazz artist own the quirk albums
        cand = np.nonzero(self.a_genre == _G["hiphop"])[0]
        cand = cand[cand > 20] if (cand > 20).any() else np.array([min(21, self.n_artists - 1)])
        hh = int(cand[int(rng.random() * len(cand))])
        cand = np.nonzero(self.a_genre == _G["jazz"])[0]
        cand = cand[cand > 20] if (cand > 20).any() else np.array([min(22, self.n_artists - 1)])
        jz = int(cand[int(rng.random() * len(cand))])
        q1900_a = max(q1900 * 6 // 14, q1900 - 50) if q1900 >= 2 else 0
        plans = [(0.3738, q1900_a, jz, 1900), (0.3820, q1900 - q1900_a, jz, 1900),
                 (0.6772, q0, hh, 0)]  # fmt: skip
        inserts = []
        for frac, size, artist, year in plans:
            if size <= 0:
                continue
            at = int(np.searchsorted(pos_rows, frac * pos_rows[-1]))
            inserts.append((at, size, artist, year))
        new = {k: [] for k in alb}
        new["quirk"] = []
        j = 0
        for i in range(n + 1):
            while j < len(inserts) and inserts[j][0] == i:
                _, size, artist, year = inserts[j]
                pdisc = np.zeros(13, dtype=np.int64)
                pdisc[0] = size
                new["artist"].append(artist)
                new["per_disc"].append(pdisc)
                new["discs"].append(1)
                new["genre"].append(int(self.a_genre[artist]))
                new["comp"].append(False)
                new["year"].append(year)
                new["quirk"].append(1 if year == 1900 else 2)
                j += 1
            if i < n:
                for k in alb:
                    new[k].append(alb[k][i])
                new["quirk"].append(0)
        self.alb = {k: np.array(v) for k, v in new.items()}

    def _decide_album_flags(self) -> None:
        alb = self.alb
        rng = self.rng
        n = len(alb["artist"])
        year = alb["year"]
        eff = np.where(year == 0, 2018, np.where(year == 1900, 1993, year)).astype(np.float64)
        alb["eff_year"] = eff
        lean_p = _era("X", eff) * np.array(_EXPLICIT_MULT)[alb["genre"]]
        alb["explicit_lean"] = rng.random(n) < lean_p
        alb["live"] = (rng.random(n) < 0.055) & (alb["genre"] != _G["spoken"])
        alb["remaster"] = (rng.random(n) < 0.09) & (year >= 1990)
        alb["collab"] = (rng.random(n) < 0.05) & (alb["genre"] != _G["classical"])
        alb["twin_of"] = np.full(n, -1, dtype=np.int64)
        # date pieces
        full = rng.random(n) < _pl(np.where(year == 0, 2018, year).astype(np.float64),
                                   _FULLDATE_X, _FULLDATE_Y)  # fmt: skip
        ym = (~full) & (rng.random(n) < _YEAR_MONTH_SHARE_OF_PARTIAL)
        month = 1 + (rng.random(n) * 12).astype(np.int64)
        leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
        mdays = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[month - 1] + (
            leap & (month == 2)
        )
        day = 1 + (rng.random(n) * mdays).astype(np.int64)
        jan1 = rng.random(n) < 0.08
        month = np.where(jan1, 1, month)
        day = np.where(jan1, 1, day)
        dates = []
        for i in range(n):
            y = int(year[i])
            if y == 0:
                dates.append("0000")
            elif y == 1900:
                dates.append("1900-01-01")
            elif y == 1908:
                dates.append("1908-08-01")
            elif full[i]:
                dates.append(f"{y:04d}-{int(month[i]):02d}-{int(day[i]):02d}")
            elif ym[i]:
                dates.append(f"{y:04d}-{int(month[i]):02d}")
            else:
                dates.append(f"{y:04d}")
        alb["date"] = np.array(dates, dtype=object)

    def _insert_twins(self) -> None:
        """Copies of albums under new ids, right after their source: explicit/clean twins (a
        small explicit album re-issued clean) and re-releases (the same tracks, explicit as
        before, on a "Deluxe Edition" or "Remastered" album)."""
        alb = self.alb
        sizes = alb["per_disc"].sum(axis=1)
        n = len(sizes)
        total = float(sizes.sum())
        # ~0.3% of rows; explicit small releases are the candidates
        cand = alb["explicit_lean"] & (sizes <= 6) & (alb["quirk"] == 0)
        cand_rows = float(sizes[cand].sum())
        p = min(1.0, _TWIN_SHARE * total / cand_rows) if cand_rows > 0 else 0.0
        twin = cand & (self.rng.random(n) < p)
        reissue = self._pick_reissues(sizes, (alb["quirk"] == 0) & ~twin, int(sizes[twin].sum()))
        alb["reissue"] = np.zeros(n, dtype=bool)
        twin |= reissue
        if not twin.any():
            return
        idx = np.repeat(np.arange(n), np.where(twin, 2, 1))
        is_copy = np.zeros(len(idx), dtype=bool)
        is_copy[1:] = idx[1:] == idx[:-1]
        new = {k: v[idx] for k, v in alb.items()}
        new["twin_of"] = np.where(is_copy, np.arange(len(idx)) - 1, -1)
        new["reissue"] = is_copy & reissue[idx]
        new["explicit_lean"] = new["explicit_lean"] & ~(is_copy & ~new["reissue"])
        excess = int(sizes.sum() + sizes[twin].sum()) - self.rows
        psz = new["per_disc"]
        k = len(idx) - 1
        while excess > 0 and k >= 0:
            d = int(new["discs"][k]) - 1
            take = min(excess, int(psz[k, d]))
            psz[k, d] -= take
            excess -= take
            if psz[k, d] == 0:
                if d == 0:
                    k -= 1
                else:
                    new["discs"][k] -= 1
        keep = psz.sum(axis=1) > 0
        # a twin whose source was trimmed away is just a normal album
        new = {kk: v[keep] for kk, v in new.items()}
        pos = np.cumsum(keep) - 1
        tw = new["twin_of"]
        new["twin_of"] = np.where(tw >= 0, pos[np.clip(tw, 0, None)], -1)
        # a twin must have the same size as its source; trimming may have cut only the source's
        # copy (the last albums), so re-check and fall back to a normal album
        ok = new["twin_of"] >= 0
        src = np.clip(new["twin_of"], 0, None)
        same = (new["per_disc"] == new["per_disc"][src]).all(axis=1)
        new["twin_of"] = np.where(ok & same, new["twin_of"], -1)
        new["reissue"] &= new["twin_of"] >= 0
        self.alb = new

    def _pick_reissues(self, sizes: np.ndarray, candidates: np.ndarray, twins: int) -> np.ndarray:
        """Albums to re-release: candidates walked in year order (random within a year), each
        taken while the copied rows lag the budget's share of the rows seen, so the copies
        follow the year histogram and fill the rows set aside for them (:meth:`plan`)."""
        want = self.copy_budget - twins
        n = len(sizes)
        picked = np.zeros(n, dtype=bool)
        if want <= 0 or not candidates.any():
            return picked
        years = self.alb["year"][candidates] + self.rng.random(int(candidates.sum())) * 0.5
        order = np.flatnonzero(candidates)[np.argsort(years, kind="stable")]
        share = want / float(sizes[order].sum())
        seen = got = 0
        for i, size in zip(order.tolist(), sizes[order].tolist(), strict=True):
            seen += size
            if got + size / 2 <= share * seen + 1:  # never behind by more than half an album
                picked[i] = True
                got += size
        for i in self.rng.permutation(order).tolist():  # short by under half an album
            if got >= want:
                break
            if not picked[i]:
                picked[i] = True
                got += int(sizes[i])
        return picked

    # -- album names and credits ----------------------------------------------------------
    def album_text(self) -> None:
        alb = self.alb
        s = self.s
        namer = self.namer
        n = len(alb["artist"])
        alb_ids = _ids(self.rng, n)
        names: list[str] = []
        credits: list[list[int]] = []  # artist indices (composers are encoded as -1 - index)
        lang_of: list[str] = []
        works: list[object] = []
        comp_cdf = np.cumsum(self.composer_w)
        for i in range(n):
            src = int(alb["twin_of"][i])
            if src >= 0:
                suffix = s.pick(_REISSUE_SUFFIXES) if alb["reissue"][i] else ""
                names.append(names[src] + suffix if names[src] else names[src])
                credits.append(credits[src])
                lang_of.append(lang_of[src])
                works.append(works[src])
                continue
            a = int(alb["artist"][i])
            g = int(alb["genre"][i])
            lang = _LANGS[self.a_lang[a]]
            if not s.chance(_NATIVE_TITLE_P[self.a_lang[a]]):
                lang = "en"
            lang_of.append(lang)
            year = int(alb["year"][i])
            size = int(alb["per_disc"][i].sum())
            cred = [a]
            work = None
            if alb["comp"][i]:
                cred = [0]
                r = s.u()
                if r < 0.4:
                    name = f"{s.pick(_COMP_A)} {s.pick(_COMP_B)}"
                elif r < 0.7:
                    name = f"{s.pick(_COMP_C)} {s.pick(_COMP_D)}, Vol. {s.i(9) + 1}"
                else:
                    name = f"Hits of the {s.pick(('50s', '60s', '70s', '80s', '90s', '2000s'))}"
            elif g == _G["classical"]:
                ci = int(np.searchsorted(comp_cdf, s.u() * comp_cdf[-1], side="right"))
                composer = -1 - ci
                last = self.composers[ci].split(" ")[-1]
                work = namer.work()
                r = s.u()
                if r < 0.25:
                    name = f"{last}: {work[0]}"
                elif r < 0.55:
                    name = f"{last}: {s.pick(_CLASSICAL_SETS)}"
                elif r < 0.63:
                    what = s.pick(("Works for Piano", "Chamber Music", "Symphonies", "Songs"))
                    name = f"{last}: Complete {what}, Vol. {s.i(12) + 1}"
                elif r < 0.8:
                    other = self.composers[s.i(len(self.composers))].split(" ")[-1]
                    what = s.pick(("Concertos", "Sonatas", "Trios", "Works for Orchestra"))
                    name = f"{last} & {other}: {what}"
                else:
                    name = namer.album_title("en")
                # credits: composer, then 0..N performers (orchestras, conductor, soloists)
                r = s.u()
                k = (0 if r < 0.10 else 1 if r < 0.40 else 2 if r < 0.70 else 3 if r < 0.85
                     else 4 if r < 0.92 else 5 + s.i(14))  # fmt: skip
                perf = [a] + [self._artist_near(a, classical=True) for _ in range(k - 1)]
                cred = [composer] + perf[:k] if k else [composer]
                if (k == 0 and s.chance(0.5)) or a in (1, 2):
                    cred = [a]  # ensembles that are credited alone (the heavy hitters too)
            elif g == _G["spoken"]:
                name = namer.title(lang) if s.chance(0.7) else namer.album_title(lang)
                if s.chance(0.3):
                    name = f"{name} ({s.pick(('Ungekürzt', 'Unabridged', 'Live', 'Hörspiel'))})"
            else:
                r = s.u()
                if size <= 3:
                    name = ""  # singles take their first track's name (filled in later)
                elif r < 0.05:
                    name = self.a_name[a]
                else:
                    name = namer.album_title(lang)
                    if year >= 1960 and s.chance(0.025):
                        name += f", Vol. {s.i(4) + 2}"
            if alb["collab"][i] and not alb["comp"][i] and g != _G["classical"]:
                r = s.u()
                k = 1 if r < 0.8 else 2 if r < 0.92 else 3 + s.i(2)
                cred = cred + [self._artist_near(a) for _ in range(k)]
            if name and g != _G["classical"] and not alb["live"][i] and not alb["comp"][i]:
                discs = int(alb["discs"][i])
                if discs == 1 and 4 <= size <= 7 and s.chance(0.35):
                    name += " - EP"
                elif size >= 8 and s.chance(0.05):
                    name += s.pick((" (Deluxe Edition)", " (Deluxe)", " (Expanded Edition)",
                                    " (Special Edition)", " (Bonus Track Version)"))  # fmt: skip
                elif size >= 8 and s.chance(0.02):
                    name += s.pick((" (Original Motion Picture Soundtrack)",
                                    " (Music from the Motion Picture)",
                                    " (Original Soundtrack)"))  # fmt: skip
            if alb["live"][i] and name and s.chance(0.5):
                name += s.pick((" (Live)", " [Live]", f" (Live in {namer.city()})", " - Live"))
            if alb["remaster"][i] and name and s.chance(0.5):
                name += s.pick((" (Remastered)", f" ({year} Remaster)", " (Deluxe Edition)",
                                " (Expanded Edition)", " [Remastered]"))  # fmt: skip
            names.append(name)
            credits.append(cred)
            works.append(work)
        self.alb_ids = alb_ids
        self.alb_names = names
        self.alb_credits = credits
        self.alb_lang = lang_of
        self.alb_work = works

    def _artist_near(self, a: int, classical: bool = False) -> int:
        """A collaborator: a pool neighbour (so pairs recur) or a popular artist; never
        ``a`` itself nor "Various Artists" (index 0)."""
        s = self.s
        pool = self.classical_pool if classical and len(self.classical_pool) > 2 else None
        size = self.n_artists if pool is None else len(pool)
        at = a if pool is None else int(np.searchsorted(pool, a))
        for _ in range(8):
            j = (at + 1 + s.i(60)) % size if s.chance(0.6) else int(s.u() * s.u() * size)
            b = j if pool is None else int(pool[j])
            if b != a and b != 0:
                return b
        return 1 if a != 1 else 2

    # -- rows ------------------------------------------------------------------------------
    def rows_table(self) -> dict[str, object]:
        alb = self.alb
        rng = self.rng
        s = self.s
        namer = self.namer
        pd_ = alb["per_disc"]
        sizes = pd_.sum(axis=1)
        n = int(sizes.sum())
        assert n == self.rows, (n, self.rows)
        row_alb = np.repeat(np.arange(len(sizes)), sizes)
        # disc and track numbers
        flat = pd_.reshape(-1)
        disc_idx = np.tile(np.arange(1, 14), len(sizes))
        disc = np.repeat(disc_idx, flat)
        start = np.repeat(np.cumsum(flat) - flat, flat)
        track = np.arange(n) - start + 1
        genre = alb["genre"][row_alb]
        twin_src_alb = alb["twin_of"][row_alb]
        alb_start = np.cumsum(sizes) - sizes
        within = np.arange(n) - alb_start[row_alb]
        twin_src = np.where(
            twin_src_alb >= 0, alb_start[np.clip(twin_src_alb, 0, None)] + within, -1
        )
        # names: pools per language for ordinary titles
        pool_n = int(min(150_000, max(400, n // 4)))
        pools: dict[str, list[str]] = {}
        for lang, w in zip(_LANGS, _LANG_W, strict=True):
            m = max(60, int(pool_n * w * 1.5)) if lang != "en" else pool_n
            pools[lang] = [namer.title(lang) for _ in range(m)]
        names: list[str] = [""] * n
        u_pick = rng.random(n)
        lang_row = [self.alb_lang[a] for a in row_alb.tolist()]
        feat_p = np.array(_FEAT_P)[genre]
        feat = (rng.random(n) < feat_p) & ~alb["comp"][row_alb] & (alb["artist"][row_alb] != 0)
        deco = rng.random(n)
        artists_row: list[str | None] = [None] * n
        ids_row: list[str | None] = [None] * n
        album_cred_repr: list[tuple[str, str]] = []
        for cred in self.alb_credits:
            album_cred_repr.append(self._cred_repr(cred))
        comp_cdf = np.cumsum(self.a_weight)
        alb_names = self.alb_names
        row_alb_l = row_alb.tolist()
        track_l = track.tolist()
        disc_l = disc.tolist()
        genre_l = genre.tolist()
        twin_l = twin_src.tolist()
        live_l = alb["live"].tolist()
        remaster_l = alb["remaster"].tolist()
        year_l = alb["year"].tolist()
        comp_l = alb["comp"].tolist()
        classical = _G["classical"]
        spoken = _G["spoken"]
        electronic = _G["electronic"]
        hiphop = _G["hiphop"]
        work_state: dict[int, tuple[str, bool, int, int]] = {}
        cur_album = -1
        used: set[str] = set()
        live_suffix: dict[int, str] = {}
        for i in range(n):
            t = twin_l[i]
            if t >= 0:
                names[i] = names[t]
                artists_row[i] = artists_row[t]
                ids_row[i] = ids_row[t]
                continue
            a_i = row_alb_l[i]
            g = genre_l[i]
            lang = lang_row[i]
            if g == classical and not comp_l[a_i]:
                names[i] = self._classical_title(a_i, work_state)
            elif g == spoken:
                tn = track_l[i]
                r = deco[i]
                if lang == "de" or r < 0.15:
                    names[i] = (
                        f"Kapitel {tn}"
                        + (f".{disc_l[i]}" if disc_l[i] > 1 else "")
                        + (f" - {namer.title('de')}" if r < 0.5 else "")
                    )
                elif lang == "es":
                    names[i] = f"Capítulo {tn}"
                elif r < 0.55:
                    names[i] = f"Chapter {tn}"
                elif r < 0.75:
                    names[i] = f"Part {disc_l[i]}, Chapter {tn}"
                else:
                    names[i] = namer.title_en()
            else:
                if a_i != cur_album:
                    cur_album = a_i
                    used = set()
                pool = pools[lang]
                u = u_pick[i]
                if lang == "en" and u < 0.0145:  # "Intro", "Home", ... recur (~1.5%)
                    nm = _EN_COMMON[int(u * 2000.0)]
                else:
                    nm = pool[int(u * len(pool))]
                for _ in range(3):
                    if nm not in used:
                        break
                    nm = pool[s.i(len(pool))]
                used.add(nm)
                names[i] = nm
                r = deco[i]
                if g == hiphop and r < 0.015:
                    names[i] = s.pick(("Intro", "Skit", "Interlude", "Outro"))
                elif r < 0.012:
                    names[i] += " - Radio Edit"
                elif r < 0.02:
                    names[i] += s.pick((" - Acoustic", " - Acoustic Version", " - Demo",
                                        " - Instrumental", " - Single Version", " - Bonus Track",
                                        " - Mono", " - Stereo"))  # fmt: skip
                elif r < 0.03 or (g == electronic and r < 0.14):
                    rem = max(1, int(np.searchsorted(comp_cdf, s.u() * comp_cdf[-1], side="right")))
                    names[i] += f" - {self.a_name[rem]} Remix"
                    if not feat[i] and s.chance(0.6):
                        c = self.alb_credits[a_i]
                        artists_row[i], ids_row[i] = self._cred_repr(
                            c + [rem] if rem not in c else c
                        )
                if live_l[a_i]:
                    if a_i not in live_suffix:
                        live_suffix[a_i] = s.pick(
                            (" - Live", " - Live", "", f" - Live at {s.pick(_EN_PLACE)}")
                        )
                    names[i] += live_suffix[a_i]
                if remaster_l[a_i]:
                    names[i] += f" - Remastered {year_l[a_i]}" if s.chance(0.8) else " - Remastered"
            if comp_l[a_i]:
                # compilations: every track by a different (mostly popular) artist
                k = 1 if s.chance(0.85) else 2
                cr = []
                for _ in range(k):
                    b = int(np.searchsorted(comp_cdf, s.u() * comp_cdf[-1], side="right"))
                    if b not in cr and b != 0:
                        cr.append(b)
                if cr:
                    artists_row[i], ids_row[i] = self._cred_repr(cr)
            if feat[i]:
                base = self.alb_credits[a_i]
                main = base[0] if base[0] >= 0 else int(self.alb["artist"][a_i])
                r = s.u()
                k = 1 if r < 0.8 else 2 if r < 0.95 else 3
                extra = []
                for _ in range(k):
                    b = self._artist_near(main)
                    if b not in base and b not in extra:
                        extra.append(b)
                if extra:
                    cr = list(base) + extra
                    artists_row[i], ids_row[i] = self._cred_repr(cr)
                    if s.chance(0.65):
                        fn = [self.a_name[b] for b in extra]
                        who = fn[0] if len(fn) == 1 else ", ".join(fn[:-1]) + " & " + fn[-1]
                        names[i] += f" (feat. {who})"
        # singles: album named after its first track
        for j, nm in enumerate(alb_names):
            if nm == "":
                alb_names[j] = names[int(alb_start[j])]
        for i in range(n):
            if artists_row[i] is None:
                artists_row[i], ids_row[i] = album_cred_repr[row_alb_l[i]]
        return {
            "n": n, "row_alb": row_alb, "track": track, "disc": disc, "genre": genre,
            "twin_src": twin_src, "clean_twin": (twin_src >= 0) & ~alb["reissue"][row_alb],
            "names": names, "artists": artists_row, "artist_ids": ids_row,
        }  # fmt: skip

    def _cred_repr(self, cred: list[int]) -> tuple[str, str]:
        names, ids = [], []
        for c in cred:
            if c < 0:
                names.append(self.composers[-1 - c])
                ids.append(self.composer_ids[-1 - c])
            else:
                names.append(self.a_name[c])
                ids.append(self.a_ids[c])
        return repr(names), repr(ids)

    def _classical_title(self, a_i: int, state: dict) -> str:
        s = self.s
        st = state.get(a_i)
        if st is None or st[3] >= st[2]:
            if st is None and self.alb_work[a_i] is not None:
                title, kind = self.alb_work[a_i]
            else:
                title, kind = self.namer.work()
            if kind == "mov":
                parts = 3 + s.i(2) if s.chance(0.8) else 5 + s.i(3)
            elif kind == "opera":
                parts = 4 + s.i(12)
            else:
                parts = 1
            st = (title, kind, parts, 0)
        title, kind, parts, k = st
        state[a_i] = (title, kind, parts, k + 1)
        if kind == "single":
            return title
        if kind == "opera":
            act = _ROMAN[min(k * 3 // parts, 2)]
            aria = self.namer.title(s.pick(("it", "it", "it", "de", "fr", "en")))
            if s.chance(0.3):
                aria = f'"{aria}"'
            return f"{title}: Act {act}: {aria}"
        if s.chance(0.04):
            return f"{title}: Variation {k + 1} ({s.pick(_TEMPI)})"
        return f"{title}: {_ROMAN[k]}. {s.pick(_TEMPI)}"


def _features(cat: _Catalogue, tab: dict) -> dict[str, np.ndarray]:
    """Audio features, explicit, key, mode, time_signature (clean values before artifacts)."""
    rng = cat.rng
    alb = cat.alb
    n = tab["n"]
    row_alb = tab["row_alb"]
    g = tab["genre"]
    n_alb = len(alb["artist"])
    eff = alb["eff_year"][row_alb]
    off = _OFF[g]

    def album_z() -> np.ndarray:
        return _z(rng, n_alb)[row_alb]

    aE, aD, aA, aI, aS, aV, aDur, aL = (album_z() for _ in range(8))
    tE, tD, tA, tI, tS, tV, tL, tT, tDur, tLd = (_z(rng, n) for _ in range(10))
    live = alb["live"][row_alb].astype(np.float64)

    zE = off[:, 0] + _era("E", eff) + 0.55 * aE + 0.65 * tE
    lat = {
        "energy": zE,
        "loudness": 0.9 * zE + _era("L", eff) + 0.3 * aL + 0.55 * tLd,
        "acousticness": -0.92 * zE + off[:, 2] + _era("A", eff) + 0.6 * aA + 0.6 * tA,
    }
    # Coefficients set so that Pearson r on the written values meets the full real file's
    # (FACTS section 14): danceability-valence 0.56, energy-valence 0.40, danceability-energy
    # 0.28, loudness-instrumentalness -0.39 ... within 0.05 at 1.2M rows (tests).
    dance = off[:, 1] + _era("D", eff) + 0.5 * aD + 0.7 * tD + 0.1 * lat["loudness"]
    lat["danceability"] = dance
    lat["valence"] = 0.36 * dance + 0.22 * zE + off[:, 6] + _era("V", eff) + 0.4 * aV + 0.6 * tV
    instr = off[:, 3] + 0.7 * aI + 0.6 * tI - 0.25 * lat["loudness"]
    lat["instrumentalness"] = instr
    lat["speechiness"] = off[:, 4] + _era("S", eff) + 0.5 * aS + 0.6 * tS
    lat["liveness"] = off[:, 5] + 1.8 * live + 0.25 * zE + 0.3 * aL + 0.8 * tL
    lat["tempo"] = 0.22 * zE + 0.5 * off[:, 7] + 1.0 * tT
    lat["duration_ms"] = 0.6 * off[:, 8] + 0.5 * aDur + 0.8 * tDur + 0.05 * instr - 0.1 * tV

    # twins: same latent as the source track plus a little noise (slightly different values)
    tw = tab["twin_src"]
    is_tw = tw >= 0
    if is_tw.any():
        src = tw[is_tw]
        for k in lat:
            lat[k][is_tw] = lat[k][src] + 0.04 * _z(rng, int(is_tw.sum()))

    silent = rng.random(n) < _SILENT_SHARE
    # silent tracks take the lowest ranks of the columns they zero out, so the zeros replace
    # the bottom of the distribution instead of shifting its quantiles
    for k in ("danceability", "valence", "speechiness", "tempo", "energy", "duration_ms"):
        lat[k][silent] = -np.inf
    out: dict[str, np.ndarray] = {}
    u = {k: _rank_u(v) for k, v in lat.items()}
    for k in ("danceability", "energy", "speechiness", "acousticness", "liveness", "valence"):
        out[k] = np.minimum(_sig3(_quantile(k, u[k])), 1.0)
    # instrumentalness: a mass of exact zeros, then the (log-like) tail
    ui = u["instrumentalness"]
    out["instrumentalness"] = np.where(
        ui < _INSTR_ZERO_SHARE, 0.0, np.minimum(_sig3(_quantile("instrumentalness", ui)), 1.0)
    )
    out["loudness"] = _dec3(_quantile("loudness", u["loudness"]))
    out["tempo"] = _dec3(_quantile("tempo", u["tempo"]))
    dur = np.rint(_quantile("duration_ms", u["duration_ms"])).astype(np.int64)

    # key / mode
    key = _choice(rng, _KEY_P, n)
    mode = (rng.random(n) < np.array(_MAJOR_P)[key]).astype(np.int64)
    # time signature: 3/4 more likely for low danceability/energy
    ud, ue = u["danceability"], u["energy"]
    p3 = 0.125 * (1.75 - 1.5 * ud)
    p1 = 0.018 * (1.7 - 1.4 * ue)
    p5 = np.full(n, 0.023)
    p0 = np.full(n, 0.0005)
    p4 = 1.0 - p3 - p1 - p5 - p0
    ts_idx = _choice_rows(rng.random(n), np.stack([p0, p1, p3, p4, p5], axis=1))
    ts = np.array([0.0, 1.0, 3.0, 4.0, 5.0])[ts_idx]

    # silent / degenerate tracks (FACTS section 10)
    if silent.any():
        k = int(silent.sum())
        for c in ("danceability", "valence", "speechiness", "tempo"):
            out[c][silent] = 0.0
        ts[silent] = np.where(rng.random(k) < 0.9, 0.0, 1.0)
        dur[silent] = 1000 + (rng.random(k) * rng.random(k) * 90000.0).astype(np.int64)
        loud = out["loudness"][silent]
        out["loudness"][silent] = np.where(rng.random(k) < 0.1, -60.0, loud)
        out["energy"][silent] = _sig3(rng.random(k) * rng.random(k) * 0.5)
    if is_tw.any():  # twins share duration within a few ms, key and mode
        src = tw[is_tw]
        dur[is_tw] = dur[src] + (rng.random(int(is_tw.sum())) * 400.0).astype(np.int64) - 200
        key[is_tw] = key[src]
        mode[is_tw] = mode[src]
        ts[is_tw] = ts[src]
    dur = np.clip(dur, 1000, 6061090)

    # explicit: album leaning x year; clean twins are the clean versions, re-releases as before
    lean = alb["explicit_lean"][row_alb]
    sp_boost = np.where(u["speechiness"] > 0.85, 1.15, 1.0)
    p_exp = np.where(lean, 0.78 * sp_boost, 0.004)
    explicit = rng.random(n) < p_exp
    reissued = is_tw & ~tab["clean_twin"]
    explicit[reissued] = explicit[tw[reissued]]
    explicit[tab["clean_twin"]] = False

    out["key"] = key
    out["mode"] = mode
    out["time_signature"] = ts
    out["duration_ms"] = dur
    out["explicit"] = explicit
    return out


_FLOAT_COLS = ("danceability", "energy", "loudness", "speechiness", "acousticness",
               "instrumentalness", "liveness", "valence", "tempo")  # fmt: skip


class _Table:
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
        cat = _Catalogue(rows, seed, head, head_weight)
        cat.make_albums()
        cat.album_text()
        tab = cat.rows_table()
        feats = _features(cat, tab)
        row_alb = tab["row_alb"]
        alb = cat.alb
        cols, typed = self.cols, self.typed
        ids = _ids(cat.rng, rows)
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
            x, text, inv = _float_column(feats[c])
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
            q = memo[v] = _csv_field(v)
        out.append(q)
    return out


# ---------------------------------------------------------------------------------------------
# Blocks: the file is written in fixed-size blocks, each a catalogue of its own
# ---------------------------------------------------------------------------------------------


def block_sizes(rows: int, block_rows: int = BLOCK_ROWS) -> list[int]:
    """Rows of each block: ``ceil(rows / block_rows)`` blocks, sizes differing by at most 1."""
    if rows < 0:
        raise ValueError("rows must be >= 0")
    count = max(1, -(-rows // block_rows))
    base, extra = divmod(rows, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def _block_seed(seed: int, index: int) -> tuple[int, ...]:
    """Block 0 draws from ``seed`` itself (a one-block file is what it always was)."""
    return (seed,) if index == 0 else (seed, 0xB10C, index)


_HEADS: dict[tuple[int, int], dict] = {}


def _head(rows0: int, seed: int) -> dict:
    """Block 0's top artists: its artist pool made again (a fraction of a second)."""
    key = (rows0, seed)
    if key not in _HEADS:
        cat = _Catalogue(rows0, _block_seed(seed, 0))
        cat.make_artists(max(4, cat.plan()[2] // 10))
        k = HEAD_ARTISTS
        _HEADS[key] = {
            "name": cat.a_name[:k], "ids": cat.a_ids[:k].copy(), "genre": cat.a_genre[:k].copy(),
            "lang": cat.a_lang[:k].copy(), "anchor": cat.anchor[:k].copy(),
        }  # fmt: skip
    return _HEADS[key]


def _block_table(rows: int, seed: int, index: int, block_rows: int) -> _Table:
    sizes = block_sizes(rows, block_rows)
    head = _head(sizes[0], seed) if index > 0 else None
    head_weight = float(np.sqrt(1.0 / len(sizes)))  # 1.0 for a one-block file
    return _Table(sizes[index], _block_seed(seed, index), head, head_weight)


def _block_bytes(rows: int, seed: int, index: int, block_rows: int) -> bytes:
    """Block ``index`` of the file as UTF-8 CSV lines (no header)."""
    return "".join(_block_table(rows, seed, index, block_rows).lines()).encode("utf-8")


def _header() -> str:
    return ",".join(RAW_COLUMNS) + "\n"


def generate_lines(rows: int, seed: int = 42, chunk: int = 100_000, block_rows: int = BLOCK_ROWS):
    """Yield the CSV text (header first) in chunks of whole lines, LF-terminated."""
    yield _header()
    for index in range(len(block_sizes(rows, block_rows))):
        yield from _block_table(rows, seed, index, block_rows).lines(chunk)


def generate_frame(rows: int, seed: int = 42, block_rows: int = BLOCK_ROWS):
    """The rows of ``generate_csv(path, rows, seed)`` as a typed pandas DataFrame.

    Floats are the exact values of the written text (``float(s)``, i.e. what
    ``pd.read_csv(..., float_precision="round_trip")`` gives). pandas' default parser is off by
    one ulp on ~12% of them, exactly as it is on the real file.
    """
    import pandas as pd

    blocks = range(len(block_sizes(rows, block_rows)))
    frames = [_block_table(rows, seed, i, block_rows).frame() for i in blocks]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _blocks_in_order(rows: int, seed: int, workers: int, block_rows: int):
    """Each block's bytes, in file order, made by ``workers`` processes (at most
    ``workers + 1`` finished blocks wait in memory)."""
    count = len(block_sizes(rows, block_rows))
    if workers <= 1 or count == 1:
        for index in range(count):
            yield _block_bytes(rows, seed, index, block_rows)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Forking is instant and inherits the imports (a spawned worker re-imports numpy and
    # pyspark: about 2 s); it is safe only while this process has no other thread.
    fork = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    context = multiprocessing.get_context("fork" if fork else "spawn")
    with ProcessPoolExecutor(min(workers, count), mp_context=context) as pool:
        job = (rows, seed)
        pending = [
            pool.submit(_block_bytes, *job, i, block_rows) for i in range(min(count, workers + 1))
        ]
        for index in range(count):
            data = pending.pop(0).result()
            nxt = index + len(pending) + 1
            if nxt < count:
                pending.append(pool.submit(_block_bytes, *job, nxt, block_rows))
            yield data


def write_sidecar(result: GenerateResult, seed: int) -> Path:
    """``<csv>.generated.json`` (rows, seed, sha256): lets reports say the data is the
    generated stand-in, and which."""
    import json

    from pipeline.manifest import sha256_file

    info = {"rows": result.rows, "seed": seed, "sha256": sha256_file(result.path)}
    sidecar = Path(str(result.path) + ".generated.json")
    sidecar.write_text(json.dumps(info, indent=2) + "\n")
    return sidecar


def generate_csv(
    path: Path | str,
    rows: int,
    seed: int = 42,
    workers: int | None = None,
    progress=None,
    block_rows: int = BLOCK_ROWS,
) -> GenerateResult:
    """Write ``rows`` synthetic rows (plus the header) to ``path`` atomically.

    Blocks are made by ``workers`` processes (default: every core); the bytes do not depend
    on it. ``progress(rows_written, rows)`` is called after each block. ``block_rows`` is
    for tests: the file depends on it.
    """
    t0 = time.perf_counter()
    path = Path(path)
    sizes = block_sizes(rows, block_rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    workers = workers or os.cpu_count() or 1
    try:
        with open(tmp, "wb") as fh:
            fh.write(_header().encode("utf-8"))
            for index, data in enumerate(_blocks_in_order(rows, seed, workers, block_rows)):
                fh.write(data)
                if progress:
                    progress(sum(sizes[: index + 1]), rows)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return GenerateResult(
        path=path, rows=rows, bytes=path.stat().st_size, seconds=time.perf_counter() - t0
    )
