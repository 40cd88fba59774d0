"""Rows: tracks laid out album by album, disc by disc, with their names and credits."""

from __future__ import annotations

import numpy as np

from pipeline.generate.targets import FEAT_P, GENRE_INDEX
from pipeline.generate.words import EN_COMMON, EN_PLACE, LANG_W, LANGS


class Rows:
    """The row table of a :class:`~pipeline.generate.catalogue.Catalogue`."""

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
        for lang, w in zip(LANGS, LANG_W, strict=True):
            m = max(60, int(pool_n * w * 1.5)) if lang != "en" else pool_n
            pools[lang] = [namer.title(lang) for _ in range(m)]
        names: list[str] = [""] * n
        u_pick = rng.random(n)
        lang_row = [self.alb_lang[a] for a in row_alb.tolist()]
        feat_p = np.array(FEAT_P)[genre]
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
        classical = GENRE_INDEX["classical"]
        spoken = GENRE_INDEX["spoken"]
        electronic = GENRE_INDEX["electronic"]
        hiphop = GENRE_INDEX["hiphop"]
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
                    nm = EN_COMMON[int(u * 2000.0)]
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
                            (" - Live", " - Live", "", f" - Live at {s.pick(EN_PLACE)}")
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
