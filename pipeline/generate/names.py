"""Names of artists, tracks and albums from the word banks."""

from __future__ import annotations

from pipeline.generate.rand import Stream
from pipeline.generate.targets import GENRES, NA_LIKE
from pipeline.generate.words import (
    CAT,
    CITY_A,
    CITY_B,
    COMPOSER_SUF,
    EN_A,
    EN_COMMON,
    EN_INTERJ,
    EN_LAST_PRE,
    EN_LAST_SUF,
    EN_N,
    EN_OBJ,
    EN_PART,
    EN_PLACE,
    EN_SUBJ,
    EN_V,
    EN_VING,
    ENSEMBLES,
    FIRST,
    FORMS,
    KEYS,
    LANG_TITLES,
    LAST,
    NICK,
    ORCHESTRAS,
    ROMAN_NAMES,
    SYL_CO,
    SYL_ON,
    SYL_V,
)


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


class Namer:
    def __init__(self, s: Stream) -> None:
        self.s = s

    # -- words
    def invented(self, syl_min: int = 2, syl_max: int = 3) -> str:
        s = self.s
        while True:
            k = syl_min + s.i(syl_max - syl_min + 1)
            w = "".join(s.pick(SYL_ON) + s.pick(SYL_V) for _ in range(k)) + s.pick(SYL_CO)
            if w not in NA_LIKE:  # a name must never read as a pandas NA token
                return w.capitalize()

    def city(self) -> str:
        return self.s.pick(CITY_A) + self.s.pick(CITY_B)

    def first(self, lang: str) -> str:
        return self.s.pick(FIRST.get(lang, FIRST["en"]))

    def last(self, lang: str) -> str:
        s = self.s
        if lang == "en":
            if s.chance(0.015):
                return "O'" + s.pick(EN_LAST_PRE) + s.pick(EN_LAST_SUF)
            return s.pick(EN_LAST_PRE) + s.pick(EN_LAST_SUF)
        return s.pick(LAST[lang])

    def person(self, lang: str) -> str:
        s = self.s
        if lang in ("ja", "ko"):
            if s.chance(0.5):  # native script, family name first
                return self.last(lang) + self.first(lang)
            first, last = ROMAN_NAMES[lang]
            return f"{s.pick(first)} {s.pick(last)}"
        name = f"{self.first(lang)} {self.last(lang)}"
        r = s.u()
        if r < 0.004:
            nick = s.pick(EN_A) if s.chance(0.5) else s.pick(EN_N)
            name = f'{self.first(lang)} "{nick}" {self.last(lang)}'
        elif r < 0.008 and "'" not in name:
            name += ", Jr."
        elif r < 0.0086:
            name += ","
        return name

    # -- artists
    def artist(self, genre: int, lang: str) -> str:
        s = self.s
        g = GENRES[genre]
        r = s.u()
        if g == "classical":
            if r < 0.35:
                return f"{self.city()} {s.pick(ORCHESTRAS)}"
            if r < 0.45:
                return f"{self.last(lang)} {s.pick(ENSEMBLES)}"
            return self.person(lang)
        if g == "hiphop" and r < 0.55:
            w = s.pick(EN_N) if s.chance(0.5) else self.invented(1, 2)
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
            nouns, adjs, _ = LANG_TITLES[lang]
            return s.pick(nouns) if s.chance(0.5) else f"{s.pick(adjs)} {s.pick(nouns)}"
        if r2 < 0.25:
            return f"The {s.pick(EN_A)} {_plural(s.pick(EN_N))}"
        if r2 < 0.45:
            return self.invented(2, 3)
        if r2 < 0.6:
            return f"The {_plural(s.pick(EN_N))}"
        if r2 < 0.72:
            return f"{s.pick(EN_A)} {s.pick(EN_N)}"
        if r2 < 0.8:
            return f"{self.first('en')} & the {_plural(s.pick(EN_N))}"
        if r2 < 0.86:
            return (
                f"{self.person('en')} {s.pick(('Band', 'Trio', 'Quartet', 'Orchestra', 'Group'))}"
            )
        if r2 < 0.87:
            return f"{self.first('en')}'s {_plural(s.pick(EN_N))}"
        if r2 < 0.902:
            return f"Oh, {s.pick(EN_N)}!"
        if r2 < 0.93:
            return f"{s.pick(EN_N)} {s.pick(EN_N)}"
        return self.invented(1, 2).lower() if s.chance(0.3) else self.invented(2, 4)

    # -- titles
    def title_en(self) -> str:
        s = self.s
        r = s.i(30)
        if r < 3:
            return s.pick(EN_N)
        if r < 6:
            return f"{s.pick(EN_A)} {s.pick(EN_N)}"
        if r == 6:
            return f"The {s.pick(EN_A)} {s.pick(EN_N)}"
        if r == 7:
            return f"{s.pick(EN_VING)} {s.pick(EN_PART)}"
        if r == 8:
            return f"{s.pick(EN_V)} Me {s.pick(EN_PART)}"
        if r == 9:
            w = s.pick(EN_N)
            return f"{s.pick(EN_N)} of {_plural(w) if s.chance(0.4) else w}"
        if r == 10:
            return f"{s.pick(EN_VING)} in the {s.pick(EN_N)}"
        if r == 11:
            return f"{s.pick(EN_SUBJ)} {s.pick(EN_V)} {s.pick(EN_OBJ)}"
        if r == 12:
            return f"Don't {s.pick(EN_V)} {s.pick(EN_OBJ)}"
        if r == 13:
            if s.chance(0.5):
                subj = s.pick(("I", "You", "We", "They"))
                return subj + s.pick(("'re", "'ll", "'ve")) + " " + s.pick(EN_VING)
            return f"I'm {s.pick(EN_VING)} {s.pick(EN_PART)}"
        if r == 14:
            sep = ", " if s.chance(0.8) else " "
            return f"{s.pick(EN_INTERJ)}{sep}{s.pick(EN_SUBJ)} {s.pick(EN_V)} {s.pick(EN_OBJ)}"
        if r == 15:
            return f"{s.pick(EN_A)} {_plural(s.pick(EN_N))}"
        if r == 16:
            return f"The {s.pick(EN_N)}"
        if r == 17:
            return f"{s.pick(EN_N)} & {s.pick(EN_N)}"
        if r == 18:
            return s.pick(EN_COMMON)
        if r == 19:
            return f"When the {s.pick(EN_N)} Comes {s.pick(EN_PART)}"
        if r == 20:
            return f"All the {s.pick(EN_A)} {_plural(s.pick(EN_N))}"
        if r == 21:
            return f"{s.pick(EN_VING)} Through the {s.pick(EN_A)} {s.pick(EN_N)}"
        if r == 22:
            return f"{s.pick(EN_V)} Me Like a {s.pick(EN_N)}"
        if r == 23:
            return f"Nothing but the {s.pick(EN_N)}"
        if r == 24:
            return f"{s.pick(EN_N)} on the {s.pick(EN_N)}"
        if r == 25:
            return f"Song for {self.first('en')}"
        if r == 26:
            return f"The {s.pick(EN_N)} Song"
        if r == 27:
            return f"{s.pick(EN_SUBJ)} Can't {s.pick(EN_V)} the {s.pick(EN_N)}"
        if r == 28:
            return f"Back to the {s.pick(EN_A)} {s.pick(EN_N)}"
        return f"{s.pick(EN_V)} the {s.pick(EN_N)}"

    def title(self, lang: str) -> str:
        if lang == "en":
            return self.title_en()
        s = self.s
        nouns, adjs, templates = LANG_TITLES[lang]
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
            return f"Songs from the {s.pick(EN_N)}"
        if r < 0.07:
            return f"Live at {s.pick(EN_PLACE)}"
        if r < 0.08:
            return f"{s.pick(EN_A)} {s.pick(EN_N)}, {s.pick(EN_A)} {s.pick(EN_N)}"
        if r < 0.09:
            return f"{s.pick(EN_N)}, {s.pick(EN_N)} & {s.pick(EN_N)}"
        if r < 0.12:
            return f"The {_plural(s.pick(EN_N))}"
        if r < 0.16:
            return f"The {s.pick(EN_A)} {s.pick(EN_N)} Sessions"
        if r < 0.20:
            return f"Tales of the {s.pick(EN_A)} {s.pick(EN_N)}"
        if r < 0.23:
            return f"Music for {_plural(s.pick(EN_N))}"
        if r < 0.26:
            return f"{s.pick(EN_A)} {_plural(s.pick(EN_N))} & Other Stories"
        if r < 0.30:
            return f"{s.pick(EN_N)} in the {s.pick(EN_A)} {s.pick(EN_N)}"
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
        return f"{first} {self.invented(1, 2)}{s.pick(COMPOSER_SUF)}"

    def work(self) -> tuple[str, str]:
        """A classical work title and its kind: "mov" (movements), "single" or "opera"."""
        s = self.s
        if s.chance(0.08):
            name = self.title(s.pick(("it", "it", "de", "fr")))
            if s.chance(0.5):
                name += f", {s.pick(('K.', 'Op.', 'WoO', 'BWV'))} {s.i(600) + 1}"
            return name, "opera"
        form, numbered, movements = s.pick(FORMS)
        key = f"{s.pick(KEYS)} {s.pick(('Major', 'Minor'))}"
        cat = s.pick(CAT)
        if cat == "Hob.":
            catalog = f"Hob. XVI:{s.i(60) + 1}"
        elif cat == "Op.":
            catalog = f"Op. {s.i(130) + 1}" + (f" No. {s.i(6) + 1}" if s.chance(0.25) else "")
        else:
            catalog = f"{cat} {s.i(900) + 1}"
        num = f" No. {s.i(12) + 1}" if numbered and s.chance(0.7) else ""
        title = f"{form}{num} in {key}, {catalog}" if s.chance(0.6) else f"{form}{num} in {key}"
        if s.chance(0.15):
            title += f' "{s.pick(NICK)}"'
        return title, "mov" if movements else "single"
