"""Word banks for titles and names (made-up and generic vocabulary; no real rows)."""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------
# Word banks (made up / generic vocabulary; no real rows)
# ---------------------------------------------------------------------------------------------


def _words(text: str, sep: str | None = None) -> list[str]:
    """The words of ``text`` (split on whitespace or ``sep``)."""
    return text.split(sep)


EN_N = _words(
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
EN_A = _words(
    "Golden Silver Broken Lonely Wild Sweet Bitter Blue Red Black White Green Cold Warm Dark "
    "Bright Electric Crazy Lost Young Old New Last First Little Big Free Blind Silent Hidden "
    "Secret Holy Empty Endless Perfect Beautiful Strange Lucky Dirty Pretty Savage Gentle Tender "
    "Heavy Hollow Open Burning Falling Rising Fading Shining Sleeping Velvet Crystal Purple "
    "Scarlet Emerald Ancient Modern Distant Final Midnight Summer Winter Eternal Fragile Sacred "
    "Restless Reckless Careless Faithful Wicked Precious Quiet Loud Soft Hard Slow Fast High Low "
    "Deep Shallow Long Short Sad Happy Kind Cruel Brave True False Real Sudden Magic Cosmic Lunar "
    "Solar Northern Southern Eastern Western Paper Plastic Cotton Leather Iron Steel Wooden"
)
EN_VING = _words(
    "Running Falling Dancing Dreaming Burning Waiting Fading Walking Driving Flying Breaking "
    "Losing Chasing Calling Crying Shining Drifting Rolling Sinking Fighting Holding Living "
    "Dying Leaving Coming Going Moving Turning Spinning Floating Singing Screaming Whispering"
)
EN_V = _words(
    "Hold Take Break Call Run Dance Fly Fall Stay Leave Save Tell Show Feel Love Need Want Find "
    "Lose Shake Wake Stop Give Bring Keep Follow Remember Forget Trust Kiss Touch Miss Chase "
    "Catch Let Turn Move Light Burn Heal Hide Free"
)
EN_PART = _words("Away Down Up Out Home Back Around Together Alone Again Tonight Forever Now")
EN_SUBJ = _words("I You We They")
EN_OBJ = _words("You Me Us Them Her Him It")
EN_INTERJ = _words("Oh Hey Yeah Baby Please No Yes Well Girl Boy Darling Honey Mama")
EN_PLACE = _words(
    "the Roxy,the Fillmore,Red Rocks,the Apollo,the Paradiso,the Ryman,the Troubadour,"
    "the Forum,the Palladium,the Olympia,the Bowl,the Garden,the Opera House,the Town Hall",
    ",",
)
EN_COMMON = _words(
    "Intro,Outro,Interlude,Home,Stay,Forever,Alone,Hold On,Runaway,Breathe,Tonight,"
    "Closer,Wonderland,Paradise,Gravity,Echoes,Silence,Lullaby,Reprise,Untitled,"
    "Skit,Prelude,Epilogue,Goodbye,Hello,Heartbeat,Sunrise,Fireflies,Daydream",
    ",",
)

SYL_ON = _words("b br c ch d dr f fl g gr h j k kr l m n p pr r s sh st t tr v z")
SYL_V = _words("a e i o u ai ea io ou y a e o")
SYL_CO = ["", "", "", "n", "r", "l", "x", "s", "th", "m", "k", "nd"]

FIRST = {
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
LAST = {
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
EN_LAST_PRE = _words(
    "Ash Bell Black Brad Brook Burn Carl Chad Clay Cole Crane Dal Dar Dun El Fair Fen Fitz Gar "
    "Gold Gray Hal Hart Haw Hol Kel Kings Lang Lock Mar Mead Mor Nor Pem Pen Ral Red Ros Rush "
    "Sel Shel Stan Thorn Wal Wen West Whit Win Wood Ald Bar Cal Dor Gil Mill Oak Park Quil"
)
EN_LAST_SUF = _words(
    "ford ley ton well wood man er son by field more wick ridge ing stone hurst land "
    "worth low mont ham"
)
ROMAN_NAMES = {
    "ja": (_words("Haruka Yuki Kenta Sora Riku Aoi Mio Ren Hina Daiki Akira Yui"),
           _words("Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kato Mizuno Ogawa")),
    "ko": (_words("Minjun Seoyeon Jiwoo Hayoon Doyoon Seojun Yeeun Jimin Sua Hyunwoo"),
           _words("Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim")),
}  # fmt: skip

# Titles in other languages: (nouns, adjectives, templates) per language.
LANG_TITLES = {
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
LANGS = ("en", "es", "de", "fr", "pt", "it", "ja", "ko", "ru", "pl", "sv")
LANG_W = (0.9, 0.028, 0.016, 0.013, 0.011, 0.007, 0.009, 0.005, 0.005, 0.003, 0.003)
NATIVE_TITLE_P = (1.0, 0.7, 0.6, 0.6, 0.7, 0.6, 0.75, 0.7, 0.8, 0.7, 0.6)  # else English title

# Invented place names (cities) for orchestras, live albums.
CITY_A = _words("Al Bren Cas Dor El Fal Gal Hel Kar Lin Mar Nor Os Ral Sal Tor Val Wes Ys Zan")
CITY_B = _words("bury dorf vik grave holm mora stad ford heim ville ona ara bridge")

FORMS = (
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
KEYS = ("C", "C-Sharp", "D-Flat", "D", "E-Flat", "E", "F", "F-Sharp", "G", "A-Flat", "A",
         "B-Flat", "B")  # fmt: skip
TEMPI = (
    "Allegro", "Allegro con brio", "Allegro ma non troppo", "Andante", "Andante cantabile",
    "Adagio", "Adagio sostenuto", "Largo", "Larghetto", "Presto", "Vivace",
    "Scherzo. Allegro vivace",
    "Menuetto. Allegretto", "Moderato", "Rondo. Allegro", "Finale. Presto", "Molto vivace", "Lento",
    "Grave - Allegro", "Allegretto", "Tempo di minuetto", "Allegro moderato", "Poco adagio",
)  # fmt: skip
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
NICK = ("Pastoral", "Spring", "Winter", "Tempest", "Little", "Great", "Farewell", "Hunt", "Lark",
         "Storm", "Italian", "Nordic", "Tragic", "Heroic", "Moonlit", "Clock")  # fmt: skip
ORCHESTRAS = ("Philharmonic Orchestra", "Symphony Orchestra", "Chamber Orchestra", "Radio Choir",
               "Baroque Ensemble", "Festival Orchestra")  # fmt: skip
ENSEMBLES = ("String Quartet", "Trio", "Consort", "Ensemble")
CLASSICAL_SETS = ("Symphonies", "Piano Concertos", "String Quartets", "Piano Sonatas",
                   "Cello Suites", "Sacred Works", "Overtures")  # fmt: skip
COMP_A = ("Greatest", "Essential", "Classic", "Ultimate", "Timeless")
COMP_B = ("Hits", "Love Songs", "Anthems", "Ballads", "Party Songs", "Road Trip Songs")
COMP_C = ("Summer", "Winter", "Country", "Soul", "Dance", "Rock", "Chill", "Workout")
COMP_D = ("Classics", "Hits", "Favorites", "Essentials")
COMPOSER_SUF = ("mann", "ini", "ov", "ský", "ier", "berg", "elli", "ek", "ard", "inger", "owski")
CAT = ("Op.", "Op.", "Op.", "K.", "BWV", "RV", "D.", "Hob.")
