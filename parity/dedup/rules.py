"""When two people in the registry may be one: the candidate rules, as pure functions.

Each rule compares two people's facts (``Facts``) and says whether it holds; ``match``
combines them into a score between 0 and 1 with the reasons that held. Evidence against
(two known phone numbers that differ, different places of registration) lowers the score,
so that namesakes born on the same day in a city of millions do not fill the queue.

ID numbers are compared on their 17-digit body (the check character follows from it): a
one-character typo that an old system "repaired" by recomputing the check character still
counts as one character. A 15-digit number is compared through its 18-digit form.

Some evidence is what different people often share, so it queues a pair only when
corroborated by the same phone number or the same grid of residence (``weak`` in
``match``). A grid corroborates only what a copy registered in another grid after a move
can do without (the bench plants half its copies in another grid, bench/README):

- an ID number one digit apart under a **common name** (held by ``COMMON_NAME_HOLDERS``
  or more people of the registry, counted once per sweep; when not counted, a surname and
  one character), where namesakes' numbers differ: the tens or units of the sequence code
  (a county numbers a day's registrations one after another) or one digit of the birth
  date (namesakes born days apart, numbered from the same code: 0630 / 0610). A swap, the
  hundreds of the code or the place part is a typo far more often;
- an ID near-miss whose place part differs while the origins recorded differ too;
- an ID near-miss between names one character apart (王小明 / 王大明): two different
  errors in one record, and names one character apart are as common as a shared name.

The same name (or a homophone), birth date and sex under another number is queued with
the same origin, however common the name: a copy registered after a move looks exactly
like namesakes born the same day in one county, and only a reviewer can tell them apart
(on the demo city, whose names are few, most of the pairs the queue holds in excess).

A shared phone number alone is not enough either: a family often registers one number for
all its members. With names that agree (or are one character apart) it queues the pair.
And twins are never queued by their ID numbers: born the same day in the same place and
numbered one after another, they live in one grid with one phone, often under names one
character apart (方晶璐 / 方莉璐): a sequence-code difference needs names that agree.

Names are compared by their characters and by their pinyin: every reading of a surname
that has several (单 is shan, dan or chan), the common reading of every other character
(a rare one — 王 read yu, 郝 read shi — made strangers homophones).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, pinyin
from rapidfuzz.distance import Levenshtein

from parity.dedup.choices import Reason

# Pairs scoring below this are not queued for review (the sweep and the registration check).
MIN_SCORE = 0.5
# At most this many readings of one name are compared (a surname's readings).
_MAX_READINGS = 8


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules compare of a person (the ID number in clear, or "" if unknown)."""

    pk: int
    name: str
    sex: str
    birth_date: dt.date
    hukou_code: str = ""
    id_number: str = ""
    phone_hash: str = ""
    area_code: str = ""
    grid_id: int | None = None
    # How many people in the registry hold this name (0: not counted).
    name_holders: int = 0


@dataclass(frozen=True, slots=True)
class Match:
    score: float
    reasons: tuple[str, ...]


def id_body(number: str) -> str:
    """The 17-digit body of an ID number; a 15-digit number through its 18-digit form
    (century 19 inserted after the address code); "" for anything else."""
    if len(number) == 15:
        return number[:6] + "19" + number[6:]
    if len(number) == 18:
        return number[:17]
    return ""


def id_fifteen(a: str, b: str) -> bool:
    """One number is the 15-digit (pre-1999) form of the other."""
    if {len(a), len(b)} != {15, 18}:
        return False
    return id_body(a) == id_body(b)


def id_one_char(a: str, b: str) -> bool:
    """Two 18-digit numbers that differ in one character of the body (the check character
    may differ too), or only in the check character."""
    if len(a) != 18 or len(b) != 18 or a == b:
        return False
    return Levenshtein.distance(a[:17], b[:17], weights=(2, 2, 1)) <= 1


def id_sequence_only(a: str, b: str) -> bool:
    """Two 18-digit numbers with the same place and birth date (the first 14 digits) whose
    bodies differ: the difference is in the sequence code, where namesakes differ too."""
    return len(a) == 18 and len(b) == 18 and a[:14] == b[:14] and a[:17] != b[:17]


def id_transposed(a: str, b: str) -> bool:
    """Two 18-digit numbers whose bodies differ by two adjacent digits swapped."""
    if len(a) != 18 or len(b) != 18:
        return False
    x, y = a[:17], b[:17]
    diff = [i for i in range(17) if x[i] != y[i]]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and x[diff[0]] == y[diff[1]]
        and x[diff[1]] == y[diff[0]]
    )


# Surnames read otherwise than their characters' common reading (单 as a surname is shan,
# but dan and chan are heard too; 曾 is zeng, ceng elsewhere): every reading a clerk may
# have heard or typed. Other surnames and every given-name character are read one way.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shan", "dan", "chan"),
    "曾": ("zeng", "ceng"),
    "解": ("xie", "jie"),
    "区": ("ou", "qu"),
    "仇": ("qiu", "chou"),
    "查": ("zha", "cha"),
    "朴": ("piao", "pu"),
    "盖": ("ge", "gai"),
    "尉": ("yu", "wei"),
    "乐": ("yue", "le"),
    "覃": ("qin", "tan"),
    "缪": ("miao", "mou"),
    "员": ("yun", "yuan"),
    "召": ("shao", "zhao"),
    "秘": ("bi", "mi"),
    "种": ("chong", "zhong"),
    "折": ("she", "zhe"),
    "翟": ("zhai", "di"),
    "谌": ("chen", "shen"),
    "隗": ("wei", "kui"),
    "句": ("gou", "ju"),
    "繁": ("po", "fan"),
    "宿": ("su", "xiu"),
    "柏": ("bai", "bo"),
    "那": ("na", "nuo"),
    "粘": ("nian", "zhan"),
    "能": ("nai", "neng"),
    "藏": ("zang", "cang"),
    "重": ("chong", "zhong"),
    "沈": ("shen", "chen"),
}


@lru_cache(maxsize=50_000)
def _char_reading(char: str) -> str:
    """A character's common toneless reading (pypinyin's first): a rare or literary one
    (王 as yu, 郝 as shi, 俊 as dun) would make strangers' names homophones."""
    found = pinyin(char, style=Style.NORMAL, heteronym=False, errors="default")
    return found[0][0] if found else char


@lru_cache(maxsize=400_000)
def name_readings(name: str) -> frozenset[str]:
    """The toneless pinyin readings of a name: every reading of the surname
    (``SURNAME_READINGS``) with the common reading of each given-name character. Read
    character by character (a name is no phrase; and a city has a few thousand characters
    in its names but hundreds of thousands of names)."""
    if not name:
        return frozenset({""})
    surname = SURNAME_READINGS.get(name[0], (_char_reading(name[0]),))
    given = " ".join(_char_reading(char) for char in name[1:])
    combos = [f"{reading} {given}" if given else reading for reading in surname]
    return frozenset(combos[:_MAX_READINGS])


@lru_cache(maxsize=400_000)
def name_key(name: str) -> str:
    """One reading of a name (the first of ``name_readings``' sorted), for blocking."""
    return min(name_readings(name))


def name_homophone(a: str, b: str) -> bool:
    """Different characters that can be read the same (王小明 / 王晓明, 单 read shan / 善)."""
    return a != b and bool(name_readings(a) & name_readings(b))


def name_one_char(a: str, b: str) -> bool:
    """Names of three or more characters that differ in one (王小明 / 王大明). In a
    two-character name one character different leaves only the surname or the given name
    in common, which says little."""
    return a != b and min(len(a), len(b)) >= 3 and Levenshtein.distance(a, b) == 1


def same_phone(a: Facts, b: Facts) -> bool:
    return bool(a.phone_hash) and a.phone_hash == b.phone_hash


def same_grid(a: Facts, b: Facts) -> bool:
    return a.grid_id is not None and a.grid_id == b.grid_id


def phones_differ(a: Facts, b: Facts) -> bool:
    return bool(a.phone_hash) and bool(b.phone_hash) and a.phone_hash != b.phone_hash


def maybe_pair(a: Facts, b: Facts) -> bool:
    """A cheap test for blocks: could ``match`` queue the pair? Names that agree or are one
    character apart, the same phone, or the same ID number body (the 15-digit form). An ID
    number one typo apart under unrelated names scores below the queue without a phone
    in common, and pairs with a phone in common are compared through the phone block."""
    if a.name == b.name or same_phone(a, b):
        return True
    x, y = id_body(a.id_number), id_body(b.id_number)
    if x and x == y:
        return True
    return bool(name_readings(a.name) & name_readings(b.name)) or name_one_char(a.name, b.name)


# A name held by at least this many people of the registry is common: in a city of
# millions, two of its holders born the same day in the same county are to be expected.
COMMON_NAME_HOLDERS = 30


def common_name(a: Facts, b: Facts) -> bool:
    """Names many different people share: held by ``COMMON_NAME_HOLDERS`` or more people of
    the registry (either of the two), as the sweep counts them; when not counted (0), a
    surname and one character (王伟, 李娜), the names most people share."""
    if a.name_holders and b.name_holders:
        return max(a.name_holders, b.name_holders) >= COMMON_NAME_HOLDERS
    return min(len(a.name), len(b.name)) <= 2


def id_namesake_difference(a: str, b: str) -> bool:
    """Where the numbers of namesakes from one county differ by one digit: in the tens or
    units of the sequence code (a county numbers a day's registrations one after another),
    or in one digit of the birth date (born days or years apart, the day numbered from the
    same code). Not a transposition, not the hundreds of the code (numbers far apart), not
    the place part: those are where a typo is likelier than a namesake (on the scale-1 city
    a common name one digit apart in the units of the code was another person in 158 of
    167 pairs, in the hundreds in none of 13)."""
    x, y = id_body(a), id_body(b)
    if len(x) != 17 or len(y) != 17 or id_transposed(a, b):
        return False
    diff = [i for i in range(17) if x[i] != y[i]]
    return len(diff) == 1 and (diff[0] >= 15 or 6 <= diff[0] < 14)


def id_place_elsewhere(a: Facts, b: Facts) -> bool:
    """The place part of the numbers differs and so do the places of registration: the
    number does not point to the county the record says the person is from."""
    return a.id_number[:6] != b.id_number[:6] and a.hukou_code != b.hukou_code


def corroborated(a: Facts, b: Facts) -> bool:
    """Weak evidence counts with the same phone number or the same grid of residence."""
    return same_phone(a, b) or same_grid(a, b)


# A pair resting on weak evidence alone scores at most this (below the queue).
_WEAK_CAP = 0.45


def match(a: Facts, b: Facts) -> Match | None:
    """The score (0-1) and the reasons that two people are one, or None if no rule holds."""
    if a.pk == b.pk:
        return None
    reasons: list[str] = []
    same_name = a.name == b.name
    homophone = name_homophone(a.name, b.name)
    one_char = name_one_char(a.name, b.name)
    names_agree = same_name or homophone
    common = common_name(a, b)
    facts_agree = a.birth_date == b.birth_date and a.sex == b.sex
    same_origin = bool(a.hukou_code) and a.hukou_code == b.hukou_code
    # Evidence different people often share: capped below the queue unless corroborated.
    weak = twins = False
    score = 0.0

    if id_fifteen(a.id_number, b.id_number):
        reasons.append(Reason.ID_FIFTEEN)
        score = 0.95 if names_agree else 0.8
    elif id_one_char(a.id_number, b.id_number) or id_transposed(a.id_number, b.id_number):
        reasons.append(
            Reason.ID_TRANSPOSED if id_transposed(a.id_number, b.id_number) else Reason.ID_ONE_CHAR
        )
        # The typo may be in the birth date or the sex digit: the name must agree.
        score = 0.9 if names_agree else (0.6 if one_char else 0.2)
        # Under a common name, a difference where namesakes' numbers differ is weak.
        weak = (
            one_char
            or (names_agree and common and id_namesake_difference(a.id_number, b.id_number))
            or id_place_elsewhere(a, b)
        )
        # Twins: born the same day in the same place, numbered one after another, living
        # together (one grid, one phone), names alike but not the same (方晶璐 / 方莉璐).
        twins = not names_agree and id_sequence_only(a.id_number, b.id_number)
    elif facts_agree and same_name and (not a.id_number or a.id_number != b.id_number):
        reasons.append(Reason.SAME_NAME_BIRTH_SEX)
        score = 0.45
    elif facts_agree and homophone:
        reasons.append(Reason.NAME_HOMOPHONE)
        score = 0.45
    elif facts_agree and one_char:
        reasons.append(Reason.NAME_ONE_CHAR)
        score = 0.3

    # One number for a whole family: a shared phone alone needs names that agree.
    family_phone = not reasons and not (names_agree or one_char)
    if same_phone(a, b):
        score = max(score + 0.2, 0.5)
        reasons.append(Reason.SAME_PHONE)
    elif phones_differ(a, b) and Reason.ID_FIFTEEN not in reasons:
        score -= 0.15
    if same_origin and reasons:
        reasons.append(Reason.SAME_ORIGIN)
        score += 0.15
    if same_grid(a, b) and reasons:
        reasons.append(Reason.SAME_GRID)
    if weak and not corroborated(a, b):
        score = min(score, _WEAK_CAP)
    if family_phone or twins:
        score = min(score, _WEAK_CAP)
    if not reasons:
        return None
    return Match(score=round(min(max(score, 0.0), 1.0), 3), reasons=tuple(str(r) for r in reasons))


def is_candidate(found: Match | None, min_score: float = MIN_SCORE) -> bool:
    return found is not None and found.score >= min_score
