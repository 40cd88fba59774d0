"""A block's catalogue: its artist pool, then albums (:mod:`.albums`), their names and
credits (:mod:`.credits`) and rows (:mod:`.rows`)."""

from __future__ import annotations

import numpy as np

from pipeline.generate.albums import Albums
from pipeline.generate.credits import Credits
from pipeline.generate.names import Namer
from pipeline.generate.rand import Stream, choice, choice_rows, random_ids
from pipeline.generate.rows import Rows
from pipeline.generate.targets import (
    GENRE_INDEX,
    GENRE_SLOPE,
    GENRE_W,
    HEAD_ARTISTS,
    UNPRINTABLE,
    UNPRINTABLE_ARTIST_SHARE,
)
from pipeline.generate.words import LANG_W, LANGS


class Catalogue(Albums, Credits, Rows):
    """Everything about artists and albums, then rows. Arrays are per album or per row."""

    def __init__(
        self, rows: int, seed: tuple[int, ...], head: dict | None = None, head_weight: float = 1.0
    ) -> None:
        self.rows = rows
        self.seed = seed
        self.head_weight = head_weight  # scales the head's popularity in a file of many blocks
        self.rng = np.random.default_rng(list(seed))
        self.s = Stream(np.random.default_rng([*seed, 1]))
        self.namer = Namer(self.s)
        self.head = head  # the first block's most popular artists, shared by every block

    # -- artists ---------------------------------------------------------------------------
    def make_artists(self, n_albums_hint: int) -> None:
        rng = self.rng
        p = max(40, n_albums_hint)
        self.anchor = rng.random(p)  # where the artist's albums sit in the year ranking
        gw = np.array(GENRE_W)[None, :] * (
            1.0 + np.array(GENRE_SLOPE)[None, :] * ((self.anchor[:, None] - 0.5) * 2.0)
        )
        self.a_genre = choice_rows(rng.random(p), gw)
        self.a_lang = choice(rng, LANG_W, p)
        self.a_ids = random_ids(rng, p)
        names: list[str] = []
        seen: dict[str, int] = {}
        specials = {
            0: ("Various Artists", GENRE_INDEX["pop"], 0),
            1: ("The Silverline String Quartet", GENRE_INDEX["classical"], 0),
            2: ("The Karvena Philharmonic Orchestra", GENRE_INDEX["classical"], 0),
            3: ("Ellis Warden's Solitudes", GENRE_INDEX["ambient"], 0),
            5: ("Strummin' On Series", GENRE_INDEX["folk"], 0),
        }
        for i in range(p):
            if i in specials:
                name, g, lang = specials[i]
                self.a_genre[i] = g
                self.a_lang[i] = lang
            else:
                lang = LANGS[self.a_lang[i]]
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
        self.classical_pool = np.nonzero(self.a_genre == GENRE_INDEX["classical"])[0]
        self.composers = [self.namer.composer() for _ in range(max(10, p // 60))]
        self.composer_ids = random_ids(rng, len(self.composers)).tolist()
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
