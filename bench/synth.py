"""Deterministic synthetic content: N valid records with realistic cross-references.

    from bench.synth import write_content
    counts = write_content(Path("/tmp/synth/content"), 10_000, seed=0)

or from the command line: `python -m bench.synth 10000 /tmp/synth/content [--seed 0]`.

The same (n, seed) always gives byte-identical files. Records are split across the six types the
way a grown fact base would be (~45% actors, 25% meetings, 15% positions, 5% each topics, places,
sources) and reference each other the way curated content does:

* actors: persons (most), organisations (national bodies with a `country`, and international
  ones that states hold "member state" posts in) and states; persons hold posts in their
  country's ministries; names in native scripts (Cyrillic, Devanagari, Han, Arabic) for many;
* meetings: big multilateral meetings over a date range at a venue, side meetings `part_of`
  them (between two or three of the big meeting's participants, dated inside its range),
  standalone visits/calls/bilaterals; 2-6 participants each, with role, post and on_behalf_of;
  topics, quotes (some in Russian/Hindi with a translation), outcomes linking the positions
  expressed there;
* positions: most expressed at a meeting by a participant on behalf of their state; the rest
  free-standing; every stance of the vocabulary;
* topics: a tree (a few themes at the root, subjects beneath, up to four levels);
* places: regions, cities within them, venues within cities;
* sources: every one cited at least once.

Dates are mostly day precision, some month (and year) precision; Markdown fields carry [[id]]
inline links; a few records have disagreements, former ids, participant/post/quote citations.
Actor popularity is skewed (a few actors attend many meetings), as in real news.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import yaml

TYPES = ("actors", "places", "meetings", "positions", "topics", "sources")
SHARES = {
    "actors": 0.45,
    "meetings": 0.25,
    "positions": 0.15,
    "topics": 0.05,
    "places": 0.05,
    "sources": 0.05,
}
MIN_RECORDS = 40

# ---------------------------------------------------------------------------------------------
# Word banks

# (latin, native) pairs per naming culture; `lang` is the native script's language code.
CULTURES: dict[str, dict[str, Any]] = {
    "indian": {
        "lang": "hi",
        "first": [
            ("Rajnath", "राजनाथ"),
            ("Amit", "अमित"),
            ("Sunil", "सुनील"),
            ("Priya", "प्रिया"),
            ("Anil", "अनिल"),
            ("Vijay", "विजय"),
            ("Ravi", "रवि"),
            ("Sanjay", "संजय"),
            ("Neha", "नेहा"),
            ("Arun", "अरुण"),
            ("Kavita", "कविता"),
            ("Manoj", "मनोज"),
            ("Deepak", "दीपक"),
            ("Sunita", "सुनीता"),
            ("Rahul", "राहुल"),
            ("Pooja", "पूजा"),
            ("Ashok", "अशोक"),
            ("Meera", "मीरा"),
            ("Vikram", "विक्रम"),
            ("Anjali", "अंजलि"),
        ],
        "last": [
            ("Singh", "सिंह"),
            ("Sharma", "शर्मा"),
            ("Gupta", "गुप्ता"),
            ("Kumar", "कुमार"),
            ("Verma", "वर्मा"),
            ("Patel", "पटेल"),
            ("Rao", "राव"),
            ("Mehta", "मेहता"),
            ("Joshi", "जोशी"),
            ("Nair", "नायर"),
            ("Reddy", "रेड्डी"),
            ("Mishra", "मिश्रा"),
            ("Chauhan", "चौहान"),
            ("Yadav", "यादव"),
            ("Tiwari", "तिवारी"),
            ("Pandey", "पांडे"),
            ("Saxena", "सक्सेना"),
            ("Bhatt", "भट्ट"),
            ("Iyer", "अय्यर"),
            ("Tharoor", "थरूर"),
        ],
    },
    "russian": {
        "lang": "ru",
        "first": [
            ("Andrey", "Андрей"),
            ("Sergei", "Сергей"),
            ("Dmitry", "Дмитрий"),
            ("Ivan", "Иван"),
            ("Mikhail", "Михаил"),
            ("Pavel", "Павел"),
            ("Alexei", "Алексей"),
            ("Nikolai", "Николай"),
            ("Viktor", "Виктор"),
            ("Leonid", "Леонид"),
            ("Yuri", "Юрий"),
            ("Oleg", "Олег"),
            ("Olga", "Ольга"),
            ("Elena", "Елена"),
            ("Natalia", "Наталья"),
            ("Maria", "Мария"),
            ("Tatiana", "Татьяна"),
            ("Irina", "Ирина"),
            ("Svetlana", "Светлана"),
            ("Anna", "Анна"),
        ],
        "female": {"Olga", "Elena", "Natalia", "Maria", "Tatiana", "Irina", "Svetlana", "Anna"},
        "last": [
            ("Ivanov", "Иванов"),
            ("Petrov", "Петров"),
            ("Smirnov", "Смирнов"),
            ("Volkov", "Волков"),
            ("Kuznetsov", "Кузнецов"),
            ("Sokolov", "Соколов"),
            ("Popov", "Попов"),
            ("Lebedev", "Лебедев"),
            ("Morozov", "Морозов"),
            ("Novikov", "Новиков"),
            ("Belousov", "Белоусов"),
            ("Denisov", "Денисов"),
            ("Orlov", "Орлов"),
            ("Fedorov", "Федоров"),
            ("Zaitsev", "Зайцев"),
            ("Pavlov", "Павлов"),
            ("Slutsky", "Слуцкий"),
            ("Khrenin", "Хренин"),
            ("Lavrov", "Лавров"),
            ("Titov", "Титов"),
        ],
    },
    "chinese": {
        "lang": "zh",
        "family_first": True,
        "first": [
            ("Wei", "伟"),
            ("Jun", "军"),
            ("Min", "敏"),
            ("Jing", "静"),
            ("Lei", "磊"),
            ("Yong", "勇"),
            ("Tao", "涛"),
            ("Ming", "明"),
            ("Hui", "慧"),
            ("Qiang", "强"),
            ("Yi", "毅"),
            ("Ping", "平"),
            ("Hong", "红"),
            ("Bo", "波"),
        ],
        "last": [
            ("Wang", "王"),
            ("Li", "李"),
            ("Zhang", "张"),
            ("Liu", "刘"),
            ("Chen", "陈"),
            ("Yang", "杨"),
            ("Zhao", "赵"),
            ("Huang", "黄"),
            ("Zhou", "周"),
            ("Wu", "吴"),
            ("Dong", "董"),
            ("Xu", "徐"),
            ("Sun", "孙"),
            ("Ma", "马"),
        ],
    },
    "arabic": {
        "lang": "ar",
        "first": [
            ("Khalid", "خالد"),
            ("Ahmed", "أحمد"),
            ("Fatima", "فاطمة"),
            ("Omar", "عمر"),
            ("Youssef", "يوسف"),
            ("Layla", "ليلى"),
            ("Hassan", "حسن"),
            ("Karim", "كريم"),
            ("Amina", "أمينة"),
            ("Tariq", "طارق"),
            ("Khawaja", "خواجه"),
            ("Salma", "سلمى"),
            ("Ibrahim", "إبراهيم"),
            ("Nadia", "نادية"),
        ],
        "last": [
            ("Al-Sayed", "السيد"),
            ("Haddad", "حداد"),
            ("Mansour", "منصور"),
            ("Khalil", "خليل"),
            ("Nasser", "ناصر"),
            ("Aziz", "عزيز"),
            ("Saleh", "صالح"),
            ("Hamdan", "حمدان"),
            ("Asif", "آصف"),
            ("Rahman", "رحمن"),
            ("Qureshi", "قريشي"),
            ("Farouk", "فاروق"),
        ],
    },
    "western": {
        "lang": None,
        "first": [
            (n, None)
            for n in (
                "James",
                "Anna",
                "Pierre",
                "Claire",
                "Lukas",
                "Sofia",
                "Marco",
                "Elena",
                "Thomas",
                "Ingrid",
                "Carlos",
                "Isabel",
                "Jan",
                "Eva",
                "Henrik",
                "Laura",
                "Miguel",
                "Chloé",
                "Stefan",
                "Helena",
                "François",
                "Zoë",
                "Jürgen",
                "Søren",
            )
        ],
        "last": [
            (n, None)
            for n in (
                "Martin",
                "Schmidt",
                "Rossi",
                "Dubois",
                "Novák",
                "Jensen",
                "García",
                "Kowalski",
                "Fischer",
                "Moreau",
                "Silva",
                "Berg",
                "Horvat",
                "Nielsen",
                "Costa",
                "Müller",
                "Lindqvist",
                "Ferreira",
                "Kovács",
                "Andersson",
                "Dvořák",
                "Łukasik",
                "O'Brien",
            )
        ],
    },
}

# Real states first (name, culture, native names); fictional ones are made up beyond these.
STATES = [
    ("India", "indian", {"hi": "भारत"}),
    ("Russia", "russian", {"ru": "Россия"}),
    ("China", "chinese", {"zh": "中国"}),
    ("Pakistan", "arabic", {"ur": "پاکستان"}),
    ("Belarus", "russian", {"be": "Беларусь"}),
    ("Kazakhstan", "russian", {"kk": "Қазақстан"}),
    ("Kyrgyzstan", "russian", {"ky": "Кыргызстан"}),
    ("Tajikistan", "russian", {"tg": "Тоҷикистон"}),
    ("Uzbekistan", "russian", {"uz": "Oʻzbekiston"}),
    ("Iran", "arabic", {"fa": "ایران"}),
    ("Saudi Arabia", "arabic", {"ar": "السعودية"}),
    ("Egypt", "arabic", {"ar": "مصر"}),
    ("United Arab Emirates", "arabic", {"ar": "الإمارات"}),
    ("France", "western", {}),
    ("Germany", "western", {"de": "Deutschland"}),
    ("Italy", "western", {"it": "Italia"}),
    ("Spain", "western", {"es": "España"}),
    ("Poland", "western", {"pl": "Polska"}),
    ("Brazil", "western", {"pt": "Brasil"}),
    ("Mexico", "western", {"es": "México"}),
    ("Norway", "western", {"nb": "Norge"}),
    ("Sweden", "western", {"sv": "Sverige"}),
    ("Hungary", "western", {"hu": "Magyarország"}),
    ("Czechia", "western", {"cs": "Česko"}),
    ("Nepal", "indian", {"ne": "नेपाल"}),
    ("Sri Lanka", "indian", {"si": "ශ්‍රී ලංකාව"}),
    ("Bangladesh", "indian", {"bn": "বাংলাদেশ"}),
    ("Mongolia", "russian", {"mn": "Монгол Улс"}),
    ("Vietnam", "chinese", {"vi": "Việt Nam"}),
    ("Türkiye", "arabic", {"tr": "Türkiye"}),
    ("Armenia", "russian", {"hy": "Հայաստան"}),
    ("Azerbaijan", "russian", {"az": "Azərbaycan"}),
    ("Indonesia", "western", {}),
    ("South Africa", "western", {}),
    ("Ethiopia", "western", {"am": "ኢትዮጵያ"}),
    ("Japan", "chinese", {"ja": "日本"}),
]
SYLLABLES = [
    "ka",
    "lo",
    "mar",
    "vi",
    "den",
    "sa",
    "tor",
    "na",
    "bel",
    "ri",
    "go",
    "ran",
    "te",
    "zu",
    "lin",
    "mo",
    "sha",
    "per",
    "ad",
    "el",
    "ost",
    "vy",
    "nik",
    "ham",
    "bur",
    "ta",
    "ra",
    "mi",
    "lan",
    "dor",
    "ves",
    "kal",
    "ur",
    "an",
]
STATE_ENDINGS = ["ia", "land", "stan", "ora", "ania", "eth", "ova"]
CITY_ENDINGS = ["", "grad", "pur", "abad", "burg", "ton", "sk", "ville", "ri", "an"]
TO_CYRILLIC = dict(
    zip("abcdefghijklmnopqrstuvwyz", "абкдефгхийклмнопкрстуввыз", strict=True), x="кс"
)

NATIONAL_BODIES = [
    (
        "Ministry of Defence of {s}",
        ["Minister of Defence", "Deputy Minister of Defence", "Chief of Defence Staff"],
    ),
    (
        "Ministry of External Affairs of {s}",
        ["Minister of External Affairs", "Foreign Secretary", "Spokesperson"],
    ),
    (
        "Parliament of {s}",
        ["Member of Parliament", "Speaker", "Chair of the Foreign Affairs Committee"],
    ),
    (
        "National Security Council of {s}",
        ["National Security Adviser", "Secretary of the Security Council"],
    ),
    ("Ministry of Trade of {s}", ["Minister of Trade", "Trade Representative"]),
    ("Ministry of Energy of {s}", ["Minister of Energy", "Deputy Minister of Energy"]),
    ("Office of the President of {s}", ["President", "Vice-President", "Chief of Staff"]),
    ("Government of {s}", ["Prime Minister", "Deputy Prime Minister"]),
    ("Central Bank of {s}", ["Governor", "Deputy Governor"]),
    ("{s} Institute of International Affairs", ["Director", "Senior Fellow"]),
]
VENUES = [
    "International Conference Centre",
    "Palace of Congresses",
    "Government House",
    "Convention Hall",
]
REGIONS = [
    "Eurasian",
    "Central Asian",
    "Indian Ocean",
    "Pacific",
    "Arctic",
    "Baltic",
    "Caspian",
    "Gulf",
    "Mediterranean",
    "Andean",
    "Sahel",
    "Mekong",
    "Danube",
    "Himalayan",
    "Atlantic",
    "Caribbean",
    "Black Sea",
    "South Asian",
    "Nordic",
    "Balkan",
    "Red Sea",
    "Horn of Africa",
]
BLOCS = [
    "Cooperation Organisation",
    "Security Council",
    "Economic Forum",
    "Development Bank",
    "Defence Alliance",
    "Trade Community",
    "Energy Charter",
    "Parliamentary Assembly",
    "Customs Union",
    "Strategic Dialogue",
]
THEMES = [
    "Counter-terrorism",
    "Defence cooperation",
    "Trade and investment",
    "Energy security",
    "Climate change",
    "Maritime security",
    "Cyber security",
    "Nuclear non-proliferation",
    "Connectivity and infrastructure",
    "Public health",
    "Arms control",
    "Migration",
    "Food security",
    "Space cooperation",
    "Critical minerals",
    "Digital economy",
    "Humanitarian aid",
    "Border disputes",
    "Sanctions",
    "Multilateral reform",
]
SUBJECTS = [
    "{p} joint communiqué {y}",
    "{o} currency basket proposal",
    "{a}–{b} defence partnership",
    "{r} free trade agreement",
    "{r} {t} initiative",
    "{o} declaration on {tl} {y}",
    "{a}–{b} border talks",
    "{p} action plan {y}",
    "{o} reform proposal",
    "{a} {tl} strategy {y}",
    "{r} corridor project",
]
PUBLISHERS = [
    ("The Hindu", "en"),
    ("NDTV", "en"),
    ("Hindustan Times", "en"),
    ("The Times of India", "en"),
    ("Dainik Jagran", "hi"),
    ("Amar Ujala", "hi"),
    ("Kommersant", "ru"),
    ("RIA Novosti", "ru"),
    ("Izvestia", "ru"),
    ("Xinhua", "en"),
    ("South China Morning Post", "en"),
    ("Dawn", "en"),
    ("Al Jazeera", "en"),
    ("Le Monde", "fr"),
    ("Deutsche Welle", "en"),
    ("The Diplomat", "en"),
    ("Reuters", "en"),
    ("Associated Press", "en"),
    ("WION", "en"),
    ("LatestLY", "en"),
]
AGENCIES = ["ANI", "IANS", "PTI", "TASS", "Xinhua", "Reuters", "AFP", "AP"]
SOURCE_KINDS = {
    "news": 40,
    "agency": 25,
    "official": 15,
    "broadcast": 8,
    "analysis": 7,
    "reference": 3,
    "other": 2,
}
STATUSES = {"confirmed": 60, "reported": 30, "disputed": 7, "retracted": 3}
STANCES = {
    "supports": 25,
    "endorses": 10,
    "reaffirms": 20,
    "conditional": 8,
    "neutral": 7,
    "opposes": 15,
    "rejects": 10,
    "refused-to-endorse": 5,
}
STANCE_VERBS = {
    "supports": "supports",
    "endorses": "endorsed",
    "reaffirms": "reaffirmed its commitment to",
    "conditional": "conditionally backs",
    "neutral": "took no side on",
    "opposes": "opposes",
    "rejects": "rejected",
    "refused-to-endorse": "refused to endorse",
}
FILLER = [
    "The talks covered regional security, trade and connectivity.",
    "Both sides agreed to keep in close contact and to meet again next year.",
    "Officials described the discussions as frank and constructive.",
    "The statement was reported by several outlets on the same day.",
    "A joint working group is to report back within six months.",
    "Observers noted that the wording differed from earlier statements.",
    "The ministers also discussed the situation in the wider region.",
    "No joint statement was issued after the meeting.",
    "The delegation included senior officials from several ministries.",
    "Reports differ on how long the meeting lasted.",
    "The two sides signed a memorandum of understanding on training and exercises.",
    "It followed a series of preparatory meetings at official level.",
]
QUOTES = [
    ("en", "There should be no place for double standards on terrorism.", None),
    ("en", "Our partnership has stood the test of time.", None),
    ("en", "We are ready to work with every partner who respects our sovereignty.", None),
    ("en", "Dialogue is the only way forward.", None),
    (
        "ru",
        "Мы продолжим укреплять наше сотрудничество.",
        "We will continue to strengthen our cooperation.",
    ),
    ("ru", "Наши отношения носят особый характер.", "Our relations are of a special nature."),
    ("hi", "हम आतंकवाद के खिलाफ एकजुट हैं।", "We stand united against terrorism."),
    (
        "hi",
        "भारत अपनी संप्रभुता से कोई समझौता नहीं करेगा।",
        "India will not compromise on its sovereignty.",
    ),
    ("zh", "我们愿与各方加强合作。", "We are willing to strengthen cooperation with all parties."),
]

DAY0 = dt.date(2015, 1, 1)
DAYS = (dt.date(2025, 6, 30) - DAY0).days


_LETTERS = str.maketrans(
    {"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss", "Æ": "Ae", "æ": "ae", "–": "-", "—": "-"}
)


def slugify(text: str, limit: int = 64) -> str:
    """ASCII slug of `text`, cut at a hyphen to at most `limit` characters."""
    bare = "".join(
        c
        for c in unicodedata.normalize("NFKD", text.translate(_LETTERS))
        if not unicodedata.combining(c)
    )
    slug = (
        re.sub(r"[^a-z0-9]+", "-", bare.encode("ascii", "ignore").decode().lower()).strip("-")
        or "x"
    )
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug


def _weighted(options: dict[str, int]) -> tuple[list[str], list[int]]:
    return list(options), list(itertools.accumulate(options.values()))


class _Synth:
    """One generation run: a seeded random source, the records so far, the pools to draw from."""

    def __init__(self, n: int, seed: int):
        if n < MIN_RECORDS:
            raise ValueError(f"n must be at least {MIN_RECORDS}")
        self.n = n
        self.rng = random.Random(seed)
        self.records: dict[str, dict[str, Any]] = {t: {} for t in TYPES}
        self.taken: dict[str, int] = {}
        self.counts = self._counts(n)
        self._status = _weighted(STATUSES)

    @staticmethod
    def _counts(n: int) -> dict[str, int]:
        counts = {t: max(2, int(n * share)) for t, share in SHARES.items()}
        counts["actors"] += n - sum(counts.values())
        return counts

    # helpers ----------------------------------------------------------------------------------
    def new_id(self, text: str) -> str:
        base = slugify(text)
        if base not in self.taken:
            self.taken[base] = 1
            return base
        while True:
            self.taken[base] += 1
            candidate = f"{base}-{self.taken[base]}"
            if candidate not in self.taken:
                self.taken[candidate] = 1
                return candidate

    def pick(self, options: tuple[list[str], list[int]]) -> str:
        return self.rng.choices(options[0], cum_weights=options[1])[0]

    def chance(self, p: float, force: bool = False) -> bool:
        """True with probability p; always when `force` (so small runs still show every feature)."""
        return force or self.rng.random() < p

    def day(self, start: dt.date | None = None, span: int | None = None) -> dt.date:
        start = start or DAY0
        return start + dt.timedelta(days=self.rng.randrange(span or DAYS))

    def date_text(self, day: dt.date, month: float = 0.12, year: float = 0.03) -> str:
        roll = self.rng.random()
        if roll < year:
            return f"{day.year:04d}"
        if roll < year + month:
            return f"{day.year:04d}-{day.month:02d}"
        return day.isoformat()

    def fictional(self, endings: list[str]) -> str:
        word = "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 3)))
        return (word + self.rng.choice(endings)).capitalize()

    def filler(self, low: int = 1, high: int = 3) -> str:
        return " ".join(self.rng.sample(FILLER, self.rng.randint(low, high)))

    def provenance(self, data: dict[str, Any], extra: int = 3) -> dict[str, Any]:
        """Add `cite` (the next never-cited source first: every source gets cited) and `status`."""
        cite = [next(self.source_cycle)]
        for _ in range(self.rng.randint(0, extra)):
            other = self.rng.choice(self.source_ids)
            if other not in cite:
                cite.append(other)
        data["cite"] = cite
        data["status"] = self.pick(self._status)
        if self.chance(0.04):
            data["note"] = (
                f"Editor's note: {self.filler(1, 2)} "
                f"See also [[{self.rng.choice(self.source_ids)}]]."
            )
        return data

    def some_sources(self, k: int = 2) -> list[str]:
        return list(
            dict.fromkeys(self.rng.choice(self.source_ids) for _ in range(self.rng.randint(1, k)))
        )

    def name(self, id_: str) -> str:
        for type_ in ("actors", "places", "meetings", "topics"):
            data = self.records[type_].get(id_)
            if data is not None:
                return data.get("name") or data["title"]
        raise KeyError(id_)

    # the types, in dependency order -----------------------------------------------------------
    def run(self) -> dict[str, dict[str, dict[str, Any]]]:
        actors = self.counts["actors"]
        n_states = min(max(3, round(actors * 0.08)), 195)
        n_orgs = max(2, round(actors * 0.25))
        n_persons = actors - n_states - n_orgs
        self.make_sources(self.counts["sources"])
        self.make_states(n_states)
        self.make_orgs(n_orgs)
        self.make_persons(n_persons)
        self.make_places(self.counts["places"])
        self.make_topics(self.counts["topics"])
        self.make_meetings(self.counts["meetings"])
        self.make_positions(self.counts["positions"])
        self.make_membership_posts()
        return self.records

    def make_sources(self, count: int) -> None:
        kinds = _weighted(SOURCE_KINDS)
        for _ in range(count):
            publisher, language = self.rng.choice(PUBLISHERS)
            kind = self.pick(kinds)
            day = self.day()
            words = " ".join(
                self.rng.sample(
                    [
                        "ministers",
                        "talks",
                        "defence",
                        "trade",
                        "summit",
                        "visit",
                        "security",
                        "agreement",
                        "sidelines",
                        "cooperation",
                        "statement",
                        "delegation",
                    ],
                    3,
                )
            )
            title = f"{words.capitalize()} reported by {publisher}"
            id_ = self.new_id(f"{publisher} {words} {day.isoformat()}")
            data: dict[str, Any] = {"title": title, "kind": kind, "publisher": publisher}
            if kind == "agency":
                data["agency"] = self.rng.choice(AGENCIES)
            if self.chance(0.9):
                data["url"] = (
                    f"https://www.{slugify(publisher)}.example/{day.year}/{day.month:02d}/{id_}.html"
                )
            if self.chance(0.9):
                data["published"] = self.date_text(day, month=0.05, year=0.0)
            if self.chance(0.3):
                data["retrieved"] = (day + dt.timedelta(days=self.rng.randint(0, 30))).isoformat()
            data["language"] = language
            if self.chance(0.03):
                data["note"] = self.filler(1, 1)
            self.records["sources"][id_] = data
        self.source_ids = list(self.records["sources"])
        order = self.source_ids[:]
        self.rng.shuffle(order)
        # every source first, then random ones: each source is cited at least once
        self.source_cycle = itertools.chain(
            order, iter(lambda: self.rng.choice(self.source_ids), None)
        )

    def make_states(self, count: int) -> None:
        self.state_culture: dict[str, str] = {}
        for index in range(count):
            if index < len(STATES):
                name, culture, natives = STATES[index]
            else:
                name, culture, natives = (
                    self.fictional(STATE_ENDINGS),
                    self.rng.choice(list(CULTURES)),
                    {},
                )
            id_ = self.new_id(name)
            data: dict[str, Any] = {"kind": "state", "name": name}
            if natives:
                data["native_names"] = dict(natives)
            if culture == "russian" and not natives:
                data["native_names"] = {
                    "ru": "".join(TO_CYRILLIC.get(c, c) for c in name.lower()).capitalize()
                }
            data["summary"] = f"A sovereign state. {self.filler(0, 1)}".strip()
            if self.chance(0.8):
                data["identifiers"] = {"wikidata": f"Q{self.rng.randint(10, 99999)}"}
            self.records["actors"][id_] = self.provenance(data, extra=1)
            self.state_culture[id_] = culture
        self.states = list(self.state_culture)
        # bigger (earlier) states are in the news more often
        self.state_weights = list(
            itertools.accumulate(1 / (i + 3) for i in range(len(self.states)))
        )

    def some_state(self) -> str:
        return self.rng.choices(self.states, cum_weights=self.state_weights)[0]

    def make_orgs(self, count: int) -> None:
        self.intl_orgs: list[str] = []
        self.bodies: dict[str, list[tuple[str, list[str]]]] = {s: [] for s in self.states}
        used: set[tuple[str, int]] = set()
        n_intl = max(1, round(count * 0.12))
        for index in range(count):
            if index < n_intl:
                region, bloc = self.rng.choice(REGIONS), self.rng.choice(BLOCS)
                name = f"{region} {bloc}"
                acronym = "".join(w[0] for w in name.replace("-", " ").split() if w[0].isupper())
                id_ = self.new_id(name)
                data: dict[str, Any] = {"kind": "organisation", "name": name, "aliases": [acronym]}
                data["summary"] = (
                    f"An international organisation of states in the {region} region. "
                    f"{self.filler(0, 1)}"
                ).strip()
                self.intl_orgs.append(id_)
            else:
                for _ in range(50):
                    state, body = self.some_state(), self.rng.randrange(len(NATIONAL_BODIES))
                    if (state, body) not in used:
                        break
                used.add((state, body))
                pattern, titles = NATIONAL_BODIES[body]
                name = pattern.format(s=self.name(state))
                id_ = self.new_id(name)
                data = {
                    "kind": "organisation",
                    "name": name,
                    "country": state,
                    "summary": f"A body of [[{state}]]. {self.filler(0, 1)}".strip(),
                }
                self.bodies[state].append((id_, titles))
            if self.chance(0.4):
                data["identifiers"] = {"wikidata": f"Q{self.rng.randint(100000, 9999999)}"}
            self.records["actors"][id_] = self.provenance(data, extra=1)

    def make_persons(self, count: int) -> None:
        self.persons: list[str] = []
        self.person_state: dict[str, str] = {}
        self.person_post: dict[str, str] = {}
        for index in range(count):
            state = self.some_state()
            culture = CULTURES[self.state_culture[state]]
            (first, first_native), (last, last_native) = (
                self.rng.choice(culture["first"]),
                self.rng.choice(culture["last"]),
            )
            if first in culture.get("female", ()):
                last, last_native = last + "a", last_native + "а"
            name = f"{last} {first}" if culture.get("family_first") else f"{first} {last}"
            id_ = self.new_id(name)
            data: dict[str, Any] = {"kind": "person", "name": name}
            if culture["lang"] and self.chance(0.8):
                native = (
                    f"{last_native}{first_native}"
                    if culture.get("family_first")
                    else f"{first_native} {last_native}"
                )
                data["native_names"] = {culture["lang"]: native}
            if self.chance(0.12):
                data["aliases"] = [f"{first[0]}. {last}"]
            if self.chance(0.5):
                data["identifiers"] = {"wikidata": f"Q{self.rng.randint(1000000, 99999999)}"}
            data["country"] = state
            posts = []
            bodies = self.bodies.get(state) or []
            for _ in range(self.rng.randint(0, 2) if bodies else 0):
                org, titles = self.rng.choice(bodies)
                post: dict[str, Any] = {"organisation": org, "title": self.rng.choice(titles)}
                start = self.day()
                if self.chance(0.3):
                    post["attested"] = self.date_text(start, month=0.1, year=0.0)
                else:
                    post["start"] = self.date_text(start, month=0.2, year=0.1)
                    if self.chance(0.4):
                        post["end"] = self.date_text(
                            start + dt.timedelta(days=400 + self.rng.randrange(1500)),
                            month=0.2,
                            year=0.0,
                        )
                if self.chance(0.4):
                    post["cite"] = self.some_sources(1)
                posts.append(post)
            if posts:
                data["posts"] = posts
                self.person_post[id_] = posts[0]["title"]
                data["summary"] = (
                    f"{posts[0]['title']} at the [[{posts[0]['organisation']}]]. "
                    f"{self.filler(1, 3)}"
                )
            elif self.chance(0.6):
                data["summary"] = f"A public figure from [[{state}]]. {self.filler(0, 1)}".strip()
            if self.chance(0.005, force=index == 0):
                data["former_ids"] = [f"{id_}-former"]
                self.taken[f"{id_}-former"] = 1
            self.records["actors"][id_] = self.provenance(data)
            self.persons.append(id_)
            self.person_state[id_] = state
        self.rng.shuffle(self.persons)
        # skewed popularity: the first persons (after the shuffle) attend many meetings
        self.person_weights = list(
            itertools.accumulate(1 / (i + 5) for i in range(len(self.persons)))
        )

    def some_persons(self, k: int, among: list[str] | None = None) -> list[str]:
        pool = among or self.persons
        k = min(k, len(pool))
        chosen: dict[str, None] = {}
        while len(chosen) < k:
            if among:
                chosen[self.rng.choice(among)] = None
            else:
                chosen[self.rng.choices(self.persons, cum_weights=self.person_weights)[0]] = None
        return list(chosen)

    def make_places(self, count: int) -> None:
        self.cities: list[str] = []
        self.venues: list[str] = []
        self.place_state: dict[str, str] = {}
        regions: list[str] = []
        n_regions, n_venues = max(1, count // 10), max(1, round(count * 0.3))
        n_cities = max(1, count - n_regions - n_venues)
        for index in range(n_regions + n_cities + n_venues):
            data: dict[str, Any]
            if index < n_regions:
                state = self.some_state()
                name = f"{self.fictional(['', 'ia'])} Province"
                data = {"name": name, "kind": "region", "country": state}
                regions.append(None)  # placeholder, replaced below
            elif index < n_regions + n_cities:
                state = self.some_state()
                name = self.fictional(CITY_ENDINGS)
                data = {"name": name, "kind": "city", "country": state}
                same = [r for r in regions if r and self.place_state[r] == state]
                if same and self.chance(0.5):
                    data["located_in"] = self.rng.choice(same)
                if self.state_culture[state] == "russian":
                    data["native_names"] = {
                        "ru": "".join(TO_CYRILLIC.get(c, c) for c in name.lower()).capitalize()
                    }
            else:
                city = self.rng.choice(self.cities)
                state = self.place_state[city]
                name = f"{self.name(city)} {self.rng.choice(VENUES)}"
                data = {"name": name, "kind": "venue", "country": state, "located_in": city}
            id_ = self.new_id(name)
            if self.chance(0.6):
                data["summary"] = f"A {data['kind']} in [[{state}]]. {self.filler(0, 1)}".strip()
            self.records["places"][id_] = self.provenance(data, extra=1)
            self.place_state[id_] = state
            if data["kind"] == "region":
                regions[-1] = id_
            elif data["kind"] == "city":
                self.cities.append(id_)
            else:
                self.venues.append(id_)

    def make_topics(self, count: int) -> None:
        self.topics: list[str] = []
        self.topic_depth: dict[str, int] = {}
        n_roots = max(1, round(count * 0.12))
        for index in range(count):
            data: dict[str, Any]
            if index < n_roots:
                theme = THEMES[index % len(THEMES)]
                name = (
                    theme if index < len(THEMES) else f"{self.rng.choice(REGIONS)} {theme.lower()}"
                )
                data = {"name": name}
                depth = 0
            else:
                parent = self.rng.choice(self.topics)
                while self.topic_depth[parent] >= 3:
                    parent = self.rng.choice(self.topics)
                depth = self.topic_depth[parent] + 1
                a, b = self.rng.sample(self.states, 2)
                name = self.rng.choice(SUBJECTS).format(
                    p=self.name(self.rng.choice(self.cities)),
                    y=self.rng.randint(2015, 2025),
                    o=self.name(self.rng.choice(self.intl_orgs)),
                    a=self.name(a),
                    b=self.name(b),
                    r=self.rng.choice(REGIONS),
                    t=self.rng.choice(["security", "trade", "energy", "transit"]),
                    tl=self.rng.choice(THEMES).lower(),
                )
                data = {"name": name, "parent": parent}
            id_ = self.new_id(name)
            if self.chance(0.7):
                data["summary"] = (
                    f"{self.filler(1, 2)} Raised by [[{self.some_state()}]] among others."
                )
            if self.chance(0.1):
                data["aliases"] = ["".join(w[0] for w in name.split() if w[:1].isalpha()).upper()]
            self.records["topics"][id_] = self.provenance(data, extra=1)
            self.topics.append(id_)
            self.topic_depth[id_] = depth

    def participant(self, person: str, role: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {"actor": person}
        if role:
            out["role"] = role
        if person in self.person_post and self.chance(0.8):
            out["post"] = self.person_post[person]
        if self.chance(0.85):
            out["on_behalf_of"] = self.person_state[person]
        if self.chance(0.2):
            out["cite"] = self.some_sources(2)
        return out

    def make_meetings(self, count: int) -> None:
        self.meetings: list[str] = []
        self.meeting_people: dict[str, list[str]] = {}
        n_big, n_side = max(1, round(count * 0.2)), max(1, round(count * 0.35))
        big: list[tuple[str, dt.date, dt.date]] = []
        for index in range(count):
            data: dict[str, Any]
            if index < n_big:
                start = self.day()
                end = start + dt.timedelta(days=self.rng.randint(1, 3))
                org = self.rng.choice(self.intl_orgs)
                kind = self.rng.choice(["summit", "ministerial", "conference", "multilateral"])
                label = {
                    "summit": "Summit",
                    "ministerial": "Defence Ministers' Meeting",
                    "conference": "Conference",
                    "multilateral": "Foreign Ministers' Meeting",
                }[kind]
                title = f"{self.name(org)} {label} {start.year}"
                people = self.some_persons(self.rng.randint(4, 6))
                participants = [
                    self.participant(
                        p,
                        "host"
                        if i == 0
                        else self.rng.choice(["principal", "principal", "delegate", None]),
                    )
                    for i, p in enumerate(people)
                ]
                if len(participants) < 6 and self.chance(0.3):
                    participants.append({"actor": org, "role": "observer"})
                place = self.rng.choice(self.venues if self.chance(0.5) else self.cities)
                data = {
                    "title": title,
                    "kind": kind,
                    "date": start.isoformat(),
                    "end_date": end.isoformat(),
                    "place": place,
                }
                summary = (
                    f"A meeting of the [[{org}]] in [[{place}]], hosted by [[{people[0]}]]. "
                    f"{self.filler(1, 3)}"
                )
            elif index < n_big + n_side:
                parent, first, last = self.rng.choice(big)
                day = first + dt.timedelta(days=self.rng.randrange((last - first).days + 1))
                people = self.some_persons(
                    self.rng.choice([2, 2, 2, 3]), among=self.meeting_people[parent]
                )
                if len(people) < 2:
                    people = self.some_persons(2)
                names = [self.name(p) for p in people]
                kind = "bilateral" if len(people) == 2 else "multilateral"
                title = f"{names[0]} meets {' and '.join(names[1:])}"
                participants = [
                    self.participant(p, "principal" if self.chance(0.7) else None) for p in people
                ]
                data = {"title": title, "kind": kind, "date": day.isoformat(), "part_of": parent}
                if self.chance(0.7):
                    data["place"] = self.records["meetings"][parent]["place"]
                summary = (
                    f"[[{people[0]}]] met [[{people[1]}]] on the sidelines of the [[{parent}]]. "
                    f"{self.filler(0, 2)}"
                )
            else:
                day = self.day()
                kind = self.rng.choice(
                    [
                        "visit",
                        "call",
                        "bilateral",
                        "bilateral",
                        "reception",
                        "multilateral",
                        "other",
                    ]
                )
                people = self.some_persons(self.rng.randint(3, 4) if kind == "multilateral" else 2)
                names = [self.name(p) for p in people]
                city = self.rng.choice(self.cities)
                if kind == "call":
                    title = f"{names[0]}–{names[1]} phone call"
                elif kind == "visit":
                    title = f"{names[0]} visits {self.name(self.place_state[city])}"
                elif kind == "reception":
                    title = f"{names[0]} receives {names[1]}"
                else:
                    title = f"{names[0]} meets {', '.join(names[1:])} in {self.name(city)}"
                data = {
                    "title": title,
                    "kind": kind,
                    "date": self.date_text(day, month=0.15, year=0.02),
                }
                if kind == "visit" and len(data["date"]) == 10 and self.chance(0.4):
                    data["end_date"] = (day + dt.timedelta(days=self.rng.randint(1, 4))).isoformat()
                if kind != "call":
                    data["place"] = city
                roles = {"visit": ["host", "guest"], "reception": ["host", "guest"]}.get(kind, [])
                participants = [
                    self.participant(
                        p, roles[i] if i < len(roles) else self.rng.choice(["principal", None])
                    )
                    for i, p in enumerate(people)
                ]
                summary = f"[[{people[0]}]] and [[{people[1]}]] held talks. {self.filler(1, 3)}"
            id_ = self.new_id(title if index < n_big else f"{title} {data['date']}")
            data["participants"] = participants
            data["topics"] = list(
                dict.fromkeys(self.rng.choice(self.topics) for _ in range(self.rng.randint(1, 3)))
            )
            data["summary"] = summary
            if self.chance(0.2, force=index == 0):
                language, text, translation = self.rng.choice(QUOTES)
                quote: dict[str, Any] = {
                    "by": self.rng.choice(people),
                    "text": text,
                    "language": language,
                }
                if translation:
                    quote["translation"] = translation
                if self.chance(0.5, force=index == 0):
                    quote["cite"] = self.some_sources(1)
                data["quotes"] = [quote]
            if self.chance(0.25):
                data["outcomes"] = [
                    self.rng.choice(
                        [
                            "Agreed to expand cooperation.",
                            "Ended without a joint statement.",
                            f"Both sides welcomed progress on the [[{data['topics'][0]}]].",
                        ]
                    )
                ]
            self.provenance(data)
            if len(data["date"]) == 10 and self.chance(0.03, force=index == 0):
                earlier = dt.date.fromisoformat(data["date"]) - dt.timedelta(days=1)
                data["disagreements"] = [
                    {
                        "field": "date",
                        "value": earlier.isoformat(),
                        "cite": self.some_sources(1),
                        "note": "This outlet reports the meeting a day earlier.",
                    }
                ]
            elif self.chance(0.01) and "post" in participants[0]:
                data["disagreements"] = [
                    {
                        "field": "participants.0.post",
                        "value": "Acting " + participants[0]["post"],
                        "cite": self.some_sources(1),
                    }
                ]
            if index < n_big:
                big.append((id_, start, end))
            self.records["meetings"][id_] = data
            self.meetings.append(id_)
            self.meeting_people[id_] = [
                p["actor"] for p in participants if p["actor"] in self.person_state
            ]

    def make_positions(self, count: int) -> None:
        stances = _weighted(STANCES)
        quoted = disputed = False
        for _ in range(count):
            stance = self.pick(stances)
            topic = self.rng.choice(self.topics)
            data: dict[str, Any]
            meeting = self.rng.choice(self.meetings) if self.chance(0.6) else None
            if meeting and self.meeting_people[meeting]:
                speaker = self.rng.choice(self.meeting_people[meeting])
                holder = self.person_state[speaker] if self.chance(0.8) else speaker
                mdate = self.records["meetings"][meeting]["date"]
                data = {
                    "holder": holder,
                    "expressed_by": speaker,
                    "topic": topic,
                    "stance": stance,
                    "date": mdate,
                    "expressed_at": meeting,
                }
            else:
                meeting = None
                roll = self.rng.random()
                if roll < 0.5:
                    holder = self.some_state()
                elif roll < 0.7:
                    holder = self.rng.choice(
                        [
                            a
                            for a in self.rng.sample(list(self.records["actors"]), 20)
                            if self.records["actors"][a]["kind"] == "organisation"
                        ]
                        or [self.some_state()]
                    )
                else:
                    holder = self.some_persons(1)[0]
                data = {"holder": holder, "topic": topic, "stance": stance}
                if holder in self.person_state:
                    pass
                elif self.chance(0.5):
                    speakers = [p for p in self.some_persons(5) if self.person_state[p] == holder]
                    if speakers:
                        data["expressed_by"] = speakers[0]
                if self.chance(0.85):
                    data["date"] = self.date_text(self.day(), month=0.2, year=0.05)
            data["statement"] = (
                f"[[{holder}]] {STANCE_VERBS[stance]} the [[{topic}]]. {self.filler(1, 3)}"
            )
            if self.chance(0.4):
                data["reason"] = (
                    f"{self.filler(1, 2)} Compare the stance of [[{self.some_state()}]]."
                )
            if data.get("expressed_by") and self.chance(0.15, force=not quoted):
                language, text, translation = self.rng.choice(QUOTES)
                quote: dict[str, Any] = {
                    "by": data["expressed_by"],
                    "text": text,
                    "language": language,
                }
                if translation:
                    quote["translation"] = translation
                if self.chance(0.5, force=not quoted):
                    quote["cite"] = self.some_sources(1)
                data["quotes"] = [quote]
                quoted = True
            id_ = self.new_id(f"{holder} {stance} {slugify(self.name(topic), 30)}")
            self.provenance(data, extra=2)
            if "date" in data and len(data["date"]) == 10 and self.chance(0.02, force=not disputed):
                later = dt.date.fromisoformat(data["date"]) + dt.timedelta(days=1)
                data["disagreements"] = [
                    {"field": "date", "value": later.isoformat(), "cite": self.some_sources(1)}
                ]
                disputed = True
            self.records["positions"][id_] = data
            if meeting and self.chance(0.5):
                outcomes = self.records["meetings"][meeting].setdefault("outcomes", [])
                outcomes.append(f"[[{holder}]] {STANCE_VERBS[stance]} the [[{topic}]] ([[{id_}]]).")

    def make_membership_posts(self) -> None:
        """States hold "member state" posts in international organisations (their members list)."""
        for org in self.intl_orgs:
            for state in dict.fromkeys(self.some_state() for _ in range(self.rng.randint(3, 10))):
                posts = self.records["actors"][state].setdefault("posts", [])
                post: dict[str, Any] = {"organisation": org, "title": "member state"}
                post["start"] = str(self.rng.randint(1950, 2020))
                posts.append(post)


def generate(n: int, seed: int = 0) -> dict[str, dict[str, dict[str, Any]]]:
    """Return {type: {id: fields}} for `n` valid records (deterministic in `n` and `seed`)."""
    return _Synth(n, seed).run()


def to_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(
        data,
        Dumper=yaml.CSafeDumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )


def write_content(target: Path | str, n: int, seed: int = 0) -> dict[str, int]:
    """Write `n` synthetic records as `target/<type>/<id>.yml`; return the count per type.

    `target` is created; it should be empty (existing files of the same name are overwritten).
    """
    target = Path(target)
    records = generate(n, seed)
    for type_, by_id in records.items():
        folder = target / type_
        folder.mkdir(parents=True, exist_ok=True)
        for id_, data in by_id.items():
            (folder / f"{id_}.yml").write_text(to_yaml(data), encoding="utf-8")
    return {type_: len(by_id) for type_, by_id in records.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of records")
    parser.add_argument("out", type=Path, help="content folder to write (actors/, meetings/, …)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    counts = write_content(args.out, args.n, args.seed)
    print(
        f"wrote {sum(counts.values())} records to {args.out}: "
        + ", ".join(f"{v} {k}" for k, v in counts.items()),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
