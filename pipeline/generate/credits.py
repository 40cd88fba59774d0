"""Album names, collaborators and classical titles."""

from __future__ import annotations

import numpy as np

from pipeline.generate.rand import random_ids
from pipeline.generate.targets import GENRE_INDEX, REISSUE_SUFFIXES
from pipeline.generate.words import (
    CLASSICAL_SETS,
    COMP_A,
    COMP_B,
    COMP_C,
    COMP_D,
    LANGS,
    NATIVE_TITLE_P,
    ROMAN,
    TEMPI,
)


class Credits:
    """Album names and credits of a :class:`~pipeline.generate.catalogue.Catalogue`."""

    def album_text(self) -> None:
        alb = self.alb
        s = self.s
        namer = self.namer
        n = len(alb["artist"])
        alb_ids = random_ids(self.rng, n)
        names: list[str] = []
        credits: list[list[int]] = []  # artist indices (composers are encoded as -1 - index)
        lang_of: list[str] = []
        works: list[object] = []
        comp_cdf = np.cumsum(self.composer_w)
        for i in range(n):
            src = int(alb["twin_of"][i])
            if src >= 0:
                suffix = s.pick(REISSUE_SUFFIXES) if alb["reissue"][i] else ""
                names.append(names[src] + suffix if names[src] else names[src])
                credits.append(credits[src])
                lang_of.append(lang_of[src])
                works.append(works[src])
                continue
            a = int(alb["artist"][i])
            g = int(alb["genre"][i])
            lang = LANGS[self.a_lang[a]]
            if not s.chance(NATIVE_TITLE_P[self.a_lang[a]]):
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
                    name = f"{s.pick(COMP_A)} {s.pick(COMP_B)}"
                elif r < 0.7:
                    name = f"{s.pick(COMP_C)} {s.pick(COMP_D)}, Vol. {s.i(9) + 1}"
                else:
                    name = f"Hits of the {s.pick(('50s', '60s', '70s', '80s', '90s', '2000s'))}"
            elif g == GENRE_INDEX["classical"]:
                ci = int(np.searchsorted(comp_cdf, s.u() * comp_cdf[-1], side="right"))
                composer = -1 - ci
                last = self.composers[ci].split(" ")[-1]
                work = namer.work()
                r = s.u()
                if r < 0.25:
                    name = f"{last}: {work[0]}"
                elif r < 0.55:
                    name = f"{last}: {s.pick(CLASSICAL_SETS)}"
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
            elif g == GENRE_INDEX["spoken"]:
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
            if alb["collab"][i] and not alb["comp"][i] and g != GENRE_INDEX["classical"]:
                r = s.u()
                k = 1 if r < 0.8 else 2 if r < 0.92 else 3 + s.i(2)
                cred = cred + [self._artist_near(a) for _ in range(k)]
            if name and g != GENRE_INDEX["classical"] and not alb["live"][i] and not alb["comp"][i]:
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
            act = ROMAN[min(k * 3 // parts, 2)]
            aria = self.namer.title(s.pick(("it", "it", "it", "de", "fr", "en")))
            if s.chance(0.3):
                aria = f'"{aria}"'
            return f"{title}: Act {act}: {aria}"
        if s.chance(0.04):
            return f"{title}: Variation {k + 1} ({s.pick(TEMPI)})"
        return f"{title}: {ROMAN[k]}. {s.pick(TEMPI)}"
