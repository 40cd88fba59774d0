"""The figures the generator aims at: FACTS.md turned into tables and shares, and the
genre, format and era parameters behind them."""

from __future__ import annotations

import numpy as np

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


def year_weights() -> tuple[np.ndarray, np.ndarray]:
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
FULLDATE_X = (1900, 1950, 1970, 1980, 1989, 1990, 1999, 2000, 2001, 2002, 2003, 2004, 2005,
               2006, 2007, 2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018,
               2019, 2020)  # fmt: skip
FULLDATE_Y = (0.36, 0.40, 0.46, 0.52, 0.58, 0.62, 0.79, 0.773, 0.781, 0.790, 0.806, 0.845,
               0.887, 0.915, 0.939, 0.961, 0.961, 0.968, 0.956, 0.961, 0.950, 0.976, 0.983,
               0.992, 0.994, 0.999, 0.9998, 0.99998)  # fmt: skip
YEAR_MONTH_SHARE_OF_PARTIAL = 0.0045  # YYYY-MM is 0.05% of rows, ~0.45% of the non-full dates

# Piecewise-linear inverse CDFs (u -> value). Knots: FACTS describe() min/25/50/75/max, tails
# tuned so that the mean and std match too. Zero masses (silent tracks, instrumentalness 0.0)
# are handled outside these tables.
Q = {
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
INSTR_ZERO_SHARE = 0.165  # instrumentalness exactly 0.0 (head sample: 16%; q25 is 7.6e-06)
# Re-releases: deluxe editions, remasters and anniversary editions of an earlier album by the
# same artists, the same songs under new ids. With the clean twins (0.3%) and chance title
# collisions, about 5% of rows repeat an earlier (name, artist_ids) pair (FACTS section 14:
# 5.2% in the full file).
TWIN_SHARE = 0.003
REISSUE_SHARE = 0.042
REISSUE_SUFFIXES = (" (Deluxe Edition)", " (Deluxe)", " (Remastered)", " (Expanded Edition)",
                     " (Anniversary Edition)", " [Remastered]", " (Deluxe Version)",
                     " (Special Edition)", " (Bonus Track Version)")  # fmt: skip
SILENT_SHARE = 0.002  # tempo 0, danceability 0, valence 0, speechiness 0 (FACTS section 10)

# key: FACTS 1k sample says 7 and 0 are the most common, 3 the rarest; mean ~5.19.
KEY_P = (0.121, 0.095, 0.104, 0.031, 0.079, 0.086, 0.066, 0.118, 0.064, 0.102, 0.066, 0.068)
MAJOR_P = (0.80, 0.58, 0.80, 0.72, 0.57, 0.66, 0.54, 0.80, 0.64, 0.68, 0.59, 0.49)

# ---------------------------------------------------------------------------------------------
# Genres: latent offsets (energy, dance, acoustic, instrumental, speech, live, valence, tempo,
# duration) in units of the latent's sd, format mix and explicit multiplier.
# ---------------------------------------------------------------------------------------------
GENRES = ("pop", "rock", "metal", "hiphop", "electronic", "folk", "jazz", "classical",
           "ambient", "spoken", "latin")  # fmt: skip
GENRE_INDEX = {g: i for i, g in enumerate(GENRES)}
GENRE_W = (0.22, 0.19, 0.055, 0.09, 0.095, 0.10, 0.07, 0.065, 0.03, 0.015, 0.07)
GENRE_SLOPE = (0.1, -0.1, 0.0, 0.8, 0.5, -0.15, -0.3, -0.15, 0.2, 0.0, 0.2)  # newer <-> older
OFF = np.array([
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
FORMAT_P = np.array([
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
MULTI_DISC_P = 0.038  # share of LP-or-longer albums with 2+ discs
# cumulative probabilities of 2, 3, ..., 13 discs for a multi-disc album
DISCS_CDF = (0.88, 0.965, 0.99, 0.996, 0.9975, 0.998, 0.9985, 0.999, 0.9993, 0.9995, 0.9997, 1.0)
EXPLICIT_MULT = (1.1, 0.6, 1.2, 5.5, 0.9, 0.15, 0.08, 0.0, 0.0, 0.5, 1.1)
FEAT_P = (0.11, 0.032, 0.032, 0.40, 0.24, 0.032, 0.055, 0.0, 0.02, 0.02, 0.28)

# Era trends of the latents (years, values). Calibrated against the FACTS decade figures.
ERA = {
    "E": ((1950, 1980, 2000, 2010, 2020), (-0.25, -0.15, -0.05, 0.15, 0.20)),
    "L": ((1950, 1990, 2003, 2010, 2020), (0.15, 0.17, 0.07, 0.35, 0.40)),
    "A": ((1950, 1980, 2000, 2020), (0.50, 0.25, 0.00, -0.10)),
    "D": ((1950, 1990, 2020), (-0.10, 0.00, 0.15)),
    "V": ((1950, 1980, 2000, 2020), (0.35, 0.25, 0.00, -0.20)),
    "S": ((1950, 1990, 2010, 2020), (0.00, -0.05, 0.10, 0.25)),
    "X": ((1950, 1980, 1990, 2000, 2010, 2017, 2019, 2020),
          (0.004, 0.02, 0.045, 0.055, 0.065, 0.095, 0.135, 0.31)),
}  # fmt: skip

NA_LIKE = frozenset(("na", "nan", "null", "none", "nat"))
ALPHABET = np.frombuffer(
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", np.uint8
)
# Spotify ids are 128-bit numbers in base62, so the first char is 0..7 (exact int division)
FIRST_SPAN = 2**128 / 62**21
