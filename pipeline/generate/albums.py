"""Albums: sizes, years and dates, quirk albums, twins and re-releases."""

from __future__ import annotations

import numpy as np

from pipeline.generate.rand import choice, choice_rows, era_trend, piecewise
from pipeline.generate.targets import (
    DISCS_CDF,
    EXPLICIT_MULT,
    FORMAT_P,
    FULLDATE_X,
    FULLDATE_Y,
    GENRE_INDEX,
    GENRE_W,
    MULTI_DISC_P,
    REAL_ROWS,
    REISSUE_SHARE,
    TWIN_SHARE,
    YEAR_MONTH_SHARE_OF_PARTIAL,
    year_weights,
)


class Albums:
    """Album arrays of a :class:`~pipeline.generate.catalogue.Catalogue`."""

    def _draw_sizes(self, genre: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Tracks per disc (n, 13) and disc counts for albums of the given genres."""
        rng = self.rng
        n = len(genre)
        fmt = choice_rows(rng.random(n), FORMAT_P[genre])
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
        multi = big & (ud < MULTI_DISC_P)
        extra = 2 + np.searchsorted(np.array(DISCS_CDF), rng.random(n), side="right")
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
        return round((TWIN_SHARE + REISSUE_SHARE) * self.rows) if self.rows >= 1000 else 0

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
            g[swap] = choice(rng, GENRE_W, int(swap.sum()))
            is_comp = (
                (rng.random(b) < 0.02)
                & (g != GENRE_INDEX["classical"])
                & (g != GENRE_INDEX["spoken"])
            )
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
        years, weights = year_weights()
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
        cand = np.nonzero(self.a_genre == GENRE_INDEX["hiphop"])[0]
        cand = cand[cand > 20] if (cand > 20).any() else np.array([min(21, self.n_artists - 1)])
        hh = int(cand[int(rng.random() * len(cand))])
        cand = np.nonzero(self.a_genre == GENRE_INDEX["jazz"])[0]
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
        lean_p = era_trend("X", eff) * np.array(EXPLICIT_MULT)[alb["genre"]]
        alb["explicit_lean"] = rng.random(n) < lean_p
        alb["live"] = (rng.random(n) < 0.055) & (alb["genre"] != GENRE_INDEX["spoken"])
        alb["remaster"] = (rng.random(n) < 0.09) & (year >= 1990)
        alb["collab"] = (rng.random(n) < 0.05) & (alb["genre"] != GENRE_INDEX["classical"])
        alb["twin_of"] = np.full(n, -1, dtype=np.int64)
        # date pieces
        full = rng.random(n) < piecewise(np.where(year == 0, 2018, year).astype(np.float64),
                                   FULLDATE_X, FULLDATE_Y)  # fmt: skip
        ym = (~full) & (rng.random(n) < YEAR_MONTH_SHARE_OF_PARTIAL)
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
        p = min(1.0, TWIN_SHARE * total / cand_rows) if cand_rows > 0 else 0.0
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
